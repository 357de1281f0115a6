"""Reads for the inspection pages: the inspector's lists (a fixed number of queries each,
whatever the rows), the inspection page, and the inspected party's own inspections (scoped
by the user's organisation; anything else is a 404 raised here)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role

from . import rules
from .models import (
    ChecklistAnswer,
    Finding,
    Inspection,
    InspectionDocument,
    InspectionStatus,
    InspectionTarget,
    Order,
    OrderStatus,
    Reaction,
    ReactionKind,
)


def _search(qs: QuerySet, q: str, prefix: str = "") -> QuerySet:
    q = (q or "").strip()
    if not q:
        return qs
    digits = q.replace(" ", "")
    return qs.filter(Q(**{f"{prefix}name__icontains": q}) | Q(**{f"{prefix}orgnr": digits}))


def _mine(qs: QuerySet, user, prefix: str = "") -> QuerySet:
    team = Inspection.team.through.objects.filter(
        inspection_id=OuterRef(f"{prefix}pk" if prefix else "pk"), user_id=user.pk
    )
    return qs.filter(Q(**{f"{prefix}inspector_id": user.pk}) | Exists(team))


# ---------------------------------------------------------------- inspector lists
def inspections(*, q: str = "", status: str = "", target: str = "", user=None) -> QuerySet[Inspection]:
    qs = Inspection.objects.select_related("inspector", "provider").annotate(
        order_count=Count("orders", distinct=True),
        open_orders=Count(
            "orders", filter=Q(orders__status__in=[OrderStatus.OPEN, OrderStatus.OVERDUE]), distinct=True
        ),
    )
    if status in InspectionStatus.values:
        qs = qs.filter(status=status)
    if target in InspectionTarget.values:
        qs = qs.filter(target=target)
    if user is not None:
        qs = _mine(qs, user)
    return _search(qs, q).order_by("-inspected_on", "-id")


def orders(*, status: str = "", q: str = "") -> QuerySet[Order]:
    qs = Order.objects.select_related("inspection", "inspection__inspector", "compliance_registered_by")
    if status in OrderStatus.values:
        qs = qs.filter(status=status)
    return _search(qs, q, "inspection__").order_by("deadline", "id")


@dataclass(frozen=True)
class Worklist:
    key: str
    kind: str  # "inspections" | "orders" | "fines"


WORKLISTS = {
    "in_progress": Worklist("in_progress", "inspections"),
    "awaiting_comments": Worklist("awaiting_comments", "inspections"),
    "due_this_week": Worklist("due_this_week", "orders"),
    "overdue": Worklist("overdue", "orders"),
    "fines_running": Worklist("fines_running", "fines"),
}


def worklist(*, key: str, user, q: str = "", everyone: bool = False, today: datetime.date | None = None) -> QuerySet:
    """One of the inspector's start-page lists, the user's own inspections unless `everyone`."""
    today = today or timezone.localdate()
    spec = WORKLISTS[key]
    if spec.kind == "inspections":
        status = InspectionStatus.IN_PROGRESS if key == "in_progress" else InspectionStatus.REPORT_SENT
        qs = Inspection.objects.select_related("inspector", "report").filter(status=status)
        qs = qs if everyone else _mine(qs, user)
        qs = _search(qs, q)
        return (
            qs.order_by("report__comment_deadline", "inspected_on", "id")
            if status == "report_sent"
            else qs.order_by("inspected_on", "id")
        )
    if spec.kind == "orders":
        qs = Order.objects.select_related("inspection", "inspection__inspector")
        if key == "due_this_week":
            qs = qs.filter(
                status=OrderStatus.OPEN, deadline__gte=today, deadline__lte=today + datetime.timedelta(days=7)
            )
        else:
            qs = qs.filter(status=OrderStatus.OVERDUE)
        qs = qs if everyone else _mine(qs, user, "inspection__")
        return _search(qs, q, "inspection__").order_by("deadline", "id")
    qs = Reaction.objects.select_related("inspection", "inspection__inspector", "order").filter(
        kind=ReactionKind.COERCIVE_FINE, stopped_on__isnull=True, runs_from__lte=today
    )
    qs = qs if everyone else _mine(qs, user, "inspection__")
    return _search(qs, q, "inspection__").order_by("runs_from", "id")


def worklist_counts(*, user, today: datetime.date | None = None) -> dict[str, int]:
    """The number in each of the user's lists (one query per list)."""
    return {key: worklist(key=key, user=user, today=today).count() for key in WORKLISTS}


def fine_accrued(reaction: Reaction, *, today: datetime.date | None = None) -> rules.FineAccrual:
    return rules.fine_accrued(
        amount=reaction.amount,
        period=reaction.period,
        runs_from=reaction.runs_from,
        today=today or timezone.localdate(),
        stopped_on=reaction.stopped_on,
    )


def with_accrual(reactions, *, today: datetime.date | None = None):
    """Attach `.accrued` (the amount run up so far) to each coercive fine."""
    today = today or timezone.localdate()
    for r in reactions:
        r.accrued = fine_accrued(r, today=today) if r.kind == ReactionKind.COERCIVE_FINE else None
    return reactions


# ---------------------------------------------------------------- one inspection
def _documents() -> Prefetch:
    return Prefetch("documents", queryset=InspectionDocument.objects.order_by("uploaded_at", "id"))


def inspection_get(*, pk: int) -> Inspection:
    try:
        return Inspection.objects.select_related("inspector", "provider", "checklist").get(pk=pk)
    except Inspection.DoesNotExist:
        raise Http404


