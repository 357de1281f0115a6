"""The approval criteria (forskrift om administrative ordninger § 2-2, § 2-3), as pure functions.

One place for the rules: the provider's live form feedback, submission, the case handler's
page, change notices and the public rule-check API all call `evaluate`. No ORM here; all
arithmetic in Decimal, so ten people at 0.3 FTE are exactly 3.0.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from providers.vocabulary import DISCIPLINE_FIELDS, DISCIPLINE_NAMES, DISCIPLINES, EMPLOYMENT_TYPES, MINIMUM_DISCIPLINES

__all__ = ["DISCIPLINES", "DISCIPLINE_NAMES", "MINIMUM_DISCIPLINES", "EMPLOYMENT_TYPES"]

from core.orgnr import ascii_digits

TOTAL_FTE_MIN = Decimal("3.0")
DISCIPLINE_FTE_MIN = Decimal("0.30")
HIRED_MIN_FTE = Decimal("0.30")
PERSON_MAX_FTE = Decimal("1.0")
# The largest roster the portal takes (form, change notice, API): a few hundred people.
MAX_STAFF = 300

DOCUMENT_RULES = {
    "quality_system": ("Kvalitetssystem er dokumentert", "A quality system is documented"),
    "competence_development_plan": (
        "Plan for kompetanseutvikling er dokumentert",
        "A competence development plan is documented",
    ),
}


def in_language(message_nb: str, message_en: str) -> str:
    """The message in the active language: English on English pages, else bokmål."""
    return message_en if (get_language() or "nb").startswith("en") else message_nb


class FTEError(ValueError):
    """An FTE value that cannot be read; `message_nb`/`message_en` say why."""

    def __init__(self, message_nb: str, message_en: str):
        super().__init__(message_en)
        self.message_nb = message_nb
        self.message_en = message_en

    @property
    def message(self) -> str:
        return in_language(self.message_nb, self.message_en)


_NUMBER = re.compile(r"^[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)\Z")
FTE_PLACES = 3  # the database stores FTE with three decimals (0.001 = 0.1 %)


def parse_fte(value, *, allow_zero: bool = False, allow_percent: bool = True) -> Decimal:
    """Read an FTE (årsverk) as typed by a person or sent to the API, exactly, as Decimal.

    "30", "30 %", "30%", "0,3" and "0.3" all mean 0.3. A number with a % sign is a percentage;
    without one, a value up to 1 is a fraction of a full-time position and a value above 1 is
    a percentage (nobody works 30 full-time positions in one BHT). With allow_percent=False
    (the API) only a fraction is accepted. Numbers (int, Decimal, float) are read through their
    decimal text, so 0.3 is exactly Decimal("0.3"). The result is in (0, 1] (or [0, 1] with
    allow_zero) with at most three decimals; anything else raises FTEError with a reason.
    """
    if isinstance(value, bool) or value is None:
        raise FTEError("Oppgi et tall.", "Enter a number.")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise FTEError("Oppgi et tall.", "Enter a number.")
        text = repr(value)
    else:
        text = str(value)
    text = ascii_digits(text.strip().replace("\u00a0", " "))
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    if not text:
        raise FTEError("Oppgi et tall.", "Enter a number.")
    if not _NUMBER.match(text) and not isinstance(value, (int, Decimal, float)):
        raise FTEError(
            "Oppgi stillingsandel som prosent (f.eks. 30 eller 30 %) eller desimaltall (f.eks. 0,3).",
            "Enter the FTE as a percentage (e.g. 30 or 30 %) or a decimal (e.g. 0.3).",
        )
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise FTEError("Oppgi et tall.", "Enter a number.") from None
    if not number.is_finite():
        raise FTEError("Oppgi et tall.", "Enter a number.")
    if percent and not allow_percent:
        raise FTEError(
            "Oppgi årsverk som desimaltall mellom 0 og 1 (f.eks. 0.3).",
            "Enter the FTE as a decimal between 0 and 1 (e.g. 0.3).",
        )
    if number < 0:
        raise FTEError("Årsverk kan ikke være negativt.", "An FTE cannot be negative.")
    if percent or (allow_percent and number > 1):
        if number > 100:
            raise FTEError(
                "En person kan ha høyst 100 % stilling i BHT-en.", "A person can have at most 100 % in the BHT."
            )
        number = number / 100
    if number > PERSON_MAX_FTE:
        raise FTEError("Årsverk kan være høyst 1,0.", "An FTE can be at most 1.0.")
    if number == 0 and not allow_zero:
        raise FTEError("Årsverk må være større enn 0.", "An FTE must be greater than 0.")
    if -number.as_tuple().exponent > FTE_PLACES and number != number.quantize(Decimal(1).scaleb(-FTE_PLACES)):
        raise FTEError(
            "Oppgi årsverk med høyst tre desimaler (0,001 = 0,1 %).",
            "Enter the FTE with at most three decimals (0.001 = 0.1 %).",
        )
    return number.quantize(Decimal(1).scaleb(-FTE_PLACES)).normalize() if number else Decimal("0")


def _decimal(value) -> Decimal:
    """Exact Decimal of a number (floats through their shortest text, never binary)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


