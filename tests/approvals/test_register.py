"""The public register of approved providers: page, search by name/municipality/county,
only approvals valid today, CSV export and GET /api/v1/providers (in the OpenAPI schema)."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from providers.models import Department
from tests.approvals.factories import ApprovalFactory, DecisionFactory
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db
PAGE = reverse("approvals:register")
CSV = reverse("approvals:register_csv")
API = "/api/v1/providers"


def _approved(name, municipality="0301", ends_in_days=None, **provider):
    p = ProviderFactory(name=name, municipality_number=municipality, **provider)
    Department.objects.create(provider=p, name=f"{name} avd. {municipality}", municipality_number=municipality)
    ApprovalFactory(
        decision=DecisionFactory(case__provider=p, case___with_application=False), ends_in_days=ends_in_days
    )
    return p


@pytest.fixture
def register_data():
    oslo = _approved("Oslo Bedriftshelse AS", "0301")
    bergen = _approved("Bergen HMS-senter AS", "4601")
    expired = _approved("Utløpt BHT AS", "0301", ends_in_days=-1)
    never = ProviderFactory(name="Aldri godkjent AS")
    revoked = _approved("Tilbakekalt BHT AS", "0301")
    approval = revoked.approvals.get()
    approval.revoke()
    approval.save()
    return {"oslo": oslo, "bergen": bergen, "expired": expired, "never": never, "revoked": revoked}


def _names(response):
    return [p.name for p in response.context["page"].object_list]


def test_register_is_public_and_shows_only_valid_today(client, register_data):
    response = client.get(PAGE)
    assert response.status_code == 200
    assert _names(response) == ["Bergen HMS-senter AS", "Oslo Bedriftshelse AS"]
    html = response.content.decode()
    assert "Bergen (Bergen)" not in html and "Bergen HMS-senter AS avd. 4601 (Bergen)" in html
    assert register_data["oslo"].orgnr in html


def test_search_by_name_orgnr_municipality_and_county(client, register_data):
    assert _names(client.get(PAGE, {"q": "bedriftshelse"})) == ["Oslo Bedriftshelse AS"]
    assert _names(client.get(PAGE, {"q": register_data["bergen"].orgnr})) == ["Bergen HMS-senter AS"]
    assert _names(client.get(PAGE, {"q": "Bergen"})) == ["Bergen HMS-senter AS"]  # municipality name
    assert _names(client.get(PAGE, {"q": "vestland"})) == ["Bergen HMS-senter AS"]  # county name
    assert _names(client.get(PAGE, {"municipality": "0301"})) == ["Oslo Bedriftshelse AS"]
    assert _names(client.get(PAGE, {"county": "46"})) == ["Bergen HMS-senter AS"]
    empty = client.get(PAGE, {"q": "finnes ikke"})
    assert _names(empty) == [] and "Ingen godkjente" in empty.content.decode()


def test_register_expires_with_the_approval(client, register_data):
    import time_machine

    later = timezone.now() + datetime.timedelta(days=6 * 365)
    with time_machine.travel(later, tick=False):
        assert _names(client.get(PAGE)) == []


def test_register_query_count_is_bounded(client):
    for i in range(5):
        _approved(f"BHT {i:03d} AS")
    with CaptureQueriesContext(connection) as small:
        client.get(PAGE)
    for i in range(5, 20):
        _approved(f"BHT {i:03d} AS")
    with CaptureQueriesContext(connection) as large:
        client.get(PAGE)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_csv_export(client, register_data):
    response = client.get(CSV, {"q": "Oslo"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Navn"
    assert [r[0] for r in rows[1:]] == ["Oslo Bedriftshelse AS"]
    assert rows[1][1] == register_data["oslo"].orgnr
    assert "Oslo" in rows[1][5]  # departments with municipality


def test_api_providers(client, register_data):
    response = client.get(API)
    assert response.status_code == 200
    data = response.json()
    assert isinstance(data, list) and [p["name"] for p in data] == ["Bergen HMS-senter AS", "Oslo Bedriftshelse AS"]
    oslo = data[1]
    assert oslo["orgnr"] == register_data["oslo"].orgnr and oslo["form"] == "external"
    assert oslo["departments"][0]["municipality_number"] == "0301"
    assert oslo["departments"][0]["municipality_name"] == "Oslo"
    assert oslo["contact"]["email"] == register_data["oslo"].email
    assert oslo["approval"]["valid_from"] <= timezone.localdate().isoformat() <= oslo["approval"]["valid_until"]
    assert [p["name"] for p in client.get(API, {"county": "46"}).json()] == ["Bergen HMS-senter AS"]


def test_api_in_openapi_schema(client):
    response = client.get("/api/v1/schema", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/api/v1/providers" in body or '"/providers"' in body or "/providers:" in body


def test_an_approved_case_lists_its_departments_on_the_page_and_in_the_csv(client, case_handler):
    """Issue 11 item 13: the departments applied for (not the head office) are listed."""
    from approvals.models import ApplicationDepartment
    from approvals.services import cases as svc
    from tests.approvals.factories import CaseFactory
    from tests.approvals.test_case_workflow import _all_met

    case = CaseFactory(status="in_review")
    application = case.applications.get()
    ApplicationDepartment.objects.create(application=application, name="Avdeling Vest", municipality_number="4601")
    svc.case_decide(case=case, actor=case_handler, outcome="approved", assessments=_all_met())
    html = client.get(reverse("approvals:register"), {"q": case.provider.orgnr}).content.decode()
    assert "Avdeling Vest (Bergen)" in html
    csv_text = client.get(reverse("approvals:register_csv")).content.decode("utf-8-sig")
    row = next(line for line in csv_text.splitlines() if case.provider.orgnr in line)
    assert "Avdeling Vest (Bergen)" in row
