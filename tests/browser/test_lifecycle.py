"""Browser journey: a provider with an approval ending soon sees the renewal reminder on the
start page, starts the renewal (pre-filled draft), and opens the change notice form;
the administrator sees the scheduled jobs. axe on each page."""

import pytest

from approvals.services.lifecycle import renewal_reminders_run
from tests.approvals.factories import ApprovalFactory
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_provider_sees_reminder_starts_renewal_and_opens_change_notice(page, login, axe_check):
    approval = ApprovalFactory(ends_in_days=20)
    UserFactory(role="provider", provider=approval.provider, email="bht@test.no", full_name="Berit BHT")
    UserFactory(admin=True, email="admin@test.no")
    renewal_reminders_run()

    login("bht@test.no", PASSWORD)
    notices = page.get_by_role("region", name="Meldinger om godkjenningen deres")
    assert "Påminnelse om fornyelse" in notices.inner_text()
    axe_check("provider start page with a reminder")

    page.get_by_role("button", name="Start fornyelse").click()
    page.wait_for_load_state("networkidle")
    assert "/soknader/" in page.url
    draft = approval.renewal_applications.get()
    assert draft.staff.count() == 4 and draft.staff.filter(carried_over=True).count() == 4

    page.goto("/endringsmelding/")
    assert page.get_by_role("heading", level=1).inner_text() == "Endringsmelding"
    axe_check("change notice form")

    page.context.clear_cookies()
    login("admin@test.no", PASSWORD)
    page.goto("/drift/jobber/")
    assert "lifecycle-renewal-reminders" in page.content()
    axe_check("scheduled jobs page")