@dataclass(frozen=True)
class StaffInput:
    """One person in a staff roster (bemanning): the one roster type. Built by `staff_entry`
    from a form, a StaffMember, the API or stored JSON; stored with `to_json`."""

    name: str
    fte: Decimal
    employment: str = "permanent"
    training_completed: bool = False
    hpr_number: str | None = None
    disciplines: Mapping[str, Decimal] = field(default_factory=dict)
    profession: str = ""
    training_completed_on: datetime.date | None = None

    # The fields a stored person (StaffMember) or a staff form row has.
    FIELDS = (
        "name",
        "profession",
        "hpr_number",
        "fte",
        "employment",
        "training_completed_on",
        *DISCIPLINE_FIELDS.values(),
    )

    def __post_init__(self):
        # Accept ints/strings/floats but compute in exact Decimal only.
        object.__setattr__(self, "fte", _decimal(self.fte))
        object.__setattr__(
            self, "disciplines", {d: _decimal(v) for d, v in self.disciplines.items() if d in DISCIPLINES}
        )
        object.__setattr__(self, "hpr_number", (self.hpr_number or "").strip() or None)
        if self.training_completed_on is not None:
            object.__setattr__(self, "training_completed", True)

    def discipline(self, discipline: str) -> Decimal:
        return self.disciplines.get(discipline, Decimal("0"))

    def to_json(self) -> dict:
        """The stored form (change notices): exact decimal text, ISO dates, every discipline."""
        return {
            "name": self.name,
            "profession": self.profession,
            "hpr_number": self.hpr_number or "",
            "fte": fte_text(self.fte),
            "employment": self.employment,
            "training_completed_on": self.training_completed_on.isoformat() if self.training_completed_on else None,
            "disciplines": {d: fte_text(self.discipline(d)) for d in DISCIPLINES},
        }

    def model_fields(self) -> dict:
        """The StaffMember / staff form fields of this person."""
        return {
            "name": self.name,
            "profession": self.profession,
            "hpr_number": self.hpr_number or "",
            "fte": self.fte,
            "employment": self.employment,
            "training_completed_on": self.training_completed_on,
            **{f: self.discipline(d) for d, f in DISCIPLINE_FIELDS.items()},
        }


def staff_entry(row: Mapping) -> StaffInput:
    """The one builder of a roster entry, from any of the shapes a person arrives in: a staff
    form's cleaned_data or a StaffMember's fields (`fte_<discipline>` keys), stored JSON or an
    API row (`disciplines` mapping; the API gives `training_completed` as a yes/no)."""
    disciplines = row.get("disciplines")
    if disciplines is None:
        disciplines = {d: row.get(f) or 0 for d, f in DISCIPLINE_FIELDS.items()}
    trained_on = row.get("training_completed_on") or None
    if isinstance(trained_on, str):
        trained_on = datetime.date.fromisoformat(trained_on)
    return StaffInput(
        name=(row.get("name") or "").strip(),
        profession=row.get("profession") or "",
        hpr_number=row.get("hpr_number") or None,
        fte=row["fte"],
        employment=row.get("employment") or "permanent",
        training_completed=bool(row.get("training_completed", trained_on is not None)),
        training_completed_on=trained_on,
        disciplines={d: v or 0 for d, v in disciplines.items()},
    )


