"""Issue 11 item 9: each side sees the current truth with the decision. The provider's view
of a decided application shows the decision, its reasons and the letter; the case page says
what the current staffing (a later change notice) fails, beside the dated rule check of the
application."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from approvals.models import DecisionLetter, DecisionOutcome, OutboxStatus
from approvals.selectors.lifecycle import approval_current_roster
from approvals.services.lifecycle import change_notice_submit
from tests.approvals.factories import MINIMAL_PDF, ApprovalFactory, CaseFactory, DecisionFactory
from tests.approvals.lifecycle.factories import provider_user_for
from tests.approvals.lifecycle.test_change_notices import _contact, _depts

pytestmark = pytest.mark.django_db

REASON = "Bedriftshelsetjenesten har ikke vist at kompetansen dekker kundenes risiko."


def test_provider_sees_the_rejection_with_its_reasons_and_letter(client, provider_user):
    case = CaseFactory(provider=provider_user.provider, status="rejected")
    application = case.applications.get()
    decision = DecisionFactory(
        case=case,
        application=application,
        outcome=DecisionOutcome.REJECTED,
        valid_from=None,
        valid_until=None,
        justification="Søknaden avslås fordi kompetansen ikke er dokumentert.",  # a rejection gives reasons
        assessments=[
            {"id": "total_fte", "requirement": "Samlet årsverk", "met": True, "assessment": "Oppfylt."},
            {"id": "competence", "requirement": "Kompetanse (§ 2-2 bokstav b)", "met": False, "assessment": REASON},
        ],
    )
    letter = DecisionLetter(decision=decision, status=OutboxStatus.DONE, pages=2)
    letter.pdf.save("vedtak.pdf", ContentFile(MINIMAL_PDF), save=False)
    letter.save()
    client.force_login(provider_user)
    html = client.get(reverse("approvals:application_detail", args=[application.pk])).content.decode()
    assert "Vedtak" in html and "Avslått" in html
    assert REASON in html
    assert reverse("approvals:letter_download", args=[decision.pk]) in html
    # the automatic rule check is labelled as such, not as the decision
    assert "Alle kravene er oppfylt." not in html
    assert "Automatisk regelsjekk" in html


def test_case_page_shows_the_current_staffing_beside_the_dated_application_check(handler_client):
    approval = ApprovalFactory(ends_in_days=400)
    roster = approval_current_roster(approval)
    change_notice_submit(
        approval=approval,
        actor=provider_user_for(approval),
        contact=_contact(approval.provider),
        departments=_depts(approval.provider),
        staff=[s for s in roster if s.profession != "psychologist"],
    )
    html = handler_client.get(reverse("approvals:case_detail", args=[approval.case.pk])).content.decode()
    section = html.split('id="rules-heading"')[1].split("</section>")[0]
    assert "Nåværende bemanning" in section
    assert "endringsmelding" in section.lower()
    assert "psykososial" in section.lower()
    submitted = approval.case.applications.get().submitted_at
    assert timezone.localtime(submitted).strftime("%d.%m.%Y") in section  # the page shows local (Oslo) dates
