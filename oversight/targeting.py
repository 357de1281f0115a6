"""The targeting list (issue 13 item 4): enterprises that are obliged by the § 13-1 list in
force (or where it depends), have employees, are not bankrupt or deleted, have no approved
provider today and no dispensation. Computed in the database: the rule
(enterprises.obligation, pure) is asked once per industry code of the classification — about
1,800 codes, never once per unit — and the codes it covers become an IN list in one query."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from approvals.selectors.coverage import approved_provider_exists
from enterprises import obligation
from enterprises.models import Dispensation, DispensationScope, Standard, SubUnit
from enterprises.reference import reference_data
from providers.models import Affiliation, AffiliationStatus
from providers.selectors import in_force_on

from .models import TargetingCandidate

# Size bands on the register's number of employees ("1-4": employees registered, no number given).
SIZES = {
    "1-4": Q(employees__isnull=True) | Q(employees__gte=1, employees__lte=4),
    "5-19": Q(employees__gte=5, employees__lte=19),
    "20-49": Q(employees__gte=20, employees__lte=49),
    "50-249": Q(employees__gte=50, employees__lte=249),
    "250+": Q(employees__gte=250),
}


@dataclass(frozen=True)
class CoveredCodes:
    version: obligation.ListVersion
    sn2025: frozenset[str]
    sn2007: frozenset[str]
    depends: frozenset[str]  # of either: the answer is "depends", not a plain yes


@functools.lru_cache(maxsize=8)
def _covered(ref_id: int, valid_from: datetime.date) -> CoveredCodes:
    ref = reference_data()
    version = obligation.list_in_force(ref.versions, valid_from)
    found: dict[str, set[str]] = {Standard.SN2025: set(), Standard.SN2007: set()}
    depends: set[str] = set()
    for standard in found:
        for code in ref.names.get(standard, {}):
            if len(code) != 6:  # units carry subclass codes (41.000)
                continue
            status = obligation.assess_code(code, standard=standard, version=version, ref=ref).status
            if status != obligation.Status.NOT_OBLIGED:
                found[standard].add(code)
                if status == obligation.Status.DEPENDS:
                    depends.add(code)
    return CoveredCodes(
        version, frozenset(found[Standard.SN2025]), frozenset(found[Standard.SN2007]), frozenset(depends)
    )


def covered_codes(day: datetime.date) -> CoveredCodes:
    """The subclass codes the list in force on `day` covers (obliged or depends), per standard."""
    ref = reference_data()
    version = obligation.list_in_force(ref.versions, day)
    return _covered(id(ref), version.valid_from)


def _code_filter(codes: frozenset[str]) -> Q:
    codes = sorted(codes)
    return Q(nace1__in=codes) | Q(nace2__in=codes) | Q(nace3__in=codes)


def obliged_q(covered: CoveredCodes, *, strict: bool = False) -> Q:
    """Obliged or depends (strict: obliged, not "depends") by its own codes or by one of its
    open sub-units' codes. A filter on Enterprise."""
    sn2025, sn2007 = covered.sn2025, covered.sn2007
    if strict:
        sn2025, sn2007 = sn2025 - covered.depends, sn2007 - covered.depends
    own = (Q(nace_standard=Standard.SN2025) & _code_filter(sn2025)) | (
        Q(nace_standard=Standard.SN2007) & _code_filter(sn2007)
    )
    subunits = SubUnit.objects.filter(parent_id=OuterRef("orgnr"), closed_on__isnull=True).filter(_code_filter(sn2025))
    return own | Q(Exists(subunits))


def has_employees_q() -> Q:
    return Q(employees__gt=0) | Q(has_registered_employees=True)


def approved_bht_exists(day: datetime.date, enterprise_ref: str = "orgnr") -> Exists:
    """EXISTS an affiliation of the enterprise in force on `day` (not disputed) with a
    provider approved on `day`."""
    return Exists(
        Affiliation.objects.filter(in_force_on(day), enterprise_id=OuterRef(enterprise_ref))
        .exclude(status=AffiliationStatus.DISPUTED)
        .filter(approved_provider_exists(day))
    )


def dispensation_exists(day: datetime.date) -> Exists:
    return Exists(
        Dispensation.objects.filter(
            enterprise_id=OuterRef("orgnr"), scope=DispensationScope.WHOLE, valid_from__lte=day
        ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
    )


@dataclass(frozen=True)
class Filters:
    county: str = ""
    municipality: str = ""
    industry: str = ""  # an SN2025 code prefix: 49, 86.2, 86.210
    size: str = ""

    @classmethod
    def from_query(cls, params) -> Filters:
        size = params.get("size") or ""
        return cls(
            county=(params.get("county") or "").strip()[:2],
            municipality=(params.get("municipality") or "").strip()[:4],
            industry=(params.get("industry") or "").strip()[:6],
            size=size if size in SIZES else "",
        )

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def targeting_list(*, day: datetime.date, filters: Filters = Filters()) -> QuerySet[TargetingCandidate]:
    """The targeting list on `day`, largest first, then by industry code: the candidates
    (refreshed from the register) without an approved provider or a dispensation on `day`.
    One query per page plus the count."""
    qs = TargetingCandidate.objects.filter(~approved_bht_exists(day)).filter(~dispensation_exists(day))
    if filters.county:
        qs = qs.filter(municipality_number__startswith=filters.county)
    if filters.municipality:
        qs = qs.filter(municipality_number=filters.municipality)
    if filters.industry:
        prefix = filters.industry
        qs = qs.filter(Q(nace1__startswith=prefix) | Q(nace2__startswith=prefix) | Q(nace3__startswith=prefix))
    if filters.size:
        qs = qs.filter(SIZES[filters.size])
    return qs.order_by(F("employees_sort").desc(), "nace1", "orgnr")
