#!/usr/bin/env python
"""Throughput of GET /api/v1/obligation vs a trivial JSON view (GET /api/v1/ping), side by side,
under gunicorn (2 sync workers, as in docker-compose.yml) on PostgreSQL. Prints requests/s per
endpoint (median of the rounds) and the ratio to ping (median of the per-round ratios; target ≥ 0.7).

    .venv/bin/python bench/obligation_throughput.py [--seconds 5] [--rounds 5] [--db bht_bench]

Sets up its own database (migrate, reference data, demo enterprises), starts gunicorn on a free
loopback port and drives it with `wrk` (installed with apt-get when missing and possible; a
Lua script cycles through the paths). The client shares the 2 cores with the server, so it must
be cheap: wrk costs a few per cent of a core, while a Python client costs as much CPU as the
server and makes every endpoint look alike (that hides the server's real cost). Without wrk a
single-process Python client with pre-built requests is used (noted in the output).

The web workers answer orgnr lookups from their in-memory register copy, as in docker-compose.yml
(ADR 0003; `--register-copy off` measures the database path). The benchmark waits until every
worker has loaded it and prints its size, load time and the workers' memory.

Each round measures every endpoint once; the order alternates between rounds, so drift in the
machine's load affects all endpoints alike. The load average is printed before and after.
"""

from __future__ import annotations

import argparse
import itertools
import os
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")

NACE = ["41.000", "96.020", "56.220", "62.100", "86", "85.100", "43.600", "49.410", "01.110", "35.240"]
CONNECTIONS = 8


def sh(args, env):
    subprocess.run(args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def find_wrk() -> str | None:
    """wrk on the PATH; else try to install it (Debian package), quietly; else None."""
    if not shutil.which("wrk") and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], capture_output=True)
    return shutil.which("wrk")


_LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def measure_wrk(wrk: str, port: int, paths: list[str], seconds: float) -> tuple[float, int]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(_LUA % ", ".join(f'"{p}"' for p in paths))
    try:
        result = subprocess.run(
            [wrk, "-t1", f"-c{CONNECTIONS}", f"-d{seconds:g}s", "-s", fh.name, f"http://127.0.0.1:{port}"],
            capture_output=True,
            text=True,
        )
    finally:
        os.unlink(fh.name)
    rps, errors = 0.0, 0
    for line in result.stdout.splitlines():
        line = line.strip()
        if line.startswith("Requests/sec:"):
            rps = float(line.split()[1])
        elif line.startswith("Non-2xx or 3xx responses:"):
            errors += int(line.split()[-1])
        elif line.startswith("Socket errors:"):
            errors += sum(int(part.split()[-1]) for part in line.split(":", 1)[1].split(","))
    return rps, errors


