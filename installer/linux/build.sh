#!/usr/bin/env bash
# Build the Linux desktop bundle of マイキープラットフォーム等活用ソフト (x86_64, one folder):
#   installer/linux/build.sh [--out DIR] [--work DIR]
# 1. PyInstaller (from the project venv, pinned in pyproject.toml [build]) on
#    installer/linux/mykey-terminal.spec -> <work>/dist/mykey-terminal/
# 2. stages the folder with the .desktop entry, the 256 px icon and install.sh
# 3. packs <out>/mykey-terminal-<version>-linux-x86_64.tar.gz (default out: ./dist)
# The last line printed on stdout is the path of the tarball.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
VENV="${MYKEY_VENV:-$here/.venv}"
PY="$VENV/bin/python"
OUT="$here/dist"
WORK=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    *) echo "usage: $0 [--out DIR] [--work DIR]" >&2; exit 2 ;;
  esac
done

log() { printf '\033[1;34m[mykey-build]\033[0m %s\n' "$*" >&2; }

version="$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -1)"
[ -n "$version" ] || { log "no version in pyproject.toml"; exit 1; }
name="mykey-terminal-$version-linux-x86_64"

ensure_pyinstaller() {
  "$PY" -c "import PyInstaller" 2>/dev/null && return 0
  local pin
  pin="$(grep -o 'pyinstaller==[0-9.]*' pyproject.toml | head -1)"
  log "installing $pin into $VENV"
  "$PY" -m pip install -q "$pin"
}

cleanup_work=0
if [ -z "$WORK" ]; then WORK="$(mktemp -d)"; cleanup_work=1; fi
trap '[ "$cleanup_work" = 1 ] && rm -rf "$WORK"' EXIT
mkdir -p "$OUT" "$WORK"

ensure_pyinstaller
log "PyInstaller $version -> $WORK/dist"
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$WORK/dist" --workpath "$WORK/build" installer/linux/mykey-terminal.spec >&2

stage="$WORK/stage/$name"
rm -rf "$WORK/stage"
mkdir -p "$stage"
cp -a "$WORK/dist/mykey-terminal" "$stage/mykey-terminal"
sed "s/@VERSION@/$version/" installer/linux/mykey-terminal.desktop > "$stage/mykey-terminal.desktop"
cp resources/icons/mykey-256.png "$stage/mykey-terminal.png"
install -m 0755 installer/linux/install.sh "$stage/install.sh"
cp installer/linux/README.txt "$stage/README.txt"

tarball="$OUT/$name.tar.gz"
tar -C "$WORK/stage" -czf "$tarball" "$name"
log "wrote $tarball ($(du -h "$tarball" | cut -f1))"
echo "$tarball"
