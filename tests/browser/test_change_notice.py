"""Browser journey (issue 11 item 8): a provider opens the change notice, sees its
departments and staff, ticks a person for removal and watches the live panel fail the
rule; a typing error elsewhere keeps the card and the tick; sending removes the person,
the summary is labelled, and the back button cannot send it twice. axe on both pages."""

import pytest

from approvals.models import ApplicationDepartment, ChangeNotice
from approvals.selectors.lifecycle import approval_current_roster, approval_source_application
from tests.approvals.factories import ApprovalFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_change_notice_keeps_ticks_checks_live_and_is_sent_once(page, login, axe_check):
    approval = ApprovalFactory(ends_in_days=300)
    ApplicationDepartment.objects.create(
        application=approval_source_application(approval), name="Avdeling Molde", municipality_number="1506"
    )
    UserFactory(role="provider", provider=approval.provider, email="endring@test.no")
    login("endring@test.no")
    page.goto("/endringsmelding/")
    assert page.locator("#id_dep-0-name").input_value() == "Avdeling Molde"
    axe_check("change notice form")

    card = page.locator("fieldset.staff-row", has_text="Psykolog Per")
    assert page.locator('[data-rule="psychosocial_fte"]').get_attribute("data-passed") == "true"
    card.get_by_label("Fjern denne personen").check()
    page.wait_for_selector('[data-rule="psychosocial_fte"][data-passed="false"]')
    assert "Advarsler til saksbehandleren" not in page.locator("#rule-panel").inner_text()

    page.get_by_label("E-post").fill("ikke en adresse")
    page.get_by_role("button", name="Send endringsmelding").click()
    page.wait_for_load_state("networkidle")
    card = page.locator("fieldset.staff-row", has_text="Psykolog Per")
    assert card.get_by_label("Fjern denne personen").is_checked()
    assert page.locator('[data-rule="psychosocial_fte"]').get_attribute("data-passed") == "false"
    axe_check("change notice form with an error")

    page.get_by_label("E-post").fill("post@bht.test")
    page.get_by_label("Telefon").fill("12 34 56 78")
    page.get_by_role("button", name="Send endringsmelding").click()
    page.wait_for_url("**/endringsmeldinger/*/")
    assert "Psykolog Per" not in {s.name for s in approval_current_roster(approval)}
    assert "Telefon" in page.locator("main").inner_text()
    axe_check("change notice receipt")

    page.go_back()
    page.wait_for_load_state("networkidle")
    if page.get_by_role("button", name="Send endringsmelding").count():
        page.get_by_role("button", name="Send endringsmelding").click()
        page.wait_for_load_state("networkidle")
    assert ChangeNotice.objects.count() == 1
