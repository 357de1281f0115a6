"""Issue 11 items 2 and 3: the handler's own words for every requirement the rules cannot
decide, every word the handler writes in the letter, the legal references (§ 2-2 første ledd
bokstav a–e, andre ledd) and the appeal text (appeal body, § 30, deadline from the notice)."""

import datetime

import pytest
from django.utils import timezone

from approvals.letters import letter_render
from approvals.rules import REQUIREMENTS
from approvals.selectors.applications import application_evaluate
from approvals.selectors.cases import assessments_prefill
from approvals.services.cases import AssessmentRefused, CaseActionRefused, case_decide
from tests.approvals.factories import (
    ApplicationFactory,
    CaseFactory,
    add_documents,
    add_roster,
    assessed,
    mark_submitted,
)
from tests.approvals.letter_checks import assert_letter_ok

pytestmark = pytest.mark.django_db

# 2.4 FTE and no psychosocial staff: fails § 2-2 første ledd bokstav d and e.
SHORT_ROSTER = [
    ("Lege Lise", "occupational_physician", "1000001", "1.0", {"occupational_medicine": "1.0"}),
    ("Hygieniker Hans", "occupational_hygienist", "", "0.8", {"occupational_hygiene": "0.8"}),
    ("Fysio Frida", "physiotherapist", "1000003", "0.6", {"ergonomics": "0.6"}),
]


def _failing_case():
    case = CaseFactory(status="in_review", _with_application=False)
    application = ApplicationFactory(provider=case.provider)
    add_roster(application, SHORT_ROSTER)
    add_documents(application)
    mark_submitted(application, case=case)
    return case, application


def test_legal_references_are_the_lettered_ones():
    refs = [r.legal_ref for r in REQUIREMENTS]
    assert refs == [
        "§ 2-2 første ledd bokstav a",
        "§ 2-2 første ledd bokstav b",
        "§ 2-2 første ledd bokstav c",
        "§ 2-2 første ledd bokstav d",
        "§ 2-2 første ledd bokstav e",
        "§ 2-3",
        "§ 2-4",
    ]
    assert {r.id for r in REQUIREMENTS if r.judgement} == {
        "holistic",
        "quality_assistance",
        "competence_development",
        "risk_based",
    }


def test_judgements_are_not_prefilled_and_boilerplate_does_not_pass(case_handler):
    case = CaseFactory(status="in_review")
    prefill = assessments_prefill(evaluation=application_evaluate(application=case.applications.get()))
    by_id = {p["id"]: p for p in prefill}
    assert by_id["holistic"]["assessment"] == "" and by_id["risk_based"]["assessment"] == ""
    assert by_id["quality_assistance"]["hint"]  # the rule result is a hint, not the assessment
    assert by_id["staffing"]["assessment"]  # rule-decided: pre-filled
    with pytest.raises(AssessmentRefused) as refused:
        case_decide(case=case, actor=case_handler, outcome="approved", assessments=prefill)
    assert set(refused.value.errors) == {"holistic", "quality_assistance", "competence_development", "risk_based"}

    boiler = assessed()
    boiler[0] = {**boiler[0], "assessment": "Vurdert på grunnlag av dokumentasjonen i søknaden."}
    boiler[1] = {**boiler[1], "assessment": by_id["quality_assistance"]["hint"]}
    with pytest.raises(AssessmentRefused) as refused:
        case_decide(case=case, actor=case_handler, outcome="approved", assessments=boiler)
    assert set(refused.value.errors) == {"holistic", "quality_assistance"}


def test_special_cases_need_own_words_for_d_and_e_and_cite_andre_ledd(case_handler, django_capture_on_commit_callbacks):
    case, application = _failing_case()
    evaluation = application_evaluate(application=application)
    as_prefilled = assessed(evaluation)  # d and e as the rules wrote them (not met)
    for a in as_prefilled:
        a["met"] = a["met"] or a["id"] in ("competence_areas", "staffing")
    justification = "Samarbeidsavtale med Psykologtjenesten Vest AS dekker psykososialt arbeidsmiljø."
    with pytest.raises(AssessmentRefused) as refused:
        case_decide(
            case=case,
            actor=case_handler,
            outcome="approved_special",
            assessments=as_prefilled,
            justification=justification,
        )
    assert {"competence_areas", "staffing"} <= set(refused.value.errors)
    own = [
        {**a, "assessment": f"{a['assessment']} Dekkes av avtalen med Psykologtjenesten Vest AS."}
        if a["id"] in ("competence_areas", "staffing")
        else a
        for a in as_prefilled
    ]
    decision = case_decide(
        case=case, actor=case_handler, outcome="approved_special", assessments=own, justification=justification
    )
    text = assert_letter_ok(decision, letter_render(decision=decision).pdf, notice_date=timezone.localdate())
    assert "i særlige tilfeller, jf. forskrift om administrative ordninger § 2-2 andre ledd" in text


def test_rejection_needs_written_reasons_and_they_reach_the_letter(case_handler):
    case, application = _failing_case()
    assessments = assessed(application_evaluate(application=application))
    with pytest.raises(CaseActionRefused, match="Begrunn avslaget|reasons for the rejection"):
        case_decide(case=case, actor=case_handler, outcome="rejected", assessments=assessments)
    reasons = "Fagpersonellet utgjør 2,4 årsverk, og ingen har kompetanse i psykososialt arbeidsmiljø."
    decision = case_decide(
        case=case, actor=case_handler, outcome="rejected", assessments=assessments, justification=reasons
    )
    text = assert_letter_ok(decision, letter_render(decision=decision).pdf, notice_date=timezone.localdate())
    assert reasons in text and "Begrunnelse for avslaget" in text


def test_conditions_and_shorter_period_reach_the_letter_and_make_it_appealable(case_handler):
    case = CaseFactory(status="in_review")
    until = timezone.localdate() + datetime.timedelta(days=2 * 365)
    decision = case_decide(
        case=case,
        actor=case_handler,
        outcome="approved",
        assessments=assessed(),
        valid_until=until,
        shorter_period_reason="Kvalitetssystemet er nytt og skal vurderes etter to års drift.",
        conditions="Tjenesten sender årsrapport om kompetanseutvikling innen 1. mars hvert år.",
        justification="Alle krav er oppfylt.",
    )
    assert decision.is_partly_adverse and decision.is_appealable(on=timezone.localdate())
    text = assert_letter_ok(decision, letter_render(decision=decision).pdf, notice_date=timezone.localdate())
    assert "også på vilkårene eller den kortere godkjenningsperioden" in text


def test_plain_five_year_approval_is_not_appealable(case_handler):
    decision = case_decide(
        case=CaseFactory(status="in_review"), actor=case_handler, outcome="approved", assessments=assessed()
    )
    assert not decision.is_partly_adverse and not decision.is_appealable(on=timezone.localdate())
