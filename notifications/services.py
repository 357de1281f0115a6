"""Writes owned by the notifications outbox: queue a message, send it exactly once.

    notification_queue(key=..., to=[...], subject=..., body=..., kind=...)

writes the row in the caller's transaction (idempotent by ``key``: a second call returns the
existing row and sends nothing) and queues the send task on commit. ``notification_send`` locks
the row (SELECT ... FOR UPDATE), so two workers, a retry and the sweep never send it twice. A
failed send is recorded on the row (attempts, last error) and retried with back-off by the task
and the sweep; after ``NOTIFICATION_MAX_ATTEMPTS`` failures the row is given up.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from notifications.attachments import Attachment
from notifications.models import Notification, NotificationStatus

logger = logging.getLogger(__name__)

# Seconds to wait after the 1st, 2nd, ... failed attempt (the last one repeats).
RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 3600)


def max_attempts() -> int:
    return getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 5)


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt after `attempts` failures."""
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]


def _addresses(to: Iterable[str]) -> list[str]:
    """Stripped, lower-cased, without blanks or repeats, in the caller's order."""
    seen: dict[str, None] = {}
    for address in to:
        address = (address or "").strip().lower()
        if address:
            seen.setdefault(address)
    return list(seen)


def notification_queue(
    *,
    key: str,
    to: list[str],
    subject: str,
    body: str,
    kind: str,
    attachments: Iterable[Attachment] = (),
    recipient_org: str = "",
    recipient_user_ids: Iterable[int] = (),
) -> Notification:
    """The outbox row for one message, created in the caller's transaction; the send task is
    queued when it commits. Idempotent by `key` (e.g. ``f"information-request:{pk}"``): a second
    call returns the existing row unchanged and sends nothing. A message with no address is kept
    (the portal shows it to its recipients) but marked given up at once."""
    if not key:
        raise ValueError("A notification needs a key.")
    addresses = _addresses(to)
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            key=key,
            defaults={
                "kind": kind,
                "to": addresses,
                "subject": " ".join(subject.split())[:500],  # one line: a header may not break
                "body": body,
                "attachments": [a.as_json() for a in attachments],
                "recipient_org": recipient_org or "",
                "status": NotificationStatus.PENDING if addresses else NotificationStatus.GIVEN_UP,
                "last_error": "" if addresses else "no e-mail address",
            },
        )
        if not created:
            return notification
        user_ids = sorted({int(pk) for pk in recipient_user_ids if pk})
        if user_ids:
            notification.recipient_users.set(user_ids)
        if addresses:
            transaction.on_commit(lambda: _enqueue(notification.pk))
    return notification


def _enqueue(notification_id: int) -> None:
    from notifications.tasks import notification_send_task

    try:
        notification_send_task.delay(notification_id)
    except Exception:  # noqa: BLE001 - broker down (or an eager send failed): the row stays open, the sweep sends it
        logger.exception("Could not queue notification %s; the sweep will send it", notification_id)


def _message(notification: Notification) -> EmailMessage:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "bht-portalen"
    message = EmailMessage(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=notification.to,
        # The same Message-ID on every attempt, so a receiving system can drop a duplicate.
        headers={"Message-ID": f"<notification-{notification.pk}@{domain}>", "X-BHT-Notification": notification.key},
    )
    for data in notification.attachments:
        attachment = Attachment.from_json(data)
        if attachment.storage_name:
            with default_storage.open(attachment.storage_name, "rb") as fh:
                content = fh.read()
        else:
            content = attachment.content
        message.attach(attachment.filename, content, attachment.content_type)
    return message


def notification_send(notification_id: int) -> str:
    """Send one notification unless it is already sent or given up: "sent", "failed" (recorded,
    to be retried), "given_up" (the last allowed attempt failed), "already <status>" or
    "missing". The row is locked while the mail is sent, so a concurrent call waits and then
    finds it sent."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            return "missing"
        if not notification.is_open:
            return f"already {notification.status}"
        notification.attempts += 1
        try:
            _message(notification).send()
        except Exception as exc:  # noqa: BLE001 - any failure of the mail server or the attachment is recorded
            logger.warning("Notification %s (%s) failed: %s", notification.pk, notification.key, exc)
            notification.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
            if notification.attempts >= max_attempts():
                notification.status = NotificationStatus.GIVEN_UP
                notification.next_attempt_at = None
            else:
                notification.status = NotificationStatus.FAILED
                notification.next_attempt_at = timezone.now() + datetime.timedelta(
                    seconds=retry_delay(notification.attempts)
                )
            notification.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return notification.status
        notification.status = NotificationStatus.SENT
        notification.sent_at = timezone.now()
        notification.next_attempt_at = None
        notification.last_error = ""
        notification.save(update_fields=["attempts", "last_error", "status", "sent_at", "next_attempt_at"])
        return "sent"


def notifications_send_due(*, now: datetime.datetime | None = None, limit: int = 200) -> dict:
    """The sweep: every open notification whose next attempt is due (pending ones whose task was
    lost, failed ones whose back-off has passed), oldest first."""
    now = now or timezone.now()
    ids = list(
        Notification.objects.filter(status__in=[NotificationStatus.PENDING, NotificationStatus.FAILED])
        .exclude(next_attempt_at__gt=now)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"sent": 0, "failed": 0, "given_up": 0}
    for pk in ids:
        result = notification_send(pk)
        if result in counts:
            counts[result] += 1
    return counts
