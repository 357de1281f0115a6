"""TEMPORARY stub of the outbox API (the real one is being built in another branch and
replaces this file when it lands in main): sends the e-mail when the caller's transaction
commits."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction

from notifications.attachments import Attachment


def notification_queue(
    *, key, to, subject, body, kind, attachments=(), recipient_org="", recipient_user_ids=()
):  # pragma: no cover - replaced by the real outbox
    attachments = list(attachments)

    def send():
        if not to:
            return
        message = EmailMessage(subject, body, to=list(to))
        for a in attachments:
            content = a.content if a.content is not None else default_storage.open(a.storage_name).read()
            message.attach(a.filename, content, a.content_type)
        message.send()

    transaction.on_commit(send)
    return None


__all__ = ["Attachment", "notification_queue"]
