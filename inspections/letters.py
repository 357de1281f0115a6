"""Letters of the inspection course as tagged PDFs, from the same WeasyPrint pipeline as the
decision letters (approvals.letters.pdf_render: local DejaVu fonts only, PDF/UA-1): the
inspection report with advance notice of order, the order decision and the decisions on
coercive fines, stoppage and infringement fines. Official Norwegian documents: the text is
bokmål in the templates (inspections/templates/inspections/letters/)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from approvals.letters import FONT_DIR, SENDER, RenderedLetter, pdf_render

from . import rules
from .models import Inspection, Order, Reaction

INSPECTION_SENDER = {**SENDER, "unit": "Tilsyn med bedriftshelsetjeneste"}
REACTION_TITLES = {
    "coercive_fine": "Vedtak om tvangsmulkt",
    "stoppage": "Vedtak om stans",
    "infringement_fine": "Vedtak om overtredelsesgebyr",
}


def _base(inspection: Inspection, *, author) -> dict:
    return {
        "inspection": inspection,
        "sender": INSPECTION_SENDER,
        "font_dir": FONT_DIR.as_uri(),
        "reference": f"Tilsyn {inspection.pk}",
        "author_name": author.get_full_name() if author else "",
        "today": timezone.localdate(),
    }


def _render(template: str, context: dict) -> RenderedLetter:
    with translation.override("nb"):
        return pdf_render(render_to_string(template, context))


def report_render(*, inspection: Inspection, comment_deadline, author, answers, findings) -> RenderedLetter:
    """The inspection report (tilsynsrapport) with advance notice of order (varsel om pålegg)."""
    context = _base(inspection, author=author)
    context.update(
        title="Tilsynsrapport med varsel om pålegg",
        answers=answers,
        findings=findings,
        notice_findings=rules.findings_for_notice(findings),
        comment_deadline=comment_deadline,
        order_legal_basis=rules.ORDER_LEGAL_BASIS,
    )
    return _render("inspections/letters/report.html", context)


def order_render(*, order: Order) -> RenderedLetter:
    context = _base(order.inspection, author=order.decided_by)
    context.update(title="Vedtak om pålegg", order=order, report=getattr(order.inspection, "report", None))
    return _render("inspections/letters/order.html", context)


def reaction_render(*, reaction: Reaction) -> RenderedLetter:
    context = _base(reaction.inspection, author=reaction.decided_by)
    context.update(title=REACTION_TITLES[reaction.kind], reaction=reaction, order=reaction.order)
    return _render("inspections/letters/reaction.html", context)
