"""Reads of the outbox: a recipient's notices for the portal."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from notifications.models import Notification


def notifications_for(*, user=None, orgnr: str = "", q: str = "") -> QuerySet[Notification]:
    """Notices addressed to `user` or to the organisation `orgnr` (newest first), optionally
    those whose subject or text contains `q`. Nobody given: nothing."""
    condition = Q(pk__in=[])
    if user is not None and user.pk:
        condition |= Q(pk__in=Notification.recipient_users.through.objects.filter(user=user).values("notification"))
    if orgnr:
        condition |= Q(recipient_org=orgnr)
    qs = Notification.objects.filter(condition)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(subject__icontains=q) | Q(body__icontains=q))
    return qs.defer("attachments").order_by("-created_at", "-id")
