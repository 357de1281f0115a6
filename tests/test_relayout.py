"""The inconsistencies the re-layout (issue 10, docs/adr/0001-layers.md) removed, one test each:
one roster type, one stored evaluation format (the obligation entry point: tests/enterprises/
test_obligation_entry.py), case assignment as a transition, one answer to "can this be appealed"."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals import rules
from approvals.api import RuleCheckRequestSerializer
from approvals.forms.provider import StaffForm
from approvals.models import CaseStatus, StaffMember
from approvals.selectors.lifecycle import approval_current_roster
from approvals.services.lifecycle import change_notice_submit
from providers.models import Department
from tests.approvals.factories import ApplicationFactory, ApprovalFactory, CaseFactory, DecisionFactory, add_roster
from tests.approvals.lifecycle.factories import provider_user_for

PERSON = {
    "name": "Lise Lege",
    "profession": "occupational_physician",
    "hpr_number": "9100001",
    "fte": Decimal("0.8"),
    "employment": "permanent",
    "training_completed_on": datetime.date(2024, 3, 1),
    "fte_occupational_medicine": Decimal("0.6"),
    "fte_occupational_hygiene": Decimal("0"),
    "fte_ergonomics": Decimal("0"),
    "fte_psychosocial": Decimal("0"),
    "fte_systematic_hse": Decimal("0.2"),
}


# ---------------------------------------------------------------- one roster type
@pytest.mark.django_db
def test_one_roster_entry_from_a_form_a_stored_person_stored_json_and_the_api():
    form = StaffForm(
        data={
            **{k: str(v) for k, v in PERSON.items() if k != "training_completed_on"},
            "training_completed_on": "2024-03-01",
        }
    )
    assert form.is_valid(), form.errors
    from_form = form.staff_input()
    application = ApplicationFactory()
    from_model = StaffMember.objects.create(application=application, **PERSON).roster_entry()
    from_json = rules.staff_entry(from_model.to_json())
    api = RuleCheckRequestSerializer(
        data={
            "staff": [
                {
                    "name": "Lise Lege",
                    "fte": "0.8",
                    "employment": "permanent",
                    "training_completed": True,
                    "hpr_number": "9100001",
                    "disciplines": {"occupational_medicine": "0.6", "systematic_hse": "0.2"},
                }
            ]
        }
    )
    assert api.is_valid(), api.errors
    from_api = rules.staff_entry(api.validated_data["staff"][0])
    assert from_form == from_model == from_json
    # The API has no profession or training date, only "trained: yes"; the rules see the same person.
    same_for_rules = ("name", "fte", "employment", "training_completed", "hpr_number", "disciplines")
    assert {f: getattr(from_api, f) for f in same_for_rules} == {f: getattr(from_model, f) for f in same_for_rules}


def test_roster_json_is_exact_and_compares_equal_whatever_the_decimal_places():
    a = rules.staff_entry({**PERSON, "fte": Decimal("0.80")})
    b = rules.staff_entry({**PERSON, "fte": "0.8"})
    assert a == b and a.to_json() == b.to_json()
    assert a.to_json()["fte"] == "0.800" and a.to_json()["training_completed_on"] == "2024-03-01"


# ---------------------------------------------------------------- one stored evaluation format
@pytest.mark.django_db
def test_a_change_notice_stores_the_evaluation_in_the_one_format_with_booleans_and_warnings():
    approval = ApprovalFactory(ends_in_days=400)
    Department.objects.create(provider=approval.provider, name="Oslo", municipality_number="0301")
    roster = approval_current_roster(approval)
    # One person becomes hired-in below 30 %: a practice warning, and the roster changes.
    roster[0] = dataclasses.replace(
        roster[0], employment="hired", fte=Decimal("0.2"), disciplines={"systematic_hse": Decimal("0.2")}
    )
    provider = approval.provider
    notice = change_notice_submit(
        approval=approval,
        actor=provider_user_for(approval),
        contact={
            f: getattr(provider, f)
            for f in ("contact_person", "email", "phone", "street_address", "postcode", "city", "municipality_number")
        },
        departments=[
            {"id": d.pk, "name": d.name, "municipality_number": d.municipality_number}
            for d in provider.departments.all()
        ],
        staff=roster,
    )
    stored = notice.evaluation
    expected = rules.evaluate(
        rules.RuleInput(staff=roster, documents={"quality_system": True, "competence_development_plan": True})
    ).as_dict()
    assert set(stored) == set(expected) == {"approvable", "total_fte", "discipline_fte", "rules", "warnings"}
    assert all(isinstance(r["passed"], bool) for r in stored["rules"])  # not "True"/"False"
    assert any(w["id"] == "hired_below_minimum" for w in stored["warnings"])  # warnings kept
    assert all(set(r) == set(expected["rules"][0]) for r in notice.failed_rules)


# ---------------------------------------------------------------- assignment is a transition
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (CaseStatus.SUBMITTED, True),
        (CaseStatus.IN_REVIEW, True),
        (CaseStatus.AWAITING_INFORMATION, True),
        (CaseStatus.APPROVED, False),
        (CaseStatus.REJECTED, False),
    ],
)
def test_assign_is_offered_exactly_where_the_transition_is_valid(handler_client, status, offered):
    case = CaseFactory(status=status)
    assert ("assign" in {t.name for t in case.get_available_status_transitions()}) is offered
    page = handler_client.get(reverse("approvals:case_detail", args=[case.pk])).content.decode()
    assert (reverse("approvals:case_assign", args=[case.pk]) in page) is offered


# ---------------------------------------------------------------- one answer to "can this be appealed"
@pytest.mark.django_db
def test_is_appealable_is_the_one_answer():
    today = timezone.localdate()
    rejection = DecisionFactory(outcome="rejected", case__status="rejected", justification="Grunn.")
    approval = DecisionFactory(outcome="approved")
    shorter = DecisionFactory(outcome="approved", valid_until=today + datetime.timedelta(days=365))
    assert rejection.is_appealable(on=today)
    # After the deadline still appealable: the appeal is received and flagged late (fvl. § 31).
    assert rejection.is_appealable(on=today + datetime.timedelta(days=60))
    assert not approval.is_appealable(on=today)
    assert shorter.is_appealable(on=today)  # partly adverse


def test_the_requirements_live_in_the_rules_module_with_their_letters():
    refs = [r.legal_ref for r in rules.REQUIREMENTS]
    assert refs[:5] == [f"§ 2-2 første ledd bokstav {letter}" for letter in "abcde"]
    assert rules.SPECIAL_CASES_REF == "§ 2-2 andre ledd"
    assert rules.REQUIREMENTS_BY_ID["staffing"].rule_ids[0] == "total_fte"


@pytest.mark.django_db
def test_add_roster_helper_still_builds_an_approvable_roster():
    application = ApplicationFactory()
    add_roster(application)
    assert rules.evaluate(rules.RuleInput(staff=[s.roster_entry() for s in application.staff.all()])).total_fte >= 3
