"""Reads for the oversight pages that are not the targeting list or statistics."""

from __future__ import annotations

import datetime

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate

from approvals.models import Approval, ApprovalStatus
from enterprises.municipalities import counties as _counties
from providers.models import Affiliation, AffiliationStatus

from .models import TargetingCandidate
from .targeting import approved_bht_exists


def counties() -> list[tuple[str, str]]:
    return sorted(_counties().items())


def ended_approval_clients(*, day: datetime.date, days_back: int = 365) -> QuerySet[Affiliation]:
    """Affiliations (not disputed) that were in force when their provider's approval ended
    (expired or revoked within `days_back` days) and whose enterprise has no approved provider
    on `day`: the enterprises the inspectors may follow up. Newest end first."""
    since = day - datetime.timedelta(days=days_back)
    ended = Approval.objects.filter(
        provider_id=OuterRef("provider_id"), status__in=[ApprovalStatus.EXPIRED, ApprovalStatus.REVOKED]
    ).filter(Q(ended_at__date__gte=since) | Q(ended_at__isnull=True, valid_until__gte=since))
    ended = ended.filter(valid_until__lte=day)
    newest = ended.order_by("-valid_until", "-id")
    qs = (
        Affiliation.objects.exclude(status=AffiliationStatus.DISPUTED)
        .annotate(
            approval_id=Subquery(newest.values("id")[:1]),
            ended_on=Subquery(newest.annotate(end=Coalesce(TruncDate("ended_at"), F("valid_until"))).values("end")[:1]),
            approval_status=Subquery(newest.values("status")[:1]),
        )
        .filter(approval_id__isnull=False)
        .filter(valid_from__lte=F("ended_on"))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=F("ended_on")))
        .filter(~approved_bht_exists_for_affiliation(day))
        .select_related("provider", "enterprise")
    )
    return qs.order_by("-ended_on", "provider__name", "enterprise__name", "id")


def approved_bht_exists_for_affiliation(day: datetime.date):
    """approved_bht_exists, with the enterprise taken from the outer affiliation."""
    return approved_bht_exists(day, enterprise_ref="enterprise_id")


def candidates_refreshed_at():
    """When the targeting candidates were last refreshed from the register (None: never)."""
    return TargetingCandidate.objects.values_list("refreshed_at", flat=True).first()
