"""Demo records for `manage.py seed_demo` (idempotent: nothing is made when inspections exist).

A working week for inspektor@demo.no, every state of the course, made through the services
(letters rendered, messages queued) and then moved back in time:
- Demo Bygg og Anlegg AS (virksomhet@demo.no's enterprise): no BHT; report, comments, an order
  whose deadline passed (the daily job marks it overdue) and a coercive fine running;
- Kantina på Kaia AS: report sent, awaiting comments;
- Kodeverkstedet AS: an order due this week, with the contract and plan uploaded by the party;
- Salong Saks og Sjampo AS: order met (compliance documented, the fine stopped) and closed;
- Nordlys Omsorg AS: an announced inspection in progress (checklist partly answered);
- Demo BHT A AS: an inspection of an approved BHT with a § 2-2 e finding reported to the
  approval unit (a follow-up on its approval case); Demo BHT B AS: by documents, in progress.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from accounts.selectors import inspectors
from approvals.documents import minimal_pdf
from approvals.selectors.lifecycle import provider_valid_approval
from enterprises.selectors import enterprise_get_by_orgnr
from providers.selectors import provider_search

from . import services
from .models import Inspection, InspectionEvent, Order, Reaction, Report


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _shift(inspection: Inspection, *, days: int) -> None:
    """Move an inspection made today `days` into the past (its events, report, orders too)."""
    delta = datetime.timedelta(days=days)
    Inspection.objects.filter(pk=inspection.pk).update(inspected_on=inspection.inspected_on - delta)
    for event in InspectionEvent.objects.filter(inspection=inspection):
        InspectionEvent.objects.filter(pk=event.pk).update(created_at=event.created_at - delta)
    for report in Report.objects.filter(inspection=inspection):
        Report.objects.filter(pk=report.pk).update(
            sent_at=report.sent_at - delta, comment_deadline=report.comment_deadline - delta
        )
    for order in Order.objects.filter(inspection=inspection):
        Order.objects.filter(pk=order.pk).update(
            issued_on=order.issued_on - delta,
            deadline=order.deadline - delta,
            appeal_deadline=order.appeal_deadline - delta if order.appeal_deadline else None,
        )
    for r in Reaction.objects.filter(inspection=inspection):
        Reaction.objects.filter(pk=r.pk).update(
            decided_at=r.decided_at - delta,
            runs_from=r.runs_from - delta if r.runs_from else None,
            stopped_on=r.stopped_on - delta if r.stopped_on else None,
            appeal_deadline=r.appeal_deadline - delta if r.appeal_deadline else None,
        )


def _name(register_name: str) -> str:
    """DEMO BYGG OG ANLEGG AS -> Demo Bygg og Anlegg AS (register names are upper case)."""
    small = {"og", "på", "i"}
    words = [w.lower() if w.lower() in small else w.capitalize() for w in register_name.split()]
    return " ".join("AS" if w == "As" else w for w in words)


def _start_enterprise(inspector, orgnr: str, *, kind="announced", team=(), topics="BHT-tilknytning"):
    enterprise = enterprise_get_by_orgnr(orgnr=orgnr)
    if enterprise is None:
        return None
    return services.inspection_start(
        actor=inspector,
        target="enterprise",
        orgnr=orgnr,
        name=_name(enterprise.name),
        address=f"{enterprise.address}, {enterprise.postcode} {enterprise.city}".strip(", "),
        kind=kind,
        inspected_on=timezone.localdate(),
        team=list(team),
        topics=topics,
        advance_notice=(
            "Vi vil se på virksomhetens tilknytning til godkjent bedriftshelsetjeneste. Ha klar: avtale med "
            "bedriftshelsetjenesten, plan for bistanden og siste årsrapport."
        )
        if kind == "announced"
        else "",
        contact_email=f"post-{orgnr}@demo.no",
    )


def _answer(inspection: Inspection, inspector, results: dict[str, str], notes: dict[str, str] | None = None) -> None:
    points = {p.number: p for p in inspection.checklist.points.all()}
    services.checklist_answers_save(
        inspection=inspection,
        actor=inspector,
        answers=[
            {"point": points[n], "subject": "", "result": r, "note": (notes or {}).get(n, "")}
            for n, r in results.items()
        ],
    )


NO_BHT = {"1": "not_met", "2": "not_met", "3": "not_met", "4": "not_checked", "5": "not_checked"}


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf(name), content_type="application/pdf")


def seed(*, stdout=None) -> None:
    inspector = User.objects.filter(email="inspektor@demo.no").first()
    party = User.objects.filter(email="virksomhet@demo.no").first()
    kode_user = User.objects.filter(email="kodeverkstedet@demo.no").first()
    if inspector is None or Inspection.objects.exists():
        return
    services.checklists_load()
    colleague = inspectors().exclude(pk=inspector.pk).first()
    made = []

    # 1. No BHT: report, comments, order overdue (the daily job marks it), coercive fine running.
    bygg = _start_enterprise(inspector, "923609016", kind="unannounced", team=[colleague] if colleague else [])
    if bygg is not None:
        _answer(bygg, inspector, NO_BHT, {"1": "Virksomheten har ikke avtale med noen BHT."})
        services.report_send(inspection=bygg, actor=inspector, comment_deadline=_days(21))
        if party is not None:
            services.comment_submit(
                inspection=bygg,
                actor=party,
                text="Vi har innhentet tilbud fra to bedriftshelsetjenester og velger en innen fristen.",
            )
        finding = bygg.findings.order_by("id").first()
        order = services.order_issue(
            inspection=bygg, actor=inspector, finding=finding, text=finding.intended_order, deadline=_days(42)
        )
        services.reaction_record(
            inspection=bygg,
            actor=inspector,
            kind="coercive_fine",
            order=order,
            amount=Decimal(1000),
            period="day",
            runs_from=_days(45),
            text="Pålegget er ikke oppfylt innen fristen.",
        )
        services.reaction_record(
            inspection=bygg, actor=inspector, kind="guidance", text="Veiledet om kravene i § 13-1 og § 13-3 på telefon."
        )
        _shift(bygg, days=55)  # deadline 13 days ago; the fine has run 10 days
        made.append(bygg)

    # 2. Report sent, awaiting comments.
    kantina = _start_enterprise(inspector, "914778271")
    if kantina is not None:
        _answer(kantina, inspector, {"1": "met", "2": "met", "3": "not_met", "4": "not_met", "5": "met"})
        services.report_send(inspection=kantina, actor=inspector, comment_deadline=_days(21))
        _shift(kantina, days=5)
        made.append(kantina)

    # 3. An order due this week; the party has sent the contract and the plan.
    kode = _start_enterprise(inspector, "916525567", kind="documents")
    if kode is not None and kode_user is not None:
        _answer(
            kode, inspector, {"1": "not_met", "2": "not_met", "3": "not_met", "4": "not_checked", "5": "not_checked"}
        )
        services.report_send(inspection=kode, actor=inspector, comment_deadline=_days(14))
        first = kode.findings.order_by("id").first()
        order = services.order_issue(
            inspection=kode, actor=inspector, finding=first, text=first.intended_order, deadline=_days(35)
        )
        _shift(kode, days=31)  # deadline in 4 days
        services.order_compliance_upload(
            order=order,
            actor=kode_user,
            files=[_pdf("signert-avtale-bht.pdf"), _pdf("plan-for-bht-bistand.pdf")],
            note="Avtale med Demo BHT A AS signert.",
        )
        made.append(kode)

    # 4. Order met: compliance documented (the fine stopped), order closed, inspection closed.
    salong = _start_enterprise(inspector, "915133541", kind="unannounced")
    if salong is not None:
        _answer(
            salong,
            inspector,
            {"1": "not_met", "2": "not_checked", "3": "not_checked", "4": "not_checked", "5": "not_checked"},
        )
        services.report_send(inspection=salong, actor=inspector, comment_deadline=_days(21))
        finding = salong.findings.order_by("id").first()
        order = services.order_issue(
            inspection=salong, actor=inspector, finding=finding, text=finding.intended_order, deadline=_days(30)
        )
        services.reaction_record(
            inspection=salong,
            actor=inspector,
            kind="coercive_fine",
            order=order,
            amount=Decimal(5000),
            period="week",
            runs_from=_days(-14),
            text="Pålegget ble ikke oppfylt innen fristen.",
        )
        services.order_compliance_document(
            order=order,
            actor=inspector,
            documentation="Mottatt signert avtale og plan datert 2. desember; kontrollert.",
        )
        services.order_close(order=order, actor=inspector)
        services.inspection_close(inspection=salong, actor=inspector)
        _shift(salong, days=70)
        made.append(salong)

    # 5. Announced inspection in progress, checklist partly answered.
    nordlys = _start_enterprise(inspector, "919376074", topics="BHT-tilknytning, årsrapport")
    if nordlys is not None:
        _answer(nordlys, inspector, {"1": "met", "2": "met"})
        made.append(nordlys)

    # 6. BHT inspections: an approved BHT with a § 2-2 e finding reported to the approval unit.
    for orgnr, kind in (("988077917", "announced"), ("974760673", "documents")):
        provider = next(iter(provider_search(q=orgnr)), None)
        if provider is None:
            continue
        approval = provider_valid_approval(provider_id=provider.pk)
        inspection = services.inspection_start(
            actor=inspector,
            target="provider",
            orgnr=provider.orgnr,
            name=provider.name,
            provider=provider,
            approval_id=approval.pk if approval else None,
            address=f"{provider.street_address}, {provider.postcode} {provider.city}",
            kind=kind,
            inspected_on=timezone.localdate(),
            team=[],
            topics="Kravene i §§ 2-2 til 2-4",
            advance_notice="Vi vil se på fagpersonell, kvalitetssystem og opplæring. Ha klar bemanningsoversikt og opplæringsbevis."
            if kind == "announced"
            else "",
            contact_email=provider.email,
        )
        if approval is not None:
            _answer(
                inspection,
                inspector,
                {"2-2a": "met", "2-2b": "met", "2-2c": "met", "2-2d": "met", "2-2e": "not_met", "2-4": "met"},
                {"2-2e": "Yrkeshygieniker har sluttet; 0,1 årsverk yrkeshygiene igjen."},
            )
            services.report_send(inspection=inspection, actor=inspector, comment_deadline=_days(21))
            services.followup_open(inspection=inspection, actor=inspector)
            _shift(inspection, days=3)
        made.append(inspection)

    if stdout is not None:
        stdout.write(f"inspections: {len(made)} inspections in every state")
