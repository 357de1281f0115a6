"""Reads of the outbox: a recipient's notices for the portal."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from notifications.models import Notification


def notifications_for(*, user=None, orgnr: str = "") -> QuerySet[Notification]:
    """Notices addressed to `user` or to the organisation `orgnr`, newest first."""
    condition = Q(pk__in=[])
    if user is not None and user.pk:
        condition |= Q(recipient_users=user)
    if orgnr:
        condition |= Q(recipient_org=orgnr)
    return Notification.objects.filter(condition).distinct().order_by("-created_at", "-id")
