"""A provider's client list as a file: read it row by row and judge each row. Pure: no database.
The caller (providers.selectors.client_list_check) looks up the units of a batch of rows and
the provider's current list, then asks `check_row` about each row.

The file: one row per client, columns organisation number; start date; end date; employees
covered (the last three optional). Separator `;`, `,` or tab; a header row is recognised and
skipped. Dates as 31.12.2026 or 2026-12-31. The organisation number may be the enterprise's or
one of its sub-units' (an establishment): a sub-unit's row is stored against its enterprise.

Refusal reasons (`Refused.reason`):
- `invalid_orgnr`: not an organisation number (which check failed: digits, length, checksum);
- `unknown_unit`: a valid number that is not in the national register copy;
- `deleted_unit`: the unit is deleted from the register (a sub-unit: closed);
- `bankrupt_unit`: the unit (or the sub-unit's enterprise) is bankrupt;
- `duplicate`: the unit is already on the list (in this file or stored) for an overlapping period;
- `dates_out_of_order`: the end date is before the start date;
- `invalid_date`, `invalid_employees`: a value that cannot be read.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.orgnr import OrgnrError, parse_orgnr

REASONS = (
    "invalid_orgnr",
    "unknown_unit",
    "deleted_unit",
    "bankrupt_unit",
    "duplicate",
    "dates_out_of_order",
    "invalid_date",
    "invalid_employees",
)
REASON_LABELS = {
    "invalid_orgnr": gettext_lazy("Invalid organisation number"),
    "unknown_unit": gettext_lazy("Not in the register"),
    "deleted_unit": gettext_lazy("Deleted or closed unit"),
    "bankrupt_unit": gettext_lazy("Bankrupt unit"),
    "duplicate": gettext_lazy("Duplicate"),
    "dates_out_of_order": gettext_lazy("End before start"),
    "invalid_date": gettext_lazy("Unreadable date"),
    "invalid_employees": gettext_lazy("Unreadable number of employees"),
}
HEADER_WORDS = {"orgnr", "organisasjonsnummer", "organisation number", "organization number", "org.nr", "org.nr."}
MAX_EMPLOYEES = 1_000_000


@dataclass(frozen=True, slots=True)
class RawRow:
    line: int
    orgnr: str
    valid_from: str = ""
    valid_to: str = ""
    employees: str = ""


@dataclass(frozen=True, slots=True)
class Unit:
    """What the check needs of a unit in the register copy."""

    enterprise_orgnr: str
    subunit_orgnr: str  # "" for the enterprise itself
    deleted: bool
    bankrupt: bool


@dataclass(frozen=True, slots=True)
class Accepted:
    line: int
    enterprise_orgnr: str
    subunit_orgnr: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    employees: int | None

    @property
    def key(self) -> tuple[str, str]:
        return (self.enterprise_orgnr, self.subunit_orgnr)

    def as_json(self) -> list:
        return [
            self.enterprise_orgnr,
            self.subunit_orgnr,
            self.valid_from.isoformat(),
            self.valid_to.isoformat() if self.valid_to else None,
            self.employees,
        ]


@dataclass(frozen=True, slots=True)
class Refused:
    line: int
    value: str
    reason: str
    message: str

    def as_json(self) -> dict:
        return {"line": self.line, "value": self.value, "reason": self.reason, "message": self.message}


Period = tuple[datetime.date, datetime.date | None]


def _sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def read_rows(lines: Iterable[str]) -> Iterator[RawRow]:
    """The rows of a CSV file, streamed (never the whole file in memory); blank rows skipped,
    a header row recognised by its first cell."""
    iterator = iter(lines)
    first = next(iterator, None)
    if first is None:
        return
    delimiter = _sniff_delimiter(first)

    def all_lines():
        yield first
        yield from iterator

    for number, cells in enumerate(csv.reader(all_lines(), delimiter=delimiter), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower().lstrip("\ufeff") in HEADER_WORDS:
            continue
        cells += [""] * (4 - len(cells))
        yield RawRow(number, cells[0], cells[1], cells[2], cells[3])


def parse_date(raw: str) -> datetime.date | None:
    """31.12.2026, 31.12.26 is not accepted (ambiguous century); 2026-12-31. Empty: None."""
    raw = raw.strip()
    if not raw:
        return None
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)


def orgnr_or_none(raw: str) -> str | None:
    try:
        return parse_orgnr(raw)
    except OrgnrError:
        return None


def overlaps(a: Period, b: Period) -> bool:
    a_from, a_to = a
    b_from, b_to = b
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


def check_row(
    raw: RawRow,
    *,
    units: Mapping[str, Unit],
    stored: Mapping[tuple[str, str], list[Period]],
    seen: MutableMapping[tuple[str, str], list[Period]],
    today: datetime.date,
) -> Accepted | Refused:
    """Judge one row. `units`: the register's units by organisation number (enterprises and
    sub-units); `stored`: the provider's current list by (enterprise, sub-unit); `seen`: the
    rows accepted so far in this file (updated when this row is accepted)."""

    def refuse(reason: str, message: str) -> Refused:
        return Refused(raw.line, raw.orgnr, reason, message)

    try:
        orgnr = parse_orgnr(raw.orgnr)
    except OrgnrError as exc:
        return refuse("invalid_orgnr", _("Not a valid organisation number: %(reason)s") % {"reason": exc.message})
    unit = units.get(orgnr)
    if unit is None:
        return refuse(
            "unknown_unit", _("No unit with organisation number %(orgnr)s in the register.") % {"orgnr": orgnr}
        )
    if unit.deleted:
        return refuse("deleted_unit", _("The unit is deleted from the register (or closed)."))
    if unit.bankrupt:
        return refuse("bankrupt_unit", _("The register shows the unit as bankrupt."))
    try:
        valid_from = parse_date(raw.valid_from) or today
        valid_to = parse_date(raw.valid_to)
    except ValueError as exc:
        return refuse(
            "invalid_date", _("%(value)s is not a date: write 31.12.2026 or 2026-12-31.") % {"value": exc.args[0]}
        )
    if valid_to is not None and valid_to < valid_from:
        return refuse("dates_out_of_order", _("The end date is before the start date."))
    employees = None
    if raw.employees:
        text = raw.employees.replace(" ", "").replace("\u00a0", "")
        if not text.isdigit() or int(text) > MAX_EMPLOYEES:
            return refuse(
                "invalid_employees",
                _("%(value)s is not a number of employees (a whole number, 0 or more).") % {"value": raw.employees},
            )
        employees = int(text)
    key = (unit.enterprise_orgnr, unit.subunit_orgnr)
    period = (valid_from, valid_to)
    if any(overlaps(period, other) for other in seen.get(key, ())):
        return refuse("duplicate", _("The unit is in the file more than once for the same period."))
    if any(overlaps(period, other) for other in stored.get(key, ())):
        return refuse("duplicate", _("The unit is already on your client list for this period."))
    seen.setdefault(key, []).append(period)
    return Accepted(raw.line, unit.enterprise_orgnr, unit.subunit_orgnr, valid_from, valid_to, employees)
