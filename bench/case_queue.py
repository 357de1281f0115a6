#!/usr/bin/env python
"""Benchmark: the case handler's queue page with 10,000 cases on PostgreSQL.

    .venv/bin/python bench/case_queue.py [--cases 10000] [--runs 30]

Uses its own database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bht_bench5;
created if missing, migrated, filled once). Requests go through Django's test client as a
logged-in case handler; prints the median server time and the SQL query count per variant.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bht_bench5"
os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bht_portal.settings")
os.environ["LOG_LEVEL"] = "WARNING"


def _ensure_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def _fill(n: int) -> None:
    import datetime
    import random

    from django.utils import timezone

    from accounts.models import Role, User
    from approvals.models import Case, CaseStatus
    from providers.models import Provider
    from tests.factories import valid_orgnr

    have = Case.objects.count()
    if have >= n:
        return
    rng = random.Random(5)
    handlers = [
        User.objects.get_or_create(
            email=f"bench-handler{i}@test.no", defaults={"role": Role.CASE_HANDLER, "full_name": f"Handler {i}"}
        )[0]
        for i in range(8)
    ]
    providers = Provider.objects.bulk_create(
        [Provider(orgnr=valid_orgnr(900000 + i), name=f"Bench BHT {i:04d} AS", city="Oslo") for i in range(400)],
        ignore_conflicts=True,
    )
    providers = list(Provider.objects.filter(name__startswith="Bench BHT"))
    now = timezone.now()
    year = now.year - 1  # a year no real case uses
    statuses = list(CaseStatus.values)
    rows = []
    for i in range(have, n):
        case = Case(
            case_number=f"{year}/{i + 1:05d}"[:12],
            year=year,
            sequence=i + 1,
            provider=rng.choice(providers),
            status=rng.choice(statuses),
            assigned_to=rng.choice(handlers + [None, None]),
            received_at=now - datetime.timedelta(days=rng.randint(0, 900), minutes=rng.randint(0, 1440)),
            failed_rule_count=rng.choice([0, 0, 0, 1, 2]),
            warning_count=rng.choice([0, 0, 1]),
        )
        rows.append(case)
    Case.objects.bulk_create(rows, batch_size=2000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("bench/case_queue.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    _ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    _fill(args.cases)
    from accounts.models import User
    from approvals.models import Case

    handler = User.objects.get(email="bench-handler0@test.no")
    client = Client()
    client.force_login(handler)
    variants = {
        "default (newest first, page 1)": {},
        "page 200": {"page": 200},
        "open + assigned to me": {"status": "open", "assigned": "me"},
        "unassigned + fails a rule, by provider": {"assigned": "unassigned", "fails_rule": "on", "sort": "provider"},
        "search provider name": {"q": "Bench BHT 01"},
        "search case number": {"q": "/0123"},
    }
    print(f"case queue on PostgreSQL, {Case.objects.count()} cases, median of {args.runs} requests")
    for label, params in variants.items():
        client.get("/saker/", params)  # warm
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            response = client.get("/saker/", params)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            client.get("/saker/", params)
        print(f"  {label:42s} median={statistics.median(times) * 1000:6.1f} ms  queries={len(ctx.captured_queries)}")
    print(f"  load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
