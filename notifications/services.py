"""The notifications outbox: TEMPORARY STUB of the API in the helpers' brief (replaced by the
real outbox when main is merged)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


def notification_queue(
    *,
    key: str,
    to: list[str],
    subject: str,
    body: str,
    kind: str,
    attachments=(),
    recipient_org: str = "",
    recipient_user_ids=(),
) -> Notification:
    existing = Notification.objects.filter(key=key).first()
    if existing is not None:
        return existing
    notification = Notification.objects.create(
        key=key,
        kind=kind,
        to=[t for t in to if t],
        subject=subject,
        body=body,
        recipient_org=recipient_org,
        recipient_user_ids=list(recipient_user_ids),
    )
    attachments = list(attachments)

    def send():
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, notification.to)
        for a in attachments:
            message.attach(a.filename, a.content, a.mimetype)
        if notification.to:
            message.send()
        Notification.objects.filter(pk=notification.pk).update(status="sent", sent_at=timezone.now())

    transaction.on_commit(send)
    return notification
