"""Job runs and the operations page; order deadlines (overdue, inspector told once)."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import tasks
from bht_portal.beat import BEAT_SCHEDULE
from core.models import JobRun
from core.services import JobIncomplete, job_run_record
from inspections import tasks as inspection_tasks
from inspections.models import Finding, Inspection, Order, OrderOverdueNotice
from inspections.services import order_compliance_document, orders_overdue_mark
from notifications.models import Notification
from tests.approvals.lifecycle.factories import travel_to
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 2)


def test_beat_schedule_runs_every_lifecycle_job_daily():
    from bht_portal.celery import app

    tasks_scheduled = {e["task"]: e["schedule"] for e in app.conf.beat_schedule.values()}
    for name in (
        "approvals.tasks.renewal_reminders_send",
        "approvals.tasks.approvals_expire",
        "inspections.tasks.order_deadlines_check",
    ):
        schedule = tasks_scheduled[name]
        assert len(schedule.hour) == 1 and len(schedule.minute) == 1 and len(schedule.day_of_week) == 7
        assert name in app.tasks


@pytest.mark.parametrize(
    "task", [tasks.renewal_reminders_send, tasks.approvals_expire, inspection_tasks.order_deadlines_check]
)
def test_jobs_retry_with_backoff(task):
    assert Exception in task.autoretry_for
    assert task.retry_backoff and task.retry_backoff_max <= 3600  # below the Redis visibility timeout
    assert task.max_retries >= 3


def test_a_failing_job_is_recorded_and_raised_and_does_not_stop_the_others():
    def broken():
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        job_run_record(job="approvals.tasks.approvals_expire", func=broken)
    assert job_run_record(job="approvals.tasks.renewal_reminders_send", func=lambda: {"sent": 0}) == {"sent": 0}
    failed, ok = JobRun.objects.order_by("id")
    assert failed.status == "failed" and "database went away" in failed.error and failed.finished_at
    assert ok.status == "succeeded" and ok.counts == {"sent": 0}


def test_partial_failure_is_recorded_with_counts_and_retried():
    with pytest.raises(JobIncomplete):
        job_run_record(job="x", func=lambda: {"sent": 3, "failed": 1})
    run = JobRun.objects.get()
    assert run.status == "failed" and run.counts["sent"] == 3


def test_task_runs_record_job_runs():
    tasks.approvals_expire.delay()
    run = JobRun.objects.get()
    assert run.job == "approvals.tasks.approvals_expire" and run.status == "succeeded" and run.counts == {"expired": 0}


def _runs(n):
    for i in range(n):
        job_run_record(job=list(BEAT_SCHEDULE.values())[i % len(BEAT_SCHEDULE)]["task"], func=lambda: {"n": 1})


def test_jobs_page_for_admins_only_with_bounded_queries(client, admin_user, case_handler):
    url = reverse("jobs")
    client.force_login(case_handler)
    assert client.get(url).status_code == 403
    client.force_login(admin_user)
    _runs(4)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _runs(12)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(large) == len(small)
    html = response.content.decode()
    for name in BEAT_SCHEDULE:
        assert name in html
    assert "06:00" in html
    response = client.post(reverse("job_run_now", args=["lifecycle-approvals-expire"]))
    assert response.status_code == 302
    assert JobRun.objects.filter(job="approvals.tasks.approvals_expire").count() >= 1


# ---------------------------------------------------------------- orders
def _order(inspector, *, deadline, issued_on=TODAY - datetime.timedelta(days=30), **kwargs):
    inspection = Inspection.objects.create(
        target="enterprise",
        orgnr="923609016",
        name="Bygg AS",
        kind="announced",
        inspector=inspector,
        inspected_on=TODAY,
    )
    finding = Finding.objects.create(inspection=inspection, kind="nonconformity", description="Ingen BHT.")
    return Order.objects.create(
        inspection=inspection,
        finding=finding,
        text="Knytt dere til godkjent BHT.",
        issued_on=issued_on,
        deadline=deadline,
        **kwargs,
    )


def test_overdue_orders_marked_and_inspector_told_once(inspector, django_capture_on_commit_callbacks):
    late = _order(inspector, deadline=TODAY + datetime.timedelta(days=5))
    complied = _order(inspector, deadline=TODAY + datetime.timedelta(days=5))
    order_compliance_document(order=complied, actor=inspector, documentation="Signert avtale med BHT X 01.03.")
    with travel_to(TODAY + datetime.timedelta(days=5)):
        assert orders_overdue_mark() == {"overdue": 0, "notified": 0}  # the deadline day itself is in time
    with travel_to(TODAY + datetime.timedelta(days=6)), TestCase.captureOnCommitCallbacks(execute=True):
        assert orders_overdue_mark() == {"overdue": 1, "notified": 1}
        assert orders_overdue_mark() == {"overdue": 0, "notified": 0}
    notice = OrderOverdueNotice.objects.get(order=late)
    assert Notification.objects.get(kind="order_overdue").key == f"order-overdue:{notice.pk}"
    late.refresh_from_db()
    assert late.status == "overdue" and late.overdue_at
    assert OrderOverdueNotice.objects.get(order=late).status == "sent"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [inspector.email]
    complied.refresh_from_db()
    assert complied.status == "complied"
    # An overdue order can still be closed when compliance is documented.
    order_compliance_document(order=late, actor=inspector, documentation="Avtale og plan mottatt.")
    late.refresh_from_db()
    assert late.status == "complied"


def test_inspector_pages(client, inspector, provider_user):
    _order(inspector, deadline=TODAY)
    client.force_login(provider_user)
    assert client.get(reverse("inspections:order_list")).status_code == 403
    client.force_login(inspector)
    for name in ("inspections:inspection_list", "inspections:order_list"):
        url = reverse(name)
        with CaptureQueriesContext(connection) as small:
            assert client.get(url).status_code == 200
        for _ in range(5):
            _order(inspector, deadline=TODAY)
        with CaptureQueriesContext(connection) as large:
            assert client.get(url).status_code == 200
        assert len(large) == len(small)
    order = Order.objects.first()
    response = client.post(reverse("inspections:order_detail", args=[order.pk]), {"documentation": "Avtale mottatt."})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "complied"
    start = client.get(reverse("start")).content.decode()
    assert reverse("inspections:order_list") in start


def test_inspector_start_partial_counts(client):
    inspector = UserFactory(inspector=True)
    with travel_to(TODAY):
        _order(inspector, deadline=TODAY - datetime.timedelta(days=1))
        orders_overdue_mark()
    client.force_login(inspector)
    start = client.get(reverse("start"))
    assert reverse("inspections:worklist", args=["overdue"]) in start.content.decode()
    assert ("overdue", 1) in [(k, n) for k, _label, n in start.context["lists"]]
