"""The case workflow: every transition allowed from its source states and refused from the
others, with a CaseEvent for each step and a message for each refusal."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from approvals.models import (
    Approval,
    ApprovalStatus,
    Case,
    CaseEvent,
    CaseStatus,
    Decision,
    DecisionLetter,
    DecisionOutcome,
)
from approvals.services import cases as svc
from approvals.services.cases import CaseActionRefused
from tests.approvals.factories import ApplicationFactory, ApprovalFactory, CaseFactory, assessed, mark_submitted
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ALL = list(CaseStatus.values)


def _all_met():
    return assessed()


def _some_not_met():
    a = _all_met()
    a[4] = {**a[4], "met": False, "assessment": "Under 3,0 årsverk."}
    return a


def _events(case, kind):
    return CaseEvent.objects.filter(case=case, kind=kind)


def _approved_case(handler, *, special=False, oncommit=None):
    case = CaseFactory(status="in_review")
    kwargs = {"justification": "Samarbeid med X dekker ergonomi."} if special else {}
    svc.case_decide(
        case=case,
        actor=handler,
        outcome="approved_special" if special else "approved",
        assessments=_some_not_met() if special else _all_met(),
        **kwargs,
    )
    case.refresh_from_db()
    return case


# ---------------------------------------------------------------- assign
def test_assign_starts_review_and_records_event(case_handler):
    case = CaseFactory(status="submitted")
    svc.case_assign(case=case, assignee=case_handler, actor=case_handler)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW and case.assigned_to == case_handler
    event = _events(case, CaseEvent.Kind.ASSIGNED).get()
    assert event.actor == case_handler and "Hanne Handler" in event.message


def test_reassign_in_review_keeps_status(case_handler):
    other = UserFactory(case_handler=True)
    case = CaseFactory(status="in_review", assigned_to=case_handler)
    svc.case_assign(case=case, assignee=other, actor=case_handler)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW and case.assigned_to == other


@pytest.mark.parametrize("status", sorted(set(ALL) - {"submitted", "in_review", "awaiting_information"}))
def test_assign_refused_when_decided(case_handler, status):
    case = CaseFactory(status=status)
    with pytest.raises(CaseActionRefused, match=case.case_number):
        svc.case_assign(case=case, assignee=case_handler, actor=case_handler)
    assert Case.objects.get(pk=case.pk).status == status


def test_only_handlers_can_be_assigned_and_assign(case_handler, provider_user):
    case = CaseFactory(status="submitted")
    with pytest.raises(CaseActionRefused):
        svc.case_assign(case=case, assignee=provider_user, actor=case_handler)
    with pytest.raises(CaseActionRefused):
        svc.case_assign(case=case, assignee=case_handler, actor=provider_user)


# ---------------------------------------------------------------- information request and supplement
def test_request_information_notifies_provider_on_commit(case_handler, django_capture_on_commit_callbacks):
    case = CaseFactory(status="in_review", provider__email="bht@test.no")
    with django_capture_on_commit_callbacks(execute=True):
        svc.case_request_information(case=case, actor=case_handler, message="Send kvalitetssystemet.")
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_INFORMATION
    assert case.information_request == "Send kvalitetssystemet."
    assert (
        _events(case, CaseEvent.Kind.INFORMATION_REQUESTED).get().message.startswith("Send kvalitetssystemet. (frist")
    )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["bht@test.no"]
    assert "Send kvalitetssystemet." in mail.outbox[0].body


def test_request_information_needs_a_message(case_handler):
    case = CaseFactory(status="in_review")
    with pytest.raises(CaseActionRefused):
        svc.case_request_information(case=case, actor=case_handler, message="  ")


@pytest.mark.parametrize("status", sorted(set(ALL) - {"in_review"}))
def test_request_information_refused_outside_review(case_handler, status):
    case = CaseFactory(status=status)
    with pytest.raises(CaseActionRefused):
        svc.case_request_information(case=case, actor=case_handler, message="x")


def test_supplement_returns_case_to_review_with_new_counts(case_handler, provider_user):
    case = CaseFactory(status="awaiting_information", provider=provider_user.provider, assigned_to=case_handler)
    v2 = mark_submitted(ApplicationFactory(provider=case.provider), case=case)  # no roster: rules fail
    svc.case_supplement(case=case, application=v2, actor=provider_user)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert case.failed_rule_count > 0
    assert case.information_request == ""
    assert _events(case, CaseEvent.Kind.SUPPLEMENTED).get().data["version"] == 2


@pytest.mark.parametrize("status", sorted(set(ALL) - {"awaiting_information"}))
def test_supplement_refused_unless_awaiting_information(provider_user, status):
    case = CaseFactory(status=status, provider=provider_user.provider)
    with pytest.raises(CaseActionRefused):
        svc.case_supplement(case=case, application=case.applications.first(), actor=provider_user)


# ---------------------------------------------------------------- decisions
def test_approve_defaults_to_five_years_and_creates_approval_and_outbox(case_handler):
    case = CaseFactory(status="in_review")
    decision = svc.case_decide(case=case, actor=case_handler, outcome="approved", assessments=_all_met())
    today = timezone.localdate()
    assert decision.valid_from == today and decision.valid_until == svc.add_years(today, 5)
    assert decision.appeal_deadline is None  # runs from the notice of the letter, once sent
    assert len(decision.assessments) == 7
    approval = Approval.objects.get(decision=decision)
    assert approval.status == ApprovalStatus.VALID and not approval.special_case
    assert DecisionLetter.objects.filter(decision=decision, status="pending").exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.decided_at
    assert _events(case, CaseEvent.Kind.DECIDED).get().data["outcome"] == "approved"


def test_shorter_period_needs_a_reason(case_handler):
    case = CaseFactory(status="in_review")
    short = timezone.localdate() + datetime.timedelta(days=365)
    with pytest.raises(CaseActionRefused, match="shorter|kortere"):
        svc.case_decide(case=case, actor=case_handler, outcome="approved", assessments=_all_met(), valid_until=short)
    decision = svc.case_decide(
        case=case,
        actor=case_handler,
        outcome="approved",
        assessments=_all_met(),
        valid_until=short,
        shorter_period_reason="Nytt foretak.",
        conditions="Rapporter bemanning etter seks måneder.",
    )
    assert decision.valid_until == short and decision.approval.conditions.startswith("Rapporter")


def test_longer_than_five_years_refused(case_handler):
    case = CaseFactory(status="in_review")
    with pytest.raises(CaseActionRefused):
        svc.case_decide(
            case=case,
            actor=case_handler,
            outcome="approved",
            assessments=_all_met(),
            valid_until=timezone.localdate() + datetime.timedelta(days=6 * 365),
        )


def test_plain_approval_refused_when_a_requirement_is_not_met(case_handler):
    case = CaseFactory(status="in_review")
    with pytest.raises(CaseActionRefused):
        svc.case_decide(case=case, actor=case_handler, outcome="approved", assessments=_some_not_met())
    assert not Decision.objects.filter(case=case).exists()


def test_special_case_needs_justification(case_handler):
    case = CaseFactory(status="in_review")
    with pytest.raises(CaseActionRefused, match="justification|begrunnelse"):
        svc.case_decide(case=case, actor=case_handler, outcome="approved_special", assessments=_some_not_met())
    case = _approved_case(case_handler, special=True)
    assert case.status == CaseStatus.APPROVED_SPECIAL
    assert case.approvals.get().special_case


def test_reject_needs_reasons_and_creates_no_approval(case_handler):
    case = CaseFactory(status="in_review")
    with pytest.raises(CaseActionRefused):
        svc.case_decide(case=case, actor=case_handler, outcome="rejected", assessments=_all_met())
    decision = svc.case_decide(
        case=case,
        actor=case_handler,
        outcome="rejected",
        assessments=_some_not_met(),
        justification="Bemanningen er for liten.",
    )
    assert decision.outcome == DecisionOutcome.REJECTED and decision.valid_until is None
    assert not Approval.objects.filter(case=case).exists()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REJECTED


def test_every_requirement_must_be_assessed(case_handler):
    case = CaseFactory(status="in_review")
    partial = _all_met()[:-1]
    with pytest.raises(CaseActionRefused):
        svc.case_decide(case=case, actor=case_handler, outcome="approved", assessments=partial)
    empty = _all_met()
    empty[0]["assessment"] = ""
    with pytest.raises(CaseActionRefused):
        svc.case_decide(case=case, actor=case_handler, outcome="approved", assessments=empty)


@pytest.mark.parametrize("status", sorted(set(ALL) - {"in_review"}))
@pytest.mark.parametrize("outcome", ["approved", "rejected"])
def test_decide_refused_outside_review(case_handler, status, outcome):
    case = CaseFactory(status=status)
    assessments = _all_met() if outcome == "approved" else _some_not_met()
    with pytest.raises(CaseActionRefused):
        svc.case_decide(case=case, actor=case_handler, outcome=outcome, assessments=assessments, justification="Grunn.")
    assert not Decision.objects.filter(case=case).exists()


def test_decided_case_refusal_names_who_decided(case_handler):
    case = _approved_case(case_handler)
    other = UserFactory(case_handler=True)
    with pytest.raises(CaseActionRefused, match="Hanne Handler"):
        svc.case_decide(case=case, actor=other, outcome="approved", assessments=_all_met())
    assert Decision.objects.filter(case=case).count() == 1


def test_stale_instance_cannot_decide_twice(case_handler):
    """A handler's page loaded before another's decision: the stale object is refused."""
    case = CaseFactory(status="in_review")
    stale = Case.objects.get(pk=case.pk)
    svc.case_decide(case=case, actor=case_handler, outcome="approved", assessments=_all_met())
    with pytest.raises(CaseActionRefused):
        svc.case_decide(
            case=stale,
            actor=UserFactory(case_handler=True),
            outcome="rejected",
            assessments=_some_not_met(),
            justification="For liten.",
        )
    assert Decision.objects.filter(case=case).count() == 1


# ---------------------------------------------------------------- revocation
def test_revocation_notice_then_revoke(case_handler, django_capture_on_commit_callbacks):
    case = _approved_case(case_handler)
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        svc.case_revocation_notify(case=case, actor=case_handler, reason="Mangler yrkeshygieniker.", deadline=deadline)
    case.refresh_from_db()
    assert case.status == CaseStatus.REVOCATION_NOTIFIED and case.revocation_deadline == deadline
    assert any("revocation" in m.subject.lower() or "tilbakekall" in m.subject.lower() for m in mail.outbox)
    decision = svc.case_revoke(case=case, actor=case_handler, assessments=_some_not_met(), reason="Ikke rettet.")
    case.refresh_from_db()
    assert case.status == CaseStatus.REVOKED
    assert decision.outcome == DecisionOutcome.REVOKED
    approval = Approval.objects.get(case=case)
    assert approval.status == ApprovalStatus.REVOKED and approval.ended_at
    assert _events(case, CaseEvent.Kind.REVOKED).exists()


def test_revocation_notice_needs_reason_and_future_deadline(case_handler):
    case = _approved_case(case_handler)
    with pytest.raises(CaseActionRefused):
        svc.case_revocation_notify(case=case, actor=case_handler, reason="", deadline=timezone.localdate())
    with pytest.raises(CaseActionRefused):
        svc.case_revocation_notify(case=case, actor=case_handler, reason="x", deadline=timezone.localdate())


@pytest.mark.parametrize("special", [False, True])
def test_drop_revocation_returns_to_the_approved_state(case_handler, special):
    case = _approved_case(case_handler, special=special)
    svc.case_revocation_notify(
        case=case, actor=case_handler, reason="x", deadline=timezone.localdate() + datetime.timedelta(days=14)
    )
    svc.case_revocation_drop(case=case, actor=case_handler, reason="Rettet.")
    case.refresh_from_db()
    assert case.status == (CaseStatus.APPROVED_SPECIAL if special else CaseStatus.APPROVED)
    assert Approval.objects.get(case=case).status == ApprovalStatus.VALID
    assert _events(case, CaseEvent.Kind.REVOCATION_DROPPED).get().message == "Rettet."


@pytest.mark.parametrize("status", sorted(set(ALL) - {"approved", "approved_special"}))
def test_revocation_notice_refused_unless_approved(case_handler, status):
    case = CaseFactory(status=status)
    with pytest.raises(CaseActionRefused):
        svc.case_revocation_notify(
            case=case, actor=case_handler, reason="x", deadline=timezone.localdate() + datetime.timedelta(days=5)
        )


@pytest.mark.parametrize("status", sorted(set(ALL) - {"revocation_notified"}))
def test_revoke_and_drop_refused_without_notice(case_handler, status):
    case = CaseFactory(status=status)
    with pytest.raises(CaseActionRefused):
        svc.case_revoke(case=case, actor=case_handler, assessments=_some_not_met())
    with pytest.raises(CaseActionRefused):
        svc.case_revocation_drop(case=case, actor=case_handler)


def test_approval_factory_revoke_transition():
    approval = ApprovalFactory()
    approval.revoke()
    approval.save()
    assert Approval.objects.get(pk=approval.pk).status == ApprovalStatus.REVOKED


def test_note_is_internal_and_logged(case_handler, provider_user):
    case = CaseFactory(status="in_review")
    note = svc.case_note_add(case=case, author=case_handler, text="Ring leder.")
    assert note.text == "Ring leder."
    assert _events(case, CaseEvent.Kind.NOTE_ADDED).exists()
    with pytest.raises(CaseActionRefused):
        svc.case_note_add(case=case, author=provider_user, text="x")
