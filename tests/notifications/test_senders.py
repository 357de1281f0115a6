"""Every e-mail the portal sends is one outbox row with a unique key, written in the official
language, sent once after commit; running the sender's step again adds no row and no mail."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation

from approvals.models import Case, CaseStatus
from approvals.services import applications as app_services
from approvals.services import cases as svc
from notifications.models import Notification, NotificationStatus
from tests.approvals.factories import CaseFactory, assessed
from tests.approvals.test_provider_services import complete_draft, declare
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _not_met():
    return assessed(not_met=("staffing",))


def _only(kind: str) -> Notification:
    [notification] = Notification.objects.filter(kind=kind)
    assert notification.status == NotificationStatus.SENT and notification.attempts == 1
    return notification


@pytest.fixture
def submitter(provider):
    return UserFactory(role="provider", provider=provider, email="Actor@Test.no")


def test_receipt_is_one_notification_in_bokmaal(provider, submitter, django_capture_on_commit_callbacks):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        application = app_services.application_submit(application=declare(complete_draft(provider)), actor=submitter)
    receipt = _only("application_receipt")
    assert receipt.key == f"application-receipt:{application.pk}"
    assert receipt.to == sorted(["actor@test.no", application.email.lower()])
    assert receipt.recipient_org == application.orgnr
    assert list(receipt.recipient_users.all()) == [submitter]
    assert receipt.subject.startswith("Kvittering") and application.case.case_number in receipt.subject
    assert application.submitted_at.astimezone(timezone.get_current_timezone()).strftime("%d.%m.%Y") in receipt.body
    assert [m.subject for m in mail.outbox] == [receipt.subject]


def test_receipt_is_not_written_when_the_submission_rolls_back(provider, submitter):
    application = declare(complete_draft(provider))
    with pytest.raises(RuntimeError), transaction.atomic():
        app_services.application_submit(application=application, actor=submitter)
        raise RuntimeError("later step failed")
    assert not Notification.objects.exists()


def test_information_request_and_supplement_notify_once(
    provider, submitter, case_handler, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = app_services.application_submit(application=declare(complete_draft(provider)), actor=submitter)
    case = submitted.case
    svc.case_assign(case=case, assignee=case_handler, actor=case_handler)
    with django_capture_on_commit_callbacks(execute=True):
        svc.case_request_information(case=case, actor=case_handler, message="Send kvalitetssystemet.")
    request = _only("information_request")
    assert request.key.startswith("information-request:") and request.recipient_org == provider.orgnr
    assert "Send kvalitetssystemet." in request.body and "Sak" in request.subject
    draft = app_services.application_revise(application=submitted)
    with django_capture_on_commit_callbacks(execute=True):
        supplement = app_services.application_submit(application=declare(draft), actor=submitter)
    told = _only("case_supplemented")
    assert told.key == f"case-supplemented:{supplement.pk}" and told.to == ["handler@test.no"]
    assert list(told.recipient_users.all()) == [case_handler]
    assert Notification.objects.get(key=f"application-receipt:{supplement.pk}").status == NotificationStatus.SENT
    assert len(mail.outbox) == Notification.objects.count() == 4  # two receipts, the request, the supplement


def test_revocation_notice_is_one_notification(case_handler, django_capture_on_commit_callbacks):
    case = CaseFactory(status="in_review", provider__email="bht@test.no")
    svc.case_decide(case=case, actor=case_handler, outcome="approved", assessments=assessed())
    deadline = datetime.date.today() + datetime.timedelta(days=30)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        svc.case_revocation_notify(case=case, actor=case_handler, reason="Mangler lege.", deadline=deadline)
    notice = _only("revocation_notice")
    assert notice.to == ["bht@test.no"] and notice.recipient_org == case.provider.orgnr
    assert "tilbakekall" in notice.subject.lower()
    assert deadline.strftime("%d.%m.%Y") in notice.body and "Mangler lege." in notice.body


def test_appeal_received_forwarded_notify_once(
    provider, provider_user, case_handler, django_capture_on_commit_callbacks
):
    case = CaseFactory(status="in_review", provider=provider, assigned_to=case_handler)
    rejection = svc.case_decide(
        case=case, actor=case_handler, outcome="rejected", assessments=_not_met(), justification="For få årsverk."
    )
    with django_capture_on_commit_callbacks(execute=True):
        appeal = svc.appeal_create(decision=rejection, actor=provider_user, text="Vi er uenige.")
    received = _only("appeal_received")
    assert received.key == f"appeal-received:{appeal.pk}" and received.to == ["handler@test.no"]
    assert Notification.objects.get(key=f"appeal:{appeal.pk}:received").recipient_org == provider.orgnr
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        svc.appeal_forward(appeal=appeal, actor=case_handler, reason="Kravet er ikke oppfylt.")
    outcome = Notification.objects.get(key=f"appeal:{appeal.pk}:forwarded")
    assert outcome.status == NotificationStatus.SENT and outcome.recipient_org == provider.orgnr
    assert "provider@test.no" in outcome.to and "Kravet er ikke oppfylt." in outcome.body
    assert "klage" in outcome.subject.lower()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REJECTED


def test_a_handler_without_address_is_recorded_not_lost(provider, provider_user, django_capture_on_commit_callbacks):
    handler = UserFactory(case_handler=True, email="")
    case = CaseFactory(status="in_review", provider=provider, assigned_to=handler)
    rejection = svc.case_decide(
        case=case, actor=handler, outcome="rejected", assessments=_not_met(), justification="For få årsverk."
    )
    with django_capture_on_commit_callbacks(execute=True):
        svc.appeal_create(decision=rejection, actor=provider_user, text="Vi er uenige.")
    notification = Notification.objects.get(kind="appeal_received")
    assert notification.status == NotificationStatus.GIVEN_UP and notification.last_error == "no e-mail address"
    assert list(notification.recipient_users.all()) == [handler]
