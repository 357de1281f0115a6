"""axe-core on each role's main pages (start page, lists, a detail page, a form page), one
browser context per role; and one form tabbed through for visible focus and, after an invalid
submit, error messages tied to their fields (aria-describedby)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories import PASSWORD, ProviderFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()


def _visit(page, axe_check, path: str, heading: str | None = None):
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response and response.status}"
    if heading:
        assert heading in page.get_by_role("heading", level=1).inner_text(), path
    axe_check(path)


def _reference_data():
    from enterprises import reference

    reference.reference_data_load()
    reference.invalidate()


def _case(status="in_review"):
    from tests.approvals.factories import CaseFactory

    return CaseFactory(status=status)


def _inspection(inspector):
    from inspections.models import Finding, Inspection, Order

    inspection = Inspection.objects.create(
        target="enterprise",
        orgnr="923609016",
        name="Bygg AS",
        kind="announced",
        inspector=inspector,
        inspected_on=TODAY,
        summary="Ingen BHT.",
    )
    finding = Finding.objects.create(inspection=inspection, kind="nonconformity", description="Ingen BHT.")
    order = Order.objects.create(
        inspection=inspection,
        finding=finding,
        text="Knytt dere til godkjent BHT.",
        issued_on=TODAY,
        deadline=TODAY + datetime.timedelta(days=30),
    )
    return inspection, order


def test_public_pages(page, axe_check):
    _reference_data()
    _visit(page, axe_check, "/")
    _visit(page, axe_check, "/virksomhet/ma-vi-ha-bht/?q=41.000")
    assert page.locator("main").get_by_text("41.000").first.is_visible()
    _visit(page, axe_check, "/godkjente-bht/")
    _visit(page, axe_check, "/konto/login/")


def test_case_handler_pages(page, login, axe_check):
    UserFactory(case_handler=True, email="handler@test.no")
    case = _case()
    login("handler@test.no", PASSWORD)
    axe_check("case handler start page")
    _visit(page, axe_check, "/saker/")
    _visit(page, axe_check, f"/saker/{case.pk}/")
    _visit(page, axe_check, f"/saker/{case.pk}/vedtak")
    _visit(page, axe_check, "/oppfolging/")
    _visit(page, axe_check, "/dispensasjoner/")
    _visit(page, axe_check, "/dispensasjoner/ny/")


def test_inspector_pages(page, login, axe_check):
    inspector = UserFactory(inspector=True, email="inspector@test.no")
    inspection, order = _inspection(inspector)
    login("inspector@test.no", PASSWORD)
    axe_check("inspector start page")
    _visit(page, axe_check, "/tilsyn/")
    _visit(page, axe_check, f"/tilsyn/{inspection.pk}/")
    _visit(page, axe_check, "/tilsyn/palegg/")
    _visit(page, axe_check, f"/tilsyn/palegg/{order.pk}/")
    _visit(page, axe_check, "/tilsyn/?status=in_progress&target=enterprise")
    for key in ("in_progress", "awaiting_comments", "due_this_week", "overdue", "fines_running"):
        _visit(page, axe_check, f"/tilsyn/arbeidsliste/{key}/?scope=all")
    finding = inspection.findings.get()
    _visit(page, axe_check, f"/tilsyn/{inspection.pk}/funn/{finding.pk}/")


def test_provider_pages(page, login, axe_check):
    from tests.approvals.factories import ApplicationFactory

    provider = ProviderFactory()
    UserFactory(role="provider", provider=provider, email="bht@test.no")
    submitted = ApplicationFactory(provider=provider, submitted=True)
    draft = ApplicationFactory(provider=provider, approvable=True)
    login("bht@test.no", PASSWORD)
    axe_check("provider start page")
    _visit(page, axe_check, "/soknader/")
    _visit(page, axe_check, f"/soknader/{submitted.pk}/")
    _visit(page, axe_check, f"/soknader/{draft.pk}/rediger/")
    _visit(page, axe_check, f"/soknader/{draft.pk}/dokumenter/")
    _visit(page, axe_check, f"/soknader/{draft.pk}/send-inn/")
    _visit(page, axe_check, "/endringsmelding/")
    _visit(page, axe_check, "/mine-tilsyn/")


def test_enterprise_pages(page, login, axe_check):
    _reference_data()
    user = UserFactory(enterprise_user=True, email="virksomhet@test.no")
    inspection, _order = _inspection(UserFactory(inspector=True))
    assert inspection.orgnr == user.enterprise_orgnr
    login("virksomhet@test.no", PASSWORD)
    axe_check("enterprise start page")
    _visit(page, axe_check, "/mine-tilsyn/")
    _visit(page, axe_check, f"/mine-tilsyn/{inspection.pk}/")
    _visit(page, axe_check, f"/mine-tilsyn/palegg/{_order.pk}/")
    _visit(page, axe_check, "/virksomhet/ma-vi-ha-bht/?q=56.101")
    _visit(page, axe_check, "/godkjente-bht/?q=finnes-ikke")


def test_admin_pages(page, login, axe_check):
    UserFactory(admin=True, email="admin@test.no")
    case = _case(status="submitted")
    login("admin@test.no", PASSWORD)
    axe_check("admin start page")
    _visit(page, axe_check, "/saker/?status=all&sort=provider")
    _visit(page, axe_check, f"/saker/{case.pk}/")
    _visit(page, axe_check, "/drift/jobber/")
    _visit(page, axe_check, "/oppfolging/?status=all")


FOCUS_STYLE = """el => {
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  // inside a date field Tab also stops on the calendar button in the browser's own shadow
  // tree: the input is then not :focus, and the browser draws that ring itself
  const ua = !el.matches(':focus');
  return {tag: el.tagName, id: el.id, name: el.getAttribute('name'), visible: ua || outline || shadow};
}"""


def test_form_keyboard_focus_and_errors_tied_to_fields(page, login, axe_check):
    """Tab through the dispensation form: every stop shows a focus ring. Submit it empty:
    every invalid field names its error with aria-describedby, and the page passes axe."""
    UserFactory(case_handler=True, email="handler@test.no")
    login("handler@test.no", PASSWORD)
    page.goto("/dispensasjoner/ny/")
    page.locator("#id_orgnr").focus()
    stops = []
    for _ in range(30):
        page.wait_for_timeout(200)  # Bootstrap's 0.15 s transition on the focus ring
        info = page.evaluate(f"({FOCUS_STYLE})(document.activeElement)")
        stops.append(info)
        if info["tag"] == "BUTTON":
            break
        page.keyboard.press("Tab")
    names = [s["name"] for s in stops]
    for field in ("orgnr", "scope", "part", "valid_from", "valid_until", "reason"):
        assert field in names, f"Tab never reaches {field}: {names}"
    assert stops[-1]["tag"] == "BUTTON", f"Tab never reaches the submit button: {names}"
    hidden = [s for s in stops if not s["visible"]]
    assert not hidden, f"no visible focus on {hidden}"

    with page.expect_navigation():
        page.keyboard.press("Enter")  # submit with the button, invalid (empty)
    invalid = page.locator("[aria-invalid='true']")
    assert invalid.count() >= 3
    for i in range(invalid.count()):
        el = invalid.nth(i)
        owner = el if el.get_attribute("aria-describedby") else el.locator("xpath=ancestor::fieldset[1]")
        described = (owner.get_attribute("aria-describedby") or "").split()
        texts = [page.locator(f"#{d}").inner_text().strip() for d in described if page.locator(f"#{d}").count()]
        assert any(texts), f"{el.get_attribute('name')}: no error text tied with aria-describedby"
    assert page.locator("#id_scope_0").get_attribute("value") != "", "an empty '---------' radio choice"
    axe_check("dispensation form with errors")
