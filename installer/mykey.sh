#!/usr/bin/env bash
# One entry point for a developer machine or CI (Debian 12, Python 3.11):
#   ./installer/mykey.sh demo   install what is missing, then run the cloud (SQLite, demo data)
#                               and the terminal app in demo mode (virtual card, printer emulator)
#   ./installer/mykey.sh test   install what is missing, then run the whole test suite
#                               (SQLite, then the database tests again on a private PostgreSQL)
# System packages come from Debian (apt-get, as root); Python packages go into ./.venv.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
VENV="${MYKEY_VENV:-$here/.venv}"
PY="$VENV/bin/python"

APT_PACKAGES=(
  pcscd libpcsclite-dev swig vsmartcard-vpcd      # PC/SC: real daemon, pyscard build, virtual reader
  xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 libegl1 libgl1
  fonts-ipafont-gothic                            # Japanese screens, receipts and screenshots
  zbar-tools libzbar0                             # decoding printed QR codes / barcodes in tests
  chromium                                        # browser tests of the municipal console
  postgresql                                      # the production database, tested for real
  wrk                                             # load generator of bench/point_use.py
  iproute2 util-linux procps                      # namespaces for the isolated pcscd
)

log() { printf '\033[1;34m[mykey]\033[0m %s\n' "$*" >&2; }

install_system_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages (run as root to install): ${missing[*]}"
    return 0
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_python_packages() {
  local stamp="$VENV/.mykey-installed"
  local want
  want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ -x "$PY" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  [ -x "$PY" ] || { log "creating $VENV"; python3.11 -m venv "$VENV" 2>/dev/null || python3 -m venv "$VENV"; }
  log "installing Python packages into $VENV"
  "$PY" -m pip install -q --upgrade pip 2>&1 | grep -v "is ignored" || true
  "$PY" -m pip install -q -e ".[test]" 2>&1 | grep -v "is ignored" || true
  "$PY" -c "import flask, sqlalchemy, PySide6, smartcard, serial, usb" \
    || { log "Python packages did not install"; exit 1; }
  echo "$want" > "$stamp"
}

setup() {
  install_system_packages
  install_python_packages
}

# A private PostgreSQL cluster for the tests: own directory, own port, loopback only.
PG_DIR=""
start_postgres() {
  local pgbin
  pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  if [ -z "$pgbin" ]; then log "PostgreSQL not installed: skipping PostgreSQL tests"; return 1; fi
  PG_DIR="$(mktemp -d /tmp/mykey-pg.XXXXXX)"
  local port="${MYKEY_TEST_PG_PORT:-54329}"
  local run=(); [ "$(id -u)" = 0 ] && { chown postgres: "$PG_DIR"; run=(runuser -u postgres --); }
  "${run[@]}" "$pgbin/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${run[@]}" "$pgbin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w start \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" >/dev/null
  export MYKEY_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  log "PostgreSQL up on 127.0.0.1:$port (pid $(head -1 "$PG_DIR/data/postmaster.pid"))"
}
stop_postgres() {
  [ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ] || return 0
  kill -INT "$(head -1 "$PG_DIR/data/postmaster.pid")" 2>/dev/null || true
  for _ in $(seq 50); do [ -f "$PG_DIR/data/postmaster.pid" ] || break; sleep 0.1; done
  rm -rf "$PG_DIR"
}

cmd_test() {
  setup
  export QT_QPA_PLATFORM=offscreen PYTHONDONTWRITEBYTECODE=1
  trap stop_postgres EXIT
  start_postgres || true
  # The whole suite on the default (SQLite) database, then the database-backed tests on PostgreSQL.
  "$PY" -m pytest -q -p no:cacheprovider "$@"
  if [ -n "${MYKEY_TEST_DATABASE_URL:-}" ]; then
    log "running the database tests again on PostgreSQL"
    local rc=0
    MYKEY_TEST_DB=postgres "$PY" -m pytest -q -p no:cacheprovider -m db "$@" || rc=$?
    [ "$rc" = 0 ] || [ "$rc" = 5 ] || return "$rc"   # 5: no database test selected
  fi
}

cmd_demo() {
  setup
  if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}${QT_QPA_PLATFORM:-}" ]; then
    # A headless machine: show the app through Qt's built-in VNC server instead of failing.
    export QT_QPA_PLATFORM="vnc:size=1280x860:port=${MYKEY_DEMO_VNC_PORT:-5900}"
    log "no display: the demo is shown over VNC on port ${MYKEY_DEMO_VNC_PORT:-5900}" \
        "(connect a VNC viewer; demo data only — use on a trusted network)"
  fi
  exec "$PY" -m terminal_app.demo "$@"
}

case "${1:-}" in
  test) shift; cmd_test "$@" ;;
  demo) shift; cmd_demo "$@" ;;
  setup) setup ;;
  *) echo "usage: $0 {demo|test|setup}" >&2; exit 2 ;;
esac
