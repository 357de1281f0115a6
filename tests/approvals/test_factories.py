"""The factories build what their names promise (the other tests rely on them)."""

import pytest

from approvals import rules
from approvals.models import ApprovalStatus, CaseStatus
from approvals.selectors.public_register import providers_approved_on
from tests.approvals.factories import ApplicationFactory, ApprovalFactory, CaseFactory

pytestmark = pytest.mark.django_db


def _rule_input(application):
    return rules.RuleInput(
        staff=[s.roster_entry() for s in application.staff.all()],
        documents={d.kind: True for d in application.documents.all()},
    )


def test_approvable_application_passes_every_rule():
    app = ApplicationFactory(approvable=True)
    result = rules.evaluate(_rule_input(app))
    assert result.approvable, [r.message_en for r in result.failed]


def test_case_with_submitted_application():
    case = CaseFactory(status=CaseStatus.IN_REVIEW)
    assert case.status == "in_review"
    assert case.applications.get().status == "submitted"


def test_approval_ending_in_days_is_in_register():
    approval = ApprovalFactory(ends_in_days=20)
    assert approval.status == ApprovalStatus.VALID
    assert list(providers_approved_on()) == [approval.provider]
    expired = ApprovalFactory(ends_in_days=-1)
    assert expired.provider not in providers_approved_on()
