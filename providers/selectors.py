"""Reads owned by providers: who hears from Arbeidstilsynet, a provider's client list (with the
check of an uploaded file against the register copy) and its API keys."""

from __future__ import annotations

import datetime
import hashlib
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact

from enterprises.models import Enterprise, SubUnit

from . import client_list
from .models import Affiliation, AffiliationStatus, ApiToken, Provider

BATCH = 5_000
MAX_REFUSED_KEPT = 10_000  # the report keeps this many refused rows in detail (all are counted)
FAR_FUTURE = datetime.date(9999, 12, 31)


def provider_recipients(*, provider: Provider, extra: tuple[str, ...] = ()) -> list[str]:
    """Who hears from Arbeidstilsynet about a provider's case or approval: the provider's own
    address and every active user of the provider (plus `extra`, e.g. the address given in the
    application), each once."""
    emails = [provider.email, *extra]
    emails += provider.users.filter(is_active=True).values_list("email", flat=True)
    return sorted({e.lower() for e in emails if e})


def provider_search(*, q: str, limit: int = 10) -> list[Provider]:
    """Providers by organisation number (exact) or name (contains)."""
    q = (q or "").strip()
    digits = q.replace(" ", "")
    if digits.isdigit() and len(digits) == 9:
        return list(Provider.objects.filter(orgnr=digits))
    return list(Provider.objects.filter(name__icontains=q).order_by("name")[:limit]) if q else []


def provider_get(*, pk: int) -> Provider | None:
    return Provider.objects.filter(pk=pk).first()


def provider_id_for_orgnr(*, orgnr: str) -> int | None:
    """The id of the provider with this organisation number, or None."""
    return Provider.objects.filter(orgnr=orgnr).values_list("pk", flat=True).first()


# ---------------------------------------------------------------- the client list
def in_force_on(day: datetime.date, prefix: str = "") -> Q:
    """An affiliation in force on `day` (prefix: the relation path, e.g. "affiliations__")."""
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def affiliation_overlap_annotate(qs: QuerySet[Affiliation]) -> QuerySet[Affiliation]:
    """`overlap` = another provider lists the same unit for a period that overlaps (the whole
    enterprise overlaps each of its sub-units), and the enterprise has not disputed it."""
    other = (
        Affiliation.objects.filter(enterprise_id=OuterRef("enterprise_id"))
        .filter(
            Q(subunit_orgnr=OuterRef("subunit_orgnr")) | Q(subunit_orgnr="") | Q(Exact(OuterRef("subunit_orgnr"), ""))
        )
        .exclude(provider_id=OuterRef("provider_id"))
        .exclude(status=AffiliationStatus.DISPUTED)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("valid_from")))
        .filter(valid_from__lte=Coalesce(OuterRef("valid_to"), Value(FAR_FUTURE)))
    )
    return qs.annotate(overlap=Exists(other))


def provider_affiliations(*, provider: Provider, q: str = "") -> QuerySet[Affiliation]:
    """The provider's list by enterprise name, with the unit and the overlap warning."""
    qs = Affiliation.objects.filter(provider=provider).select_related("enterprise")
    q = q.strip()
    if q:
        digits = q.replace(" ", "")
        qs = qs.filter(
            Q(enterprise__name__icontains=q)
            | Q(enterprise__name__contains=q.upper())
            | Q(enterprise_id=digits)
            | Q(subunit_orgnr=digits)
        )
    return affiliation_overlap_annotate(qs).order_by(
        "enterprise__name", "enterprise_id", "subunit_orgnr", "-valid_from"
    )


def enterprise_affiliations(*, orgnr: str) -> QuerySet[Affiliation]:
    """Every provider that lists (or is declared by) the enterprise, newest first."""
    qs = Affiliation.objects.filter(enterprise_id=orgnr).select_related("provider")
    return affiliation_overlap_annotate(qs).order_by("-valid_from", "provider__name", "id")


def affiliation_get_for_provider(*, provider: Provider, pk: int) -> Affiliation:
    return Affiliation.objects.select_related("enterprise").get(provider=provider, pk=pk)


def affiliation_get_for_enterprise(*, orgnr: str, pk: int) -> Affiliation:
    return Affiliation.objects.select_related("provider").get(enterprise_id=orgnr, pk=pk)


# ---------------------------------------------------------------- checking a file
@dataclass
class Report:
    rows_total: int = 0
    accepted: list[client_list.Accepted] = field(default_factory=list)
    refused: list[client_list.Refused] = field(default_factory=list)
    refused_count: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


def _units(orgnrs: set[str]) -> dict[str, client_list.Unit]:
    units: dict[str, client_list.Unit] = {}
    for orgnr, deleted_on, bankrupt in Enterprise.objects.filter(orgnr__in=orgnrs).values_list(
        "orgnr", "deleted_on", "bankrupt"
    ):
        units[orgnr] = client_list.Unit(orgnr, "", deleted_on is not None, bankrupt)
    rest = orgnrs - units.keys()
    if rest:
        subs = SubUnit.objects.filter(orgnr__in=rest, parent__isnull=False).values_list(
            "orgnr", "parent_id", "closed_on", "parent__deleted_on", "parent__bankrupt"
        )
        for orgnr, parent, closed_on, parent_deleted, parent_bankrupt in subs:
            if parent_bankrupt is None:  # the parent is not (yet) in the copy
                continue
            units[orgnr] = client_list.Unit(parent, orgnr, bool(closed_on or parent_deleted), bool(parent_bankrupt))
    return units


def _stored(provider: Provider, enterprise_orgnrs: set[str]) -> dict[tuple[str, str], list]:
    stored: dict[tuple[str, str], list] = {}
    rows = Affiliation.objects.filter(provider=provider, enterprise_id__in=enterprise_orgnrs).values_list(
        "enterprise_id", "subunit_orgnr", "valid_from", "valid_to"
    )
    for enterprise, sub, start, end in rows:
        stored.setdefault((enterprise, sub), []).append((start, end))
    return stored


def client_list_check(*, provider: Provider, rows: Iterable[client_list.RawRow], today: datetime.date) -> Report:
    """Judge every row against the register copy and the provider's stored list, in batches
    (two or three queries per 5,000 rows; the rows are streamed, never all read first)."""
    report = Report()
    seen: dict = {}
    iterator: Iterator[client_list.RawRow] = iter(rows)
    while batch := list(itertools.islice(iterator, BATCH)):
        numbers = {n for n in (client_list.orgnr_or_none(r.orgnr) for r in batch) if n}
        units = _units(numbers)
        stored = _stored(provider, {u.enterprise_orgnr for u in units.values()})
        for raw in batch:
            report.rows_total += 1
            result = client_list.check_row(raw, units=units, stored=stored, seen=seen, today=today)
            if isinstance(result, client_list.Accepted):
                report.accepted.append(result)
            else:
                report.refused_count += 1
                report.reasons[result.reason] = report.reasons.get(result.reason, 0) + 1
                if len(report.refused) < MAX_REFUSED_KEPT:
                    report.refused.append(result)
    return report


# ---------------------------------------------------------------- API keys
def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_for_key(key: str) -> ApiToken | None:
    """The active token with this key (the key is compared by its hash), or None."""
    if not key:
        return None
    return ApiToken.objects.select_related("provider").filter(key_hash=token_hash(key), revoked_at__isnull=True).first()


def provider_api_tokens(*, provider: Provider) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(provider=provider).order_by("revoked_at", "-created_at", "-id")
