"""The notifications outbox (see services.py). ``notifications.Attachment`` is plain data."""

from notifications.attachments import Attachment

__all__ = ["Attachment"]
