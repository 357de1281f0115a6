"""axe-core on the page types the other accessibility tests do not reach: every form after an
invalid submit (errors shown), the refusals (403, 404, locked-out login, a refused upload) and
the empty states. Every page here, like every browser test, must also raise no
Content-Security-Policy violation (see the `page` fixture)."""

from __future__ import annotations

import pytest

from approvals.documents import minimal_pdf
from tests.factories import PASSWORD, ProviderFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page, button_name: str):
    with page.expect_navigation():
        page.get_by_role("button", name=button_name).first.click()


def test_public_forms_with_errors_and_refusals(page, axe_check, settings):
    UserFactory(role="provider", provider=ProviderFactory(), email="bht@test.no")
    page.goto("/konto/login/")
    page.get_by_label("E-post").fill("bht@test.no")
    page.get_by_label("Passord").fill("feil")
    _submit(page, "Logg inn")
    assert page.locator(".alert-danger, .invalid-feedback").count() >= 1
    axe_check("login with a wrong password")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("E-post").fill("bht@test.no")
        page.get_by_label("Passord").fill("feil")
        _submit(page, "Logg inn")
        if "For mange" in page.content():
            break
    assert "For mange mislykkede innlogginger" in page.content()
    axe_check("locked-out login")
    page.goto("/konto/password/reset/")
    page.get_by_label("E-post").fill("ikke-en-adresse")
    _submit(page, "Tilbakestill passord")
    axe_check("password reset with an invalid address")
    page.goto("/virksomhet/ma-vi-ha-bht/?q=123")
    axe_check("obligation check with an invalid number")
    page.goto("/godkjente-bht/?q=finnes-ikke-i-registeret")
    axe_check("register, empty result")
    response = page.goto("/finnes-ikke/")
    assert response.status == 404
    axe_check("404 page")


def test_provider_forms_with_errors(page, login, axe_check, tmp_path):
    from tests.approvals.factories import ApplicationFactory

    provider = ProviderFactory()
    UserFactory(role="provider", provider=provider, email="bht@test.no")
    draft = ApplicationFactory(provider=provider)
    login("bht@test.no", PASSWORD)

    page.goto(f"/soknader/{draft.pk}/rediger/")
    page.locator("input[name='org-postcode']").fill("12ab")
    page.locator("input[name='staff-0-name']").fill("Uten årsverk")
    page.locator("input[name='staff-0-fte']").fill("300 %")
    _submit(page, "Lagre utkast")
    assert page.locator("[aria-invalid='true']").count() >= 2
    axe_check("application form with errors")

    page.goto(f"/soknader/{draft.pk}/dokumenter/")
    hostile = tmp_path / "rapport.pdf"
    hostile.write_bytes(minimal_pdf().replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/Launch/F(x.exe)>>"))
    page.locator("select[name='kind']").select_option(index=1)
    page.locator("input[type='file']").set_input_files(str(hostile))
    _submit(page, "Last opp")
    assert "/Launch" in page.content()
    axe_check("document upload refused (active content)")

    page.goto(f"/soknader/{draft.pk}/send-inn/")
    _submit(page, "Send inn")
    axe_check("submission with errors")

    page.goto("/endringsmelding/")
    axe_check("change notice without an approval")
    response = page.goto("/saker/")
    assert response.status == 403
    axe_check("403 page")


def test_case_handler_forms_with_errors(page, login, axe_check):
    from tests.approvals.factories import CaseFactory

    UserFactory(case_handler=True, email="handler@test.no")
    case = CaseFactory(status="in_review")
    login("handler@test.no", PASSWORD)
    page.goto(f"/saker/{case.pk}/vedtak")
    page.locator("textarea").first.fill("")
    _submit(page, "Registrer vedtaket")
    axe_check("decision form with errors")
    page.goto("/dispensasjoner/ny/")
    page.locator("#id_orgnr").fill("000000000")
    _submit(page, "Lagre")
    assert page.locator("[aria-invalid='true']").count() >= 1
    axe_check("dispensation form with an invalid number")
