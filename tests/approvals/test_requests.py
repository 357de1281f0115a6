"""Issue 11 item 6: requests to the provider with a deadline (more information, advance
notice of revocation as a PDF letter), answered in the portal with attachments, on both sides'
start pages, whose turn it is; the interim reply (§ 11a) once per case from its daily job."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from approvals.documents import minimal_pdf
from approvals.models import Case, CaseEvent, CaseRequest, CaseStatus, InterimReply
from approvals.selectors.cases import case_page_data
from approvals.services import cases as svc
from approvals.services.cases import CaseActionRefused
from approvals.tasks import interim_replies_send, revocation_notices_send
from core.official import official_date
from notifications.models import Notification
from tests.approvals.factories import CaseFactory, assessed
from tests.approvals.letter_checks import pdf_text

pytestmark = pytest.mark.django_db


def test_information_request_has_a_deadline_is_answered_with_a_pdf_and_returns_the_case(
    handler_client, provider_client, provider, case_handler, django_capture_on_commit_callbacks
):
    case = CaseFactory(status="in_review", provider=provider, assigned_to=case_handler)
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        handler_client.post(
            reverse("approvals:case_request_information", args=[case.pk]),
            {"message": "Send kvalitetshåndboken.", "deadline": deadline.isoformat()},
        )
    request = CaseRequest.objects.get(case=case)
    assert request.deadline == deadline and request.status == CaseRequest.Status.OPEN
    assert Notification.objects.get(key=f"information-request:{request.pk}").sent_at
    turn = case_page_data(case=Case.objects.get(pk=case.pk))["turn"]
    assert turn["who"] == "provider" and turn["deadline"] == deadline
    # The provider's start page shows it, with the deadline and a way to answer.
    start = provider_client.get(reverse("start")).content.decode()
    assert reverse("approvals:request_reply", args=[request.pk]) in start
    url = reverse("approvals:request_reply", args=[request.pk])
    assert "Send kvalitetshåndboken." in provider_client.get(url).content.decode()
    pdf = SimpleUploadedFile("kvalitetshandbok.pdf", minimal_pdf("Håndbok"), content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = provider_client.post(url, {"text": "Håndboken er vedlagt.", "files": [pdf]})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == CaseRequest.Status.ANSWERED
    reply = request.replies.get()
    assert reply.documents.get().original_name == "kvalitetshandbok.pdf"
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW  # Arbeidstilsynet's turn again
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.REQUEST_ANSWERED).exists()
    html = handler_client.get(reverse("approvals:case_detail", args=[case.pk])).content.decode()
    assert "Håndboken er vedlagt." in html and "kvalitetshandbok.pdf" in html
    assert (
        handler_client.get(reverse("approvals:case_document_download", args=[reply.documents.get().pk])).status_code
        == 200
    )


def test_other_provider_cannot_see_or_answer(other_provider_client, provider, case_handler):
    case = CaseFactory(status="in_review", provider=provider)
    request = svc.case_request_information(case=case, actor=case_handler, message="x")
    url = reverse("approvals:request_reply", args=[request.pk])
    assert other_provider_client.get(url).status_code == 404
    assert other_provider_client.post(url, {"text": "y"}).status_code == 404


def test_deadline_must_be_after_today(case_handler):
    case = CaseFactory(status="in_review")
    with pytest.raises(CaseActionRefused):
        svc.case_request_information(case=case, actor=case_handler, message="x", deadline=timezone.localdate())


def _approved(case_handler, provider):
    case = CaseFactory(status="in_review", provider=provider, assigned_to=case_handler)
    svc.case_decide(case=case, actor=case_handler, outcome="approved", assessments=assessed())
    return Case.objects.get(pk=case.pk)


def test_revocation_notice_is_a_letter_sent_exactly_once_when_the_job_runs_twice(
    provider_client, provider, case_handler, monkeypatch, django_capture_on_commit_callbacks
):
    case = _approved(case_handler, provider)
    from approvals.tasks import revocation_notice_send

    monkeypatch.setattr(revocation_notice_send, "delay", lambda *a: (_ for _ in ()).throw(OSError("broker down")))
    deadline = timezone.localdate() + datetime.timedelta(days=21)
    with django_capture_on_commit_callbacks(execute=True):
        request = svc.case_revocation_notify(
            case=case, actor=case_handler, reason="Bemanningen er under 3,0 årsverk.", deadline=deadline
        )
    assert request.notification_id is None  # the task was lost: the job sends it
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert revocation_notices_send.apply().get() == {"sent": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert revocation_notices_send.apply().get() == {"sent": 0}
    request.refresh_from_db()
    assert Notification.objects.filter(key=f"revocation-notice:{request.pk}").count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments[0][0] == request.download_name
    text = pdf_text(request.letter.read())
    for fragment in (
        "Forhåndsvarsel om tilbakekall",
        "forvaltningsloven § 16",
        "Bemanningen er under 3,0 årsverk.",
        "vurderer å tilbakekalle",
        case.case_number,
    ):
        assert fragment in text, fragment
    assert official_date(deadline) in text
    # On the provider's start page, with the letter and a way to comment.
    start = provider_client.get(reverse("start")).content.decode()
    assert reverse("approvals:request_reply", args=[request.pk]) in start
    assert provider_client.get(reverse("approvals:request_letter_download", args=[request.pk])).status_code == 200
    provider_client.post(reverse("approvals:request_reply", args=[request.pk]), {"text": "Vi ansetter en lege."})
    request.refresh_from_db()
    assert request.status == CaseRequest.Status.ANSWERED
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REVOCATION_NOTIFIED  # the handler weighs it


def test_interim_reply_once_per_case_after_a_month(provider, django_capture_on_commit_callbacks):
    old = CaseFactory(status="in_review", provider=provider, received_at=timezone.now() - datetime.timedelta(days=31))
    CaseFactory(status="in_review", provider=provider, received_at=timezone.now() - datetime.timedelta(days=20))
    CaseFactory(status="approved", provider=provider, received_at=timezone.now() - datetime.timedelta(days=90))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert interim_replies_send.apply().get() == {"sent": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert interim_replies_send.apply().get() == {"sent": 0}
    reply = InterimReply.objects.get()
    assert reply.case == old and reply.expected_by > timezone.localdate()
    assert len(mail.outbox) == 1 and old.case_number in mail.outbox[0].subject
    assert "11a" in mail.outbox[0].body
    assert CaseEvent.objects.filter(case=old, kind=CaseEvent.Kind.INTERIM_REPLY).count() == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert interim_replies_send.apply().get() == {"sent": 1}  # the second case, now a month old
    assert InterimReply.objects.count() == 2