def inspection_page(*, inspection: Inspection, today: datetime.date | None = None) -> dict:
    """Everything the inspection page shows, in a fixed number of queries."""
    orders_ = list(
        inspection.orders.select_related("finding", "overdue_notice")
        .prefetch_related(_documents(), "extensions")
        .order_by("issued_on", "id")
    )
    reactions = with_accrual(
        list(inspection.reactions.select_related("order", "decided_by").order_by("decided_at", "id")), today=today
    )
    return {
        "inspection": inspection,
        "team": list(inspection.team.order_by("full_name", "email")),
        "answers": list(inspection.answers.select_related("point").order_by("point__position", "subject")),
        "findings": list(
            inspection.findings.prefetch_related(_documents(), "orders").select_related("answer__point").order_by("id")
        ),
        "report": getattr(inspection, "report", None),
        "comments": list(
            inspection.comments.select_related("submitted_by").prefetch_related(_documents()).order_by("submitted_at")
        ),
        "orders": orders_,
        "reactions": reactions,
        "events": list(inspection.events.select_related("actor").order_by("-created_at", "-id")[:50]),
    }


def checklist_rows(*, inspection: Inspection, staff_names: list[str]) -> list[dict]:
    """One row per point (per person for a per-person point), with the saved answer if any."""
    saved = {(a.point_id, a.subject): a for a in ChecklistAnswer.objects.filter(inspection=inspection)}
    rows = []
    for point in inspection.checklist.points.order_by("position"):
        subjects = staff_names if point.per_person and staff_names else [""]
        for subject in subjects:
            rows.append({"point": point, "subject": subject, "answer": saved.get((point.pk, subject))})
    return rows


def finding_get(*, inspection: Inspection, pk: int) -> Finding:
    try:
        return inspection.findings.get(pk=pk)
    except Finding.DoesNotExist:
        raise Http404


def order_get(*, pk: int) -> Order:
    try:
        return Order.objects.select_related("inspection", "inspection__inspector", "finding", "overdue_notice").get(
            pk=pk
        )
    except Order.DoesNotExist:
        raise Http404


def order_page(*, order: Order, today: datetime.date | None = None) -> dict:
    return {
        "order": order,
        "documents": list(order.documents.select_related("uploaded_by").order_by("uploaded_at")),
        "extensions": list(order.extensions.select_related("decided_by").order_by("decided_at")),
        "fines": with_accrual(list(order.reactions.order_by("decided_at")), today=today),
        "requests": list(
            order.inspection.events.filter(kind="extension_requested", data__order=order.pk)
            .select_related("actor")
            .order_by("-created_at")
        ),
    }


# ---------------------------------------------------------------- the inspected party
def party_scope(user) -> Q:
    """The inspections an inspected party's user may see: an enterprise user those of the
    enterprise's organisation number, a provider user those of its BHT; no one else any."""
    if user.role == Role.ENTERPRISE and user.enterprise_orgnr:
        return Q(target=InspectionTarget.ENTERPRISE, orgnr=user.enterprise_orgnr)
    if user.role == Role.PROVIDER and user.provider_id:
        return Q(target=InspectionTarget.PROVIDER, provider_id=user.provider_id)
    return Q(pk__in=[])


def party_inspections(*, user, q: str = "") -> QuerySet[Inspection]:
    """The party's inspections, newest first, with the next open deadline."""
    open_orders = Order.objects.filter(inspection=OuterRef("pk"), status__in=[OrderStatus.OPEN, OrderStatus.OVERDUE])
    qs = (
        Inspection.objects.filter(party_scope(user))
        .select_related("report")
        .annotate(open_orders=Count("orders", filter=Q(orders__status__in=["open", "overdue"]), distinct=True))
        .annotate(has_open_orders=Exists(open_orders))
    )
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(topics__icontains=q) | Q(name__icontains=q))
    return qs.order_by("-inspected_on", "-id")


def party_inspection_get(*, user, pk: int) -> Inspection:
    try:
        return Inspection.objects.select_related("provider", "inspector").get(party_scope(user), pk=pk)
    except Inspection.DoesNotExist:
        raise Http404


def party_order_get(*, user, pk: int) -> Order:
    try:
        return Order.objects.select_related("inspection").get(
            pk=pk, inspection__in=Inspection.objects.filter(party_scope(user))
        )
    except Order.DoesNotExist:
        raise Http404


def party_inspection_page(*, inspection: Inspection) -> dict:
    """What the party sees: the report, its own comments, orders with deadlines and letters,
    the decisions (not the inspector's notes or the recorded internal steps)."""
    data = inspection_page(inspection=inspection)
    data["reactions"] = [r for r in data["reactions"] if r.is_decision]
    data.pop("events")
    data.pop("answers")
    return data


def document_for_user(*, user, pk: int) -> InspectionDocument:
    """An attachment: inspectors (and admins) see all; the party only those of its own
    inspections, and not the inspector's evidence photos."""
    qs = InspectionDocument.objects.select_related("inspection")
    if user.role not in (Role.INSPECTOR, Role.ADMIN):
        qs = qs.filter(inspection__in=Inspection.objects.filter(party_scope(user))).exclude(purpose="finding")
    try:
        return qs.get(pk=pk)
    except InspectionDocument.DoesNotExist:
        raise Http404


def letter_for_user(*, user, kind: str, pk: int):
    """The stored PDF (report, order letter or reaction letter) if the user may see it."""
    from .models import Report

    model = {"report": Report, "order": Order, "reaction": Reaction}[kind]
    qs = model.objects.select_related("inspection")
    if user.role not in (Role.INSPECTOR, Role.ADMIN):
        qs = qs.filter(inspection__in=Inspection.objects.filter(party_scope(user)))
    try:
        obj = qs.get(pk=pk)
    except model.DoesNotExist:
        raise Http404
    file = obj.pdf if kind == "report" else obj.letter
    if not file:
        raise Http404
    return obj, file
