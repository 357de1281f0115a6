"""Expiry (leaves the register and the obligation check) and renewal pre-fill."""

import datetime

import pytest
from django.urls import reverse

from approvals.models import Approval, ApprovalStatus, CaseEvent, ProviderNotice, RenewalReminder
from approvals.selectors.public_register import providers_approved_on
from approvals.services.lifecycle import application_renewal_start, approvals_expire, renewal_reminders_run
from providers.models import Department
from tests.approvals.factories import ApprovalFactory
from tests.approvals.lifecycle.factories import provider_user_for, travel_to
from tests.factories import ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 2)


def test_expiry_the_day_after_the_end():
    with travel_to(TODAY):
        approval = ApprovalFactory(ends_in_days=0)
        renewal_reminders_run()  # end-day reminder
        assert approvals_expire() == {"expired": 0}  # still valid on its last day
        assert approval.provider in providers_approved_on()
    with travel_to(TODAY + datetime.timedelta(days=1)):
        assert approvals_expire() == {"expired": 1}
        assert approvals_expire() == {"expired": 0}  # idempotent
        assert approval.provider not in providers_approved_on()
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.EXPIRED
    assert approval.ended_at.date() == TODAY + datetime.timedelta(days=1)
    event = CaseEvent.objects.get(case=approval.case, kind=CaseEvent.Kind.EXPIRED)
    assert event.data["reason"] == "period_ended"
    assert "02.03.2026" in event.message
    assert ProviderNotice.objects.filter(approval=approval, kind="expired").count() == 1


def test_expiry_skips_pending_reminders_and_leaves_other_approvals():
    with travel_to(TODAY):
        old = ApprovalFactory(ends_in_days=-3)
        current = ApprovalFactory(ends_in_days=300)
        RenewalReminder.objects.create(approval=old, kind="end_day", due_on=old.valid_until)
        approvals_expire()
    assert RenewalReminder.objects.get(approval=old).status == "skipped"
    assert Approval.objects.get(pk=current.pk).status == ApprovalStatus.VALID


def test_case_page_partial_shows_reminders_and_expiry(handler_client):
    from django.template import Context, Template

    with travel_to(TODAY):
        approval = ApprovalFactory(ends_in_days=20)
        renewal_reminders_run()
    with travel_to(TODAY + datetime.timedelta(days=21)):
        approvals_expire()
    html = Template('{% include "approvals/lifecycle/_case_lifecycle.html" %}').render(
        Context({"case": approval.case, "user": None})
    )
    assert "30 dager før utløp" in html or "30 days" in html
    assert "02.03.2026" in html  # sent on
    assert "Utløpt" in html or "Expired" in html


def test_renewal_prefilled_from_the_last_approved_application():
    approval = ApprovalFactory(ends_in_days=30)
    Department.objects.create(provider=approval.provider, name="Oslo", municipality_number="0301")
    source = approval.case.applications.get()
    user = provider_user_for(approval)
    application = application_renewal_start(approval=approval, actor=user)
    assert application.renews == approval and application.is_draft and application.case is None
    assert application.orgnr == approval.provider.orgnr
    staff = list(application.staff.order_by("name"))
    assert [s.name for s in staff] == sorted(s.name for s in source.staff.all())
    assert all(s.carried_over for s in staff)
    assert sum(s.fte for s in staff) == sum(s.fte for s in source.staff.all())
    assert [(d.name, d.carried_over) for d in application.departments.all()] == [("Oslo", True)]
    docs = list(application.documents.all())
    assert {d.file.name for d in docs} == {d.file.name for d in source.documents.all()}  # same stored files
    assert all(d.carried_over for d in docs)
    # Idempotent: a second click returns the same draft.
    assert application_renewal_start(approval=approval, actor=user) == application
    assert CaseEvent.objects.filter(case=approval.case, kind=CaseEvent.Kind.OTHER).count() == 1


def test_renewal_view_redirects_to_the_edit_page_and_is_scoped(client):
    approval = ApprovalFactory(ends_in_days=30)
    user = provider_user_for(approval)
    other = UserFactory(role="provider", provider=ProviderFactory())
    url = reverse("approvals:renewal_start", args=[approval.pk])
    client.force_login(other)
    assert client.post(url).status_code == 404  # another provider's approval
    client.force_login(user)
    assert client.get(url).status_code == 405
    response = client.post(url)
    draft = approval.renewal_applications.get()
    assert response.status_code == 302
    assert response["Location"] in (
        reverse("approvals:application_edit", kwargs={"pk": draft.pk}),
        reverse("approvals:application_list"),
    )


def test_provider_start_page_shows_the_reminder_with_the_renewal_action(client):
    with travel_to(TODAY):
        approval = ApprovalFactory(ends_in_days=85)
        user = provider_user_for(approval)
        renewal_reminders_run()
        client.force_login(user)
        html = client.get(reverse("start")).content.decode()
    assert reverse("approvals:renewal_start", args=[approval.pk]) in html
    assert "26.05.2026" in html
    # Another provider's user does not see it.
    client.force_login(UserFactory(role="provider", provider=ProviderFactory()))
    assert reverse("approvals:renewal_start", args=[approval.pk]) not in client.get(reverse("start")).content.decode()
