"""One set of checks for every decision letter (tests and the demo data): the PDF's text has
the case number, the provider, each § 2-2 første ledd bokstav a–e and § 2-4 with its
assessment, every text the handler wrote (justification, conditions, reason for a shorter
period), the appeal body, the § 30 wording and a deadline counted from the notice."""

from __future__ import annotations

import datetime
import io
import re

from django.utils import timezone
from pypdf import PdfReader

from approvals.models import APPEAL_DAYS, Decision
from core.official import official_date

LETTERS = ("a", "b", "c", "d", "e")


FOOTER = re.compile(r"Arbeidstilsynet – sak \S+\s+Side \d+ av \d+")


def pdf_text(pdf: bytes) -> str:
    """The letter's text without the page footers, every run of white space made one space
    (cells and paragraphs wrap across lines and pages)."""
    text = "\n".join(FOOTER.sub(" ", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def letter_problems(decision: Decision, text: str, *, notice_date: datetime.date | None = None) -> list[str]:
    """What the letter lacks; empty when it passes. `notice_date`: the day of the notice the
    deadline runs from (default: the decision's notice, else the letter's day)."""
    problems = []

    def need(fragment: str, what: str):
        if _norm(fragment) not in text:
            problems.append(f"{what}: {fragment[:80]!r} missing")

    case = decision.case
    need(case.case_number, "case number")
    need(case.provider.name, "provider")
    for letter in LETTERS:
        need(f"§ 2-2 første ledd bokstav {letter}", "legal reference")
    need("§ 2-4", "legal reference")
    if decision.outcome == "approved_special":
        need("§ 2-2 andre ledd", "special cases")
    if not decision.assessments or len(decision.assessments) < 7:
        problems.append("assessment table: not every requirement is assessed")
    for a in decision.assessments:
        need(a["assessment"], f"assessment of {a['legal_ref']}")
    for field in ("justification", "conditions", "shorter_period_reason"):
        value = getattr(decision, field)
        if value:
            need(value, field)
    need("Direktoratet for arbeidstilsynet", "appeal body")
    need("sendt eller postlagt før fristen går ut", "§ 30 wording")
    need("forvaltningsloven § 30", "§ 30 reference")
    need("første varselet om at brevet er tilgjengelig", "deadline runs from the notice")
    notice = notice_date or decision.notified_on or timezone.localdate(decision.decided_at)
    need(official_date(notice + datetime.timedelta(days=APPEAL_DAYS)), "appeal deadline")
    for stale in ("nr. 1", "tredje ledd", "må være mottatt"):
        if stale in text:
            problems.append(f"outdated wording {stale!r}")
    return problems


def assert_letter_ok(decision: Decision, pdf: bytes, **kwargs) -> str:
    text = pdf_text(pdf)
    problems = letter_problems(decision, text, **kwargs)
    assert not problems, problems
    return text