def measure_python(port: int, paths: list[str], seconds: float) -> tuple[float, int]:
    """A cheap client in one process: non-blocking sockets, pre-built requests, one request
    per connection (the sync worker closes the connection after each response)."""
    requests = itertools.cycle(
        [f"GET {p} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode() for p in paths]
    )
    sel = selectors.DefaultSelector()
    done = errors = 0

    def open_one():
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        sel.register(s, selectors.EVENT_WRITE, [next(requests), bytearray()])

    for _ in range(CONNECTIONS):
        open_one()
    started = time.monotonic()
    stop = started + seconds
    while time.monotonic() < stop:
        for key, events in sel.select(timeout=0.5):
            s, (request, buf) = key.fileobj, key.data
            try:
                if events & selectors.EVENT_WRITE:
                    s.send(request)
                    sel.modify(s, selectors.EVENT_READ, key.data)
                    continue
                chunk = s.recv(65536)
            except OSError:
                chunk, buf[:] = b"", b"x"
            if chunk:
                buf += chunk
                continue
            sel.unregister(s)
            s.close()
            if buf.startswith(b"HTTP/1.1 200") or buf.startswith(b"HTTP/1.0 200"):
                done += 1
            else:
                errors += 1
            open_one()
    elapsed = time.monotonic() - started
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    return done / elapsed, errors


def _cpu_ticks(pids) -> dict[int, int]:
    ticks = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime
    return ticks


def _cpu_used(before: dict[int, int], after: dict[int, int]) -> int:
    return sum(after[pid] - before[pid] for pid in before if pid in after)


def server_pids(master: int, db: str, host: str) -> list[int]:
    """The gunicorn workers and the PostgreSQL backends serving them (when on this machine)."""
    workers = [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    backends = subprocess.run(
        ["psql", *([] if host == "socket" else ["-h", host]), "-U", "postgres", "-d", db, "-tAc",
         f"SELECT pid FROM pg_stat_activity WHERE datname = '{db}' AND pid <> pg_backend_pid()"],
        capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    return workers + [int(b) for b in backends if b.isdigit()]


def wait_for_copies(port: int, master: int, timeout: float = 300.0) -> str:
    """Until every worker says (in /healthz) that its register copy is loaded; its size and RSS."""
    import json
    import urllib.request

    deadline, ready = time.monotonic() + timeout, 0
    status: dict = {}
    while ready < 20 and time.monotonic() < deadline:  # 20 in a row: both workers have answered
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            status = json.load(response)["register_copy"]
        ready = ready + 1 if status["state"] == "ready" else 0
        time.sleep(0.05 if ready else 0.5)
    workers = [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    rss = [int(Path(f"/proc/{w}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20 for w in workers]
    return (
        f"{status.get('state')}, {status.get('units')} units loaded in {status.get('load_seconds') or 0:.1f} s; "
        f"worker RSS {', '.join(f'{r} MiB' for r in rss)}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--db", default="bht_bench")
    parser.add_argument(
        "--host", default="127.0.0.1", help="PostgreSQL host, or 'socket' for the local Unix socket (no TCP)"
    )
    parser.add_argument("--no-setup", action="store_true", help="reuse the database as it is (no migrate/seed)")
    parser.add_argument("--python-client", action="store_true", help="use the Python client even if wrk exists")
    parser.add_argument("--register-file", help="import this bulk file (enterprises/generator.py) before measuring")
    parser.add_argument("--orgnrs", type=int, default=20_000, help="how many random existing numbers to ask for")
    parser.add_argument(
        "--register-copy",
        choices=["on", "off"],
        default="on",
        help="the web workers' in-memory register copy (ADR 0003; on in docker-compose.yml)",
    )
    args = parser.parse_args()

    env = dict(os.environ)
    env.update(
        DATABASE_URL=(
            f"postgres://postgres@/{args.db}"  # the server's default Unix socket: no TCP round trip
            if args.host == "socket"
            else f"postgres://postgres@{args.host}:5432/{args.db}"
        ),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        REDIS_URL="",
        CELERY_BROKER_URL="",
    )
    measure_env = dict(env, ENTERPRISE_REGISTER_COPY="true" if args.register_copy == "on" else "false")
    if not args.no_setup:
        subprocess.run(
            ["createdb", *([] if args.host == "socket" else ["-h", args.host]), "-U", "postgres", args.db],
            capture_output=True,
        )
        print(f"database {args.db}: migrate, reference data, demo enterprises ...", flush=True)
        sh([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
        sh([PY, "manage.py", "load_reference_data"], env)
        sh([PY, "manage.py", "seed_demo"], env)
    if args.register_file:
        print(f"importing {args.register_file} into {args.db} ...", flush=True)
        sh([PY, "manage.py", "import_enhetsregisteret", args.register_file, "--quiet-progress"], env)
    # Random existing units, many more than a round requests, so no number comes back often
    # enough for a cache to flatter the figures (the whole register with --register-file).
    # (Django 5.2's shell prints "N objects imported automatically" on stdout first: keep only
    # the numbers, or those words become requests that are answered 400 and counted as errors.)
    orgnrs = [
        token
        for token in subprocess.run(
            [PY, "manage.py", "shell", "-c",
             "from enterprises.models import Enterprise;"
             f"print(' '.join(Enterprise.objects.order_by('?').values_list('orgnr', flat=True)[:{args.orgnrs}]))"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        ).stdout.split()
        if token.isdigit() and len(token) == 9
    ]  # fmt: skip
    units = subprocess.run(
        [
            PY,
            "manage.py",
            "shell",
            "-c",
            "from enterprises.models import Enterprise; print(Enterprise.objects.count())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    print(f"register: {units} units; {len(orgnrs)} random existing numbers", flush=True)

    port = free_port()
    server = subprocess.Popen(
        [GUNICORN, "bht_portal.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=measure_env,
        start_new_session=True,
    )
    wrk = None if args.python_client else find_wrk()

    def measure(paths: list[str], seconds: float) -> tuple[float, int]:
        if wrk:
            return measure_wrk(wrk, port, paths, seconds)
        return measure_python(port, paths, seconds)

    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        if args.register_copy == "on":
            print(f"register copy: {wait_for_copies(port, server.pid)}", flush=True)
        ping = ["/api/v1/ping"]
        by_code = [f"/api/v1/obligation?nace={c}" for c in NACE]
        by_orgnr = [f"/api/v1/obligation?orgnr={o}" for o in orgnrs]
        mixed = [p for pair in zip(itertools.cycle(by_code), by_orgnr, strict=False) for p in pair]
        print(f"client: {wrk or 'Python (wrk not found)'}, {CONNECTIONS} connections; load average {load_average()}")
        measure(ping + by_code + by_orgnr, 3.0)  # warm up both workers
        series = {
            "ping": ping,
            "obligation (nace)": by_code,
            "obligation (orgnr)": by_orgnr,
            "obligation (mixed)": mixed,
        }
        totals: dict[str, list[float]] = {name: [] for name in series}
        cpu: dict[str, list[float]] = {name: [] for name in series}
        for r in range(args.rounds):
            order = list(series) if r % 2 == 0 else list(reversed(series))
            for name in order:
                pids = server_pids(server.pid, args.db, args.host)
                ticks, started = _cpu_ticks(pids), time.monotonic()
                rps, errors = measure(series[name], args.seconds)
                requests = rps * (time.monotonic() - started) or 1
                cpu_ms = _cpu_used(ticks, _cpu_ticks(pids)) / os.sysconf("SC_CLK_TCK") * 1000 / requests
                totals[name].append(rps)
                cpu[name].append(cpu_ms)
                note = f"  ({errors} errors)" if errors else ""
                print(f"round {r + 1}: {name:<20} {rps:8.0f} req/s  server CPU {cpu_ms:5.2f} ms/req{note}", flush=True)
        ratios = {
            name: statistics.median(v / p for v, p in zip(values, totals["ping"], strict=True))
            for name, values in totals.items()
        }
        print()
        print(
            f"gunicorn 2 sync workers, PostgreSQL, register copy {args.register_copy}, {args.rounds} rounds × {args.seconds:g} s per endpoint; "
            f"load average {load_average()}"
        )
        for name, values in totals.items():
            print(
                f"  {name:<20} median {statistics.median(values):6.0f} req/s  (min {min(values):.0f}, "
                f"max {max(values):.0f})  ratio to ping (median of rounds) {ratios[name]:5.2f}   "
                f"server CPU {statistics.median(cpu[name]):.2f} ms/req"
            )
        print(
            "  capacity by server CPU (ping CPU / endpoint CPU, medians; less sensitive to other load): "
            + ", ".join(
                f"{name.split()[-1]} {statistics.median(cpu['ping']) / statistics.median(cpu[name]):.2f}"
                for name in series
                if name != "ping"
            )
        )
        ok = all(ratios[n] >= 0.7 for n in series if n != "ping")
        print(
            f"orgnr / ping = {ratios['obligation (orgnr)']:.2f}, mixed / ping = {ratios['obligation (mixed)']:.2f}, "
            f"nace / ping = {ratios['obligation (nace)']:.2f} (target ≥ 0.70): {'OK' if ok else 'BELOW TARGET'}"
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
