"""Change notices: the register is updated at once, staff are re-checked, a broken rule
raises a follow-up task and the provider is told what falls short."""

import dataclasses

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.models import CaseEvent, ChangeNotice, FollowUpTask, ProviderNotice
from approvals.selectors.lifecycle import approval_current_roster
from approvals.selectors.public_register import providers_approved_on
from approvals.services.lifecycle import change_notice_submit
from providers.models import Department
from tests.approvals.factories import ApprovalFactory
from tests.approvals.lifecycle.factories import provider_user_for

pytestmark = pytest.mark.django_db


def _contact(provider, **changes):
    data = {
        f: getattr(provider, f)
        for f in ("contact_person", "email", "phone", "street_address", "postcode", "city", "municipality_number")
    }
    data.update(changes)
    return data


def _depts(provider):
    return [
        {
            "id": d.pk,
            **{f: getattr(d, f) for f in ("name", "street_address", "postcode", "city", "municipality_number")},
        }
        for d in provider.departments.all()
    ]


@pytest.fixture
def approval():
    a = ApprovalFactory(ends_in_days=400)
    Department.objects.create(provider=a.provider, name="Oslo", municipality_number="0301")
    return a


def test_contact_and_department_changes_update_the_register_at_once(approval):
    user = provider_user_for(approval)
    provider = approval.provider
    depts = _depts(provider) + [{"name": "Bergen", "municipality_number": "4601", "city": "Bergen"}]
    notice = change_notice_submit(
        approval=approval,
        actor=user,
        contact=_contact(provider, phone="99 99 99 99"),
        departments=depts,
        staff=approval_current_roster(approval),
    )
    assert notice.outcome == "registered" and notice.staff is None
    listed = providers_approved_on(municipality_number="4601").get()
    assert listed.phone == "99 99 99 99"
    assert {d.name for d in listed.departments.all()} == {"Oslo", "Bergen"}
    event = CaseEvent.objects.get(case=approval.case, kind=CaseEvent.Kind.CHANGE_NOTICE)
    assert event.actor == user and event.data["change_notice"] == notice.pk
    assert not FollowUpTask.objects.exists()


def test_staff_change_that_breaks_a_rule_raises_a_followup_task(approval):
    user = provider_user_for(approval)
    roster = approval_current_roster(approval)
    leaving = next(s for s in roster if s.profession == "psychologist")  # the only psychosocial FTE
    notice = change_notice_submit(
        approval=approval,
        actor=user,
        contact=_contact(approval.provider),
        departments=_depts(approval.provider),
        staff=[s for s in roster if s is not leaving],
        comment="Psykologen har sluttet.",
    )
    assert notice.outcome == "followup"
    failed = {r["id"] for r in notice.failed_rules}
    assert "psychosocial_fte" in failed
    task = FollowUpTask.objects.get()
    assert task.case == approval.case and task.change_notice == notice and task.status == "open"
    assert "psychosocial_fte" in {r["id"] for r in task.failed_rules}
    kinds = list(CaseEvent.objects.filter(case=approval.case).values_list("kind", flat=True))
    assert kinds.count("change_notice") == 1 and kinds.count("followup_created") == 1
    assert ProviderNotice.objects.get(change_notice=notice).provider == approval.provider
    # The roster after the change is now the approval's current roster.
    assert leaving.name not in {s.name for s in approval_current_roster(approval)}


def test_staff_change_that_keeps_the_rules_met_needs_no_followup(approval):
    user = provider_user_for(approval)
    roster = approval_current_roster(approval)
    roster[0] = dataclasses.replace(roster[0], name="Ny Lege")
    notice = change_notice_submit(
        approval=approval,
        actor=user,
        contact=_contact(approval.provider),
        departments=_depts(approval.provider),
        staff=roster,
    )
    assert notice.outcome == "rules_met" and notice.changes["staff"]["added"] == ["Ny Lege"]
    assert not FollowUpTask.objects.exists()


def test_nothing_changed_is_refused(approval):
    with pytest.raises(ValidationError):
        change_notice_submit(
            approval=approval,
            actor=provider_user_for(approval),
            contact=_contact(approval.provider),
            departments=_depts(approval.provider),
            staff=approval_current_roster(approval),
        )


def _form_data(client, url):
    """The change notice form as the browser would post it (initial values kept)."""
    response = client.get(url)
    form = response.context["dep_formset"], response.context["staff_formset"], response.context["contact_form"]
    data = {}
    for fs in form[:2]:
        mgmt = fs.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{fs.prefix}-{name}"] = mgmt[name].value()
        for f in fs.forms:
            for name in f.fields:
                value = f[name].value()  # what the browser sends: initial values, select defaults
                if name != "DELETE" and value not in (None, "", False):
                    data[f"{f.prefix}-{name}"] = value.isoformat() if hasattr(value, "isoformat") else value
    for name in form[2].fields:
        data[f"contact-{name}"] = form[2].initial.get(name) or ""
    comment = response.context["comment_form"]
    for name in comment.fields:
        data[f"cn-{name}"] = comment[name].value() or ""
    return data


def test_change_notice_form_end_to_end_tells_the_provider_what_falls_short(client, approval):
    user = provider_user_for(approval)
    client.force_login(user)
    url = reverse("approvals:change_notice_create")
    data = _form_data(client, url)
    psychologist = next(k for k, v in data.items() if v == "psychologist").rsplit("-", 1)[0]
    data[f"{psychologist}-DELETE"] = "on"
    response = client.post(url, data)
    notice = ChangeNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "approvals:change_notice_detail", args=[notice.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "psykososialt" in page.lower()
    start = client.get(reverse("start")).content.decode()
    assert reverse("approvals:change_notice_detail", args=[notice.pk]) in start
    # Another provider cannot open it (404), a case handler sees it in the follow-up list.
    other = provider_user_for(ApprovalFactory(ends_in_days=100))
    client.force_login(other)
    assert client.get(reverse("approvals:change_notice_detail", args=[notice.pk])).status_code == 404


def test_change_notice_page_without_valid_approval(client):
    from tests.factories import ProviderFactory, UserFactory

    client.force_login(UserFactory(role="provider", provider=ProviderFactory()))
    response = client.get(reverse("approvals:change_notice_create"))
    assert response.status_code == 200 and response.context["approval"] is None


def _tasks(n):
    for _ in range(n):
        a = ApprovalFactory(ends_in_days=400)
        FollowUpTask.objects.create(
            case=a.case, approval=a, title="t", failed_rules=[{"id": "total_fte", "message_nb": "x", "message_en": "x"}]
        )


def test_followup_list_bounded_queries_and_close(handler_client):
    url = reverse("approvals:followup_list")
    _tasks(3)
    with CaptureQueriesContext(connection) as small:
        assert handler_client.get(url).status_code == 200
    _tasks(9)
    with CaptureQueriesContext(connection) as large:
        response = handler_client.get(url)
    assert len(large) == len(small)
    assert len(response.context["page"].object_list) == 12
    task = FollowUpTask.objects.first()
    handler_client.post(reverse("approvals:followup_close", args=[task.pk]), {"resolution": "Ringt BHT-en."})
    task.refresh_from_db()
    assert task.status == "done" and task.done_at
    assert list(handler_client.get(url + "?q=nomatch").context["page"].object_list) == []


def test_followup_list_refused_to_providers(provider_client):
    assert provider_client.get(reverse("approvals:followup_list")).status_code == 403
