import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from approvals.models import Approval, ApprovalStatus
from providers.models import Department, Provider


def providers_approved_on(
    *,
    day: datetime.date | None = None,
    q: str = "",
    municipality_number: str = "",
    county_number: str = "",
) -> QuerySet[Provider]:
    """Providers with an approval valid on `day` (today by default): status valid and the day
    within the period. Departments and the valid approval are prefetched (bounded queries).
    The county is the first two digits of a municipality number."""
    day = day or timezone.localdate()
    valid = Approval.objects.filter(status=ApprovalStatus.VALID, valid_from__lte=day, valid_until__gte=day)
    qs = Provider.objects.filter(approvals__in=valid).distinct()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(orgnr=q.replace(" ", "")))
    if municipality_number:
        qs = qs.filter(
            Q(municipality_number=municipality_number) | Q(departments__municipality_number=municipality_number)
        )
    if county_number:
        qs = qs.filter(
            Q(municipality_number__startswith=county_number)
            | Q(departments__municipality_number__startswith=county_number)
        )
    return qs.prefetch_related(
        Prefetch("departments", queryset=Department.objects.order_by("name")),
        Prefetch("approvals", queryset=valid.order_by("-valid_until"), to_attr="valid_approvals"),
    ).order_by("name")


def providers_approved_in_county(*, county_number: str, limit: int = 5) -> list[Provider]:
    """A few providers approved today in a county (for the obligation answer); none without a county."""
    if not county_number:
        return []
    return list(providers_approved_on(county_number=county_number)[:limit])
