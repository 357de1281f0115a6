"""The reminder job run concurrently (two threads with their own connections, two OS
processes) and through a real Celery worker: every reminder is sent exactly once."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from approvals.models import CaseEvent, ProviderNotice, ReminderStatus, RenewalReminder
from approvals.services.lifecycle import renewal_reminders_run
from core.models import JobRun
from notifications.models import Notification
from tests.approvals.factories import ApprovalFactory

BASE_DIR = Path(settings.BASE_DIR)

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no SELECT ... FOR UPDATE SKIP LOCKED and serialises writers; run with DATABASE_URL=postgres://...",
)


def _approvals(n: int, days: int = 20):
    return [ApprovalFactory(ends_in_days=days) for _ in range(n)]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_threads_at_once_send_each_reminder_once():
    approvals = _approvals(30)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(renewal_reminders_run())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sum(r["sent"] for r in results) == 30
    assert sum(r["failed"] for r in results) == 0  # no collisions: each row was handled by one worker
    assert len(mail.outbox) == 30
    assert sorted(m.to[0] for m in mail.outbox) == sorted(a.provider.email for a in approvals)
    assert RenewalReminder.objects.filter(status=ReminderStatus.SENT).count() == 30
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.REMINDER_SENT).count() == 30
    assert ProviderNotice.objects.count() == 30


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_processes_at_once_send_each_reminder_once():
    _approvals(40)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "bht_portal.settings",
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("REDIS_URL", None)
    code = (
        "import django, json; django.setup(); "
        "from approvals.services.lifecycle import renewal_reminders_run; print(json.dumps(renewal_reminders_run()))"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code], cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    import json

    sent = [json.loads(o.strip().splitlines()[-1])["sent"] for o in outputs]
    assert sum(sent) == 40, sent
    assert RenewalReminder.objects.filter(status=ReminderStatus.SENT).count() == 40
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.REMINDER_SENT).count() == 40
    # one outbox row per reminder, each sent once (the processes send in-process, no broker)
    assert Notification.objects.filter(kind="renewal_reminder", status="sent", attempts=1).count() == 40


@pytest.mark.celery_worker
def test_reminder_job_through_a_real_worker_sends_once(celery_worker_real):
    from approvals.tasks import renewal_reminders_send

    approval = ApprovalFactory(ends_in_days=30)
    renewal_reminders_send.delay()
    renewal_reminders_send.delay()  # sent twice: the second run finds nothing pending
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if JobRun.objects.filter(job="approvals.tasks.renewal_reminders_send", status="succeeded").count() >= 2:
            break
        time.sleep(0.2)
    runs = list(JobRun.objects.filter(job="approvals.tasks.renewal_reminders_send").order_by("started_at"))
    assert [r.status for r in runs] == ["succeeded", "succeeded"]
    assert sum(r.counts["sent"] for r in runs) == 1
    assert all(r.task_id for r in runs)  # run by the worker, not eagerly
    statuses = dict(RenewalReminder.objects.filter(approval=approval).values_list("kind", "status"))
    assert statuses == {"days_180": "skipped", "days_90": "skipped", "days_30": "sent"}
    assert CaseEvent.objects.filter(case=approval.case, kind=CaseEvent.Kind.REMINDER_SENT).count() == 1
    # the e-mail is a notification the worker sends after the job's transaction commits
    while time.monotonic() < deadline and not Notification.objects.filter(status="sent").exists():
        time.sleep(0.2)
    [notification] = Notification.objects.all()
    assert notification.status == "sent" and notification.attempts == 1
    assert len(mail.outbox) == 1
