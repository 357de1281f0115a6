"""Reads for the inspector pages (joins, filters)."""

from django.db.models import Count, Q, QuerySet

from .models import Inspection, Order, OrderStatus


def inspections(*, q: str = "") -> QuerySet[Inspection]:
    qs = Inspection.objects.select_related("inspector", "provider").annotate(
        order_count=Count("orders", distinct=True),
        open_orders=Count("orders", filter=~Q(orders__status=OrderStatus.COMPLIED), distinct=True),
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(orgnr=q.replace(" ", "")))
    return qs.order_by("-inspected_on", "-id")


def orders(*, status: str = "", q: str = "") -> QuerySet[Order]:
    qs = Order.objects.select_related("inspection", "inspection__inspector", "compliance_registered_by")
    if status in OrderStatus.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(inspection__name__icontains=q) | Q(inspection__orgnr=q.replace(" ", "")))
    return qs.order_by("deadline", "id")


def order_counts(*, inspector_id: int | None = None) -> dict:
    qs = Order.objects.all()
    if inspector_id:
        qs = qs.filter(inspection__inspector_id=inspector_id)
    return qs.aggregate(
        open=Count("id", filter=Q(status=OrderStatus.OPEN)),
        overdue=Count("id", filter=Q(status=OrderStatus.OVERDUE)),
    )