def roster_from_json(rows: Sequence[Mapping] | None) -> list[StaffInput]:
    return [staff_entry(r) for r in rows or ()]


def roster_to_json(roster: Sequence[StaffInput]) -> list[dict]:
    return [s.to_json() for s in roster]


@dataclass(frozen=True)
class RuleInput:
    staff: Sequence[StaffInput]
    documents: Mapping[str, bool] = field(default_factory=dict)
    # FTE already counted for the same person (by HPR number) in other providers'
    # submitted or approved applications.
    other_fte_by_hpr: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleResult:
    id: str
    passed: bool
    value: Decimal | int | bool
    required: Decimal | int | bool
    message_nb: str
    message_en: str
    statutory: bool = True

    @property
    def message(self) -> str:
        return in_language(self.message_nb, self.message_en)


@dataclass(frozen=True)
class RuleWarning:
    id: str
    message_nb: str
    message_en: str
    person: str | None = None

    @property
    def message(self) -> str:
        return in_language(self.message_nb, self.message_en)


@dataclass(frozen=True)
class Evaluation:
    approvable: bool
    total_fte: Decimal
    discipline_fte: dict[str, Decimal]
    rules: list[RuleResult]
    warnings: list[RuleWarning]

    @property
    def failed(self) -> list[RuleResult]:
        return [r for r in self.rules if not r.passed]

    def rule(self, rule_id: str) -> RuleResult:
        return next(r for r in self.rules if r.id == rule_id)

    def as_dict(self) -> dict:
        """JSON-safe form (Decimals as strings such as "3.0"), with both languages' messages:
        frozen on a submitted application and the base of the API answer."""
        return {
            "approvable": self.approvable,
            "total_fte": decimal_text(self.total_fte),
            "discipline_fte": {d: decimal_text(v) for d, v in self.discipline_fte.items()},
            "rules": [
                {
                    "id": r.id,
                    "passed": r.passed,
                    "value": _json_value(r.value),
                    "required": _json_value(r.required),
                    "statutory": r.statutory,
                    "message_nb": r.message_nb,
                    "message_en": r.message_en,
                }
                for r in self.rules
            ],
            "warnings": [
                {"id": w.id, "person": w.person, "message_nb": w.message_nb, "message_en": w.message_en}
                for w in self.warnings
            ],
        }


def fte_text(value: Decimal) -> str:
    """An FTE as stored text with three decimals ("0.300"), so equal rosters compare equal."""
    return f"{_decimal(value).quantize(Decimal(1).scaleb(-FTE_PLACES)):f}"


def decimal_text(value: Decimal) -> str:
    """Exact decimal text with at least one decimal: 3 -> "3.0", 0.300 -> "0.3"."""
    text = f"{value.normalize():f}" if value else "0"
    return text if "." in text else text + ".0"


def _json_value(value):
    return decimal_text(value) if isinstance(value, Decimal) else value


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",") if value else "0"


def fte_totals(staff: Sequence[StaffInput]) -> tuple[Decimal, dict[str, Decimal]]:
    """The roster's total FTE and its FTE per discipline (in DISCIPLINES order), exact."""
    total = sum((s.fte for s in staff), Decimal("0"))
    per_discipline = {d: sum((s.disciplines.get(d, Decimal("0")) for s in staff), Decimal("0")) for d in DISCIPLINES}
    return total, per_discipline


def discipline_sum_exceeding(fte: Decimal, disciplines: Mapping[str, Decimal]) -> Decimal | None:
    """The sum of one person's discipline FTEs when it is more than the person's FTE (which the
    forms and the API refuse), else None."""
    total = sum(disciplines.values(), Decimal("0"))
    return total if total > fte else None


