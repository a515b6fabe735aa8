"""Point-use benchmark: POST /api/v1/spend throughput and p50/p99 latency over real HTTP.

    .venv/bin/python bench/point_use.py [--db sqlite|postgres|both] [--terminals 16[,24,...]]
                                        [--seconds 15] [--workers 2] [--threads 16]
                                        [--server granian|waitress] [--client wrk|python]
                                        [--runs 1]

For each database it seeds a fresh cloud (川崎市, one point, N registered terminals with their
own Ed25519 keys, 20 card holders per terminal taking turns, each with plenty of points), starts
the real server (`mykey-cloud serve`, granian by default, on 127.0.0.1), and drives it with one
keep-alive connection per terminal, every request signed exactly as a terminal signs it
(docs/api.md) with its own nonce and Idempotency-Key. The default client is wrk replaying
requests signed before the run (bench/wrk_presigned.lua), after a 3 s warm-up that is not
measured; `--client python` signs in one process per terminal instead. PostgreSQL runs in a
private cluster started here (initdb in a temporary folder, loopback only, stopped by PID); on it
`pgbench -N` (simple update) with the same client count is the baseline, and beside it pgbench
running the statements of one point use on the general path, one transaction each (nonce,
idempotency claim, ledger_debit, completion; `PrivatePostgres.spend_script`): what the database
alone does without the group commit. `uses/txn` is how many point uses shared a transaction on
average in the HTTP run (the group commit of cloud_api/api/spend_batches.py), and the last column
is the database alone running such batches (`PrivatePostgres.batch_script`: ledger_point_uses
plus the idempotency records, that many uses per commit): the ceiling for the app on this
machine. Each row ends with the rate's ratio to both baselines. Afterwards verify-ledger must be
clean. This VM's speed varies from run to run by up to a fifth: `--runs N` repeats the whole
measurement N times and prints the median and the range. `--terminals 16,24,32` measures each
count in turn: the curve of rate against latency as more counters send at once.
"""
from __future__ import annotations

import argparse
import base64
import http.client
import json
import multiprocessing as mp
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cloud_api.clock import JST
from cloud_api.commands.serve import SQLITE_THREADS, THREADS
from cloud_api.db import Base, make_engine, make_session_factory, unit_of_work
from cloud_api.services.cards import CardHolderRef, CardTokens
from cloud_api.services.terminal_auth import ROW_COLUMNS, canonical_string

SECRET = "bench-secret-" + "x" * 20
PATH = "/api/v1/spend"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
WARM_UP_S = 3
HOLDERS_PER_TERMINAL = 20   # card holders taking turns at each terminal
TERMINAL_BASE = 90_000_000  # terminal i is f"{TERMINAL_BASE + i:08d}" (pgbench: client i)
PGBENCH_TERMINAL = f"CAST({TERMINAL_BASE} + :client_id AS TEXT)"


@dataclass(frozen=True)
class Client:
    terminal_id: str
    key_pem: bytes
    fingerprint: str
    card_tokens: tuple[str, ...]    # one per card holder served at this terminal
    point_id: str


