"""Renewal reminders: exactly once per (approval, threshold)."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from approvals.models import CaseEvent, ProviderNotice, ReminderKind, ReminderStatus, RenewalReminder
from approvals.services.lifecycle import reminder_kinds_due, renewal_reminders_run
from notifications.models import Notification, NotificationStatus
from notifications.services import notifications_send_due
from tests.approvals.factories import ApprovalFactory
from tests.approvals.lifecycle.factories import provider_user_for, travel_to

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)


def _approval_ending(days: int, **kwargs):
    with travel_to(TODAY):
        approval = ApprovalFactory(ends_in_days=days, **kwargs)
        provider_user_for(approval, email=f"bht{approval.pk}@test.no")
    return approval


def _run_on(day: datetime.date):
    # Each reminder's e-mail is a notification sent when the row's transaction commits.
    with travel_to(day), TestCase.captureOnCommitCallbacks(execute=True):
        return renewal_reminders_run()


def test_kinds_due_by_days_left():
    end = datetime.date(2026, 12, 31)
    assert reminder_kinds_due(valid_until=end, today=end - datetime.timedelta(days=181)) == []
    assert reminder_kinds_due(valid_until=end, today=end - datetime.timedelta(days=180)) == ["days_180"]
    assert reminder_kinds_due(valid_until=end, today=end - datetime.timedelta(days=30)) == [
        "days_180",
        "days_90",
        "days_30",
    ]
    assert reminder_kinds_due(valid_until=end, today=end)[-1] == "end_day"
    assert reminder_kinds_due(valid_until=end, today=end + datetime.timedelta(days=1)) == []


def test_each_threshold_sent_once_on_its_day_even_when_run_twice():
    approval = _approval_ending(200)
    end = approval.valid_until
    for days_left in (181, 180, 179, 91, 90, 31, 30, 1, 0):
        day = end - datetime.timedelta(days=days_left)
        _run_on(day)
        _run_on(day)  # the job runs twice the same day
    rows = {r.kind: r for r in RenewalReminder.objects.filter(approval=approval)}
    assert set(rows) == set(ReminderKind.values)
    assert all(r.status == ReminderStatus.SENT for r in rows.values())
    assert rows["days_180"].due_on == end - datetime.timedelta(days=180)
    assert rows["days_180"].sent_at.date() == end - datetime.timedelta(days=180)
    assert rows["end_day"].sent_at.date() == end
    assert len(mail.outbox) == 4
    # the provider's own address and its users (approvals.selectors.providers.provider_recipients)
    expected = sorted({approval.provider.email.lower(), f"bht{approval.pk}@test.no"} - {""})
    assert all(m.to == expected for m in mail.outbox)
    assert "Fornyelse" in mail.outbox[0].subject or "fornyelse" in mail.outbox[0].subject.lower()
    assert CaseEvent.objects.filter(case=approval.case, kind=CaseEvent.Kind.REMINDER_SENT).count() == 4
    assert ProviderNotice.objects.filter(approval=approval, kind=ProviderNotice.Kind.REMINDER).count() == 4
    # one outbox row per sent reminder, keyed by the ledger row
    keys = set(Notification.objects.filter(kind="renewal_reminder").values_list("key", flat=True))
    assert keys == {f"renewal-reminder:{r.pk}" for r in rows.values()}
    assert Notification.objects.filter(status=NotificationStatus.SENT).count() == 4


def test_nothing_before_180_days():
    approval = _approval_ending(200)
    _run_on(TODAY)
    assert not RenewalReminder.objects.filter(approval=approval).exists()
    assert mail.outbox == []


def test_missed_week_sends_only_the_latest_due_reminder_once():
    approval = _approval_ending(185)
    end = approval.valid_until
    _run_on(end - datetime.timedelta(days=180))  # the 180-day reminder goes out
    assert len(mail.outbox) == 1
    # The job does not run for a week around the 90-day threshold, then every day again.
    for days_left in (86, 85, 84):
        _run_on(end - datetime.timedelta(days=days_left))
    assert len(mail.outbox) == 2
    assert RenewalReminder.objects.get(approval=approval, kind="days_90").status == ReminderStatus.SENT


def test_job_down_for_months_skips_passed_thresholds():
    approval = _approval_ending(25)  # first run with 25 days left: 180 and 90 have passed
    _run_on(TODAY)
    _run_on(TODAY + datetime.timedelta(days=1))
    statuses = dict(RenewalReminder.objects.filter(approval=approval).values_list("kind", "status"))
    assert statuses == {"days_180": "skipped", "days_90": "skipped", "days_30": "sent"}
    assert len(mail.outbox) == 1


def test_pending_earlier_reminder_is_superseded_not_sent_twice():
    """A 180-day row left pending (e.g. mail server down for months) is skipped once the
    90-day reminder is due: the provider gets one reminder, the latest."""
    approval = _approval_ending(85)
    RenewalReminder.objects.create(approval=approval, kind="days_180", due_on=TODAY, status="pending")
    _run_on(TODAY)
    statuses = dict(RenewalReminder.objects.filter(approval=approval).values_list("kind", "status"))
    assert statuses == {"days_180": "skipped", "days_90": "sent"}
    assert len(mail.outbox) == 1


def test_mail_server_failing_for_one_reminder_the_outbox_retries_it_once(settings):
    first = _approval_ending(100)
    second = _approval_ending(100)
    settings.EMAIL_BACKEND = "tests.approvals.lifecycle.failing_mail.FailOnceBackend"
    from tests.approvals.lifecycle import failing_mail

    failing_mail.reset(fail_for=f"bht{first.pk}@test.no")
    counts = _run_on(TODAY)
    assert counts["failed"] == 0 and counts["sent"] == 2  # both reminders are recorded and queued
    row = RenewalReminder.objects.get(approval=first)
    assert row.status == ReminderStatus.SENT and row.attempts == 1
    notification = Notification.objects.get(key=f"renewal-reminder:{row.pk}")
    assert notification.status == NotificationStatus.FAILED and "SMTP" in notification.last_error
    assert _run_on(TODAY)["sent"] == 0  # the job does not send it again ...
    with TestCase.captureOnCommitCallbacks(execute=True):  # ... the outbox's sweep retries it, once
        assert notifications_send_due(now=timezone.now() + datetime.timedelta(hours=1))["sent"] == 1
        assert notifications_send_due(now=timezone.now() + datetime.timedelta(hours=2))["sent"] == 0
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT and notification.attempts == 2
    # each message reaches the provider's users (and its own address): second first, then the retried first
    assert [[a for a in to if a.startswith("bht")] for to in failing_mail.SENT] == [
        [f"bht{second.pk}@test.no"],
        [f"bht{first.pk}@test.no"],
    ]


def test_no_reminder_for_revoked_or_expired_approvals():
    _approval_ending(20, status="revoked")
    _approval_ending(20, status="expired")
    _run_on(TODAY)
    assert RenewalReminder.objects.count() == 0


def test_ledger_refuses_a_second_row_for_the_same_kind():
    approval = _approval_ending(20)
    RenewalReminder.objects.create(approval=approval, kind="days_30", due_on=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        RenewalReminder.objects.create(approval=approval, kind="days_30", due_on=TODAY)


def test_provider_without_users_gets_the_reminder_at_its_address():
    with travel_to(TODAY):
        approval = ApprovalFactory(ends_in_days=20)
    _run_on(TODAY)
    assert mail.outbox[0].to == [approval.provider.email]
