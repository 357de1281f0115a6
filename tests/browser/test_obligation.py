"""Browser: the public obligation check by organisation number and by industry code (axe)."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lookup_by_orgnr_and_by_code(page, axe_check):
    from enterprises import reference

    call_command("seed_demo")
    reference.invalidate()
    page.goto("/")
    page.get_by_role("link", name="Må vi ha BHT?").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Må virksomheten ha bedriftshelsetjeneste?"
    axe_check("obligation check, empty")

    field = page.get_by_label("Organisasjonsnummer, næringskode eller navn")
    field.fill("NO 923 609 016 MVA")
    page.get_by_role("button", name="Sjekk").click()
    answer = page.locator("#result")
    assert "DEMO BYGG OG ANLEGG AS" in answer.inner_text()
    assert "Ja: virksomheten må være tilknyttet" in answer.inner_text()
    assert "q=NO+923+609+016+MVA" in page.url  # GET: the answer can be linked and bookmarked
    axe_check("obligation answer by organisation number")

    page.get_by_label("Organisasjonsnummer, næringskode eller navn").fill("96.020")
    page.get_by_role("button", name="Sjekk").click()
    text = page.locator("#result").inner_text()
    assert "96.210" in text and "96.220" in text and "Det kommer an på" in text
    axe_check("obligation answer by SN2007 code")

    page.go_back()
    assert "DEMO BYGG OG ANLEGG AS" in page.locator("#result").inner_text()

    page.get_by_label("Organisasjonsnummer, næringskode eller navn").fill("923609017")
    page.get_by_role("button", name="Sjekk").click()
    assert "Kontrollsifferet" in page.get_by_role("alert").inner_text()
