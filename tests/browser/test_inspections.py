"""Browser journeys of the inspection course (axe on every new page):

1. An inspector starts an inspection of an enterprise found by its number (the obligation
   answer beside it), answers the checklist with one point not met, sends the report with
   advance notice; the enterprise user answers in the portal; the inspector issues the order
   (the letter read back: legal basis, deadline, appeal text); time passes and the daily job
   marks the order overdue; the inspector sets a coercive fine; the enterprise uploads the
   contract and the plan; the inspector documents compliance and the fine stops.
2. An inspection of an approved BHT with a § 2-2 e finding opens a follow-up on its approval
   case, which the case handler sees on the case page.
"""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from approvals.documents import minimal_pdf
from inspections.models import Inspection, Order, OrderStatus, Reaction
from inspections.services import checklists_load, orders_overdue_mark
from tests.factories import PASSWORD, UserFactory
from tests.inspections.helpers import register_enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pdf_file(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": minimal_pdf(name)}


def _iso(day: datetime.date) -> str:
    return day.isoformat()


def test_enterprise_inspection_from_number_to_order_fine_and_compliance(page, login, axe_check):
    from enterprises import reference

    reference.reference_data_load()
    reference.invalidate()
    register_enterprise()
    checklists_load()
    UserFactory(inspector=True, email="ivar@test.no", full_name="Ivar Inspektør")
    UserFactory(inspector=True, email="kari@test.no", full_name="Kari Kollega")
    UserFactory(case_handler=True, email="sara@test.no", full_name="Sara Saksbehandler")
    UserFactory(role="enterprise", enterprise_orgnr="923609016", email="vera@test.no", full_name="Vera Virksomhet")
    today = timezone.localdate()

    # --- the inspector starts the inspection, found by number
    login("ivar@test.no", PASSWORD)
    assert "Uken din" in page.content()
    axe_check("inspector start page")
    page.get_by_role("link", name="Start et tilsyn").first.click()
    axe_check("start an inspection: search")
    page.get_by_label("Organisasjonsnummer eller navn").fill("923 609 016")
    page.get_by_role("button", name="Finn").click()
    page.wait_for_load_state("networkidle")
    body = page.content()
    assert "DEMO BYGG OG ANLEGG AS" in body
    assert "Ja: virksomheten må være tilknyttet" in body  # the obligation answer beside it
    assert "Kari Kollega" in body and "Sara Saksbehandler" not in body  # only inspectors on the team
    axe_check("start an inspection: enterprise with its obligation answer")
    page.get_by_label("Uvarslet").check()
    page.get_by_label("Dato for tilsynet").fill(_iso(today))
    page.get_by_label("Kari Kollega").check()
    page.get_by_label("Tema").fill("BHT-tilknytning")
    page.get_by_role("button", name="Start tilsynet").click()
    page.wait_for_load_state("networkidle")
    inspection = Inspection.objects.get()
    assert page.url.endswith(f"/tilsyn/{inspection.pk}/")
    assert "Kari Kollega" in page.content()
    axe_check("inspection page, just started")

    # --- the checklist, one point not met
    page.get_by_role("link", name="Besvar sjekklisten").click()
    axe_check("checklist")
    page.locator("#r0-not_met").check()
    page.locator("#n0").fill("Ingen avtale med godkjent BHT.")
    for i in (1, 2, 3, 4):
        page.locator(f"#r{i}-met").check()
    page.get_by_role("button", name="Lagre sjekklisten").click()
    page.wait_for_load_state("networkidle")
    assert inspection.findings.count() == 1
    assert "Ikke oppfylt: Virksomheten er i dag tilknyttet" in page.content()

    # --- the report with advance notice
    page.get_by_label("Frist for å uttale seg").fill(_iso(today + datetime.timedelta(days=21)))
    page.get_by_role("button", name="Send rapporten med varsel om pålegg").click()
    page.wait_for_load_state("networkidle")
    assert "Rapporten med varsel om pålegg er sendt" in page.content()
    axe_check("inspection page, report sent")

    # --- the enterprise answers
    page.context.clear_cookies()
    login("vera@test.no", PASSWORD)
    page.get_by_role("link", name=today.strftime("%d.%m.%Y"), exact=False).first.click()
    page.wait_for_load_state("networkidle")
    axe_check("the enterprise's inspection page")
    page.get_by_label("Deres uttalelse").fill("Vi har bedt om tilbud fra to bedriftshelsetjenester.")
    page.get_by_label("Vedlegg (PDF eller bilder)").set_input_files([_pdf_file("tilbud.pdf")])
    page.get_by_role("button", name="Send uttalelsen").click()
    page.wait_for_load_state("networkidle")
    assert "Uttalelsen er sendt til inspektøren" in page.content()
    inspection.refresh_from_db()
    assert inspection.status == "commented"

    # --- the inspector issues the order; the letter read back
    page.context.clear_cookies()
    login("ivar@test.no", PASSWORD)
    page.goto(f"/tilsyn/{inspection.pk}/")
    assert "Vi har bedt om tilbud" in page.content()
    page.get_by_role("link", name="Gi pålegg om funn 1").click()
    axe_check("issue an order")
    deadline = today + datetime.timedelta(days=30)
    page.get_by_label("Frist for å oppfylle pålegget").fill(_iso(deadline))
    page.get_by_role("button", name="Gi pålegget").click()
    page.wait_for_load_state("networkidle")
    order = Order.objects.get()
    assert page.url.endswith(f"/tilsyn/palegg/{order.pk}/")
    axe_check("order page")
    pdf = page.request.get(f"/tilsyn/brev/order/{order.pk}/")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).replace("\n", " ")
    assert "Vedtak om pålegg" in text
    assert "arbeidsmiljøloven § 18-6" in text
    assert f"{deadline.day}. " in text and str(deadline.year) in text
    assert "Rett til å klage" in text and "tre uker" in text

    # --- time passes: the daily job marks the order overdue; the inspector sets a fine
    with time_machine.travel(deadline + datetime.timedelta(days=1), tick=True):
        assert orders_overdue_mark()["overdue"] == 1
        page.context.clear_cookies()
        login("ivar@test.no", PASSWORD)
        page.goto(f"/tilsyn/palegg/{order.pk}/")
        assert "Frist overskredet" in page.content()
        page.get_by_role("link", name="Fastsett tvangsmulkt").click()
        axe_check("record a reaction")
        page.get_by_label("Beløp (kr)").fill("1000")
        page.get_by_label("Periode").select_option("day")
        page.get_by_label("Begrunnelse").first.fill("Pålegget er ikke oppfylt innen fristen.")
        page.get_by_role("button", name="Registrer reaksjonen").click()
        page.wait_for_load_state("networkidle")
        assert "Reaksjonen er registrert" in page.content()
        assert "Påløpt så langt" in page.content()
        fine = Reaction.objects.get(kind="coercive_fine")
        assert fine.runs_from == deadline + datetime.timedelta(days=1) and fine.stopped_on is None

    # --- a few days later the enterprise sends the contract and the plan
    later = deadline + datetime.timedelta(days=5)
    with time_machine.travel(later, tick=True):
        page.context.clear_cookies()
        login("vera@test.no", PASSWORD)
        page.goto(f"/mine-tilsyn/{inspection.pk}/")
        page.get_by_role("link", name="Send dokumentasjon på oppfyllelse").click()
        axe_check("send proof of compliance")
        page.get_by_label("Dokumenter").set_input_files([_pdf_file("signert-avtale.pdf"), _pdf_file("plan.pdf")])
        page.get_by_role("button", name="Send dokumentene").click()
        page.wait_for_load_state("networkidle")
        assert "Dokumentene er sendt til inspektøren" in page.content()
        assert order.documents.count() == 2

        # --- the inspector documents compliance: the fine stops
        page.context.clear_cookies()
        login("ivar@test.no", PASSWORD)
        page.goto("/tilsyn/arbeidsliste/fines_running/")
        assert "Demo Bygg AS" in page.content() or "DEMO BYGG" in page.content()
        axe_check("work list: coercive fines running")
        page.goto(f"/tilsyn/palegg/{order.pk}/")
        assert "signert-avtale.pdf" in page.content()
        page.get_by_label("Dokumentasjon av oppfyllelse").fill("Signert avtale og plan mottatt og kontrollert.")
        page.get_by_role("button", name="Oppfyllelse er dokumentert").click()
        page.wait_for_load_state("networkidle")
        order.refresh_from_db()
        fine.refresh_from_db()
        assert order.status == OrderStatus.COMPLIED
        assert fine.stopped_on == later
        assert "stanset" in page.content()
        assert "kr 4" in page.content()  # days 1 to 4 after the deadline: NOK 4,000, then stopped


