"""Browser journey (issue 13): a provider uploads a client list with good and bad rows, reads the
report and confirms it; the enterprise user sees its provider and confirms it; the obligation
answer shows it; an enterprise with no provider is on the inspector's targeting list and leaves
it when a provider lists it; the approval expires and its clients are told exactly once.
axe on every new page."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from approvals.models import Approval
from approvals.services.lifecycle import approvals_expire
from enterprises import reference
from notifications.models import Notification
from oversight.services import targeting_candidates_refresh
from providers.models import Affiliation
from tests.approvals.factories import ApprovalFactory
from tests.factories import PASSWORD, ProviderFactory, UserFactory
from tests.providers.helpers import unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_client_list_to_targeting_to_expiry(page, login, axe_check):
    reference.reference_data_load()
    reference.invalidate()
    provider = ProviderFactory(name="Trygg BHT AS")
    start = timezone.localdate() - datetime.timedelta(days=400)
    approval = ApprovalFactory(
        decision__case__provider=provider,
        decision__valid_from=start,
        decision__valid_until=start.replace(year=start.year + 5),
    )
    UserFactory(role="provider", provider=provider, email="bht@test.no")
    client_unit = unit(1, name="BYGG OG BETONG AS", nace1="41.000", employees=20)
    missing = unit(2, name="UTEN BHT TRANSPORT AS", nace1="49.410", employees=35)
    bankrupt = unit(3, name="KONKURS AS", nace1="41.000", employees=5, bankrupt=True)
    UserFactory(enterprise_user=True, enterprise_orgnr=client_unit.orgnr, email="virksomhet@test.no")
    UserFactory(inspector=True, email="inspektor@test.no")
    UserFactory(case_handler=True, email="saksbehandler@test.no")
    targeting_candidates_refresh()

    # -- the provider uploads a list with good and bad rows, reads the report, confirms
    login("bht@test.no", PASSWORD)
    page.goto("/bht/klienter/")
    axe_check("client list (empty)")
    csv = (
        f"organisasjonsnummer;fra;til;ansatte\n{client_unit.orgnr};01.01.2025;;20\n{bankrupt.orgnr};;;\n923609017;;;\n"
    )
    page.get_by_label("Klientliste (CSV)").set_input_files(
        files=[{"name": "klienter.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_role("button", name="Kontroller filen").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("accepted").inner_text() == "1"
    assert page.get_by_test_id("refused").inner_text() == "2"
    report = page.content()
    assert "Registeret viser at enheten er konkurs." in report and "Kontrollsifferet" in report
    assert not Affiliation.objects.exists()  # nothing before confirmation
    axe_check("upload report")
    page.get_by_role("button", name="Bekreft: legg til 1 klient").click()
    page.wait_for_load_state("networkidle")
    assert "BYGG OG BETONG AS" in page.content()
    axe_check("client list with a client")
    page.goto("/bht/api-nokler/")
    page.get_by_label("Navn på nøkkelen").fill("Fagsystem")
    page.get_by_role("button", name="Lag en nøkkel").click()
    assert page.get_by_test_id("new-key").inner_text().startswith("bht_")
    axe_check("API keys")

    # -- the inspector sees the enterprise with no provider on the targeting list
    page.context.clear_cookies()
    login("inspektor@test.no", PASSWORD)
    page.goto("/tilsyn/utvalg/")
    listed = page.content()
    assert "UTEN BHT TRANSPORT AS" in listed and "BYGG OG BETONG AS" not in listed
    axe_check("targeting list")

    # ... the provider lists it, and it leaves the list
    page.context.clear_cookies()
    login("bht@test.no", PASSWORD)
    page.goto("/bht/klienter/")
    page.locator("#id_orgnr").fill(missing.orgnr)
    page.get_by_role("button", name="Legg til i listen").click()
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    login("inspektor@test.no", PASSWORD)
    page.goto("/tilsyn/utvalg/")
    assert "UTEN BHT TRANSPORT AS" not in page.content()

    # -- the enterprise user sees its provider, confirms it; the obligation answer shows it
    page.context.clear_cookies()
    login("virksomhet@test.no", PASSWORD)
    page.goto("/virksomhet/var-bht/")
    axe_check("our BHT (enterprise)")
    page.get_by_role("button", name="Bekreft Trygg BHT AS").click()
    page.wait_for_load_state("networkidle")
    assert Affiliation.objects.get(enterprise_id=client_unit.orgnr).status == "confirmed"
    assert "Bekreftet" in page.content()
    page.goto(f"/virksomhet/ma-vi-ha-bht/?q={client_unit.orgnr}")
    answer = page.get_by_test_id("bht-today").inner_text()
    assert answer.startswith("Ja") and "Trygg BHT AS" in answer
    axe_check("obligation answer with the provider")

    # -- the approval expires: the client is told exactly once (the job twice)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Approval.objects.filter(pk=approval.pk).update(valid_until=yesterday)
    mail.outbox.clear()
    approvals_expire()
    approvals_expire()
    told = Notification.objects.filter(kind="approval_ended_client")
    assert list(told.values_list("recipient_org", flat=True)) == [client_unit.orgnr]
    assert [m.to for m in mail.outbox if "Trygg BHT AS" in m.subject] == [["virksomhet@test.no"]]
    page.goto("/virksomhet/var-bht/")
    assert "er ikke lenger godkjent" in page.content()
    page.goto(f"/virksomhet/ma-vi-ha-bht/?q={client_unit.orgnr}")
    assert page.get_by_test_id("bht-today").inner_text().startswith("Nei")

    # -- the inspector's list of clients of ended approvals, the as-of page and statistics
    page.context.clear_cookies()
    login("inspektor@test.no", PASSWORD)
    page.goto("/tilsyn/avsluttede-godkjenninger/")
    assert "BYGG OG BETONG AS" in page.content()
    axe_check("clients of ended approvals")
    page.goto(f"/oversikt/per-dato/?orgnr={provider.orgnr}&date={yesterday.isoformat()}")
    assert page.get_by_test_id("provider-as-of").inner_text().startswith("Ja")
    axe_check("as-of answer")
    page.goto("/oversikt/statistikk/")
    axe_check("statistics")
    page.set_viewport_size({"width": 390, "height": 800})
    for url in ("/oversikt/statistikk/", "/tilsyn/utvalg/"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url

    # -- the case handler sees capacity on the case page
    page.context.clear_cookies()
    login("saksbehandler@test.no", PASSWORD)
    page.goto(f"/saker/{approval.case_id}/")
    assert "Kapasitet (klientlister)" in page.content()
