"""Appeals: the provider appeals a rejection or revocation before the deadline; the handler
sees it on the case and decides upheld / reversed."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from approvals.models import Appeal, Approval, ApprovalStatus, Case, CaseEvent, CaseStatus
from approvals.selectors.cases import assessments_prefill
from approvals.services import cases as svc
from approvals.services.cases import CaseActionRefused
from tests.approvals.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _not_met():
    a = assessments_prefill(evaluation=None)
    a[4] = {**a[4], "met": False, "assessment": "Under 3,0 årsverk."}
    return a


@pytest.fixture
def rejection(provider, case_handler):
    case = CaseFactory(status="in_review", provider=provider, assigned_to=case_handler)
    return svc.case_decide(case=case, actor=case_handler, outcome="rejected", assessments=_not_met())


@pytest.fixture
def revocation(provider, case_handler):
    case = CaseFactory(status="in_review", provider=provider, assigned_to=case_handler)
    svc.case_decide(case=case, actor=case_handler, outcome="approved", assessments=assessments_prefill(evaluation=None))
    svc.case_revocation_notify(
        case=case,
        actor=case_handler,
        reason="Mangler lege.",
        deadline=timezone.localdate() + datetime.timedelta(days=7),
    )
    return svc.case_revoke(case=case, actor=case_handler, assessments=_not_met())


def test_provider_appeals_a_rejection_through_the_page(provider_client, rejection):
    url = reverse("approvals:appeal_create", args=[rejection.pk])
    assert provider_client.get(url).status_code == 200
    response = provider_client.post(url, {"text": "Vi har ansatt en yrkeshygieniker."}, follow=True)
    assert response.status_code == 200
    appeal = Appeal.objects.get(decision=rejection)
    assert appeal.status == Appeal.Status.RECEIVED
    assert CaseEvent.objects.filter(case=rejection.case, kind=CaseEvent.Kind.APPEALED).exists()
    assert "Klagen deres ble mottatt" in response.content.decode()
    # a second appeal on the same decision is refused
    with pytest.raises(CaseActionRefused):
        svc.appeal_create(decision=rejection, actor=appeal.submitted_by, text="igjen")


def test_appeal_after_the_deadline_is_refused(provider_user, rejection):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=22), tick=False):
        with pytest.raises(CaseActionRefused, match="Klagefristen|deadline"):
            svc.appeal_create(decision=rejection, actor=provider_user, text="for sent")
    assert not Appeal.objects.exists()


def test_appeal_on_the_last_day_is_accepted(provider_user, rejection):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=21), tick=False):
        svc.appeal_create(decision=rejection, actor=provider_user, text="siste dag")
    assert Appeal.objects.count() == 1


def test_other_provider_gets_404_and_approvals_cannot_be_appealed(
    other_provider_client, provider_client, rejection, case_handler, provider
):
    url = reverse("approvals:appeal_create", args=[rejection.pk])
    assert other_provider_client.get(url).status_code == 404
    assert other_provider_client.post(url, {"text": "x"}).status_code == 404
    approval_case = CaseFactory(status="in_review", provider=provider)
    approved = svc.case_decide(
        case=approval_case, actor=case_handler, outcome="approved", assessments=assessments_prefill(evaluation=None)
    )
    assert provider_client.get(reverse("approvals:appeal_create", args=[approved.pk])).status_code == 404


def test_handler_sees_and_upholds_the_appeal(handler_client, provider_user, rejection):
    appeal = svc.appeal_create(decision=rejection, actor=provider_user, text="Vi er uenige.")
    html = handler_client.get(reverse("approvals:case_detail", args=[rejection.case_id])).content.decode()
    assert "Vi er uenige." in html and reverse("approvals:appeal_decide", args=[appeal.pk]) in html
    handler_client.post(
        reverse("approvals:appeal_decide", args=[appeal.pk]), {"outcome": "upheld", "reason": "Kravet er ikke oppfylt."}
    )
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.UPHELD and appeal.handled_by is not None
    assert Case.objects.get(pk=rejection.case_id).status == CaseStatus.REJECTED
    with pytest.raises(CaseActionRefused):
        svc.appeal_decide(appeal=appeal, actor=appeal.handled_by, outcome="reversed", reason="x")


def test_reversed_rejection_reopens_the_case(case_handler, provider_user, rejection):
    appeal = svc.appeal_create(decision=rejection, actor=provider_user, text="Se ny dokumentasjon.")
    svc.appeal_decide(appeal=appeal, actor=case_handler, outcome="reversed", reason="Ny dokumentasjon.")
    case = Case.objects.get(pk=rejection.case_id)
    assert case.status == CaseStatus.IN_REVIEW
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.APPEAL_DECIDED).exists()


def test_reversed_revocation_reinstates_the_approval(case_handler, provider_user, revocation):
    assert Approval.objects.get(case=revocation.case).status == ApprovalStatus.REVOKED
    appeal = svc.appeal_create(decision=revocation, actor=provider_user, text="Legen er ansatt.")
    svc.appeal_decide(appeal=appeal, actor=case_handler, outcome="reversed", reason="Forholdet er rettet.")
    assert Case.objects.get(pk=revocation.case_id).status == CaseStatus.APPROVED
    assert Approval.objects.get(case=revocation.case).status == ApprovalStatus.VALID


def test_appeal_needs_grounds_and_reason(case_handler, provider_user, rejection):
    with pytest.raises(CaseActionRefused):
        svc.appeal_create(decision=rejection, actor=provider_user, text=" ")
    appeal = svc.appeal_create(decision=rejection, actor=provider_user, text="x")
    with pytest.raises(CaseActionRefused):
        svc.appeal_decide(appeal=appeal, actor=case_handler, outcome="upheld", reason="")
    with pytest.raises(CaseActionRefused):
        svc.appeal_decide(appeal=appeal, actor=provider_user, outcome="upheld", reason="x")


def test_provider_decisions_partial_links_letter_and_appeal(rf, provider_user, rejection):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = provider_user
    html = Template("{% load provider_tags %}{% provider_decisions %}").render(Context({"request": request}))
    assert rejection.case.case_number in html
    assert reverse("approvals:appeal_create", args=[rejection.pk]) in html
