"""Who is approved, and which enterprises have an approved BHT, on a day: client lists
(providers.Affiliation) combined with approval history (Approval). Today's answer and the
as-of-date answer ("was provider X approved on D?", "did enterprise Y have an approved BHT on
D?") are the same selectors with another day."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from approvals import rules
from approvals.models import Approval, ApprovalStatus
from providers.models import Affiliation, AffiliationStatus, Provider
from providers.selectors import affiliation_overlap_annotate, in_force_on


def approval_covering_q(day: datetime.date, prefix: str = "") -> Q:
    """approvals.rules.approval_covers as a filter on Approval (prefix: a relation path)."""
    p = prefix
    return Q(**{f"{p}valid_from__lte": day, f"{p}valid_until__gte": day}) & (
        Q(**{f"{p}status": ApprovalStatus.VALID}) | Q(**{f"{p}ended_at__date__gt": day})
    )


def approved_provider_exists(day: datetime.date, provider_ref: str = "provider_id") -> Exists:
    """EXISTS an approval of the outer row's provider that covers `day`."""
    return Exists(Approval.objects.filter(approval_covering_q(day), provider_id=OuterRef(provider_ref)))


@dataclass
class ProviderAnswer:
    provider: Provider
    day: datetime.date
    approval: Approval | None  # the approval that covered the day, if any
    approvals: list[Approval]  # the provider's approvals, newest first

    @property
    def approved(self) -> bool:
        return self.approval is not None


def provider_approved_on(*, provider: Provider, day: datetime.date | None = None) -> ProviderAnswer:
    """Was the provider approved on `day`? From its approvals with their end (1 query)."""
    day = day or timezone.localdate()
    approvals = list(Approval.objects.filter(provider=provider).select_related("case").order_by("-valid_from", "-id"))
    covering = next(
        (
            a
            for a in approvals
            if rules.approval_covers(
                valid_from=a.valid_from,
                valid_until=a.valid_until,
                status=a.status,
                ended_on=timezone.localdate(a.ended_at) if a.ended_at else None,
                day=day,
            )
        ),
        None,
    )
    return ProviderAnswer(provider=provider, day=day, approval=covering, approvals=approvals)


def affiliations_on(*, orgnr: str, day: datetime.date) -> QuerySet[Affiliation]:
    """The enterprise's affiliations in force on `day` (not disputed), each with `approved`:
    its provider had an approval covering that day; and `overlap` (two providers)."""
    qs = (
        Affiliation.objects.filter(in_force_on(day), enterprise_id=orgnr)
        .exclude(status=AffiliationStatus.DISPUTED)
        .select_related("provider")
        .annotate(approved=approved_provider_exists(day))
    )
    return affiliation_overlap_annotate(qs).order_by("-approved", "provider__name", "subunit_orgnr", "id")


@dataclass
class EnterpriseAnswer:
    orgnr: str
    day: datetime.date
    affiliations: list[Affiliation]

    @property
    def approved(self) -> list[Affiliation]:
        return [a for a in self.affiliations if a.approved]

    @property
    def has_approved_bht(self) -> bool:
        return bool(self.approved)

    @property
    def approved_providers(self) -> list[Provider]:
        seen: dict[int, Provider] = {}
        for a in self.approved:
            seen.setdefault(a.provider_id, a.provider)
        return list(seen.values())

    @property
    def overlap(self) -> bool:
        return any(a.overlap for a in self.affiliations)


def enterprise_bht_on(*, orgnr: str, day: datetime.date | None = None) -> EnterpriseAnswer:
    """Did the enterprise have an approved BHT on `day` (today by default), and which? (1 query)"""
    day = day or timezone.localdate()
    return EnterpriseAnswer(orgnr=orgnr, day=day, affiliations=list(affiliations_on(orgnr=orgnr, day=day)))


def affiliated_enterprises_of(*, provider: Provider, day: datetime.date) -> QuerySet[Affiliation]:
    """The provider's clients in force on `day` (not disputed), with the enterprise."""
    return (
        Affiliation.objects.filter(in_force_on(day), provider=provider)
        .exclude(status=AffiliationStatus.DISPUTED)
        .select_related("enterprise")
        .order_by("enterprise__name", "enterprise_id", "subunit_orgnr")
    )