def test_bht_inspection_with_2_2_e_finding_opens_follow_up_on_the_approval_case(page, login, axe_check):
    from approvals.models import FollowUpTask
    from tests.approvals.factories import ApprovalFactory

    checklists_load()
    approval = ApprovalFactory(ends_in_days=400)
    provider = approval.provider
    UserFactory(inspector=True, email="ivar@test.no", full_name="Ivar Inspektør")
    UserFactory(case_handler=True, email="sara@test.no", full_name="Sara Saksbehandler")

    login("ivar@test.no", PASSWORD)
    page.goto(f"/tilsyn/ny/?q={provider.orgnr}")
    page.get_by_role("link", name=provider.name).click()
    page.wait_for_load_state("networkidle")
    body = page.content()
    assert approval.case.case_number in body  # the approval beside it
    assert "Lege Lise" in body  # its staff
    axe_check("start an inspection: a BHT with its approval and staff")
    page.get_by_label("Dokumenttilsyn").check()
    page.get_by_role("button", name="Start tilsynet").click()
    page.wait_for_load_state("networkidle")
    inspection = Inspection.objects.get()
    assert inspection.target == "provider" and inspection.approval_id == approval.pk

    page.get_by_role("link", name="Besvar sjekklisten").click()
    rows = page.locator("fieldset")
    assert rows.count() == 6 + 4  # five § 2-2 points and § 2-4, § 2-3 once per person (4 staff)
    assert "Lege Lise" in page.content()
    legend = page.locator("legend", has_text="2-2e")
    legend_id = legend.locator("xpath=..").locator("input[type=radio]").first.get_attribute("id")
    index = legend_id.split("-")[0][1:]
    page.locator(f"#r{index}-not_met").check()
    page.locator(f"#n{index}").fill("Bare 0,1 årsverk yrkeshygiene.")
    page.get_by_role("button", name="Lagre sjekklisten").click()
    page.wait_for_load_state("networkidle")
    assert "§ 2-2 første ledd bokstav e" in page.content()

    page.get_by_role("button", name="Opprett oppfølging i godkjenningssaken").click()
    page.wait_for_load_state("networkidle")
    task = FollowUpTask.objects.get()
    assert task.case_id == approval.case_id
    axe_check("inspection page after the follow-up")

    page.context.clear_cookies()
    login("sara@test.no", PASSWORD)
    page.goto(f"/saker/{approval.case.pk}/")
    body = page.content()
    assert "Bekymringsmelding fra tilsyn med" in body
    assert "§ 2-2 første ledd bokstav e" in body
    # ... and turns it into a notice of revocation
    page.get_by_role("link", name="Start et varsel om tilbakekall ut fra dette").click()
    page.wait_for_load_state("networkidle")
    reason = page.get_by_label("Begrunnelse")
    assert "§ 2-2 første ledd bokstav e" in reason.input_value()
    page.get_by_role("button", name="Send varsel om tilbakekall").click()
    page.wait_for_load_state("networkidle")
    approval.case.refresh_from_db()
    assert approval.case.status == "revocation_notified"
    assert "Bare 0,1 årsverk yrkeshygiene" in approval.case.revocation_reason
