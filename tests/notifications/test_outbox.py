"""The notifications outbox: a row per message, idempotent by key, written in the caller's
transaction, sent once by the task on commit or by the sweep, retried, then given up."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from notifications import Attachment
from notifications.models import Notification, NotificationStatus
from notifications.selectors import notifications_for
from notifications.services import notification_queue, notification_send, notifications_send_due
from notifications.tasks import notification_send_task, notifications_sweep
from tests.factories import UserFactory
from tests.notifications import backends

pytestmark = pytest.mark.django_db

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no SELECT ... FOR UPDATE; run with DATABASE_URL=postgres://...",
)


def _queue(key="test:1", to=("A@Test.no", "b@test.no", "a@test.no", ""), **kwargs):
    return notification_queue(
        key=key, to=list(to), subject="Emne\n  på én linje", body="Brødtekst", kind="test", **kwargs
    )


def _later(minutes):
    return timezone.now() + datetime.timedelta(minutes=minutes)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    backends.reset()
    return backends


def test_queued_row_is_sent_once_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _queue()
        assert mail.outbox == []  # nothing leaves before the caller's transaction commits
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 1 and notification.sent_at is not None
    assert notification.to == ["a@test.no", "b@test.no"]
    assert notification.subject == "Emne på én linje"
    [message] = mail.outbox
    assert message.to == ["a@test.no", "b@test.no"]
    assert message.body == "Brødtekst"
    assert message.extra_headers["Message-ID"] == f"<notification-{notification.pk}@arbeidstilsynet.example>"


def test_same_key_twice_is_one_row_and_one_mail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = _queue()
        second = notification_queue(key="test:1", to=["other@test.no"], subject="x", body="y", kind="test")
    assert second.pk == first.pk and second.to == ["a@test.no", "b@test.no"]
    assert len(callbacks) == 1
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


def test_rolled_back_caller_leaves_no_row_and_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            _queue()
            raise RuntimeError("the business change failed")
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_send_twice_and_sweep_send_once():
    notification = _queue()  # on_commit not run: as if the task were lost
    assert notification_send(notification.pk) == "sent"
    assert notification_send(notification.pk) == "already sent"
    assert notification_send_task.delay(notification.pk).get() == "already sent"
    assert notifications_send_due() == {"sent": 0, "failed": 0, "given_up": 0}
    assert len(mail.outbox) == 1


def test_broker_down_at_queue_time_the_sweep_sends_it(monkeypatch, django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Error 111 connecting to redis:6379")

    monkeypatch.setattr(notification_send_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _queue()  # the caller's transaction commits despite the broker
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING and mail.outbox == []
    assert notifications_sweep.delay().get()["sent"] == 1
    assert notifications_sweep.delay().get()["sent"] == 0
    from core.models import JobRun

    runs = JobRun.objects.filter(job="notifications.tasks.notifications_sweep", status="succeeded")
    assert [r.counts["sent"] for r in runs.order_by("id")] == [1, 0]  # on the jobs page
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT


def test_crash_then_retry_sends_exactly_once(flaky, django_capture_on_commit_callbacks):
    flaky.reset(failures=1)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _queue()  # the eager task's attempt fails: recorded, the caller is not affected
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert notification.attempts == 1 and "SMTPServerDisconnected" in notification.last_error
    assert notification.next_attempt_at > timezone.now()
    assert notifications_send_due() == {"sent": 0, "failed": 0, "given_up": 0}  # back-off not passed
    assert notifications_send_due(now=_later(2)) == {"sent": 1, "failed": 0, "given_up": 0}
    assert notifications_send_due(now=_later(600))["sent"] == 0
    assert notification_send(notification.pk) == "already sent"
    assert len(flaky.SENT) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.last_error) == ("sent", 2, "")


def test_mail_server_down_is_retried_with_back_off_then_given_up(flaky, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 4
    flaky.reset(failures=100)
    notification = _queue()
    results, minutes = [], 0
    for _ in range(6):
        minutes += 24 * 60
        results.append(notifications_send_due(now=_later(minutes)))
    assert [r["failed"] for r in results] == [1, 1, 1, 0, 0, 0]
    assert [r["given_up"] for r in results] == [0, 0, 0, 1, 0, 0]
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.GIVEN_UP and notification.attempts == 4
    assert notification.next_attempt_at is None and notification_send(notification.pk) == "already given_up"
    assert flaky.SENT == []


def test_back_off_grows():
    from notifications.services import retry_delay

    assert [retry_delay(n) for n in (1, 2, 3, 4, 9)] == [60, 300, 1800, 7200, 7200]


def test_no_address_is_kept_for_the_portal_but_not_sent(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = _queue(to=["", " "], recipient_user_ids=[user.pk])
    assert callbacks == [] and mail.outbox == []
    assert notification.status == NotificationStatus.GIVEN_UP and notification.last_error == "no e-mail address"
    assert list(notifications_for(user=user)) == [notification]


def test_attachments_from_storage_and_bytes(django_capture_on_commit_callbacks):
    name = default_storage.save("letters/test.pdf", ContentFile(b"%PDF-1.7 stored"))
    with django_capture_on_commit_callbacks(execute=True):
        _queue(
            attachments=[
                Attachment("vedtak.pdf", "application/pdf", storage_name=name),
                Attachment("liste.csv", "text/csv", content=b"a;b\n1;2\n"),
            ]
        )
    [message] = mail.outbox
    assert message.attachments == [
        ("vedtak.pdf", b"%PDF-1.7 stored", "application/pdf"),
        ("liste.csv", "a;b\n1;2\n", "text/csv"),
    ]


def test_attachment_needs_exactly_one_source():
    with pytest.raises(ValueError):
        Attachment("x.pdf")
    with pytest.raises(ValueError):
        Attachment("x.pdf", storage_name="a", content=b"b")


def test_a_missing_stored_attachment_is_a_failed_attempt():
    notification = _queue(attachments=[Attachment("gone.pdf", storage_name="letters/none.pdf")])
    assert notification_send(notification.pk) == "failed"
    notification.refresh_from_db()
    assert "gone" in notification.last_error or "none.pdf" in notification.last_error
    assert mail.outbox == []


def test_recipients_see_their_notices():
    alice, bob = UserFactory(), UserFactory()
    to_alice = _queue(key="a", recipient_user_ids=[alice.pk])
    to_org = _queue(key="b", recipient_org="974760673")
    _queue(key="c", recipient_user_ids=[bob.pk])
    assert list(notifications_for(user=alice)) == [to_alice]
    assert list(notifications_for(user=alice, orgnr="974760673")) == [to_org, to_alice]
    assert list(notifications_for()) == []


def test_admin_lists_the_outbox_read_only(admin_user):
    from django.test import Client
    from django.urls import reverse

    notification = _queue()
    client = Client()
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    listing = client.get(reverse("admin:notifications_notification_changelist"), {"q": "a@test.no"})
    assert listing.status_code == 200 and list(listing.context["cl"].result_list) == [notification]
    page = client.get(reverse("admin:notifications_notification_change", args=[notification.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_once(flaky, monkeypatch):
    monkeypatch.setattr(notification_send_task, "delay", lambda pk: None)  # the rows stay pending
    flaky.reset(delay=0.3)  # the first sender holds the row lock while the mail goes out
    notification = _queue()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(notification_send(notification.pk))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert sorted(results) == ["already sent", "sent"]
    assert len(flaky.SENT) == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_once(flaky, monkeypatch):
    monkeypatch.setattr(notification_send_task, "delay", lambda pk: None)  # the rows stay pending
    flaky.reset(delay=0.02)
    for n in range(20):
        _queue(key=f"t:{n}", to=[f"p{n}@test.no"])
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(notifications_send_due())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sum(r["sent"] for r in results) == 20
    assert sorted(m.to[0] for m in flaky.SENT) == sorted(f"p{n}@test.no" for n in range(20))


@pytest.mark.celery_worker
def test_a_real_worker_sends_once_when_queued_twice(celery_worker_real):
    import time

    notification = _queue()  # committed (transactional db): the task goes to the broker
    notification_send_task.delay(notification.pk)  # a duplicate delivery
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and Notification.objects.get(pk=notification.pk).status != "sent":
        time.sleep(0.2)
    time.sleep(1)  # let the duplicate run too
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT and notification.attempts == 1
    assert len(mail.outbox) == 1
