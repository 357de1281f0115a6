"""Appeals (issue 11 items 4 and 5): an adverse decision (rejection, revocation, approval with
conditions or a shorter period) is appealed with attachments; the deadline runs from the
notice of the letter; a late appeal is received, flagged, and considered or not (§ 31);
Arbeidstilsynet reverses (a new decision) or upholds and forwards to Direktoratet for
arbeidstilsynet, whose outcome is recorded with date and letter; the provider is told each step."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from approvals.documents import minimal_pdf
from approvals.models import Appeal, Approval, ApprovalStatus, Case, CaseEvent, CaseStatus, Decision, DecisionLetter
from approvals.services import cases as svc
from approvals.services.cases import CaseActionRefused
from notifications.models import Notification
from tests.approvals.factories import CaseFactory, assessed

pytestmark = pytest.mark.django_db


def _not_met():
    a = assessed()
    a[4] = {**a[4], "met": False, "assessment": "Under 3,0 årsverk."}
    return a


@pytest.fixture
def rejection(provider, case_handler, django_capture_on_commit_callbacks):
    """A rejection whose letter and its notice went out (the deadline runs from the notice)."""
    case = CaseFactory(status="in_review", provider=provider, assigned_to=case_handler)
    with django_capture_on_commit_callbacks(execute=True):
        decision = svc.case_decide(
            case=case, actor=case_handler, outcome="rejected", assessments=_not_met(), justification="For få årsverk."
        )
    return Decision.objects.get(pk=decision.pk)


@pytest.fixture
def revocation(provider, case_handler):
    case = CaseFactory(status="in_review", provider=provider, assigned_to=case_handler)
    svc.case_decide(case=case, actor=case_handler, outcome="approved", assessments=assessed())
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


def test_appeal_after_the_deadline_is_received_and_flagged_late(provider_user, case_handler, rejection):
    deadline = Decision.objects.get(pk=rejection.pk).appeal_deadline
    assert deadline is not None  # the letter's notice went out (eager outbox)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=22), tick=False):
        appeal = svc.appeal_create(decision=Decision.objects.get(pk=rejection.pk), actor=provider_user, text="for sent")
    assert appeal.late and appeal.awaiting_late_decision
    # Neither reversed nor forwarded before the handler decides whether to consider it (§ 31).
    with pytest.raises(CaseActionRefused, match="avgjør først"):
        svc.appeal_forward(appeal=appeal, actor=case_handler, reason="Opprettholdes.")
    with pytest.raises(CaseActionRefused):
        svc.appeal_late_decide(appeal=appeal, actor=case_handler, consider=False, reason="")
    svc.appeal_late_decide(appeal=appeal, actor=case_handler, consider=False, reason="Ingen særlige grunner.")
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.NOT_CONSIDERED and appeal.late_reason == "Ingen særlige grunner."
    assert Notification.objects.filter(key=f"appeal:{appeal.pk}:late").exists()


def test_late_appeal_considered_goes_on_as_any_other(provider_user, case_handler, rejection):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=30), tick=False):
        appeal = svc.appeal_create(decision=Decision.objects.get(pk=rejection.pk), actor=provider_user, text="sent")
    svc.appeal_late_decide(appeal=appeal, actor=case_handler, consider=True, reason="Sykdom hos daglig leder.")
    svc.appeal_forward(appeal=appeal, actor=case_handler, reason="Kravet er ikke oppfylt.")
    assert Appeal.objects.get(pk=appeal.pk).status == Appeal.Status.FORWARDED


def test_deadline_runs_from_the_notice_not_the_decision_date(provider_user, rejection):
    """The letter's notice was sent three days after the decision: the deadline is three
    weeks from then, so an appeal 23 days after the decision is still in time."""
    notification = Decision.objects.get(pk=rejection.pk).letter.notification
    Notification.objects.filter(pk=notification.pk).update(sent_at=timezone.now() + datetime.timedelta(days=3))
    decision = Decision.objects.get(pk=rejection.pk)
    assert decision.appeal_deadline == timezone.localdate() + datetime.timedelta(days=24)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=23), tick=False):
        appeal = svc.appeal_create(decision=decision, actor=provider_user, text="i tide")
    assert not appeal.late


def test_appeal_on_the_last_day_is_in_time(provider_user, rejection):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=21), tick=False):
        appeal = svc.appeal_create(
            decision=Decision.objects.get(pk=rejection.pk), actor=provider_user, text="siste dag"
        )
    assert not appeal.late


def test_other_provider_gets_404_and_approvals_cannot_be_appealed(
    other_provider_client, provider_client, rejection, case_handler, provider
):
    url = reverse("approvals:appeal_create", args=[rejection.pk])
    assert other_provider_client.get(url).status_code == 404
    assert other_provider_client.post(url, {"text": "x"}).status_code == 404
    approval_case = CaseFactory(status="in_review", provider=provider)
    approved = svc.case_decide(case=approval_case, actor=case_handler, outcome="approved", assessments=assessed())
    assert provider_client.get(reverse("approvals:appeal_create", args=[approved.pk])).status_code == 404


def test_handler_upholds_forwards_and_records_the_directorate(
    handler_client, provider_client, provider_user, case_handler, rejection
):
    appeal = svc.appeal_create(decision=rejection, actor=provider_user, text="Vi er uenige.")
    html = handler_client.get(reverse("approvals:case_detail", args=[rejection.case_id])).content.decode()
    assert "Vi er uenige." in html and reverse("approvals:appeal_forward", args=[appeal.pk]) in html
    handler_client.post(reverse("approvals:appeal_forward", args=[appeal.pk]), {"reason": "Kravet er ikke oppfylt."})
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.FORWARDED and appeal.handled_by is not None
    assert Case.objects.get(pk=rejection.case_id).status == CaseStatus.REJECTED
    assert Notification.objects.filter(key=f"appeal:{appeal.pk}:forwarded").exists()
    with pytest.raises(CaseActionRefused):
        svc.appeal_reverse(appeal=appeal, actor=case_handler, reason="x")
    page = provider_client.get(reverse("approvals:appeal_create", args=[rejection.pk])).content.decode()
    assert "Direktoratet for arbeidstilsynet" in page
    # The directorate's outcome, with date and letter; the provider is told.
    url = reverse("approvals:appeal_directorate", args=[appeal.pk])
    handler_client.post(url, {"outcome": "directorate_upheld", "decided_on": "", "reason": ""})
    assert Appeal.objects.get(pk=appeal.pk).status == Appeal.Status.FORWARDED  # date and letter missing
    letter = SimpleUploadedFile("klagevedtak.pdf", minimal_pdf("Klagevedtak"), content_type="application/pdf")
    handler_client.post(
        url,
        {
            "outcome": "directorate_upheld",
            "decided_on": timezone.localdate().isoformat(),
            "reason": "Direktoratet er enig.",
            "letter": letter,
        },
    )
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.DIRECTORATE_UPHELD and appeal.directorate_letter
    notice = Notification.objects.get(key=f"appeal:{appeal.pk}:directorate")
    assert notice.attachments and notice.recipient_org == rejection.case.provider.orgnr
    page = provider_client.get(reverse("approvals:appeal_create", args=[rejection.pk])).content.decode()
    assert "Stadfestet" in page or "Upheld" in page or "opprettholdt" in page.lower()
    assert provider_client.get(reverse("approvals:appeal_letter_download", args=[appeal.pk])).status_code == 200


def test_reversed_rejection_reopens_the_case_and_the_next_decision_is_the_new_one(
    case_handler, provider_user, rejection
):
    appeal = svc.appeal_create(decision=rejection, actor=provider_user, text="Se ny dokumentasjon.")
    svc.appeal_reverse(appeal=appeal, actor=case_handler, reason="Ny dokumentasjon.")
    case = Case.objects.get(pk=rejection.case_id)
    assert case.status == CaseStatus.IN_REVIEW
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.APPEAL_REVERSED).exists()
    decision = svc.case_decide(case=case, actor=case_handler, outcome="approved", assessments=assessed())
    assert Appeal.objects.get(pk=appeal.pk).new_decision == decision


def test_reversed_revocation_reinstates_the_approval_with_a_new_decision(case_handler, provider_user, revocation):
    assert Approval.objects.get(case=revocation.case).status == ApprovalStatus.REVOKED
    appeal = svc.appeal_create(decision=revocation, actor=provider_user, text="Legen er ansatt.")
    svc.appeal_reverse(appeal=appeal, actor=case_handler, reason="Forholdet er rettet.")
    assert Case.objects.get(pk=revocation.case_id).status == CaseStatus.APPROVED
    assert Approval.objects.get(case=revocation.case).status == ApprovalStatus.VALID
    appeal.refresh_from_db()
    assert appeal.new_decision.outcome == "approved" and appeal.new_decision.justification == "Forholdet er rettet."
    assert DecisionLetter.objects.filter(decision=appeal.new_decision).exists()


def test_partly_adverse_approval_is_appealable_and_reversal_gives_the_full_period(case_handler, provider_user):
    case = CaseFactory(status="in_review", provider=provider_user.provider, assigned_to=case_handler)
    decision = svc.case_decide(
        case=case,
        actor=case_handler,
        outcome="approved",
        assessments=assessed(),
        valid_until=timezone.localdate() + datetime.timedelta(days=400),
        shorter_period_reason="Nytt kvalitetssystem.",
    )
    appeal = svc.appeal_create(decision=decision, actor=provider_user, text="Vi ønsker fem år.")
    svc.appeal_reverse(appeal=appeal, actor=case_handler, reason="Kvalitetssystemet er godt nok dokumentert.")
    approval = Approval.objects.get(case=case)
    assert approval.valid_until == svc.add_years(approval.valid_from, 5)
    appeal.refresh_from_db()
    assert appeal.new_decision.valid_until == approval.valid_until and not appeal.new_decision.is_partly_adverse


def test_appeal_needs_grounds_and_reason(case_handler, provider_user, rejection):
    with pytest.raises(CaseActionRefused):
        svc.appeal_create(decision=rejection, actor=provider_user, text=" ")
    appeal = svc.appeal_create(decision=rejection, actor=provider_user, text="x")
    with pytest.raises(CaseActionRefused):
        svc.appeal_forward(appeal=appeal, actor=case_handler, reason="")
    with pytest.raises(CaseActionRefused):
        svc.appeal_forward(appeal=appeal, actor=provider_user, reason="x")


def test_appeal_with_attachments_and_a_bad_file(provider_client, provider_user, rejection):
    url = reverse("approvals:appeal_create", args=[rejection.pk])
    bad = SimpleUploadedFile("virus.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = provider_client.post(url, {"text": "Se vedlegg.", "files": [bad]})
    assert response.status_code == 200 and not Appeal.objects.exists()
    assert "Se vedlegg." in response.content.decode()  # nothing lost
    good = SimpleUploadedFile("dokumentasjon.pdf", minimal_pdf("Vedlegg"), content_type="application/pdf")
    provider_client.post(url, {"text": "Se vedlegg.", "files": [good]})
    appeal = Appeal.objects.get()
    document = appeal.documents.get()
    assert document.original_name == "dokumentasjon.pdf"
    assert provider_client.get(reverse("approvals:case_document_download", args=[document.pk])).status_code == 200


def test_provider_decisions_partial_links_letter_and_appeal(rf, provider_user, rejection):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = provider_user
    html = Template("{% load provider_tags %}{% provider_decisions %}").render(Context({"request": request}))
    assert rejection.case.case_number in html
    assert reverse("approvals:appeal_create", args=[rejection.pk]) in html