def evaluate(data: RuleInput) -> Evaluation:
    """Check the statutory rules and the practice warnings for one application."""
    staff = list(data.staff)
    total, per_discipline = fte_totals(staff)

    rules: list[RuleResult] = []
    rules.append(
        RuleResult(
            id="total_fte",
            passed=total >= TOTAL_FTE_MIN,
            value=total,
            required=TOTAL_FTE_MIN,
            message_nb=f"Samlet fagpersonell er {_fmt(total)} årsverk; kravet er minst 3,0.",
            message_en=f"Professional staff total {total.normalize():f} FTE; at least 3.0 is required.",
        )
    )
    for d in MINIMUM_DISCIPLINES:
        nb, en = DISCIPLINE_NAMES[d]
        value = per_discipline[d]
        rules.append(
            RuleResult(
                id=f"{d}_fte",
                passed=value >= DISCIPLINE_FTE_MIN,
                value=value,
                required=DISCIPLINE_FTE_MIN,
                message_nb=f"Fagområdet {nb} har {_fmt(value)} årsverk; kravet er minst 0,3.",
                message_en=f"The discipline {en} has {value.normalize():f} FTE; at least 0.3 is required.",
            )
        )
    missing = [d for d in DISCIPLINES if per_discipline[d] <= 0]
    rules.append(
        RuleResult(
            id="competence_areas",
            passed=not missing,
            value=len(DISCIPLINES) - len(missing),
            required=len(DISCIPLINES),
            message_nb=(
                "Alle fem kompetanseområder har personell."
                if not missing
                else "Mangler personell i: " + ", ".join(DISCIPLINE_NAMES[d][0] for d in missing) + "."
            ),
            message_en=(
                "All five competence areas have staff."
                if not missing
                else "No staff in: " + ", ".join(DISCIPLINE_NAMES[d][1] for d in missing) + "."
            ),
        )
    )
    untrained = [s.name for s in staff if not s.training_completed]
    rules.append(
        RuleResult(
            id="training",
            passed=bool(staff) and not untrained,
            value=len(staff) - len(untrained),
            required=len(staff),
            message_nb=(
                "Alle har gjennomført obligatorisk opplæring (§ 2-3)."
                if staff and not untrained
                else (
                    "Ingen personell er registrert."
                    if not staff
                    else "Mangler obligatorisk opplæring (§ 2-3): " + ", ".join(untrained) + "."
                )
            ),
            message_en=(
                "Everyone has completed the mandatory training (§ 2-3)."
                if staff and not untrained
                else (
                    "No staff registered."
                    if not staff
                    else "Mandatory training (§ 2-3) not completed: " + ", ".join(untrained) + "."
                )
            ),
        )
    )
    for doc_id, (nb, en) in DOCUMENT_RULES.items():
        present = bool(data.documents.get(doc_id))
        rules.append(
            RuleResult(
                id=doc_id,
                passed=present,
                value=present,
                required=True,
                message_nb=nb + "." if present else nb.replace("er dokumentert", "mangler") + ".",
                message_en=en + "." if present else en.replace("is documented", "is missing") + ".",
            )
        )

    warnings: list[RuleWarning] = []
    for s in staff:
        if s.employment in ("hired", "self_employed") and s.fte < HIRED_MIN_FTE:
            warnings.append(
                RuleWarning(
                    id="hired_below_minimum",
                    person=s.name,
                    message_nb=f"{s.name} er innleid/selvstendig med {_fmt(s.fte)} årsverk; praksis krever minst 0,3.",
                    message_en=f"{s.name} is hired-in/self-employed at {s.fte.normalize():f} FTE; practice requires at least 0.3.",
                )
            )
    permanent = sum((s.fte for s in staff if s.employment == "permanent"), Decimal("0"))
    if staff and permanent * 2 < total:
        warnings.append(
            RuleWarning(
                id="permanent_below_half",
                message_nb=f"Fast ansatte utgjør {_fmt(permanent)} av {_fmt(total)} årsverk, under halvparten.",
                message_en=f"Permanent staff make up {permanent.normalize():f} of {total.normalize():f} FTE, less than half.",
            )
        )
    seen: dict[str, Decimal] = {}
    for s in staff:
        if s.hpr_number:
            seen[s.hpr_number] = seen.get(s.hpr_number, Decimal("0")) + s.fte
    for hpr, fte_here in seen.items():
        combined = fte_here + data.other_fte_by_hpr.get(hpr, Decimal("0"))
        if combined > PERSON_MAX_FTE:
            names = ", ".join(s.name for s in staff if s.hpr_number == hpr)
            warnings.append(
                RuleWarning(
                    id="person_over_full_time",
                    person=names,
                    message_nb=f"{names} (HPR {hpr}) er regnet med {_fmt(combined)} årsverk til sammen hos flere BHT-er.",
                    message_en=f"{names} (HPR {hpr}) is counted at {combined.normalize():f} FTE in total across providers.",
                )
            )

    return Evaluation(
        approvable=all(r.passed for r in rules),
        total_fte=total,
        discipline_fte=per_discipline,
        rules=rules,
        warnings=warnings,
    )


