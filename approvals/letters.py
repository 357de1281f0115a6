"""The decision letter (vedtaksbrev) as a tagged PDF (PDF/UA-1) with WeasyPrint.

Rendered from approvals/templates/approvals/letters/decision.html in Norwegian. Fonts are
DejaVu from Debian's fonts-dejavu-core, loaded with @font-face from file:// URLs and embedded
(subset) in the PDF; the URL fetcher refuses anything that is not a local file under the font
folder, so rendering never touches the network.
"""

from __future__ import annotations

import datetime
import gc
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from approvals.models import APPEAL_DAYS, Decision, DecisionOutcome
from approvals.selectors.cases import staff_fte_table
from core.official import in_official_language

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
PDF_VARIANT = "pdf/ua-1"
SENDER = {
    "name": "Arbeidstilsynet",
    "unit": "Godkjenning av bedriftshelsetjenester",
    "address": "Postboks 4720 Torgarden, 7468 Trondheim",
    "email": "post@arbeidstilsynet.no",
    "web": "www.arbeidstilsynet.no",
}
TITLES = {
    DecisionOutcome.APPROVED: "Vedtak om godkjenning av bedriftshelsetjeneste",
    DecisionOutcome.APPROVED_SPECIAL: "Vedtak om godkjenning av bedriftshelsetjeneste i særlige tilfeller",
    DecisionOutcome.REJECTED: "Vedtak om avslag på søknad om godkjenning av bedriftshelsetjeneste",
    DecisionOutcome.REVOKED: "Vedtak om tilbakekall av godkjenning av bedriftshelsetjeneste",
}


class LocalFontFetcher(URLFetcher):
    """Only file:// URLs under the font folder; everything else is refused."""

    def __init__(self):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        if not url.startswith("file://"):
            raise ValueError(f"refused (no network while rendering letters): {url}")
        path = Path(url[len("file://") :].split("?")[0]).resolve()
        if FONT_DIR.resolve() not in path.parents:
            raise ValueError(f"refused (outside the font folder): {url}")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class RenderedLetter:
    pdf: bytes
    pages: int


def letter_context(*, decision: Decision) -> dict:
    case = decision.case
    application = decision.application
    # The letter is made just before its notice goes out, so the notice date is today unless
    # it has been sent already (a re-rendering); the deadline runs from it (fvl. § 29).
    notice_date = decision.notified_on or timezone.localdate()
    return {
        "case_number": case.case_number,
        "notice_date": notice_date,
        "appeal_deadline": notice_date + datetime.timedelta(days=APPEAL_DAYS),
        "partly_adverse": decision.is_partly_adverse,
        "decision": decision,
        "case": case,
        "provider": case.provider,
        "application": application,
        "title": TITLES[DecisionOutcome(decision.outcome)],
        "approved": decision.outcome in (DecisionOutcome.APPROVED, DecisionOutcome.APPROVED_SPECIAL),
        "special": decision.outcome == DecisionOutcome.APPROVED_SPECIAL,
        "rejected": decision.outcome == DecisionOutcome.REJECTED,
        "revoked": decision.outcome == DecisionOutcome.REVOKED,
        "facts": staff_fte_table(application=application),
        "sender": SENDER,
        "font_dir": FONT_DIR.as_uri(),
        "handler_name": decision.decided_by.get_full_name() or decision.decided_by.email,
    }


def letter_html(*, decision: Decision) -> str:
    with in_official_language():
        return render_to_string("approvals/letters/decision.html", letter_context(decision=decision))


_local = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread, kept for the worker's life: Fontconfig's set-up and
    the @font-face files (always the same local DejaVu files) are loaded once, not per letter."""
    font_config = getattr(_local, "font_config", None)
    if font_config is None:
        font_config = _local.font_config = FontConfiguration()
    return font_config


@contextmanager
def _young_garbage_collected_after():
    """WeasyPrint builds some 100,000 short-lived objects with reference cycles (box trees)
    per letter, so Python's cyclic garbage collector runs during rendering, including full
    collections that walk every object of the process (~0.1 s per letter, a fifth of the
    time). Instead: no collection while rendering, then one collection of the young
    generation, which frees the same garbage (the letter's objects are all young) without
    walking the old objects again."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def _render(source: str) -> RenderedLetter:
    html = HTML(string=source, url_fetcher=LocalFontFetcher(), base_url=FONT_DIR.as_uri())
    document = html.render(font_config=_font_config(), pdf_variant=PDF_VARIANT)
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    return RenderedLetter(pdf=pdf, pages=len(document.pages))


def pdf_render(source: str) -> RenderedLetter:
    """Render a letter's HTML (fonts from FONT_DIR only) as a tagged PDF; other apps' letters
    (inspection reports, orders) use this too."""
    with _young_garbage_collected_after():
        # In a function of its own, so that the document is unreferenced (garbage) when the
        # young generation is collected.
        return _render(source)


def letter_render(*, decision: Decision) -> RenderedLetter:
    """Render the decision letter; returns the PDF bytes and the page count."""
    return pdf_render(letter_html(decision=decision))


def notice_html(*, request) -> str:
    """The advance notice of revocation (forvaltningsloven § 16) as HTML, in bokmål."""
    case = request.case
    with in_official_language():
        return render_to_string(
            "approvals/letters/revocation_notice.html",
            {
                "request": request,
                "case": case,
                "provider": case.provider,
                "sender": SENDER,
                "font_dir": FONT_DIR.as_uri(),
                "handler_name": request.sent_by.get_full_name() or request.sent_by.email,
            },
        )


def notice_render(*, request) -> RenderedLetter:
    """Render the advance notice of revocation (the same pipeline as decision letters)."""
    return pdf_render(notice_html(request=request))


def dispensation_html(*, case) -> str:
    """The decision on a dispensation (enkeltvedtak) as HTML, in bokmål, with the appeal text."""
    notice_date = timezone.localdate()
    with in_official_language():
        return render_to_string(
            "approvals/letters/dispensation.html",
            {
                "case": case,
                "case_number": case.case_number,
                "enterprise": case.enterprise,
                "granted": case.status == "granted",
                "sender": SENDER,
                "font_dir": FONT_DIR.as_uri(),
                "handler_name": case.decided_by.get_full_name() or case.decided_by.email,
                "notice_date": notice_date,
                "appeal_deadline": notice_date + datetime.timedelta(days=APPEAL_DAYS),
                "partly_adverse": False,
            },
        )


def dispensation_render(*, case) -> RenderedLetter:
    """Render the dispensation decision letter (the same pipeline as decision letters)."""
    return pdf_render(dispensation_html(case=case))
