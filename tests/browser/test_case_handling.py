"""Browser journey (issue 5 "done when"): the case handler finds provider A's case, assigns
it and asks for more information; the provider supplements in the portal; the handler
approves; the decision letter PDF downloads and reads back with the case number, the provider
and the appeal deadline; the provider is in the public register. axe on queue and case pages."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from approvals.models import Application, Case, CaseStatus, Decision
from core.official import official_date

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
JUDGEMENTS = {
    "holistic": "Tverrfaglig team i alle fem kompetanseområder som arbeider forebyggende hos kundene.",
    "quality_assistance": "Kvalitetssystemet beskriver bistanden etter kapittel 13 og gjennomgås årlig.",
    "competence_development": "Kompetanseplan med individuelle mål for alle ansatte.",
    "risk_based": "Bistanden prioriteres etter risiko; tilleggstjenester faktureres og dokumenteres adskilt.",
}


def fill_judgements(page):
    """The handler's own words for § 2-2 første ledd bokstav a–c and § 2-4 (never pre-filled)."""
    for req_id, text in JUDGEMENTS.items():
        page.locator(f"textarea[name=assessment_{req_id}]").fill(text)


DEMO_PASSWORD = "bht-demo-2026"


def _logout(page):
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_load_state("networkidle")


def test_handler_reviews_supplement_approves_and_letter_and_register(page, login, axe_check):
    call_command("seed_demo")
    case = Case.objects.get(provider__orgnr="988077917", status=CaseStatus.SUBMITTED)

    # The case handler finds provider A's case in the queue.
    login("saksbehandler@demo.no", DEMO_PASSWORD)
    page.goto("/saker/")
    axe_check("case queue")
    page.get_by_label("Søk").fill("Demo BHT A")
    page.get_by_role("button", name="Vis saker").click()
    page.get_by_role("link", name=case.case_number).click()
    assert case.case_number in page.get_by_role("heading", level=1).inner_text()
    axe_check("case page (submitted)")

    # Assign to self (starts the review), then ask for more information.
    page.get_by_role("button", name="Tildel").click()
    assert page.locator("#case-status").inner_text() == "Under behandling"
    page.get_by_label("Hva må BHT-en supplere?").fill("Send dokumentasjon på opplæring for alle.")
    page.get_by_role("button", name="Send forespørsel").click()
    assert page.locator("#case-status").inner_text() == "Venter på flere opplysninger"
    axe_check("case page (awaiting information)")
    _logout(page)

    # Provider A supplements: a new version from the submitted one, then submit it.
    login("bht-a@demo.no", DEMO_PASSWORD)
    submitted = Application.objects.get(case=case, version=1)
    page.goto(f"/soknader/{submitted.pk}/")
    assert "Send dokumentasjon på opplæring for alle." in page.content()
    page.get_by_role("button", name="Lag en ny versjon").click()
    draft = Application.objects.get(case=case, version=2)
    page.goto(f"/soknader/{draft.pk}/send-inn/")
    page.locator("input[name=declaration_accepted]").check()
    page.get_by_role("button", name="Send inn søknaden").click()
    page.wait_for_load_state("networkidle")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW, case.status
    _logout(page)

    # The handler sees the supplement and approves.
    login("saksbehandler@demo.no", DEMO_PASSWORD)
    page.goto(f"/saker/{case.pk}/")
    assert "versjon 2" in page.content()
    page.get_by_role("link", name="Vurder og fatt vedtak …").click()
    fill_judgements(page)
    page.get_by_label("Godkjent", exact=True).check()
    page.get_by_role("button", name="Registrer vedtaket").click()
    assert page.locator("#case-status").inner_text() == "Godkjent"
    axe_check("case page (approved)")

    # The letter PDF downloads and reads back.
    decision = Decision.objects.get(case=case)
    with page.expect_download() as info:
        page.get_by_role("link", name="Vedtaksbrev (PDF").click()
    path = info.value.path()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(open(path, "rb").read())).pages)
    decision = Decision.objects.get(pk=decision.pk)  # the notice has gone out: the deadline runs from it
    deadline = official_date(decision.appeal_deadline)  # letters write dates as 23.12.2026
    assert case.case_number in text
    assert "Demo BHT A AS" in text
    assert deadline in text, (deadline, text[-1500:])
    _logout(page)

    # The provider appears in the public register (no login).
    page.goto("/godkjente-bht/?q=Demo+BHT+A")
    assert "Demo BHT A AS" in page.content()
    axe_check("public register")
