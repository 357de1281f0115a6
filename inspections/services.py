"""Writes for inspections: documenting compliance with an order, and the daily deadline job
(orders past their deadline without documented compliance become overdue; the inspector is
told exactly once, through the OrderOverdueNotice ledger row)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core.official import in_official_language
from notifications.services import notification_queue

from .models import Order, OrderOverdueNotice, OrderStatus


def orders_overdue_mark(*, today: datetime.date | None = None) -> dict:
    """Mark open orders whose deadline has passed as overdue and notify the inspector, one
    order per transaction under SELECT ... FOR UPDATE SKIP LOCKED (concurrent runs are safe:
    a marked order is no longer open; the notice row is unique per order)."""
    today = today or timezone.localdate()
    counts = {"overdue": 0, "notified": 0}
    while True:
        with transaction.atomic():
            order = (
                Order.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("inspection", "inspection__inspector")
                .filter(status=OrderStatus.OPEN, deadline__lt=today)
                .order_by("id")
                .first()
            )
            if order is None:
                break
            order.mark_overdue()
            order.save()
            counts["overdue"] += 1
            notice, _created = OrderOverdueNotice.objects.get_or_create(order=order)
            if notice.status == OrderOverdueNotice.Status.PENDING:
                inspector = order.inspection.inspector
                notice.status = OrderOverdueNotice.Status.SENT
                notice.sent_at = timezone.now()
                notice.recipient = inspector.email
                notice.save()
                with in_official_language():
                    # Through the outbox, keyed by the ledger row: sent once this order's transaction commits.
                    notification_queue(
                        key=f"order-overdue:{notice.pk}",
                        kind="order_overdue",
                        to=[inspector.email],
                        subject=_("Order deadline passed: %(name)s") % {"name": order.inspection.name},
                        body=render_to_string("inspections/email/order_overdue.txt", {"order": order}),
                        recipient_user_ids=[inspector.pk],
                    )
                counts["notified"] += 1
    return counts


def order_compliance_document(*, order: Order, actor, documentation: str) -> Order:
    """The inspected party has documented compliance (e.g. a signed BHT contract and a plan)."""
    documentation = (documentation or "").strip()
    if not documentation:
        raise ValidationError(_("Describe the documentation of compliance."))
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if not can_proceed(order.document_compliance):
            raise ValidationError(_("Compliance is already documented for this order."))
        order.document_compliance(documentation=documentation, by=actor)
        order.save()
        return order
