#!/usr/bin/env python
"""Benchmark: seconds per decision letter (WeasyPrint, PDF/UA-1) in a warm process.

    .venv/bin/python bench/letter.py [--runs 20] [--staff 4,30]

Builds a throwaway SQLite database in a temporary folder (no network, no shared state),
creates one approved decision per roster size, renders each letter twice to warm up, then
`runs` times, and prints the median and the page count. Target: < 0.5 s for <= 3 pages.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.mkdtemp(prefix="bench-letter-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bht_portal.settings")
os.environ["PRIVATE_FILE_ROOT"] = TMP
os.environ["LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--staff", default="4,12,30", help="roster sizes, comma-separated")
    args = parser.parse_args()

    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("weasyprint.progress").setLevel(logging.ERROR)
    call_command("migrate", verbosity=0)

    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from approvals.letters import letter_render
    from approvals.services.cases import case_decide
    from tests.approvals.factories import (
        APPROVABLE_ROSTER,
        ApplicationFactory,
        CaseFactory,
        add_roster,
        assessed,
        mark_submitted,
    )
    from tests.factories import UserFactory

    handler = UserFactory(case_handler=True, full_name="Sara Saksbehandler")
    print(f"decision letter, WeasyPrint PDF/UA-1, median of {args.runs} in a warm process")
    for size in (int(s) for s in args.staff.split(",")):
        case = CaseFactory(status="in_review", provider__name="Ærlige Øst-Åsen BHT AS", _with_application=False)
        application = ApplicationFactory(provider=case.provider)
        roster = [
            (f"{n} {i}", p, f"{2000000 + i}", fte, d)
            for i, (n, p, _h, fte, d) in enumerate(APPROVABLE_ROSTER * (size // 4 + 1))
        ][:size]
        add_roster(application, roster)
        mark_submitted(application, case=case)
        decision = case_decide(case=case, actor=handler, outcome="approved", assessments=assessed())
        for _ in range(2):
            letter_render(decision=decision)
        times, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            rendered = letter_render(decision=decision)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        print(
            f"  staff={size:3d}  pages={rendered.pages}  median={statistics.median(times):.3f} s  "
            f"(cpu {statistics.median(cpu):.3f} s)  min={min(times):.3f} s  max={max(times):.3f} s  "
            f"size={len(rendered.pdf) // 1024} KiB"
        )
    print(f"  load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
