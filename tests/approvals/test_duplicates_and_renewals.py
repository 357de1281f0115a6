"""Issue 11 item 10: no second application while one is pending (a renewal included), no
"Start renewal" once the renewal is in, renewals marked in lists, and a renewal sent before
the approval ends gets a decide-by date (the approval's end) and the top of the queue."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.models import Application, ApplicationDepartment
from approvals.selectors.cases import case_queue
from approvals.services import applications as services
from approvals.services.lifecycle import application_renewal_start, renewal_reminders_run
from tests.approvals.factories import ApplicationFactory, ApprovalFactory, CaseFactory, add_documents
from tests.approvals.lifecycle.factories import provider_user_for, travel_to

pytestmark = pytest.mark.django_db


DOCS = ("quality_system", "competence_development_plan", "expertise", "training_evidence", "client_cooperation")


def _complete(draft):
    Application.objects.filter(pk=draft.pk).update(street_address="Storgata 1", postcode="0155")
    if not draft.departments.exists():
        ApplicationDepartment.objects.create(application=draft, name="Oslo", municipality_number="0301")
    add_documents(draft, kinds=DOCS)
    services.application_declare(
        application=draft, declaration_accepted=True, special_case_requested=False, special_case_explanation=""
    )
    draft.refresh_from_db()
    return draft


def _submitted_renewal(approval, user):
    draft = _complete(application_renewal_start(approval=approval, actor=user))
    return services.application_submit(application=draft, actor=user)


def test_no_new_application_while_one_is_pending(client, provider_user):
    CaseFactory(provider=provider_user.provider, status="in_review")
    client.force_login(provider_user)
    before = Application.objects.count()
    response = client.post(reverse("approvals:application_create"), follow=True)
    assert Application.objects.count() == before
    assert "under behandling" in response.content.decode()
    page = client.get(reverse("approvals:application_list")).content.decode()
    assert "Start en ny søknad" not in page


def test_a_draft_cannot_be_submitted_while_another_case_is_pending(provider_user):
    CaseFactory(provider=provider_user.provider, status="submitted")
    draft = _complete(ApplicationFactory(provider=provider_user.provider, approvable=True))
    problems = services.application_problems(application=draft)
    assert any("under behandling" in p for p in problems)


def test_renewal_pending_blocks_a_new_application_and_the_renewal_button(client):
    approval = ApprovalFactory(ends_in_days=60)
    user = provider_user_for(approval)
    renewal_reminders_run()
    renewal = _submitted_renewal(approval, user)
    client.force_login(user)
    start = client.get(reverse("start")).content.decode()
    assert reverse("approvals:renewal_start", args=[approval.pk]) not in start
    assert "Start fornyelse" not in start
    with pytest.raises(Exception, match="under behandling|already|allerede"):
        services.application_create(provider=approval.provider)
    with pytest.raises(Exception, match="under behandling|allerede"):
        application_renewal_start(approval=approval, actor=user)
    # The renewal is marked as such in the provider's list and in the queue.
    listing = client.get(reverse("approvals:application_list")).content.decode()
    assert "Fornyelse" in listing
    assert renewal.case.renews == approval


def test_renewal_before_the_end_gets_a_decide_by_date_and_the_top_of_the_queue(handler_client, case_handler):
    older = CaseFactory(status="submitted", received_at=timezone.now() - datetime.timedelta(days=30))
    approval = ApprovalFactory(ends_in_days=60)
    renewal = _submitted_renewal(approval, provider_user_for(approval))
    newer = CaseFactory(status="submitted")
    case = renewal.case
    assert case.decide_by == approval.valid_until
    queue = list(case_queue(user=case_handler, status="open"))
    assert queue[0] == case and {older, newer} <= set(queue)
    html = handler_client.get(reverse("approvals:case_queue")).content.decode()
    assert "Fornyelse" in html
    assert approval.valid_until.strftime("%d.%m.%Y") in html


def test_renewal_after_the_end_has_no_decide_by_date():
    approval = ApprovalFactory(ends_in_days=60)
    user = provider_user_for(approval)
    draft = _complete(application_renewal_start(approval=approval, actor=user))
    with travel_to(approval.valid_until + datetime.timedelta(days=1)):
        assert services.application_submit(application=draft, actor=user).case.decide_by is None
