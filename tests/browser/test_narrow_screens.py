"""Issue 11 items 9 and 11 at 390 px: the case page (with its history table), the provider's
view of a decided application and the change notice form fit a phone without horizontal
scrolling; axe on each."""

import pytest

from approvals.models import CaseEvent
from approvals.selectors.lifecycle import approval_current_roster
from approvals.services.events import case_event_record
from approvals.services.lifecycle import change_notice_submit
from tests.approvals.factories import ApprovalFactory
from tests.approvals.lifecycle.test_change_notices import _contact, _depts
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page, what):
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)
        .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
    )
    assert width <= 390, f"{what} is {width} px wide at 390 px: {wide}"


def test_case_page_application_and_change_notice_fit_390_px(page, login, axe_check):
    approval = ApprovalFactory(ends_in_days=200)
    provider_user = UserFactory(role="provider", provider=approval.provider, email="smal@test.no")
    UserFactory(case_handler=True, email="smal-handler@test.no")
    for n in range(6):
        case_event_record(
            case=approval.case,
            kind=CaseEvent.Kind.OTHER,
            message=f"Hendelse {n}: " + "Bedriftshelsetjenestegodkjenningsvurderingsnotat " * 4,
        )
    change_notice_submit(
        approval=approval,
        actor=provider_user,
        contact=_contact(approval.provider),
        departments=_depts(approval.provider),
        staff=[s for s in approval_current_roster(approval) if s.profession != "psychologist"],
    )
    page.set_viewport_size({"width": 390, "height": 800})

    login("smal-handler@test.no", PASSWORD)
    page.goto(f"/saker/{approval.case.pk}/")
    assert "Nåværende bemanning" in page.content()
    _fits(page, "the case page")
    axe_check("case page at 390 px")

    page.context.clear_cookies()
    login("smal@test.no", PASSWORD)
    page.goto(f"/soknader/{approval.decision.application_id or approval.case.applications.get().pk}/")
    assert "Vedtak" in page.content()
    _fits(page, "the provider's application page")
    axe_check("decided application at 390 px")
    page.goto("/endringsmelding/")
    _fits(page, "the change notice form")
    axe_check("change notice form at 390 px")
