#!/usr/bin/env python
"""Throughput of GET /api/v1/obligation vs a trivial JSON view (GET /api/v1/ping), side by side,
under gunicorn (2 sync workers) on PostgreSQL. Prints requests/s and the ratio (target ≥ 0.7).

    .venv/bin/python bench/obligation_throughput.py [--seconds 5] [--rounds 3] [--db bht_bench]

Sets up its own database (migrate, reference data, demo enterprises), starts gunicorn on a free
loopback port, and drives it with a load client of several processes × threads (wrk is used
when installed). Rounds alternate between the endpoints so both see the same conditions.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")

NACE = ["41.000", "96.020", "56.220", "62.100", "86", "85.100", "43.600", "49.410", "01.110", "35.240"]


def sh(args, env):
    subprocess.run(args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(port: int, paths: list[str], seconds: float, threads: int, out: multiprocessing.Queue):
    stop = time.monotonic() + seconds
    counts = [0] * threads
    errors = [0] * threads

    def run(i: int):
        cycle = itertools.cycle(paths[i % len(paths) :] + paths[: i % len(paths)])
        while time.monotonic() < stop:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", next(cycle))
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    counts[i] += 1
                else:
                    errors[i] += 1
            except OSError:
                errors[i] += 1
            finally:
                conn.close()

    ts = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    out.put((sum(counts), sum(errors)))


def measure(port: int, paths: list[str], seconds: float, procs: int = 2, threads: int = 4) -> tuple[float, int]:
    if shutil.which("wrk") and len(paths) == 1:
        result = subprocess.run(
            ["wrk", "-t2", "-c8", f"-d{int(seconds)}s", f"http://127.0.0.1:{port}{paths[0]}"],
            capture_output=True,
            text=True,
        )
        for line in result.stdout.splitlines():
            if line.startswith("Requests/sec:"):
                return float(line.split()[1]), 0
    queue: multiprocessing.Queue = multiprocessing.Queue()
    started = time.monotonic()
    ps = [multiprocessing.Process(target=_worker, args=(port, paths, seconds, threads, queue)) for _ in range(procs)]
    for p in ps:
        p.start()
    results = [queue.get() for _ in ps]
    for p in ps:
        p.join()
    elapsed = time.monotonic() - started
    return sum(r[0] for r in results) / elapsed, sum(r[1] for r in results)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db", default="bht_bench")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()

    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://postgres@{args.host}:5432/{args.db}",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        REDIS_URL="",
        CELERY_BROKER_URL="",
    )
    subprocess.run(["createdb", "-h", args.host, "-U", "postgres", args.db], capture_output=True)
    print(f"database {args.db}: migrate, reference data, demo enterprises ...", flush=True)
    sh([PY, "manage.py", "migrate", "--noinput", "-v0"], env)
    sh([PY, "manage.py", "load_reference_data"], env)
    sh([PY, "manage.py", "seed_demo"], env)
    orgnrs = (
        subprocess.run(
            [PY, "manage.py", "shell", "-c",
             "from enterprises.models import Enterprise;"
             "print(' '.join(Enterprise.objects.order_by('orgnr').values_list('orgnr', flat=True)[:50]))"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        ).stdout.split()[-50:]
    )  # fmt: skip

    port = free_port()
    server = subprocess.Popen(
        [GUNICORN, "bht_portal.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        ping = ["/api/v1/ping"]
        by_code = [f"/api/v1/obligation?nace={c}" for c in NACE]
        by_orgnr = [f"/api/v1/obligation?orgnr={o}" for o in orgnrs]
        mixed = [p for pair in zip(itertools.cycle(by_code), by_orgnr, strict=False) for p in pair]
        measure(port, ping + by_code + by_orgnr, 2.0)  # warm up both workers
        series = {
            "ping": ping,
            "obligation (nace)": by_code,
            "obligation (orgnr)": by_orgnr,
            "obligation (mixed)": mixed,
        }
        totals = {name: [] for name in series}
        for r in range(args.rounds):
            for name, paths in series.items():
                rps, errors = measure(port, paths, args.seconds)
                totals[name].append(rps)
                print(
                    f"round {r + 1}: {name:<20} {rps:8.0f} req/s{f'  ({errors} errors)' if errors else ''}", flush=True
                )
        base = sum(totals["ping"]) / len(totals["ping"])
        print()
        print(f"gunicorn 2 workers, PostgreSQL, {args.rounds} rounds × {args.seconds:.0f} s per endpoint")
        for name, values in totals.items():
            mean = sum(values) / len(values)
            print(f"  {name:<20} {mean:8.0f} req/s   ratio to ping {mean / base:5.2f}")
        ratio = (sum(totals["obligation (mixed)"]) / len(totals["obligation (mixed)"])) / base
        print(f"obligation (mixed) / ping = {ratio:.2f} (target ≥ 0.70): {'OK' if ratio >= 0.7 else 'BELOW TARGET'}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
