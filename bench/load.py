#!/usr/bin/env python
"""Load on the public obligation check and the public register: `clients` concurrent clients
for `seconds`, each request as soon as the previous answer came (closed loop), against
gunicorn (3 sync workers) on a private PostgreSQL and Redis (the set-up of bench/faults/run.py;
API throttles raised, as every client comes from one address). Prints requests/s, p50/p95/p99
and the errors (anything but a 200, or no answer within 30 s). Exit status 1 on any error.

    .venv/bin/python bench/load.py [--clients 50] [--seconds 60]

The client is one process with non-blocking sockets (asyncio), so 50 clients cost it little of
the two cores the server also needs. Paths, in turn: the check page and the API by
organisation number (random existing units) and by industry code, the register page (plain,
searched, a county) and the register API.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

NACE = ["41.000", "96.020", "56.220", "62.100", "86", "85.100", "43.600", "49.410", "01.110", "35.240"]


def paths_for(orgnrs: list[str]) -> list[str]:
    rng = random.Random(14)
    out = []
    for i in range(400):
        orgnr = rng.choice(orgnrs)
        nace = NACE[i % len(NACE)]
        out += [
            f"/api/v1/obligation?orgnr={orgnr}",
            f"/virksomhet/ma-vi-ha-bht/?q={orgnr}",
            f"/api/v1/obligation?nace={nace}",
            f"/virksomhet/ma-vi-ha-bht/?q={nace}",
            "/godkjente-bht/",
            "/godkjente-bht/?q=BHT",
            "/api/v1/providers",
        ]
    return out


async def _one(port: int, path: str, timeout: float) -> tuple[int | str, float]:
    started = time.monotonic()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = await asyncio.wait_for(reader.read(), timeout)  # to EOF (the worker closes)
        writer.close()
        status: int | str = int(data[9:12]) if data.startswith(b"HTTP/1.") else "bad answer"
    except TimeoutError:
        status = "timeout"
    except OSError as exc:
        status = type(exc).__name__
    return status, time.monotonic() - started


async def _run(port: int, paths: list[str], clients: int, seconds: float, timeout: float):
    records: list[tuple[float, int | str, float]] = []
    stop = time.monotonic() + seconds

    async def client(i: int):
        n = i * 7
        while time.monotonic() < stop:
            path = paths[n % len(paths)]
            n += 1
            status, took = await _one(port, path, timeout)
            records.append((time.monotonic(), status, took))

    started = time.monotonic()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return records, time.monotonic() - started


def run_load(port: int, orgnrs: list[str], *, clients: int = 50, seconds: float = 60, timeout: float = 30) -> dict:
    records, elapsed = asyncio.run(_run(port, paths_for(orgnrs), clients, seconds, timeout))
    latencies = sorted(r[2] for r in records)
    errors: dict = {}
    for _t, status, _d in records:
        if status != 200:
            errors[status] = errors.get(status, 0) + 1

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0.0

    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(records),
        "rps": round(len(records) / elapsed, 1),
        "p50_ms": round(pct(0.50) * 1000),
        "p95_ms": round(pct(0.95) * 1000),
        "p99_ms": round(pct(0.99) * 1000),
        "max_ms": round((latencies[-1] if latencies else 0) * 1000),
        "mean_ms": round(statistics.fmean(latencies) * 1000) if latencies else 0,
        "errors": errors,
    }


def describe(result: dict) -> str:
    return (
        f"{result['clients']} clients × {result['seconds']:g} s: {result['requests']} requests, "
        f"{result['rps']:.0f} requests/s, p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
        f"p99 {result['p99_ms']} ms, max {result['max_ms']} ms; errors {sum(result['errors'].values())} {result['errors'] or ''}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent / "faults"))
    import tempfile

    from run import Portal  # bench/faults/run.py

    tmp = Path(tempfile.mkdtemp(prefix="bht-load-"))
    portal = Portal(tmp)
    try:
        portal.setup()
        portal.start_web()
        orgnrs = portal.actor("orgnrs", "500")["orgnrs"]
        run_load(portal.port, orgnrs, clients=4, seconds=3)  # warm up every worker
        result = run_load(portal.port, orgnrs, clients=args.clients, seconds=args.seconds)
        print(describe(result))
        return 1 if result["errors"] else 0
    finally:
        portal.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
