#!/usr/bin/env python
"""Import a generated bulk file of N units (default 1,000,000) into PostgreSQL and print
units/second, wall time and the import process's peak memory (targets: < 5 min, < 500 MB).

    .venv/bin/python bench/import_bulk.py [--units 1000000] [--db bht_bench_import] [--keep-file]

The file is generated first (not timed) with bench/unit_generator.py; the import runs
`manage.py import_enhetsregisteret` in a child process so its peak RSS can be read.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--db", default="bht_bench_import")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--file", help="use this bulk file instead of generating one")
    parser.add_argument("--keep-file", action="store_true")
    parser.add_argument(
        "--without-notify",
        action="store_true",
        help="disable the register-change triggers (migration enterprises/0003, ADR 0003) to measure their cost",
    )
    args = parser.parse_args()

    env = dict(os.environ, DATABASE_URL=f"postgres://postgres@{args.host}:5432/{args.db}", LOG_LEVEL="WARNING")
    subprocess.run(["dropdb", "-h", args.host, "-U", "postgres", "--if-exists", args.db], capture_output=True)
    subprocess.run(["createdb", "-h", args.host, "-U", "postgres", args.db], check=True)
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "load_reference_data"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    if args.without_notify:
        tables = ("enterprises_enterprise", "enterprises_subunit", "enterprises_dispensation")
        sql = "".join(
            f"ALTER TABLE {t} DISABLE TRIGGER {t}_register_notify_{op};" for t in tables for op in ("ins", "upd", "del")
        )
        subprocess.run(["psql", "-q", "-h", args.host, "-U", "postgres", "-d", args.db, "-c", sql], check=True)
        print("register-change triggers disabled")

    path = args.file
    if not path:
        path = str(Path(tempfile.gettempdir()) / f"enheter_{args.units}.json.gz")
        if not Path(path).exists():
            started = time.monotonic()
            subprocess.run([PY, "-m", "bench.unit_generator", str(args.units), path], cwd=ROOT, check=True)
            print(f"generated in {time.monotonic() - started:.0f} s", flush=True)
    print(f"file: {path} ({Path(path).stat().st_size / 1e6:.0f} MB compressed)", flush=True)

    for run in ("first import (empty table)", "re-run (all unchanged)"):
        started = time.monotonic()
        child = subprocess.Popen(
            [PY, "manage.py", "import_enhetsregisteret", path, "--quiet-progress"], cwd=ROOT, env=env
        )
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak RSS
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            sys.exit(f"import failed with exit code {child.returncode}")
        wall = time.monotonic() - started
        peak_mb = usage.ru_maxrss / 1024  # KiB on Linux
        print(
            f"{run}: {args.units:,} units in {wall:.1f} s = {args.units / wall:,.0f} units/s; peak RSS {peak_mb:.0f} MB",
            flush=True,
        )
        print(
            f"  targets: < 300 s ({'OK' if wall < 300 else 'TOO SLOW'}), < 500 MB ({'OK' if peak_mb < 500 else 'TOO MUCH'})"
        )
    if not args.keep_file and not args.file:
        os.unlink(path)


if __name__ == "__main__":
    sys.exit(main())
