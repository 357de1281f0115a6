"""The notifications outbox: one row per e-mail the portal sends (a legal notice, a receipt, a
reminder), with a unique key, the rendered message and its delivery status.

A row is written in the caller's transaction (``notifications.services.notification_queue``),
so the notice exists exactly when the business change that caused it does. It is sent by a task
queued on commit and, if the broker was down or the mail server failed, by the periodic sweep
(``notifications.tasks.notifications_sweep``). The send locks the row, so it goes out once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will be retried")
    GIVEN_UP = "given_up", _("Given up")


class Notification(models.Model):
    """One e-mail in the outbox (utsendingskø)."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=50, db_index=True)
    to = models.JSONField(_("to"), default=list)
    subject = models.CharField(_("subject"), max_length=500)
    body = models.TextField(_("body"))
    # [{"filename", "content_type", "storage_name"} | {"filename", "content_type", "content_b64"}]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Who may see it in the portal: the organisation (orgnr) and the users it was addressed to.
    recipient_org = models.CharField(_("recipient organisation"), max_length=9, blank=True, db_index=True)
    recipient_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="notifications", verbose_name=_("recipient users")
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sent", "failed", "given_up"]), name="notification_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="notification_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="notification_open_idx", condition=Q(status__in=["pending", "failed"])
            )
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def is_open(self) -> bool:
        """Still to be sent (pending, or failed and to be retried)."""
        return self.status in (NotificationStatus.PENDING, NotificationStatus.FAILED)
