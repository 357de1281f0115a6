"""The § 13-1 rule: must an enterprise be connected to an approved BHT? Pure functions, no ORM.

Inputs are plain data: the versions of the list (each with its entries), the names of the
codes and the SN2007 → SN2025 correspondence (`ReferenceData`). `assess_codes` answers for a
set of codes on a date:

- a code is **obliged** when a list entry covers it (the entry is a prefix of the code on the
  dotted code: `85.1` covers `85.100`, `49` covers `49.410`);
- it **depends** when the covering entry is partial (it has a condition the enterprise must
  answer), when the code is above the list's level and only some codes below it are listed
  (a division like `86`), or when an SN2007 code has several successors that are not all
  assessed alike;
- otherwise it is **not obliged**.

An enterprise is obliged if any of its codes is; otherwise it depends if any code depends.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

SN2025 = "SN2025"
SN2007 = "SN2007"
CODE_RE = re.compile(r"^\d{2}(\.\d{1,3})?$")


class Status(StrEnum):
    OBLIGED = "obliged"
    NOT_OBLIGED = "not_obliged"
    DEPENDS = "depends"


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    condition: str = ""
    division: str = ""

    @property
    def partial(self) -> bool:
        return bool(self.condition)


@dataclass(frozen=True)
class ListVersion:
    valid_from: datetime.date
    reference: str
    entries: tuple[Entry, ...]
    title: str = ""


@dataclass(frozen=True)
class ReferenceData:
    """What the rule needs: list versions, code names per standard, SN2007 successors."""

    versions: tuple[ListVersion, ...]
    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # standard -> code -> name
    successors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # SN2007 code -> SN2025 codes
    # municipality number -> (name, county number, county name); for display only
    municipalities: Mapping[str, tuple[str, str, str]] = field(default_factory=dict)

    def name(self, standard: str, code: str) -> str:
        return self.names.get(standard, {}).get(code, "")

    def exists(self, standard: str, code: str) -> bool:
        return code in self.names.get(standard, {})


@dataclass(frozen=True)
class CodeAssessment:
    code: str
    standard: str
    name: str
    status: Status
    entry: Entry | None = None
    # A code above the list's level (e.g. division 86) of which only some codes are listed.
    partial_entries: tuple[Entry, ...] = ()
    # For an SN2007 code: its SN2025 successors, each assessed.
    successors: tuple[CodeAssessment, ...] = ()

    @property
    def condition(self) -> str:
        return self.entry.condition if self.entry else ""


@dataclass(frozen=True)
class Assessment:
    status: Status
    version: ListVersion
    codes: tuple[CodeAssessment, ...]


class NoListInForce(LookupError):
    """No version of the list was in force on the date asked."""


def normalise_code(raw: str) -> str:
    """`96020` / `96.02` / ` 96.020 ` → dotted form; unchanged when not code-like."""
    code = raw.strip().replace(",", ".")
    if re.fullmatch(r"\d{3,5}", code):
        code = f"{code[:2]}.{code[2:]}"
    return code


def is_code(raw: str) -> bool:
    return bool(CODE_RE.match(normalise_code(raw)))


def list_in_force(versions: Iterable[ListVersion], day: datetime.date) -> ListVersion:
    """The version with the latest valid_from on or before `day`."""
    candidates = [v for v in versions if v.valid_from <= day]
    if not candidates:
        raise NoListInForce(day)
    return max(candidates, key=lambda v: v.valid_from)


def covers(entry_code: str, code: str) -> bool:
    """Does a list entry cover a code? Prefix on the dotted code: `85.1` covers `85.100`,
    `49` covers `49.410`, `86.91` covers `86.910`; `43.1` does not cover `43.600`."""
    if code == entry_code:
        return True
    if "." not in entry_code:  # a division: the two digits, then the dot
        return len(entry_code) == 2 and code.startswith(entry_code + ".")
    return code.startswith(entry_code)


def matching_entry(version: ListVersion, code: str) -> Entry | None:
    """The most specific entry covering `code`, or None."""
    best = None
    for entry in version.entries:
        if covers(entry.code, code) and (best is None or len(entry.code) > len(best.code)):
            best = entry
    return best


def entries_below(version: ListVersion, code: str) -> tuple[Entry, ...]:
    """Entries more specific than `code` (when `code` is a division, group or class)."""
    return tuple(e for e in version.entries if e.code != code and covers(code, e.code))


def assess_sn2025(code: str, *, version: ListVersion, ref: ReferenceData) -> CodeAssessment:
    name = ref.name(SN2025, code)
    entry = matching_entry(version, code)
    if entry is not None:
        status = Status.DEPENDS if entry.partial else Status.OBLIGED
        return CodeAssessment(code=code, standard=SN2025, name=name, status=status, entry=entry)
    below = entries_below(version, code)
    if below:
        return CodeAssessment(code=code, standard=SN2025, name=name, status=Status.DEPENDS, partial_entries=below)
    return CodeAssessment(code=code, standard=SN2025, name=name, status=Status.NOT_OBLIGED)


def sn2025_successors(code: str, ref: ReferenceData) -> tuple[str, ...]:
    """SN2025 codes an SN2007 code became. A subclass not in the correspondence kept its code;
    for a higher-level SN2007 code, the successors of its changed subclasses plus itself when
    it still exists in SN2025."""
    if code in ref.successors:
        return ref.successors[code]
    below = sorted({s for old, succ in ref.successors.items() if covers(code, old) for s in succ})
    if below:
        kept = (code,) if ref.exists(SN2025, code) else ()
        return tuple(dict.fromkeys(kept + tuple(below)))
    return (code,)


def combine(statuses: Sequence[Status]) -> Status:
    """Alternatives (SN2007 successors): all obliged → obliged, none obliged/depends → not
    obliged, otherwise it depends on which applies."""
    if statuses and all(s == Status.OBLIGED for s in statuses):
        return Status.OBLIGED
    if all(s == Status.NOT_OBLIGED for s in statuses):
        return Status.NOT_OBLIGED
    return Status.DEPENDS


def assess_code(code: str, *, standard: str = SN2025, version: ListVersion, ref: ReferenceData) -> CodeAssessment:
    code = normalise_code(code)
    if standard == SN2025:
        return assess_sn2025(code, version=version, ref=ref)
    successors = tuple(assess_sn2025(s, version=version, ref=ref) for s in sn2025_successors(code, ref))
    return CodeAssessment(
        code=code,
        standard=SN2007,
        name=ref.name(SN2007, code),
        status=combine([s.status for s in successors]),
        successors=successors,
    )


def overall(statuses: Iterable[Status]) -> Status:
    """Several codes of one enterprise: obliged if any is, else depends if any does. No code
    at all cannot be assessed from the list: it depends (on what the enterprise does)."""
    statuses = list(statuses)
    if not statuses:
        return Status.DEPENDS
    if Status.OBLIGED in statuses:
        return Status.OBLIGED
    if Status.DEPENDS in statuses:
        return Status.DEPENDS
    return Status.NOT_OBLIGED


def enterprise_status(unit: Status, subunits: Iterable[Status]) -> Status:
    """An enterprise (hovedenhet) with its sub-units (underenheter, the establishments, each with
    its own codes): obliged if it or any sub-unit is. A sub-unit without codes is `depends`, as an
    enterprise without codes is: the list cannot clear what it cannot see."""
    return overall([unit, *subunits])


def assess_codes(
    codes: Sequence[str],
    *,
    day: datetime.date,
    ref: ReferenceData,
    standard: str = SN2025,
) -> Assessment:
    """The answer for an enterprise (or a single code) on `day`. Raises NoListInForce."""
    version = list_in_force(ref.versions, day)
    assessed = tuple(assess_code(c, standard=standard, version=version, ref=ref) for c in codes if c)
    return Assessment(status=overall(a.status for a in assessed), version=version, codes=assessed)


def detect_standard(code: str, ref: ReferenceData) -> str | None:
    """Which classification a code typed by a user is from: SN2025 if it exists there, else
    SN2007 if it exists there, else None (unknown code)."""
    code = normalise_code(code)
    if ref.exists(SN2025, code):
        return SN2025
    if ref.exists(SN2007, code):
        return SN2007
    return None
