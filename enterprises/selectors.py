"""Reads: the obligation answer for a code or an enterprise (rule + register + dispensations),
enterprise search, dispensation lists. The rule itself is `obligation.py` (pure)."""

from __future__ import annotations

import datetime
import functools
import json
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.orgnr import OrgnrError, looks_like_orgnr, parse_orgnr

from . import obligation, register_copy
from .models import Dispensation, DispensationScope, Enterprise, Standard, SubUnit
from .obligation import SN2007, SN2025, Status
from .reference import reference_data
from .register_copy import DISPENSATIONS_JSON, MAX_SUBUNITS, SUBUNITS_JSON


class UnknownCode(LookupError):
    """A well-formed industry code that exists in neither SN2025 nor SN2007."""


class ObligationQueryError(ValueError):
    """Why a question has no answer, as the page and the API tell it: `not_found` is True for a
    well-formed code or number that does not exist (or no list in force); `field` names the
    input at fault and `check` which organisation-number check failed."""

    def __init__(self, message: str, *, field: str, not_found: bool = False, check: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field
        self.not_found = not_found
        self.check = check


CODE, ORGNR = "code", "orgnr"


def obligation_query_kind(query: str) -> str | None:
    """What a typed question is: an industry code, an organisation number, or neither (a name)."""
    if obligation.is_code(query):
        return CODE
    if looks_like_orgnr(query):
        return ORGNR
    return None


def obligation_answer(
    query: str, *, day: datetime.date, kind: str | None = None, standard: str | None = None
) -> ObligationAnswer:
    """The one entry point of the obligation check (the page, the API and the enterprise's start
    page call it): `query` is an industry code (SN2025/SN2007, any level) or an organisation
    number; `kind` forces one reading. Raises ObligationQueryError with the reason."""
    query = (query or "").strip()
    kind = kind or obligation_query_kind(query)
    try:
        if kind == CODE:
            if not obligation.is_code(query):
                raise ObligationQueryError(_("An industry code looks like 49, 85.1, 86.91 or 41.000."), field="nace")
            try:
                return obligation_for_code(query, day=day, standard=standard)
            except UnknownCode as exc:
                raise ObligationQueryError(
                    _("%(code)s is not an industry code in SN2025 or SN2007.") % {"code": exc.args[0]},
                    field="nace",
                    not_found=True,
                ) from None
        if kind == ORGNR:
            try:
                number = parse_orgnr(query)
            except OrgnrError as exc:
                raise ObligationQueryError(
                    _("This is not a valid organisation number: %(reason)s") % {"reason": exc.message},
                    field="orgnr",
                    check=exc.check,
                ) from None
            try:
                return obligation_for_orgnr(number, day=day)
            except Enterprise.DoesNotExist:
                raise ObligationQueryError(
                    _(
                        "No enterprise with organisation number %(orgnr)s in the register. Check the number, or "
                        "search by name or industry code."
                    )
                    % {"orgnr": number},
                    field="orgnr",
                    not_found=True,
                ) from None
    except obligation.NoListInForce:
        raise ObligationQueryError(
            _("No industry list was in force on %(date)s.") % {"date": date_format(day, "SHORT_DATE_FORMAT")},
            field="date",
            not_found=True,
        ) from None
    raise ObligationQueryError(_("Give an industry code or an organisation number."), field="q")


@dataclass
class SubUnitAnswer:
    orgnr: str
    name: str
    municipality_name: str
    status: Status
    codes: tuple[obligation.CodeAssessment, ...]
    parent_orgnr: str = ""
    closed_on: datetime.date | None = None


@dataclass
class ObligationAnswer:
    day: datetime.date
    status: Status
    assessment: obligation.Assessment
    enterprise: Enterprise | None = None
    subunits: list[SubUnitAnswer] = field(default_factory=list)
    dispensations: list[Dispensation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    county_number: str = ""
    county_name: str = ""
    # Asked by a sub-unit's own number (bedriftsnummer): that sub-unit; the answer is its parent's.
    queried_subunit: SubUnitAnswer | None = None

    @property
    def version(self) -> obligation.ListVersion:
        return self.assessment.version

    @property
    def dispensations_in_force(self) -> list[Dispensation]:
        return [d for d in self.dispensations if d.in_force_on(self.day)]

    @property
    def depends_on(self) -> list[str]:
        """For a "depends" answer: what decides it (each open condition, once)."""
        notes = _depends_notes(self.assessment.codes)
        for sub in [self.queried_subunit, *self.subunits]:
            if sub is not None and sub.status == Status.DEPENDS:
                notes += _depends_notes(sub.codes)
        if not self.assessment.codes and self.enterprise is not None:
            notes.append(_("The register has no industry code for the enterprise, so the list cannot answer."))
        return list(dict.fromkeys(str(n) for n in notes))


def _depends_notes(codes) -> list[str]:
    notes = []
    for a in codes:
        if a.status != Status.DEPENDS:
            continue
        if a.entry is not None and a.entry.partial:
            notes.append(
                _("Depends on: %(code)s %(name)s is listed only in part: %(condition)s.")
                % {"code": a.entry.code, "name": a.entry.name, "condition": a.entry.condition}
            )
        elif a.partial_entries:
            notes.append(
                _("Depends on: only part of %(code)s is on the list (%(entries)s); give the subclass.")
                % {"code": a.code, "entries": ", ".join(e.code for e in a.partial_entries)}
            )
        elif a.successors:
            notes.append(
                _("Depends on: the SN2007 code %(code)s became several SN2025 codes (%(codes)s); which one applies?")
                % {"code": a.code, "codes": ", ".join(s.code for s in a.successors)}
            )
            notes.extend(_depends_notes(a.successors))
    return notes


# The rule is pure and the reference snapshot immutable, so an assessment depends only on
# (snapshot, list version, standard, codes). Remembered per snapshot: a new snapshot (the
# reference data changed) starts with an empty memo, so nothing outlives the data it came from.
_MEMO_MAX = 20_000
_memo: tuple[obligation.ReferenceData | None, dict] = (None, {})


def _assess_codes(codes, *, day: datetime.date, ref: obligation.ReferenceData, standard: str) -> obligation.Assessment:
    """obligation.assess_codes, remembered (the same answer, without walking the list again)."""
    global _memo
    version = obligation.list_in_force(ref.versions, day)
    memo_ref, memo = _memo
    if memo_ref is not ref:
        memo = {}
        _memo = (ref, memo)
    key = (version.valid_from, standard, tuple(codes))
    assessment = memo.get(key)
    if assessment is None:
        assessment = obligation.assess_codes(codes, day=version.valid_from, ref=ref, standard=standard)
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        memo[key] = assessment
    return assessment


def obligation_for_code(code: str, *, day: datetime.date, standard: str | None = None) -> ObligationAnswer:
    """The answer for one industry code (SN2025 or SN2007, any level). Raises UnknownCode or
    obligation.NoListInForce. No database query when the reference snapshot is warm."""
    ref = reference_data()
    code = obligation.normalise_code(code)
    detected = obligation.detect_standard(code, ref)
    if standard not in (SN2025, SN2007):
        standard = detected
    elif not ref.exists(standard, code):
        standard = None
    if standard is None:
        raise UnknownCode(code)
    assessment = _assess_codes((code,), day=day, ref=ref, standard=standard)
    notes = _depends_notes(assessment.codes)
    if standard == SN2025 and code in ref.successors and ref.successors[code] != (code,):
        notes.append(
            _("%(code)s also existed in SN2007 with another meaning; if your code is from SN2007, ask for SN2007.")
            % {"code": code}
        )
    if standard == SN2007:
        notes.append(_("SN2007 codes are translated to SN2025 with Statistics Norway's correspondence table."))
    return ObligationAnswer(day=day, status=assessment.status, assessment=assessment, notes=notes)


def _register_notes(enterprise: Enterprise) -> list[str]:
    notes = []
    if enterprise.employees is None:
        notes.append(
            _(
                "The register does not give the number of employees below five, so it cannot tell whether the "
                "enterprise has any (0–4). Without employees the duty does not apply; one employee is enough."
            )
        )
    elif enterprise.employees == 0:
        notes.append(_("The register shows no employees. Without employees the duty does not apply."))
    if enterprise.deleted_on:
        notes.append(
            _("The enterprise was deleted from the register on %(date)s.")
            % {"date": date_format(enterprise.deleted_on, "SHORT_DATE_FORMAT")}
        )
    if enterprise.bankrupt:
        notes.append(_("The register shows the enterprise as bankrupt."))
    if enterprise.being_wound_up:
        notes.append(_("The register shows the enterprise as being wound up."))
    if enterprise.forced_dissolution:
        notes.append(_("The register shows the enterprise under forced winding-up or dissolution."))
    if enterprise.nace_standard == Standard.SN2007:
        notes.append(_("The enterprise's codes are from SN2007; they are translated to SN2025."))
    if not enterprise.codes:
        notes.append(_("The register has no industry code for the enterprise, so the list cannot answer."))
    return notes


_ENTERPRISE_COLUMNS = [f.attname for f in Enterprise._meta.concrete_fields]


@functools.cache
def _bundle_sql() -> str:
    columns = ", ".join(f"enterprises_enterprise.{c}" for c in _ENTERPRISE_COLUMNS)
    return (
        f"SELECT {columns}, {SUBUNITS_JSON}, {DISPENSATIONS_JSON} "
        "FROM enterprises_enterprise WHERE enterprises_enterprise.orgnr = %s"
    )


_PREPARED_NAME = "enterprises_obligation_bundle"


def _execute_bundle(db, orgnr: str):
    """Run the bundle query as a server-side prepared statement: PostgreSQL plans it once per
    connection instead of once per request (planning the three sub-selects costs more than
    executing them). The PREPARE is per-connection set-up, like Django's own connection
    initialisation, so it goes through the driver's cursor and is not counted as a query."""
    with db.cursor() as cursor:
        raw = db.connection
        if getattr(db, "_enterprise_bundle_prepared_on", None) is not raw:
            # Django's error wrapper, as for its own queries: a dead connection raises Django's
            # OperationalError (retried by _bundle_row, a 503 in an outage), not the driver's.
            with db.wrap_database_errors, raw.cursor() as setup:
                setup.execute(f"PREPARE {_PREPARED_NAME} (varchar) AS " + _bundle_sql().replace("%s", "$1"))
            db._enterprise_bundle_prepared_on = raw
        cursor.execute(f"EXECUTE {_PREPARED_NAME} (%s)", [orgnr])
        return cursor.fetchone()


def _bundle_row(db, orgnr: str):
    """One round trip to the database, also on a connection kept from an earlier request.

    With CONN_HEALTH_CHECKS Django first checks a reused connection with its own `SELECT 1`
    round trip, which costs as much as this whole query. Here the query itself is the check:
    if it fails because the connection died (database restarted, connection dropped), the
    connection is closed and the query runs once more on a fresh one, so a dead connection
    still never fails a request. Inside a transaction this is not possible (and Django's own
    check does not run there either), so the query just runs.
    """
    if db.connection is not None and db.health_check_enabled and not db.health_check_done and not db.in_atomic_block:
        db.health_check_done = True
        try:
            return _execute_bundle(db, orgnr)
        except (OperationalError, InterfaceError):
            if db.is_usable():
                raise  # the connection is fine: a real error
            db.close()
    return _execute_bundle(db, orgnr)


class _SubUnitRow(NamedTuple):
    """What the answer needs of a sub-unit (the hot path builds no model instances for them)."""

    orgnr: str
    name: str
    municipality_name: str
    codes: list[str]


def _enterprise_bundle(orgnr: str) -> tuple[Enterprise, list[_SubUnitRow], list[Dispensation]]:
    """The enterprise with its open sub-units and its dispensations: from the worker's copy of
    the register where it has one (register_copy, no query), else one query on PostgreSQL (JSON
    sub-selects; this is the hot path of the API), three elsewhere."""
    db = connections[DEFAULT_DB_ALIAS]  # once: each `connection.x` goes through a context-local lookup
    if db.vendor != "postgresql":
        enterprise = Enterprise.objects.get(orgnr=orgnr)
        subs = [
            _SubUnitRow(s.orgnr, s.name, s.municipality_name, s.codes)
            for s in SubUnit.objects.filter(parent_id=orgnr, closed_on__isnull=True).order_by("name")[:MAX_SUBUNITS]
        ]
        return enterprise, subs, list(Dispensation.objects.filter(enterprise_id=orgnr).order_by("-valid_from", "-id"))
    copied = register_copy.lookup(orgnr)
    if copied is not None:
        return _bundle(db, register_copy.FIELDS, *copied)
    # Raw SQL built once: this is the API's hot path, and the ORM's compile step costs more
    # than the query itself.
    row = _bundle_row(db, orgnr)
    if row is None:
        raise Enterprise.DoesNotExist(orgnr)
    *values, subunits_json, dispensations_json = row
    return _bundle(db, _ENTERPRISE_COLUMNS, values, _json(subunits_json), _json(dispensations_json))


def _bundle(db, field_names, values, subunits, dispensations):
    enterprise = Enterprise.from_db(db.alias, field_names, values)  # these fields, in model order
    subs = [_SubUnitRow(o, n, m, [c for c in (c1, c2, c3) if c]) for o, n, m, c1, c2, c3 in subunits]
    dispensations = [
        Dispensation(
            id=pk, enterprise=enterprise, scope=scope, part=part, reason=reason, decided_by_id=by,
            valid_from=datetime.date.fromisoformat(start),
            valid_until=datetime.date.fromisoformat(end) if end else None,
            created_at=datetime.datetime.fromisoformat(created),
        )
        for pk, scope, part, start, end, reason, by, created in dispensations
    ]  # fmt: skip
    return enterprise, subs, dispensations


def _json(value):
    return json.loads(value) if isinstance(value, str) else (value or [])


def obligation_for_orgnr(orgnr: str, *, day: datetime.date) -> ObligationAnswer:
    """The answer for an enterprise in the register copy (1 query on PostgreSQL; none from a web
    worker's in-memory copy, register_copy.py). A sub-unit's own number (bedriftsnummer) is
    answered for its parent, with the sub-unit named (`queried_subunit`). Raises
    Enterprise.DoesNotExist or obligation.NoListInForce."""
    try:
        enterprise, subs, dispensations = _enterprise_bundle(orgnr)
    except Enterprise.DoesNotExist:
        return _obligation_for_subunit(orgnr, day=day)
    return _enterprise_answer(enterprise, subs, dispensations, day=day)


def _obligation_for_subunit(orgnr: str, *, day: datetime.date) -> ObligationAnswer:
    """A sub-unit's number: the duty lies with the employer, so the answer is the parent's
    (all its sub-units included), with the asked sub-unit's own codes assessed beside it."""
    sub = SubUnit.objects.filter(orgnr=orgnr).first()
    if sub is None or not sub.parent_id:
        raise Enterprise.DoesNotExist(orgnr)
    answer = obligation_for_orgnr(sub.parent_id, day=day)
    codes = _assess_codes(sub.codes, day=day, ref=reference_data(), standard=answer.enterprise.nace_standard).codes
    answer.queried_subunit = SubUnitAnswer(
        orgnr=sub.orgnr,
        name=sub.name,
        municipality_name=sub.municipality_name,
        status=obligation.overall(c.status for c in codes) if codes else Status.NOT_OBLIGED,
        codes=codes,
        parent_orgnr=sub.parent_id,
        closed_on=sub.closed_on,
    )
    note = _(
        "%(orgnr)s is the number of a sub-unit (bedriftsnummer), %(name)s. The duty lies with the employer, "
        "%(parent)s (%(parent_orgnr)s): the answer is for the enterprise as a whole, its sub-units included."
    ) % {"orgnr": sub.orgnr, "name": sub.name, "parent": answer.enterprise.name, "parent_orgnr": sub.parent_id}
    notes = [note]
    if sub.closed_on:
        notes.append(
            _("The sub-unit was closed on %(date)s.") % {"date": date_format(sub.closed_on, "SHORT_DATE_FORMAT")}
        )
    answer.notes = notes + answer.notes
    return answer


def _enterprise_answer(enterprise, subs, dispensations, *, day: datetime.date) -> ObligationAnswer:
    ref = reference_data()
    standard = enterprise.nace_standard
    assessment = _assess_codes(enterprise.codes, day=day, ref=ref, standard=standard)
    subunits = []
    for sub in subs:
        codes = _assess_codes(sub.codes, day=day, ref=ref, standard=standard).codes
        subunits.append(
            SubUnitAnswer(
                orgnr=sub.orgnr,
                name=sub.name,
                municipality_name=sub.municipality_name,
                status=obligation.overall(c.status for c in codes),
                codes=codes,
            )
        )
    status = obligation.enterprise_status(assessment.status, [s.status for s in subunits])
    notes = _register_notes(enterprise) + _depends_notes(assessment.codes)
    obliged_subs = [s for s in subunits if s.status == Status.OBLIGED]
    if obliged_subs and assessment.status != Status.OBLIGED:
        notes.append(
            _("Sub-units in a listed industry make the enterprise obliged: %(names)s.")
            % {"names": ", ".join(s.name for s in obliged_subs)}
        )
    for d in dispensations:
        if d.in_force_on(day):
            if d.scope == DispensationScope.WHOLE:
                notes.append(
                    _("Arbeidstilsynet has granted a dispensation from the duty from %(date)s.")
                    % {"date": date_format(d.valid_from, "SHORT_DATE_FORMAT")}
                )
            else:
                notes.append(
                    _("Arbeidstilsynet has granted a dispensation for part of the enterprise (%(part)s) from %(date)s.")
                    % {"part": d.part, "date": date_format(d.valid_from, "SHORT_DATE_FORMAT")}
                )
    municipality = ref.municipalities.get(enterprise.municipality_number)
    return ObligationAnswer(
        day=day,
        status=status,
        assessment=assessment,
        enterprise=enterprise,
        subunits=subunits,
        dispensations=dispensations,
        notes=notes,
        county_number=municipality[1] if municipality else enterprise.municipality_number[:2],
        county_name=municipality[2] if municipality else "",
    )


def enterprise_search(q: str) -> QuerySet[Enterprise]:
    """Enterprises whose name contains `q` (case-insensitive), not deleted first."""
    q = q.strip()
    # Register names are upper case; SQLite's LIKE folds only ASCII case, so match æøå upper too.
    return (
        Enterprise.objects.filter(Q(name__icontains=q) | Q(name__contains=q.upper()))
        .only("orgnr", "name", "municipality_name", "nace1", "deleted_on")
        .order_by("deleted_on", "name", "orgnr")
    )


def dispensation_list(q: str = "") -> QuerySet[Dispensation]:
    qs = Dispensation.objects.select_related("enterprise", "decided_by")
    q = q.strip()
    if q:
        digits = q.replace(" ", "")
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise_id=digits))
    return qs.order_by("-valid_from", "-id")


def enterprise_get_by_orgnr(*, orgnr: str) -> Enterprise | None:
    """The unit in our copy of the register, or None (also for deleted units)."""
    return Enterprise.objects.filter(orgnr=orgnr, deleted_on__isnull=True).first()