# ---------------------------------------------------------------- the requirements a decision assesses
# Forskrift om administrative ordninger § 2-2 første ledd bokstav a–e, § 2-3 and § 2-4. The special
# cases rule (approval although d and e are not met, with documented cooperation) is § 2-2 andre ledd.
SPECIAL_CASES_REF = "§ 2-2 andre ledd"


@dataclass(frozen=True)
class Requirement:
    """One requirement of the regulation that every decision letter assesses, with its legal
    reference as a letter cites it. `rule_ids` are the rules above that decide it; a requirement
    without rules (bokstav a, § 2-4) is the case handler's judgement, in their own words."""

    id: str
    legal_ref: str
    label: str | Promise
    rule_ids: tuple[str, ...] = ()
    # The rules cannot decide it (bokstav a–c, § 2-4): nothing is pre-filled, and the handler's
    # own words are needed before a decision can be made (forvaltningsloven § 25).
    judgement: bool = False
    # May be set aside in special cases (§ 2-2 andre ledd, bokstav d and e): then in own words too.
    special_case: bool = False


SPECIAL_CASES_REF = "§ 2-2 andre ledd"
REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        "holistic",
        "§ 2-2 første ledd bokstav a",
        _("Able to give holistic, preventive assistance in systematic HSE work"),
        judgement=True,
    ),
    Requirement(
        "quality_assistance",
        "§ 2-2 første ledd bokstav b",
        _("A quality system that ensures assistance as chapter 13 requires"),
        ("quality_system",),
        judgement=True,
    ),
    Requirement(
        "competence_development",
        "§ 2-2 første ledd bokstav c",
        _("A quality system that ensures competence development for the staff"),
        ("competence_development_plan",),
        judgement=True,
    ),
    Requirement(
        "competence_areas",
        "§ 2-2 første ledd bokstav d",
        _("Staff able to advise in all five competence areas"),
        ("competence_areas",),
        special_case=True,
    ),
    Requirement(
        "staffing",
        "§ 2-2 første ledd bokstav e",
        _("At least 3.0 FTE of professional staff, and at least 0.30 FTE in each of four disciplines"),
        ("total_fte",) + tuple(f"{d}_fte" for d in MINIMUM_DISCIPLINES),
        special_case=True,
    ),
    Requirement(
        "training",
        "§ 2-3",
        _("Every staff member has completed the mandatory training"),
        ("training",),
    ),
    Requirement(
        "risk_based",
        "§ 2-4",
        _("Risk-based, preventive assistance; extra services kept and documented separately"),
        judgement=True,
    ),
)
REQUIREMENTS_BY_ID = {r.id: r for r in REQUIREMENTS}


# ---------------------------------------------------------------- approved on a day (issue 13)
def approval_covers(
    *,
    valid_from: datetime.date,
    valid_until: datetime.date,
    status: str,
    ended_on: datetime.date | None,
    day: datetime.date,
) -> bool:
    """Was the provider approved on `day` by this approval (adm. ordninger § 2-5)? The day is
    within the approval period and the approval had not ended by then: an expired approval
    covered its whole period; a revoked one covered the days before the revocation; one whose
    revocation was reversed on appeal is valid again and covers its whole period.
    approvals.selectors.coverage.approval_covering_q is the same rule as a database filter."""
    if not (valid_from <= day <= valid_until):
        return False
    return status == "valid" or (ended_on is not None and day < ended_on)