# ---------------------------------------------------------------- seeding
def seed(url: str, terminals: int) -> list[Client]:
    """Terminals with HOLDERS_PER_TERMINAL card holders each, created in order (the pgbench
    scripts rely on terminal i's holders having consecutive ids)."""
    import cloud_api.models  # noqa: F401
    from cloud_api.clock import Clock
    from cloud_api.models.accounts import Holder, Municipality, MykeyIdRegistry, Point, Terminal
    from cloud_api.services.ledger.grant import grant
    from cloud_api.services.passwords import hash_password
    from cloud_api.services.points import get_point

    engine = make_engine(url)
    Base.metadata.create_all(engine)
    sessions = make_session_factory(engine)
    now, pw = datetime.now(JST), hash_password("bench-pass")
    with unit_of_work(sessions) as s:
        s.add(Municipality(code="141305", name="川崎市", prefecture="神奈川県"))
        s.flush()
        point = Point(kind="municipal", municipality_code="141305", name="川崎市ポイント",
                      validity_days=60, show_on_mypage=True)
        s.add(point)
        s.flush()
        point_id = point.id
    clients = []
    for i in range(terminals):
        key = Ed25519PrivateKey.generate()
        tid, fp = f"{TERMINAL_BASE + i:08d}", secrets.token_hex(32)
        pub = key.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
        tokens = []
        with unit_of_work(sessions) as s:
            s.add(Terminal(terminal_id=tid, municipality_code="141305", category="I",
                           also_point_use=False, place=f"ベンチ店舗{i}", name="レジ",
                           password_hash=pw, failed_attempts=0, state="active",
                           public_key=base64.b64encode(pub).decode(), fingerprint=fp,
                           registered_at=now))
            for h in range(HOLDERS_PER_TERMINAL):
                mykey = f"B{i:03d}{h:04d}"
                s.add(MykeyIdRegistry(mykey_id=mykey, assigned_at=now))
                s.flush()
                holder = Holder(mykey_id=mykey, state="active", mypage_password_hash="x",
                                created_at=now)
                s.add(holder)
                s.flush()
                grant(s, clock=Clock(), point=get_point(s, point_id), holder_id=holder.id,
                      amount=1_000_000, scope="SYSTEM", terminal_id=None)
                tokens.append(CardTokens(SECRET).issue(CardHolderRef(holder.id, mykey), tid, now,
                                                       3600)[0])
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        clients.append(Client(tid, pem, fp, tuple(tokens), f"{point_id:08d}"))
    engine.dispose()
    return clients


