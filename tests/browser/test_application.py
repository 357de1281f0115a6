"""Browser journey: a provider fills in an application (with a PDF upload), watches a rule
turn green in the live panel, submits and gets the receipt; axe finds no serious violation."""

import pytest

from approvals.documents import minimal_pdf
from approvals.models import Application, ApplicationStatus
from tests.approvals.factories import add_documents
from tests.factories import ProviderFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_provider_fills_in_watches_a_rule_turn_green_and_submits(page, login, axe_check, tmp_path):
    provider = ProviderFactory(name="Nettleser BHT AS", street_address="", postcode="")
    UserFactory(role="provider", provider=provider, email="nettleser@test.no", full_name="Nina Nettleser")
    login("nettleser@test.no")

    page.goto("/soknader/")
    page.get_by_role("button", name="Start en ny søknad").click()
    page.wait_for_url("**/rediger/")
    application = Application.objects.get(provider=provider)
    axe_check("application form")

    page.get_by_label("Gateadresse").first.fill("Storgata 1")
    page.get_by_label("Postnummer").first.fill("0155")
    page.get_by_label("Avdelingens navn").fill("Oslo sentrum")
    page.locator("#id_dep-0-municipality_number").fill("0301")

    medicine = page.locator('[data-rule="occupational_medicine_fte"]')
    assert medicine.get_attribute("data-passed") == "false"
    page.locator("#id_staff-0-name").fill("Lise Lege")
    page.locator("#id_staff-0-profession").select_option("occupational_physician")
    page.locator("#id_staff-0-fte").fill("100 %")
    page.locator("#id_staff-0-training_completed_on").fill("2024-01-15")
    page.locator("#id_staff-0-fte_occupational_medicine").fill("80")
    # the live panel (htmx) re-evaluates the unsaved roster: the rule turns green
    page.wait_for_selector('[data-rule="occupational_medicine_fte"][data-passed="true"]')
    assert page.locator("#total-fte").inner_text() == "1"
    assert page.locator("#rule-panel").get_attribute("aria-live") == "polite"

    page.get_by_role("button", name="Lagre og gå til dokumenter").click()
    page.wait_for_url("**/dokumenter/")
    assert application.staff.get().name == "Lise Lege"

    # four documents are already there; the quality system is uploaded in the browser
    add_documents(
        application, kinds=("expertise", "competence_development_plan", "training_evidence", "client_cooperation")
    )
    page.reload()
    pdf = tmp_path / "Kvalitetshåndbok.pdf"
    pdf.write_bytes(minimal_pdf("Kvalitetshåndbok"))
    page.get_by_label("Hva dokumentet viser").select_option("quality_system")
    page.get_by_label("PDF-fil (høyst 20 MB)").set_input_files(str(pdf))
    page.get_by_role("button", name="Last opp", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="Kvalitetshåndbok.pdf").is_visible()
    axe_check("documents page")

    page.get_by_role("link", name="Gå videre til erklæring og innsending").click()
    page.wait_for_url("**/send-inn/")
    # one person cannot meet the staffing rules: ask for approval in special cases
    page.get_by_label("Vi ber om godkjenning i særlige tilfeller (§ 2-2)").check()
    page.get_by_label("Samarbeid med andre kompetansemiljøer som dekker det som mangler").fill(
        "Avtale med Yrkeshygiene Vest AS og Psykologtjenesten AS."
    )
    page.get_by_label("Vi erklærer at opplysningene er riktige", exact=False).check()
    axe_check("submit page")
    page.get_by_role("button", name="Send inn søknaden").click()
    page.wait_for_url("**/kvittering/")

    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert page.locator("#case-number").inner_text() == application.case.case_number
    assert "Kvittering" in page.get_by_role("heading", level=1).inner_text()
    axe_check("receipt")
