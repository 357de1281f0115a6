"""Reads for dispensation cases (the handler's list, one case, an enterprise's own)."""

from __future__ import annotations

from django.db.models import Case, Q, QuerySet, When
from django.http import Http404

from accounts.models import Role
from approvals.models import DispensationCase


def dispensation_cases(*, q: str = "", status: str = "") -> QuerySet[DispensationCase]:
    """Every dispensation case, the enterprise joined, searched by number, name or orgnr."""
    qs = DispensationCase.objects.select_related("enterprise", "applied_by", "decided_by")
    if status in DispensationCase.Status.values:
        qs = qs.filter(status=status)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(case_number__icontains=q) | Q(enterprise__name__icontains=q) | Q(enterprise_id=q.replace(" ", ""))
        )
    waiting_first = Case(When(status=DispensationCase.Status.SUBMITTED, then=0), default=1)
    return qs.order_by(waiting_first, "-applied_at", "-id")


def dispensation_case_for_user(*, user, pk: int) -> DispensationCase:
    qs = DispensationCase.objects.select_related("enterprise", "applied_by", "decided_by", "dispensation")
    if user.role in (Role.CASE_HANDLER, Role.ADMIN):
        pass
    elif user.role == Role.ENTERPRISE and user.enterprise_orgnr:
        qs = qs.filter(enterprise_id=user.enterprise_orgnr)
    else:
        raise Http404
    case = qs.filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def enterprise_dispensation_cases(*, orgnr: str) -> list[DispensationCase]:
    return list(DispensationCase.objects.filter(enterprise_id=orgnr).order_by("-applied_at", "-id")[:20])


def submitted_count() -> int:
    return DispensationCase.objects.filter(status=DispensationCase.Status.SUBMITTED).count()
