"""Case handler pages: queue (filters, search, sorting, pagination, bounded queries), case
page, workflow steps through the views (only valid ones offered; refused with a message),
letter download scoped to the owning provider."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from approvals.models import Case, CaseNote, CaseStatus, Decision, DecisionLetter
from approvals.selectors.cases import assessments_prefill
from approvals.services.cases import case_decide
from tests.approvals.factories import CaseFactory, assessed
from tests.factories import ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("approvals:case_queue")


def _cases(n, **kwargs):
    """n cases without the application roster (fast), spread over statuses."""
    statuses = ["submitted", "in_review", "awaiting_information", "approved", "rejected"]
    return [CaseFactory(status=statuses[i % len(statuses)], _with_application=False, **kwargs) for i in range(n)]


# ---------------------------------------------------------------- access
def test_queue_and_case_page_are_for_case_handlers_only(client, provider_client, case_handler):
    case = CaseFactory(status="submitted", _with_application=False)
    detail = reverse("approvals:case_detail", args=[case.pk])
    assert client.get(QUEUE).status_code == 302  # anonymous -> login
    assert provider_client.get(QUEUE).status_code == 403
    assert provider_client.get(detail).status_code == 403
    assert provider_client.post(reverse("approvals:case_assign", args=[case.pk])).status_code == 403


def test_admin_can_see_the_queue(client, admin_user):
    client.force_login(admin_user)
    assert client.get(QUEUE).status_code == 200


# ---------------------------------------------------------------- queue
def _queue_queries(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(QUEUE, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_queue_query_count_is_bounded(handler_client):
    _cases(10)
    small = _queue_queries(handler_client)
    _cases(190)  # 200 cases: 8 pages
    assert Case.objects.count() == 200
    large = _queue_queries(handler_client)
    assert large == small, (small, large)
    assert _queue_queries(handler_client, page=3, sort="provider", status="open") <= small


def test_queue_shows_columns_and_paginates(handler_client, case_handler):
    provider = ProviderFactory(name="Fjordhelse BHT AS")
    CaseFactory(
        status="in_review",
        provider=provider,
        assigned_to=case_handler,
        failed_rule_count=2,
        warning_count=1,
        received_at=timezone.now() - datetime.timedelta(days=12),
        _with_application=False,
    )
    _cases(30)
    html = handler_client.get(QUEUE, {"q": "Fjordhelse"}).content.decode()
    assert "Fjordhelse BHT AS" in html and "Hanne Handler" in html and ">12<" in html
    page1 = handler_client.get(QUEUE).content.decode()
    assert "Side 1 av 2" in page1
    assert handler_client.get(QUEUE, {"page": 2}).status_code == 200


def test_queue_filters_and_search(handler_client, case_handler):
    mine = CaseFactory(status="in_review", assigned_to=case_handler, failed_rule_count=1, _with_application=False)
    unassigned = CaseFactory(status="submitted", warning_count=2, _with_application=False)
    decided = CaseFactory(status="approved", _with_application=False)

    def numbers(**params):
        return {c.case_number for c in handler_client.get(QUEUE, params).context["page"].object_list}

    assert numbers(assigned="me") == {mine.case_number}
    assert numbers(assigned="unassigned") == {unassigned.case_number, decided.case_number}
    assert numbers(fails_rule="on") == {mine.case_number}
    assert numbers(has_warnings="on") == {unassigned.case_number}
    assert numbers(status="approved") == {decided.case_number}
    assert numbers(status="open") == {mine.case_number, unassigned.case_number}
    assert numbers(q=mine.case_number) == {mine.case_number}
    assert numbers(q=unassigned.provider.orgnr) == {unassigned.case_number}
    assert numbers(q=decided.provider.name.upper()) == {decided.case_number}
    assert numbers(q="nothing-matches") == set()
    assert "Ingen saker" in handler_client.get(QUEUE, {"q": "nothing-matches"}).content.decode()


def test_queue_sorting(handler_client):
    a = CaseFactory(status="submitted", provider__name="Aaa BHT", _with_application=False)
    b = CaseFactory(status="submitted", provider__name="Bbb BHT", _with_application=False)
    names = [c.provider.name for c in handler_client.get(QUEUE, {"sort": "provider"}).context["page"].object_list]
    assert names == [a.provider.name, b.provider.name]
    numbers = [c.pk for c in handler_client.get(QUEUE, {"sort": "received"}).context["page"].object_list]
    assert numbers == [a.pk, b.pk]


def test_start_page_shows_my_cases_and_unassigned_count(handler_client, case_handler):
    mine = CaseFactory(status="in_review", assigned_to=case_handler, _with_application=False)
    CaseFactory(status="submitted", _with_application=False)
    html = handler_client.get(reverse("start")).content.decode()
    assert mine.case_number in html
    assert "1 sak uten saksbehandler" in html


# ---------------------------------------------------------------- case page and steps
def test_case_page_shows_data_rules_documents_history(handler_client, case_handler):
    case = CaseFactory(status="submitted")
    url = reverse("approvals:case_detail", args=[case.pk])
    html = handler_client.get(url).content.decode()
    for text in ("Lege Lise", "Hygieniker Hans", "quality_system.pdf", "Saksbehandling" if False else case.case_number):
        assert text in html
    assert "arbeidsmedisin" in html  # discipline header
    # only the valid step is offered: assign, not decide
    assert reverse("approvals:case_assign", args=[case.pk]) in html
    assert reverse("approvals:case_decide", args=[case.pk]) not in html


def test_assign_request_information_and_note_through_views(handler_client, case_handler):
    case = CaseFactory(status="submitted")
    handler_client.post(reverse("approvals:case_assign", args=[case.pk]), {"assignee": case_handler.pk})
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW and case.assigned_to == case_handler
    handler_client.post(
        reverse("approvals:case_request_information", args=[case.pk]), {"message": "Send opplæringsbevis."}
    )
    handler_client.post(reverse("approvals:case_note_add", args=[case.pk]), {"text": "Purres om en uke."})
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_INFORMATION
    assert CaseNote.objects.filter(case=case, text="Purres om en uke.").exists()
    html = handler_client.get(reverse("approvals:case_detail", args=[case.pk])).content.decode()
    assert "Send opplæringsbevis." in html and "Purres om en uke." in html
    assert "Bedt om flere opplysninger" in html  # event kind in the history


def test_illegal_step_is_refused_with_a_message(handler_client, case_handler):
    case = CaseFactory(status="approved")
    response = handler_client.post(
        reverse("approvals:case_request_information", args=[case.pk]), {"message": "x"}, follow=True
    )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.APPROVED
    messages = [str(m) for m in response.context["messages"]]
    assert any(case.case_number in m for m in messages), messages
    response = handler_client.get(reverse("approvals:case_decide", args=[case.pk]), follow=True)
    assert any("kan ikke" in str(m) or case.case_number in str(m) for m in response.context["messages"])


def test_decide_form_is_prefilled_and_records_the_decision(
    handler_client, case_handler, django_capture_on_commit_callbacks
):
    case = CaseFactory(status="in_review", assigned_to=case_handler)
    url = reverse("approvals:case_decide", args=[case.pk])
    response = handler_client.get(url)
    form = response.context["form"]
    assert form["met_staffing"].initial == "yes"
    assert "3,0" in form["assessment_staffing"].initial  # from the rule result text
    # The judgements (§ 2-2 første ledd bokstav a–c, § 2-4) are not pre-filled: as the page
    # comes, the decision cannot be made, and each such field says why.
    assert form["assessment_holistic"].initial == "" and form["assessment_risk_based"].initial == ""
    data = {"outcome": "approved", "valid_until": form["valid_until"].value(), "justification": ""}
    for row in assessments_prefill(evaluation=response.context["evaluation"]):
        data[f"met_{row['id']}"] = "yes"
        data[f"assessment_{row['id']}"] = row["assessment"]
    response = handler_client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {
        "assessment_holistic",
        "assessment_quality_assistance",
        "assessment_competence_development",
        "assessment_risk_based",
    }
    # Pasting the rule result or the old boilerplate is not an assessment either.
    data["assessment_holistic"] = "Vurdert på grunnlag av dokumentasjonen i søknaden."
    data["assessment_competence_development"] = "Planen dekker alle faggrupper og følges opp årlig."
    data["assessment_risk_based"] = "Tilleggstjenester holdes adskilt i egen prisliste og journal."
    prefill = {p["id"]: p for p in assessments_prefill(evaluation=response.context["evaluation"])}
    data["assessment_quality_assistance"] = prefill["quality_assistance"]["hint"]
    response = handler_client.post(url, data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"assessment_holistic", "assessment_quality_assistance"}
    data["assessment_holistic"] = "Tjenesten har fagfolk i alle fem kompetanseområder som arbeider sammen."
    data["assessment_quality_assistance"] = "Kvalitetssystemet beskriver bistanden etter kapittel 13 punkt for punkt."
    with django_capture_on_commit_callbacks(execute=True):
        response = handler_client.post(url, data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    decision = Decision.objects.get(case=case)
    assert DecisionLetter.objects.get(decision=decision).status == "done"
    html = handler_client.get(reverse("approvals:case_detail", args=[case.pk])).content.decode()
    assert reverse("approvals:letter_download", args=[decision.pk]) in html


def test_decide_form_shows_service_errors(handler_client):
    case = CaseFactory(status="in_review")
    url = reverse("approvals:case_decide", args=[case.pk])
    data = {"outcome": "approved_special", "justification": ""}
    for row in assessed():
        data[f"met_{row['id']}"] = "yes"
        data[f"assessment_{row['id']}"] = row["assessment"]
    response = handler_client.post(url, data)
    assert response.status_code == 200
    assert "begrunnelse" in response.content.decode().lower()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.IN_REVIEW


# ---------------------------------------------------------------- letter download scope
@pytest.fixture
def decided(provider, case_handler, django_capture_on_commit_callbacks):
    case = CaseFactory(status="in_review", provider=provider)
    with django_capture_on_commit_callbacks(execute=True):
        return case_decide(case=case, actor=case_handler, outcome="approved", assessments=assessed())


def test_letter_download_for_owner_and_handlers_only(
    decided, provider_client, other_provider_client, handler_client, client, inspector
):
    url = reverse("approvals:letter_download", args=[decided.pk])
    own = provider_client.get(url)
    assert own.status_code == 200 and own["Content-Type"] == "application/pdf"
    assert b"".join(own.streaming_content).startswith(b"%PDF")
    assert handler_client.get(url).status_code == 200
    assert other_provider_client.get(url).status_code == 404  # another provider: as if it did not exist
    assert other_provider_client.get(reverse("approvals:letter_download", args=[decided.pk + 999])).status_code == 404
    assert client.get(url).status_code == 302
    client.force_login(inspector)
    assert client.get(url).status_code == 403


def test_pending_letter_is_404(provider_client, provider, case_handler):
    case = CaseFactory(status="in_review", provider=provider)
    decision = case_decide(  # on_commit not executed: the letter stays pending
        case=case, actor=case_handler, outcome="approved", assessments=assessed()
    )
    assert provider_client.get(reverse("approvals:letter_download", args=[decision.pk])).status_code == 404


def test_other_handler_sees_case_decided_message(client, case_handler):
    """The second handler's form post after a decision: redirected with a clear message."""
    case = CaseFactory(status="in_review")
    other = UserFactory(case_handler=True)
    client.force_login(other)
    url = reverse("approvals:case_decide", args=[case.pk])
    data = {"outcome": "rejected", "justification": ""}
    for row in assessed():
        data[f"met_{row['id']}"] = "no"
        data[f"assessment_{row['id']}"] = "Ikke oppfylt."
    case_decide(case=case, actor=case_handler, outcome="approved", assessments=assessed())
    response = client.post(url, data, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("Hanne Handler" in m or case.case_number in m for m in messages), messages
    assert Decision.objects.filter(case=case).count() == 1
