"""The Django side of the fault scripts, run as a subprocess in the scripts' environment (the
private PostgreSQL and Redis): make cases and due reminders, decide cases (pausing half-way so
the script can stop Redis), send jobs through the broker, and report what the database holds.

    python bench/faults/actors.py COMMAND [ARGS]     prints one JSON line
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bht_portal.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402


def _fresh_case_numbers() -> None:
    """Each run of this script is a new process: start the factory's case numbers past every
    number taken so far (the count only grows, so the ranges never overlap)."""
    from approvals.models import Case
    from tests.approvals.factories import CaseFactory

    CaseFactory.reset_sequence(20_000 + Case.objects.count())


def make_cases(n: str) -> dict:
    from tests.approvals.factories import CaseFactory
    from tests.factories import UserFactory

    _fresh_case_numbers()

    handler = UserFactory(case_handler=True, email=f"fault-handler-{time.time_ns()}@test.no")
    cases = [
        CaseFactory(status="in_review", provider__email=f"fault-bht-{i}-{time.time_ns()}@test.no")
        for i in range(int(n))
    ]
    return {"handler": handler.pk, "cases": [c.pk for c in cases], "numbers": [c.case_number for c in cases]}


def decide(handler: str, pause_after: str, marker: str, go: str, *case_ids: str) -> dict:
    """Approve the cases one by one; after `pause_after` of them write `marker` and wait for
    `go` (the script stops Redis in between). Enqueueing a letter must never fail a decision."""
    from accounts.models import User
    from approvals.models import Case
    from approvals.services.cases import case_decide
    from tests.approvals.factories import assessed

    actor = User.objects.get(pk=handler)
    decided, seconds = [], []
    for i, pk in enumerate(case_ids):
        if i == int(pause_after):
            Path(marker).write_text("paused")
            deadline = time.monotonic() + 60
            while not Path(go).exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        started = time.monotonic()
        decision = case_decide(
            case=Case.objects.get(pk=pk),
            actor=actor,
            outcome="approved",
            assessments=assessed(),  # the judgements in the handler's own words, as a decision needs
        )
        seconds.append(round(time.monotonic() - started, 2))
        decided.append(decision.pk)
    return {"decisions": decided, "seconds": seconds}


def letters(*case_ids: str) -> dict:
    from approvals.models import CaseEvent, Decision, DecisionLetter

    decisions = Decision.objects.filter(case_id__in=case_ids)
    rows = {d.pk: {"case": d.case.case_number} for d in decisions.select_related("case")}
    for letter in DecisionLetter.objects.filter(decision__in=decisions):
        rows[letter.decision_id].update(
            status=letter.status, emailed=letter.emailed_at is not None, pdf=bool(letter.pdf)
        )
    for row in (
        CaseEvent.objects.filter(case_id__in=case_ids, kind=CaseEvent.Kind.LETTER_SENT)
        .values("data__decision_id")
        .annotate(n=Count("id"))
    ):
        rows[row["data__decision_id"]]["events"] = row["n"]
    counts = DecisionLetter.objects.filter(decision__in=decisions).values("decision_id").annotate(n=Count("id"))
    for row in counts:
        rows[row["decision_id"]]["letters"] = row["n"]
    return {"decisions": rows}


def make_due(n: str) -> dict:
    """`n` valid approvals ending in 30 days, each provider with its own address: one reminder
    (days_30) due today for each."""
    from providers.models import Provider
    from tests.approvals.factories import ApprovalFactory

    _fresh_case_numbers()
    stamp = time.time_ns()
    ids = []
    for i in range(int(n)):
        email = f"fault-due-{i}-{stamp}@test.no"
        approval = ApprovalFactory(ends_in_days=30, decision__case__provider__email=email)
        # The provider factory gets or creates by organisation number, and its sequence starts
        # again in every actor process: an earlier scenario's provider may be reused, with its
        # own address. Give it this one, so every due reminder has an address of its own.
        Provider.objects.filter(pk=approval.case.provider_id).update(email=email)
        ids.append(approval.pk)
    return {"approvals": ids}


def reminders(*approval_ids: str) -> dict:
    from approvals.models import RenewalReminder

    rows = RenewalReminder.objects.filter(approval_id__in=approval_ids).values("approval_id", "kind", "status")
    return {"reminders": list(rows)}


def send(job: str) -> dict:
    """Send a task through the broker (as beat or "Run now" would)."""
    from core.services import job_send

    job_send(job=job)
    return {"sent": job}


def jobruns(job: str) -> dict:
    from core.models import JobRun

    runs = JobRun.objects.filter(job=job).order_by("id")
    return {"runs": [{"id": r.id, "status": r.status, "counts": r.counts} for r in runs]}


def wait_jobrun(job: str, after_id: str, status: str, timeout: str) -> dict:
    """Poll until a run of `job` newer than `after_id` has `status` (or any finished status
    with status=finished)."""
    from core.models import JobRun

    deadline = time.monotonic() + float(timeout)
    while time.monotonic() < deadline:
        run = JobRun.objects.filter(job=job, id__gt=int(after_id)).order_by("id").last()
        if run and (run.status == status or (status == "finished" and run.status in ("succeeded", "failed"))):
            return {"id": run.id, "status": run.status, "counts": run.counts}
        time.sleep(0.02)
    return {"id": None, "status": "timeout"}


def watch(job: str, after_id: str, timeout: str) -> None:
    """Print "running" the moment a run of `job` newer than `after_id` starts (the script
    stops Redis then), then the run's final state as the JSON line."""
    from django.db import OperationalError, connection

    from core.models import JobRun

    deadline = time.monotonic() + float(timeout)
    seen = False
    while time.monotonic() < deadline:
        try:
            run = JobRun.objects.filter(job=job, id__gt=int(after_id)).order_by("id").last()
        except OperationalError as exc:  # a slow moment on a loaded machine: ask again
            print(f"watch: {exc}", file=sys.stderr)
            connection.close()
            continue
        if run and not seen:
            print("running", flush=True)
            seen = True
        if run and run.status in ("succeeded", "failed"):
            return {"id": run.id, "status": run.status, "counts": run.counts}
        time.sleep(0.01)
    return {"id": None, "status": "timeout"}


def orgnrs(n: str) -> dict:
    """Up to `n` organisation numbers of units in the register copy, at random."""
    from enterprises.models import Enterprise

    return {"orgnrs": list(Enterprise.objects.order_by("?").values_list("orgnr", flat=True)[: int(n)])}


def open_notifications(*_args) -> dict:
    """E-mails still to send (the outbox): pending, or failed and waiting for a retry."""
    from notifications.models import Notification

    return {"open": Notification.objects.filter(status__in=["pending", "failed"]).count()}


def notifications_by_status(*_args) -> dict:
    from notifications.models import Notification

    return {
        "by_status": {
            f"{r['kind']}/{r['status']}": r["n"]
            for r in Notification.objects.values("kind", "status").annotate(n=Count("id"))
        }
    }


def now(*_args) -> dict:
    return {"now": timezone.now().isoformat(), "today": datetime.date.today().isoformat()}


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    print(json.dumps(globals()[command](*args), default=str), flush=True)