# ---------------------------------------------------------------- server
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, data_dir: Path, server: str, workers: int,
                 threads: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "MYKEY_SECRET_KEY": SECRET,
           "MYKEY_CLOUD_HOME": str(data_dir), "PYTHONPATH": str(ROOT)}
    cmd = [str(Path(sys.executable).parent / "mykey-cloud"), "serve", "--server", server,
           "--port", str(port), "--workers", str(workers), "--threads", str(threads)]
    with (data_dir / "server.log").open("wb") as log:   # the access log of every request
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def cpu_seconds(root_pid: int) -> float:
    """utime+stime of a process and its direct children (gunicorn workers, postgres backends)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if root_pid in (pid, ppid):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


# ---------------------------------------------------------------- clients
def client_loop(c: Client, port: int, seconds: float, start_at: float, out: mp.Queue) -> None:
    key = serialization.load_pem_private_key(c.key_pem, password=None)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    bodies = [json.dumps({"card_token": t, "point_id": c.point_id, "amount": 1}).encode()
              for t in c.card_tokens]
    latencies: list[float] = []
    errors = 0
    while time.time() < start_at:
        time.sleep(0.005)
    end = start_at + seconds
    while time.time() < end:
        t0 = time.perf_counter()
        status = post(conn, key, c, bodies[len(latencies) % len(bodies)])
        latencies.append(time.perf_counter() - t0)
        errors += status != 201
    out.put((latencies, errors))


def signed_headers(key, c: Client, body: bytes) -> dict[str, str]:  # type: ignore[no-untyped-def]
    ts, nonce = str(int(time.time())), secrets.token_urlsafe(18)
    text = canonical_string("POST", PATH, ts, nonce, c.fingerprint, body)
    return {"X-MyKey-Terminal": c.terminal_id, "X-MyKey-Timestamp": ts, "X-MyKey-Nonce": nonce,
            "X-MyKey-Fingerprint": c.fingerprint, "X-MyKey-Client-Version": "0.1.0",
            "X-MyKey-Signature": base64.b64encode(key.sign(text.encode())).decode(),
            "Idempotency-Key": secrets.token_urlsafe(16), "Content-Type": "application/json"}


def post(conn: http.client.HTTPConnection, key, c: Client, body: bytes) -> int:  # type: ignore[no-untyped-def]
    conn.request("POST", PATH, body=body, headers=signed_headers(key, c, body))
    resp = conn.getresponse()
    resp.read()
    return resp.status


def presign(clients: list[Client], count: int, port: int) -> list[bytes]:
    """`count` raw HTTP requests, round-robin over the terminals, each signed now with its own
    nonce and Idempotency-Key (valid for the signature window, far longer than a run)."""
    keys = [serialization.load_pem_private_key(c.key_pem, password=None) for c in clients]
    out = []
    for i in range(count):
        c, key = clients[i % len(clients)], keys[i % len(clients)]
        token = c.card_tokens[(i // len(clients)) % len(c.card_tokens)]
        body = json.dumps({"card_token": token, "point_id": c.point_id, "amount": 1}).encode()
        head = "".join(f"{k}: {v}\r\n" for k, v in signed_headers(key, c, body).items())
        out.append(f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{head}"
                   f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return out


def drive_wrk(clients: list[Client], port: int, seconds: float, work: Path,
              expected_per_s: int) -> dict[str, float]:
    """Closed-loop load from wrk (C, 2 threads, one connection per terminal) replaying
    requests signed before the run: the client costs the shared cores almost nothing."""
    threads = 2
    requests = presign(clients, int(expected_per_s * (seconds + 1)), port)
    for t in range(threads):
        (work / f"requests.{t}").write_bytes(b"\0".join(requests[t::threads]))
    res = subprocess.run(["wrk", "-t", str(threads), "-c", str(len(clients)), "-d",
                          f"{int(seconds)}s", "-s", str(ROOT / "bench" / "wrk_presigned.lua"),
                          f"http://127.0.0.1:{port}", "--", str(work / "requests.")],
                         check=True, capture_output=True, text=True)
    line = next(ln for ln in res.stdout.splitlines() if ln.startswith("WRK_JSON "))
    r = json.loads(line.split(" ", 1)[1])
    if r["requests"] >= len(requests):
        raise RuntimeError("wrk ran out of pre-signed requests: raise --expected-per-s")
    errors = r["non_2xx"] + r["socket_errors"]
    duration = r["duration_us"] / 1e6
    return {"requests": r["requests"], "errors": errors,
            "per_s": (r["requests"] - errors) / duration,
            "p50_ms": r["p50_us"] / 1000, "p99_ms": r["p99_us"] / 1000}


def drive(clients: list[Client], port: int, seconds: float) -> dict[str, float]:
    ctx = mp.get_context("fork")
    out: mp.Queue = ctx.Queue()
    start_at = time.time() + 1.0
    procs = [ctx.Process(target=client_loop, args=(c, port, seconds, start_at, out))
             for c in clients]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    lat = sorted(x for r in results for x in r[0])
    errors = sum(r[1] for r in results)
    return {"requests": len(lat), "errors": errors, "per_s": (len(lat) - errors) / seconds,
            "p50_ms": 1000 * statistics.median(lat),
            "p99_ms": 1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))]}


# ---------------------------------------------------------------- PostgreSQL
class PrivatePostgres:
    """A throw-away cluster on loopback, like installer/mykey.sh start_postgres."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="mykey-bench-pg."))
        self.port = free_port()
        self.run = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def start(self) -> str:
        if self.run:
            shutil.chown(self.dir, "postgres")
        subprocess.run([*self.run, str(PG_BIN / "initdb"), "-D", str(self.dir / "data"), "-U",
                        "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"],
                       check=True, stdout=subprocess.DEVNULL)
        opts = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                "-c max_connections=300 -c shared_buffers=256MB")
        subprocess.run([*self.run, str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"), "-l",
                        str(self.dir / "log"), "-w", "start", "-o", opts], check=True,
                       stdout=subprocess.DEVNULL)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def postmaster_pid(self) -> int:
        return int((self.dir / "data" / "postmaster.pid").read_text().split()[0])

    def stop(self) -> None:
        pid_file = self.dir / "data" / "postmaster.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().split()[0])
            os.kill(pid, signal.SIGINT)
            for _ in range(100):
                if not pid_file.exists():
                    break
                time.sleep(0.1)
        shutil.rmtree(self.dir, ignore_errors=True)

    def pgbench(self, clients: int, seconds: int, script: str | None = None) -> float:
        """tps of `pgbench -N` (simple update), or of `script` (a pgbench script file)."""
        base = [*self.run, "pgbench", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        if script is None:
            subprocess.run([*base, "-i", "-s", "10", "-q", "postgres"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        what = ["-N"] if script is None else ["-n", "-f", script]
        res = subprocess.run([*base, *what, "-c", str(clients), "-j", "2", "-T", str(seconds),
                              "-M", "prepared", "postgres"], check=True, capture_output=True,
                             text=True)
        line = next(ln for ln in res.stdout.splitlines() if ln.startswith("tps"))
        return float(line.split("=")[1].split()[0])

    def spend_script(self, ids: LedgerIds) -> str:
        """A pgbench script of the statements one point use runs on the general path: nonce,
        idempotency claim, ledger_debit, completion, in one transaction. Each pgbench client is
        one of the bench's terminals; holders are drawn at random."""
        tid = PGBENCH_TERMINAL
        return self._script("spend.sql", f"""\\set h random({ids.low}, {ids.high})
BEGIN;
INSERT INTO terminal_nonces (terminal_id, nonce, seen_at) SELECT {tid}, md5(random()::text), now() WHERE EXISTS (SELECT 1 FROM terminals WHERE terminal_id = {tid} AND state = 'active') ON CONFLICT (terminal_id, nonce) DO NOTHING RETURNING terminal_id;
INSERT INTO idempotency_records (scope, key, request_hash, created_at) VALUES ({tid}, md5(random()::text), 'pgbench', now()) ON CONFLICT (scope, key) DO NOTHING RETURNING id \\gset rec_
SELECT outcome FROM ledger_debit('holder:{ids.point}:' || :h, {ids.settlement}, 1, CAST(now() AT TIME ZONE 'Asia/Tokyo' AS DATE), {tid}, 'spend', now(), {ids.point}, :h, 'PGBENCH0', {tid}, 'pgbench', '141305', '');
UPDATE idempotency_records SET status = 201, response_body = '{{}}' WHERE id = :rec_id;
COMMIT;
""")

    def batch_script(self, ids: LedgerIds, uses: int) -> str:
        """A pgbench script of one group commit of `uses` point uses, as the app sends it:
        ledger_point_uses over `uses` uses of the client's terminal (its own card holders),
        then their idempotency records with a response of a receipt's size, one commit."""
        tid = PGBENCH_TERMINAL
        body = '{"txn_no": "2026112200001", "point_name": "川崎市ポイント", "x": "' + "0" * 160 + '"}'
        row = ", ".join(f"'n_{c}', t.{c}" for c in ROW_COLUMNS)
        return self._script(f"batch{uses}.sql", f"""\\set h random({ids.low} + :client_id * {HOLDERS_PER_TERMINAL}, {ids.low} + :client_id * {HOLDERS_PER_TERMINAL} + {HOLDERS_PER_TERMINAL - uses})
BEGIN;
SELECT count(*) FROM ledger_point_uses((SELECT jsonb_agg(jsonb_build_object('ord', g, 'n_terminal_id', t.terminal_id, 'n_nonce', md5(random()::text), 'n_seen_at', now(), {row}, 'c_scope', t.terminal_id, 'c_key', md5(random()::text), 'c_request_hash', 'pgbench', 'c_created_at', now(), 'd_holder_key', 'holder:{ids.point}:' || (:h + g), 'd_to_account', {ids.settlement}, 'd_amount', 1, 'd_business_date', CAST(now() AT TIME ZONE 'Asia/Tokyo' AS DATE), 'd_scope', t.terminal_id, 'd_kind', 'spend', 'd_executed_at', now(), 'd_point_id', {ids.point}, 'd_holder_id', :h + g, 'd_mykey_id', 'PGBENCH0', 'd_terminal_id', t.terminal_id, 'd_place', t.place, 'd_municipality_code', t.municipality_code, 'd_reason', '')) FROM generate_series(0, {uses - 1}) g, terminals t WHERE t.terminal_id = {tid}));
INSERT INTO idempotency_records (scope, key, request_hash, created_at, status, response_body) SELECT {tid}, md5(random()::text), 'pgbench', now(), 201, '{body}' FROM generate_series(1, {uses});
COMMIT;
""")

    def _script(self, name: str, sql: str) -> str:
        """Write a pgbench script where the postgres user can read it; its path."""
        path = self.dir / name
        path.write_text(sql)
        if self.run:
            shutil.chown(path, "postgres")
        return str(path)


@dataclass(frozen=True)
class LedgerIds:
    """What the pgbench scripts need of the seeded ledger (after the HTTP run)."""

    point: int
    low: int            # the lowest holder id (terminal 0's first holder)
    high: int
    settlement: int     # a settlement account made by the run

    @classmethod
    def read(cls, url: str) -> LedgerIds:
        from sqlalchemy import create_engine, text
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                point, low, high = conn.execute(text(
                    "SELECT MIN(point_id), MIN(holder_id), MAX(holder_id) FROM ledger_accounts "
                    "WHERE kind = 'holder'")).one()
                settlement = conn.execute(text("SELECT MIN(id) FROM ledger_accounts "
                                               "WHERE kind = 'settlement'")).scalar_one()
        finally:
            engine.dispose()
        return cls(point, low, high, settlement)

# ---------------------------------------------------------------- main
def last_xid(url: str) -> int:
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            return int(conn.execute(text("SELECT txid_current()")).scalar_one())
    finally:
        engine.dispose()


def verify_clean(url: str) -> int:
    from cloud_api.services.ledger.verify import verify
    engine = make_engine(url)
    with unit_of_work(make_session_factory(engine)) as s:
        found = verify(s)
    engine.dispose()
    return len(found)


def run_one(db: str, terminals: int, args: argparse.Namespace) -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="mykey-bench."))
    pg = PrivatePostgres() if db == "postgres" else None
    try:
        url = pg.start() if pg else f"sqlite:///{work / 'cloud.sqlite3'}"
        clients = seed(url, terminals)
        workers = args.sqlite_workers if db == "sqlite" else args.workers
        threads = args.sqlite_threads if db == "sqlite" else args.threads
        proc, port = start_server(url, work, args.server, workers, threads)
        pg_pid = pg.postmaster_pid() if pg else 0
        try:
            # Warm-up, not measured: every worker imports, compiles and fills its caches.
            if args.client == "wrk":
                drive_wrk(clients, port, WARM_UP_S, work, args.expected_per_s)
            cpu0, db0 = cpu_seconds(proc.pid), cpu_seconds(pg_pid) if pg else 0.0
            xid0 = last_xid(url) if pg else 0
            load = (drive_wrk(clients, port, args.seconds, work, args.expected_per_s)
                    if args.client == "wrk" else drive(clients, port, args.seconds))
            result: dict[str, object] = {"db": db, "terminals": terminals, **load}
            n = max(1, int(result["requests"]))  # type: ignore[call-overload]
            result["app_cpu_ms"] = 1000 * (cpu_seconds(proc.pid) - cpu0) / n
            result["db_cpu_ms"] = 1000 * (cpu_seconds(pg_pid) - db0) / n if pg else 0.0
            # writing transactions during the run (each takes one xid; so does txid_current)
            result["uses_per_txn"] = n / max(1, last_xid(url) - xid0 - 1) if pg else 1.0
        finally:
            stop(proc)
        result["violations"] = verify_clean(url)
        if pg:
            result["pgbench_tps"] = pg.pgbench(terminals, int(args.seconds))
            ids = LedgerIds.read(url)
            result["pgbench_spend_tps"] = pg.pgbench(terminals, int(args.seconds),
                                                     pg.spend_script(ids))
            uses = max(1, round(float(result["uses_per_txn"])))  # type: ignore[arg-type]
            result["pgbench_batch_uses"] = uses * pg.pgbench(
                terminals, int(args.seconds), pg.batch_script(ids, uses))
        return result
    finally:
        if pg:
            pg.stop()
        shutil.rmtree(work, ignore_errors=True)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--terminals", type=_counts, default=[16],
                    help="concurrent terminals; a comma list (16,24,32) measures each in turn")
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=THREADS, help="serve's PostgreSQL default")
    ap.add_argument("--server", choices=["granian", "waitress"], default="granian")
    ap.add_argument("--client", choices=["wrk", "python"], default="wrk",
                    help="wrk replays requests signed in advance; python signs each request "
                         "in one process per terminal (the client then competes for the cores)")
    ap.add_argument("--expected-per-s", type=int, default=3000,
                    help="how many requests per second to sign in advance for wrk")
    ap.add_argument("--sqlite-threads", type=int, default=SQLITE_THREADS,
                    help="SQLite's one writer: more threads only wait (serve's default too)")
    ap.add_argument("--sqlite-workers", type=int, default=1,
                    help="SQLite has one writer: several processes only add lock waits")
    ap.add_argument("--runs", type=int, default=1,
                    help="runs per database, each from a fresh cloud and cluster; with more "
                         "than one, the median and the range follow (this VM's speed varies "
                         "from run to run)")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(f"{'db':9} {'terminals':>9} {'ok/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'pgbench -N tps':>15}"
          f" {'same txn in pgbench':>20} {'app CPU ms/req':>15} {'db CPU ms/req':>14}"
          f" {'uses/txn':>9} {'its batch in pgbench, uses/s':>29}"
          f"  ({args.server} {args.workers}x{args.threads},"
          f" client {args.client},"
          f" SQLite {args.sqlite_workers}x{args.sqlite_threads}; load {os.getloadavg()[0]:.1f})")
    for db in dbs:
        for terminals in args.terminals:
            runs: list[dict[str, object]] = []
            for _ in range(max(1, args.runs)):
                runs.append(run_one(db, terminals, args))
                _print_row(db, runs[-1])
            if len(runs) > 1:
                _print_summary(db, runs)
    return 0


