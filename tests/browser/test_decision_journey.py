"""Browser journey (issue 11 "done when"): a provider submits; the handler asks for more
information with a deadline; the provider sees it on its start page and answers with a PDF;
the handler rejects with written reasons; the letter PDF has those reasons, the § 2-2 bokstav
references, the appeal body, the § 30 wording and a deadline counted from the notice; the
provider appeals with an attachment; the handler upholds and forwards; the directorate's outcome
is recorded and the provider is told. axe on every new page."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from approvals.demo import ROSTER_A, _complete_draft
from approvals.documents import minimal_pdf
from approvals.models import Appeal, Application, Case, CaseRequest, CaseStatus, Decision
from notifications.models import Notification
from tests.approvals.letter_checks import assert_letter_ok
from tests.browser.test_case_handling import DEMO_PASSWORD, _logout, fill_judgements
from tests.factories import PASSWORD, ProviderFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REASONS = "Kvalitetssystemet beskriver ikke hvordan bistanden etter kapittel 13 følges opp hos kundene."


def _pdf(tmp_path: Path, name: str, title: str) -> str:
    path = tmp_path / name
    path.write_bytes(minimal_pdf(title))
    return str(path)


def test_request_answer_rejection_letter_appeal_and_directorate(page, login, axe_check, tmp_path):
    call_command("load_reference_data", verbosity=0)
    call_command("seed_demo")
    provider = ProviderFactory(name="Reisen BHT AS", street_address="Kirkegata 1", postcode="0153")
    user = UserFactory(role="provider", provider=provider, email="reisen@bht.test", full_name="Rita Reisen")
    draft = _complete_draft(provider, user, ROSTER_A)  # through the services, as the demo does

    # 1. The provider submits.
    login(user.email, PASSWORD)
    page.goto(f"/soknader/{draft.pk}/send-inn/")
    page.locator("input[name=declaration_accepted]").check()
    page.get_by_role("button", name="Send inn søknaden").click()
    page.wait_for_load_state("networkidle")
    case = Case.objects.get(provider=provider)
    _logout(page)

    # 2. The handler assigns the case and asks for more information with a deadline.
    login("saksbehandler@demo.no", DEMO_PASSWORD)
    page.goto(f"/saker/{case.pk}/")
    page.get_by_role("button", name="Tildel").click()
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    page.get_by_label("Hva må BHT-en supplere?").fill("Send kvalitetshåndboken.")
    page.get_by_label("Svarfrist").fill(deadline.isoformat())
    page.get_by_role("button", name="Send forespørsel").click()
    assert page.locator("#case-status").inner_text() == "Venter på flere opplysninger"
    assert "Bedriftshelsetjenesten" in page.locator("#case-turn").inner_text()
    axe_check("case page with a request to the provider")
    _logout(page)

    # 3. The provider sees it on its start page and answers with a PDF.
    login(user.email, PASSWORD)
    page.goto("/konto/start/")
    assert "Arbeidstilsynet venter på svar fra dere" in page.content()
    axe_check("provider start page with a request")
    page.get_by_role("link", name="Les og svar").click()
    assert "Send kvalitetshåndboken." in page.content()
    axe_check("request and answer page")
    page.get_by_label("Svaret deres").fill("Kvalitetshåndboken er vedlagt.")
    page.locator("input[name=files]").set_input_files(_pdf(tmp_path, "handbok.pdf", "Kvalitetshåndbok"))
    page.get_by_role("button", name="Send svar").click()
    assert "Svaret deres er sendt" in page.content()
    assert CaseRequest.objects.get(case=case).replies.get().documents.count() == 1
    _logout(page)

    # 4. The handler reads the answer and rejects with written reasons.
    login("saksbehandler@demo.no", DEMO_PASSWORD)
    page.goto("/konto/start/")
    axe_check("handler start page")
    page.goto(f"/saker/{case.pk}/")
    assert "Kvalitetshåndboken er vedlagt." in page.content() and "handbok.pdf" in page.content()
    assert page.locator("#case-status").inner_text() == "Under behandling"
    page.get_by_role("link", name="Vurder og fatt vedtak …").click()
    page.get_by_role("button", name="Registrer vedtaket").click()  # judgements empty: refused, on the fields
    assert page.locator(".invalid-feedback, .is-invalid").count() > 0
    fill_judgements(page)
    page.locator("input[name=met_quality_assistance][value=no]").check()
    page.locator("textarea[name=assessment_quality_assistance]").fill(REASONS)
    page.get_by_label("Avslått", exact=True).check()
    page.locator("textarea[name=justification]").fill("Søknaden avslås fordi " + REASONS.lower())
    axe_check("decision form with errors")
    page.get_by_role("button", name="Registrer vedtaket").click()
    assert page.locator("#case-status").inner_text() == "Avslått"

    # 5. The letter PDF: reasons, § 2-2 bokstav a–e, appeal body, § 30, deadline from the notice.
    decision = Decision.objects.select_related("letter__notification").get(case=case)
    assert decision.notified_on is not None
    with page.expect_download() as info:
        page.get_by_role("link", name="Vedtaksbrev (PDF").click()
    text = assert_letter_ok(decision, Path(info.value.path()).read_bytes())
    assert REASONS in text
    _logout(page)

    # 6. The provider appeals, with an attachment.
    login(user.email, PASSWORD)
    page.goto("/konto/start/")
    page.get_by_role("link", name="Klag (frist").click()
    axe_check("appeal form")
    page.get_by_label("Begrunnelse for klagen").fill("Vi har nå beskrevet oppfølgingen; se vedlegget.")
    page.locator("input[name=files]").set_input_files(_pdf(tmp_path, "oppfolging.pdf", "Oppfølging"))
    page.get_by_role("button", name="Send klage").click()
    appeal = Appeal.objects.get(decision=decision)
    assert appeal.documents.count() == 1 and not appeal.late
    assert page.locator("#appeal-status").inner_text() == "Mottatt av Arbeidstilsynet"
    _logout(page)

    # 7. The handler upholds and forwards to the directorate, then records its outcome.
    login("saksbehandler@demo.no", DEMO_PASSWORD)
    page.goto("/saker/?appeals=on")
    assert case.case_number in page.content()
    page.goto(f"/saker/{case.pk}/")
    axe_check("case page with an appeal")
    forward = page.locator(f"form[action$='/klager/{appeal.pk}/oversend']")
    forward.locator("textarea[name=reason]").fill("Oppfølgingen er fortsatt ikke dokumentert. Vedtaket opprettholdes.")
    forward.get_by_role("button", name="Oppretthold og oversend").click()
    assert "Opprettholdt og oversendt Direktoratet for arbeidstilsynet" in page.content()
    form = page.locator(f"form[action$='/klager/{appeal.pk}/klageinstans']")
    form.get_by_label("Opprettholdt", exact=True).check()
    form.get_by_label("Dato for direktoratets vedtak").fill(timezone.localdate().isoformat())
    form.get_by_label("Kort om begrunnelsen").fill("Direktoratet er enig i Arbeidstilsynets vurdering.")
    form.locator("input[name=letter]").set_input_files(_pdf(tmp_path, "klagevedtak.pdf", "Klagevedtak"))
    axe_check("case page with a forwarded appeal")
    form.get_by_role("button", name="Registrer").click()
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.DIRECTORATE_UPHELD and appeal.directorate_decided_on
    _logout(page)

    # 8. The provider was told at each step and sees where the appeal stands.
    for step in ("received", "forwarded", "directorate"):
        assert Notification.objects.get(key=f"appeal:{appeal.pk}:{step}").recipient_org == provider.orgnr
    login(user.email, PASSWORD)
    page.goto(f"/vedtak/{decision.pk}/klage")
    assert page.locator("#appeal-status").inner_text() == "Opprettholdt av Direktoratet for arbeidstilsynet"
    axe_check("provider's appeal page after the directorate")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REJECTED
    assert Application.objects.filter(case=case).count() == 1
