#!/usr/bin/env python
"""Benchmark (issue 13): the targeting list, the statistics page and a 50,000-row client-list
upload on PostgreSQL, with a 1,000,000-unit register, 250 approved providers and 50,000
affiliations.

    .venv/bin/python bench/import_bulk.py --db bht_bench_oversight --keep-file   # the register, once
    .venv/bin/python bench/oversight.py [--db bht_bench_oversight] [--runs 7]

Fills the providers, approvals (with a staff roster each) and affiliations once (fixed seed).
Pages go through Django's test client as a signed-in inspector / provider user; the printed
figure is the median server time per page (targets: < 300 ms a page). The upload (checking a
50,000-row file and building its report) runs in a child process so its own peak memory can
be read (targets: < 60 s, < 500 MB).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bht_portal.settings")
os.environ["LOG_LEVEL"] = "WARNING"
os.environ.setdefault("DB_STATEMENT_TIMEOUT", "0")  # a batch script (the fill and ANALYZE take minutes)

PROVIDERS = 250
AFFILIATIONS = 50_000
UPLOAD_ROWS = 50_000


def _setup(db: str, host: str) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@{host}:5432/{db}"
    import django

    django.setup()


def _fill() -> None:
    import datetime
    import random

    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from approvals.models import Decision
    from enterprises.models import Enterprise
    from providers.models import Affiliation, AffiliationSource, Provider
    from tests.approvals.factories import ApprovalFactory
    from tests.factories import valid_orgnr

    have = Provider.objects.filter(orgnr__in=[valid_orgnr(900_000 + i) for i in range(PROVIDERS)]).count()
    if have < PROVIDERS:
        started = time.monotonic()
        today = timezone.localdate()
        with transaction.atomic():
            for i in range(have, PROVIDERS):
                provider, _ = Provider.objects.get_or_create(
                    orgnr=valid_orgnr(900_000 + i),
                    defaults={
                        "name": f"Bench BHT {i} AS",
                        "municipality_number": ["0301", "4601", "5001", "1103"][i % 4],
                    },
                )
                start = today - datetime.timedelta(days=30 + i)
                approval = ApprovalFactory(
                    decision__case__provider=provider,
                    decision__valid_from=start,
                    decision__valid_until=start.replace(year=start.year + 5),
                )
                application = approval.case.applications.order_by("-version").first()
                Decision.objects.filter(pk=approval.decision_id).update(application=application)
        print(f"providers and approvals: {PROVIDERS} in {time.monotonic() - started:.0f} s", flush=True)
    if Affiliation.objects.count() < AFFILIATIONS:
        started = time.monotonic()
        rng = random.Random(13)
        providers = list(Provider.objects.filter(name__startswith="Bench BHT").values_list("pk", flat=True))
        with connection.cursor() as cur:
            cur.execute(
                "SELECT orgnr, employees FROM enterprises_enterprise WHERE deleted_on IS NULL AND NOT bankrupt "
                "AND has_registered_employees ORDER BY md5(orgnr) LIMIT %s",
                [AFFILIATIONS],
            )
            units = cur.fetchall()
        start = timezone.localdate() - datetime.timedelta(days=200)
        rows = [
            Affiliation(
                provider_id=rng.choice(providers), enterprise_id=orgnr, valid_from=start, employees_covered=employees,
                source=AffiliationSource.PROVIDER_LIST,
            )
            for orgnr, employees in units
        ]  # fmt: skip
        Affiliation.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
        print(f"affiliations: {len(rows):,} in {time.monotonic() - started:.0f} s", flush=True)
    for email, role, provider in (
        ("bench-inspector@test.no", Role.INSPECTOR, None),
        ("bench-provider@test.no", Role.PROVIDER, Provider.objects.filter(name__startswith="Bench BHT").first()),
    ):
        User.objects.get_or_create(email=email, defaults={"role": role, "provider": provider})
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    assert Enterprise.objects.exists(), "no register: run bench/import_bulk.py --db <this db> first"


def _time(client, url: str, runs: int) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: session, reference snapshot, plan cache
    times = []
    queries = 0
    status = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
        status = response.status_code
    return statistics.median(times), queries, status


def pages(runs: int) -> None:
    from django.core.cache import cache
    from django.core.paginator import Paginator
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from oversight import targeting
    from oversight.services import targeting_candidates_refresh

    started = time.perf_counter()
    refreshed = targeting_candidates_refresh()
    print(
        f"targeting candidates refreshed from the register: {refreshed['candidates']:,} in "
        f"{time.perf_counter() - started:.1f} s (nightly job)",
        flush=True,
    )
    inspector = Client()
    inspector.force_login(User.objects.get(email="bench-inspector@test.no"))
    total = targeting.targeting_list(day=timezone.localdate()).count()
    last = Paginator(range(total), 50).num_pages
    print(f"targeting list: {total:,} enterprises, {last:,} pages", flush=True)
    variants = [
        ("targeting list, first page", "/tilsyn/utvalg/"),
        ("targeting list, last page", f"/tilsyn/utvalg/?page={last}"),
        ("targeting list, filtered (county 46, 20-49 employees)", "/tilsyn/utvalg/?county=46&size=20-49"),
        ("targeting list, filtered (industry 41, Oslo)", "/tilsyn/utvalg/?industry=41&municipality=0301"),
    ]
    print("(median of the runs: the page count is remembered for a minute, as when paging; 'count' is the")
    print(" first request of a filter, which also counts the list)")
    for label, url in variants:
        median, queries, status = _time(inspector, url, runs)
        colds = []
        for _ in range(3):
            cache.clear()
            started = time.perf_counter()
            inspector.get(url)
            colds.append((time.perf_counter() - started) * 1000)
        print(
            f"{label:<58} {median:8.0f} ms  {queries:2d} queries  HTTP {status}; with count {statistics.median(colds):6.0f} ms",
            flush=True,
        )
    from oversight.figures import hourly_figures_refresh

    cache.clear()
    started = time.perf_counter()
    hourly_figures_refresh()
    print(
        f"{'statistics: the hourly job (register-wide shares, capacity)':<58} {(time.perf_counter() - started) * 1000:8.0f} ms"
    )
    cache.clear()
    started = time.perf_counter()
    response = inspector.get("/oversikt/statistikk/")
    cold = (time.perf_counter() - started) * 1000
    print(f"{'statistics page, cold (without the hourly job)':<58} {cold:8.0f} ms  HTTP {response.status_code}")
    median, queries, status = _time(inspector, "/oversikt/statistikk/", runs)
    print(
        f"{'statistics page, warm (shares from the hourly cache)':<58} {median:8.0f} ms  {queries:2d} queries  HTTP {status}"
    )


def upload() -> None:
    """Child process: check a 50,000-row file through the upload page and read the report."""
    import random
    import resource

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from providers.models import ClientListUpload

    with connection.cursor() as cur:
        cur.execute("SELECT orgnr FROM enterprises_enterprise ORDER BY md5(orgnr || 'u') LIMIT %s", [UPLOAD_ROWS])
        numbers = [r[0] for r in cur.fetchall()]
    rng = random.Random(7)
    lines = ["organisasjonsnummer;fra;til;ansatte"]
    for i, orgnr in enumerate(numbers):
        if i % 100 == 0:
            orgnr = orgnr[:8] + str((int(orgnr[8]) + 1) % 10)  # a typo: checksum
        lines.append(f"{orgnr};01.01.2026;;{rng.randint(1, 200)}")
    data = ("\n".join(lines) + "\n").encode()
    user = User.objects.get(email="bench-provider@test.no")
    client = Client()
    client.force_login(user)
    started = time.perf_counter()
    response = client.post("/bht/klienter/last-opp/", {"file": SimpleUploadedFile("bench.csv", data, "text/csv")})
    checked = time.perf_counter() - started
    report_url = response["Location"]
    started = time.perf_counter()
    page = client.get(report_url)
    report_ms = (time.perf_counter() - started) * 1000
    upload = ClientListUpload.objects.get(pk=int(report_url.rstrip("/").split("/")[-1]))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"upload of {UPLOAD_ROWS:,} rows ({len(data) / 1e6:.1f} MB): checked in {checked:.1f} s "
        f"({upload.accepted_count:,} accepted, {upload.refused_count:,} refused); report page {report_ms:.0f} ms "
        f"(HTTP {page.status_code}); peak RSS {peak:.0f} MB",
        flush=True,
    )
    print(
        f"  targets: < 60 s ({'OK' if checked < 60 else 'TOO SLOW'}), < 500 MB ({'OK' if peak < 500 else 'TOO MUCH'})"
    )
    upload.delete()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="bht_bench_oversight")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("part", nargs="?", default="all", choices=["all", "pages", "upload"])
    args = parser.parse_args()
    if args.part == "upload":
        _setup(args.db, args.host)
        upload()
        return 0
    env = dict(os.environ, DATABASE_URL=f"postgres://postgres@{args.host}:5432/{args.db}")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    _setup(args.db, args.host)
    _fill()
    if args.part in ("all", "pages"):
        pages(args.runs)
    if args.part in ("all", "upload"):
        subprocess.run([sys.executable, __file__, "--db", args.db, "--host", args.host, "upload"], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