def _counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("terminals: positive counts, e.g. 16 or 16,24,32")
    return counts


def _print_row(db: str, r: dict[str, object]) -> None:
    base = f"{r['pgbench_tps']:15.0f}" if "pgbench_tps" in r else f"{'-':>15}"
    same = f"{r['pgbench_spend_tps']:20.0f}" if "pgbench_spend_tps" in r else f"{'-':>20}"
    batch = f"{r['pgbench_batch_uses']:29.0f}" if "pgbench_batch_uses" in r else f"{'-':>29}"
    ratios = ""
    if "pgbench_tps" in r:   # the rate beside the two baselines of the same run
        rate = float(r["per_s"])  # type: ignore[arg-type]
        ratios = (f"; ok/s to pgbench -N {rate / float(r['pgbench_tps']):.2f}, to its batch "  # type: ignore[arg-type]
                  f"in pgbench {rate / float(r['pgbench_batch_uses']):.2f}")  # type: ignore[arg-type]
    print(f"{db:9} {r['terminals']:9} {r['per_s']:8.0f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} {r['errors']:7}"
          f" {base} {same} {r['app_cpu_ms']:15.1f} {r['db_cpu_ms']:14.1f}"
          f" {r['uses_per_txn']:9.1f} {batch}"
          f"  verify-ledger violations: {r['violations']}{ratios}", flush=True)


def _print_summary(db: str, runs: list[dict[str, object]]) -> None:
    rates = [float(r["per_s"]) for r in runs]  # type: ignore[arg-type]
    p99s = [float(r["p99_ms"]) for r in runs]  # type: ignore[arg-type]
    print(f"{db:9} {runs[0]['terminals']:9} median of {len(runs)} runs: {statistics.median(rates):.0f} ok/s "
          f"(range {min(rates):.0f}-{max(rates):.0f}), p99 {statistics.median(p99s):.1f} ms "
          f"(range {min(p99s):.1f}-{max(p99s):.1f})", flush=True)


if __name__ == "__main__":
    sys.exit(main())
