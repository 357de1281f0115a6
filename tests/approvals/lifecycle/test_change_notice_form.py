"""Issue 11 item 8: the change notice form shows what is registered, keeps what was typed
after an error (names and removal ticks), checks the rules live, labels the summary and
cannot be sent twice."""

import pytest
from django.urls import reverse

from approvals.models import ApplicationDepartment, ChangeNotice
from approvals.selectors.lifecycle import approval_current_roster, approval_source_application
from approvals.services.cases import approval_register_departments
from providers.models import Department
from tests.approvals.factories import ApprovalFactory
from tests.approvals.lifecycle.factories import provider_user_for
from tests.approvals.lifecycle.test_change_notices import _form_data

pytestmark = pytest.mark.django_db
URL = "/endringsmelding/"


@pytest.fixture
def approval():
    approval = ApprovalFactory(ends_in_days=400)
    source = approval_source_application(approval)
    for name, municipality in (("Oslo", "0301"), ("Bergen", "4601")):
        ApplicationDepartment.objects.create(application=source, name=name, municipality_number=municipality)
    return approval


@pytest.fixture
def client_(client, approval):
    client.force_login(provider_user_for(approval))
    return client


def _staff_prefix(data, name):
    return next(k for k, v in data.items() if v == name and k.endswith("-name")).rsplit("-", 1)[0]


def test_the_approved_departments_are_shown_when_the_register_has_none(client_, approval):
    assert not approval.provider.departments.exists()
    source = approval_source_application(approval)
    assert source.departments.exists()
    response = client_.get(URL)
    names = [f.initial.get("name") for f in response.context["dep_formset"].forms if f.initial]
    assert names == [d.name for d in source.departments.all()]
    # Sending an unrelated change does not demand a department to be invented.
    data = _form_data(client_, URL)
    data["contact-phone"] = "12 34 56 78"
    response = client_.post(URL, data)
    assert response.status_code == 302, response.context["dep_formset"].non_form_errors()
    assert {d.name for d in approval.provider.departments.all()} == {d.name for d in source.departments.all()}


def test_an_approval_puts_its_departments_in_the_register(approval):
    approval_register_departments(approval=approval)
    source = approval_source_application(approval)
    assert sorted(Department.objects.filter(provider=approval.provider).values_list("name", flat=True)) == sorted(
        source.departments.values_list("name", flat=True)
    )
    approval_register_departments(approval=approval)  # idempotent
    assert Department.objects.filter(provider=approval.provider).count() == source.departments.count()


def test_after_an_error_staff_cards_keep_their_names_and_removal_ticks(client_, approval):
    data = _form_data(client_, URL)
    roster = approval_current_roster(approval)
    leaving, other = roster[0].name, roster[1].name
    leaving_prefix = _staff_prefix(data, leaving)
    data[f"{leaving_prefix}-DELETE"] = "on"
    data["contact-email"] = "not an address"  # a validation error elsewhere
    response = client_.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    legends = [f.legend for f in response.context["staff_formset"].forms]
    assert leaving in legends and other in legends
    box = f'name="{leaving_prefix}-DELETE"'
    assert box in html
    tag = html.split(box)[0].rsplit("<input", 1)[1] + html.split(box)[1].split(">", 1)[0]
    assert "checked" in tag
    # Corrected and sent again: the ticked person is removed.
    data["contact-email"] = "post@bht.no"
    response = client_.post(URL, data)
    assert response.status_code == 302
    assert leaving not in {s.name for s in approval_current_roster(approval)}


def test_live_rule_panel_checks_the_unsaved_roster(client_, approval):
    data = _form_data(client_, URL)
    psychologist = next(k for k, v in data.items() if v == "psychologist").rsplit("-", 1)[0]
    data[f"{psychologist}-DELETE"] = "on"
    response = client_.post(reverse("approvals:change_notice_rule_panel"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-rule="psychosocial_fte" data-passed="false"' in html
    assert "Advarsler til saksbehandleren" not in html
    page = client_.get(URL).content.decode()
    assert f'hx-post="{reverse("approvals:change_notice_rule_panel")}"' in page
    assert 'id="rule-panel"' in page


def test_change_summary_shows_labels_not_field_names(client_, approval):
    data = _form_data(client_, URL)
    data["contact-phone"] = "12 34 56 78"
    response = client_.post(URL, data)
    page = client_.get(response["Location"]).content.decode()
    assert "Telefon" in page
    assert '<th scope="row">phone</th>' not in page


def test_the_same_form_sent_twice_makes_one_notice(client_, approval):
    data = _form_data(client_, URL)
    assert data.get("cn-token")
    data["contact-phone"] = "12 34 56 78"
    first = client_.post(URL, data)
    second = client_.post(URL, data)  # double click, or back button and send again
    assert ChangeNotice.objects.count() == 1
    assert first["Location"] == second["Location"]
    page = client_.get(second["Location"]).content.decode()
    assert "allerede" in page.lower()


def test_deciding_an_approval_registers_the_applied_departments(case_handler):
    from approvals.services import cases as svc
    from tests.approvals.factories import CaseFactory
    from tests.approvals.test_case_workflow import _all_met

    case = CaseFactory(status="in_review")
    application = case.applications.get()
    ApplicationDepartment.objects.create(application=application, name="Tromsø", municipality_number="5501")
    svc.case_decide(case=case, actor=case_handler, outcome="approved", assessments=_all_met())
    assert list(case.provider.departments.values_list("name", "municipality_number")) == [("Tromsø", "5501")]
