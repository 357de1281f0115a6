"""POST /api/v1/approvals/rule-check: public, strict input (400 with field errors),
the same rules as the form, rate-limited, in the OpenAPI schema."""

import pytest
from django.core.cache import cache

URL = "/api/v1/approvals/rule-check"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def staff(name="P", fte="1.0", **kw):
    row = {"name": name, "fte": fte, "employment": "permanent", "training_completed": True}
    row.update(kw)
    return row


APPROVABLE = {
    "staff": [
        staff(
            "Lege", "1.0", hpr_number="1000001", disciplines={"occupational_medicine": "0.8", "systematic_hse": "0.2"}
        ),
        staff("Hygieniker", 1, disciplines={"occupational_hygiene": 0.8, "systematic_hse": 0.2}),
        staff("Fysio", 0.8, disciplines={"ergonomics": "0,8"}),
        staff("Psykolog", "0.8", disciplines={"psychosocial": "0.6", "systematic_hse": "0.2"}),
    ],
    "documents": {"quality_system": True, "competence_development_plan": True},
}


def post(client, body):
    return client.post(URL, body, content_type="application/json")


def test_approvable_roster(client):
    response = post(client, APPROVABLE)
    assert response.status_code == 200
    data = response.json()
    assert data["approvable"] is True
    assert data["total_fte"] == "3.6"
    assert data["discipline_fte"] == {
        "occupational_medicine": "0.8",
        "occupational_hygiene": "0.8",
        "ergonomics": "0.8",
        "psychosocial": "0.6",
        "systematic_hse": "0.6",
    }
    assert [r["id"] for r in data["rules"]][:2] == ["total_fte", "occupational_medicine_fte"]
    assert set(data["rules"][0]) == {"id", "passed", "value", "required", "message"}
    assert data["rules"][0] == {
        "id": "total_fte",
        "passed": True,
        "value": "3.6",
        "required": "3.0",
        "message": "Samlet fagpersonell er 3,6 årsverk; kravet er minst 3,0.",
    }
    assert data["warnings"] == []


def test_ten_times_point_three_as_json_floats_is_exactly_three(client):
    body = {"staff": [staff(f"P{i}", 0.3, disciplines={"systematic_hse": 0.3}) for i in range(10)]}
    data = post(client, body).json()
    assert data["total_fte"] == "3.0"
    assert next(r for r in data["rules"] if r["id"] == "total_fte")["passed"] is True


def test_failing_rule_and_warnings_in_english(client):
    body = {
        "staff": [
            staff("Lege", "1.0", disciplines={"occupational_medicine": "1.0"}),
            staff("Innleid", "0.2", employment="hired", training_completed=False, disciplines={"psychosocial": "0.2"}),
        ]
    }
    response = client.post(URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    data = response.json()
    assert data["approvable"] is False
    psychosocial = next(r for r in data["rules"] if r["id"] == "psychosocial_fte")
    assert psychosocial == {
        "id": "psychosocial_fte",
        "passed": False,
        "value": "0.2",
        "required": "0.3",
        "message": psychosocial["message"],
    }
    training = next(r for r in data["rules"] if r["id"] == "training")
    assert (training["value"], training["required"]) == (1, 2)
    assert next(r for r in data["rules"] if r["id"] == "quality_system")["value"] is False
    assert [w["id"] for w in data["warnings"]] == ["hired_below_minimum"]
    assert data["warnings"][0]["person"] == "Innleid"


@pytest.mark.parametrize(
    "body, path, fragment",
    [
        ({"staff": [staff(fte="-0.1")]}, ("staff", 0, "fte"), "negativt"),
        ({"staff": [staff(fte=0)]}, ("staff", 0, "fte"), "større enn 0"),
        ({"staff": [staff(fte="1.01")]}, ("staff", 0, "fte"), "høyst 1,0"),
        ({"staff": [staff(fte=30)]}, ("staff", 0, "fte"), "høyst 1,0"),
        ({"staff": [staff(fte="30 %")]}, ("staff", 0, "fte"), "desimaltall mellom 0 og 1"),
        ({"staff": [staff(fte="tretti")]}, ("staff", 0, "fte"), "prosent"),
        ({"staff": [staff(fte=True)]}, ("staff", 0, "fte"), "Oppgi et tall"),
        ({"staff": [staff(fte=None)]}, ("staff", 0, "fte"), ""),
        ({"staff": [staff(fte=[0.3])]}, ("staff", 0, "fte"), "Oppgi et tall"),
        ({"staff": [staff(disciplines={"ergonomics": "x"})]}, ("staff", 0, "disciplines", "ergonomics"), "prosent"),
        ({"staff": [staff(disciplines={"ergonomics": -1})]}, ("staff", 0, "disciplines", "ergonomics"), "negativt"),
        (
            {"staff": [staff(fte="0.5", disciplines={"ergonomics": "0.3", "psychosocial": "0.3"})]},
            ("staff", 0, "disciplines"),
            "til sammen 0.6, mer enn personens årsverk (0.5)",
        ),
        ({"staff": [staff(employment="consultant")]}, ("staff", 0, "employment"), ""),
        ({"staff": [staff(hpr_number="12-34")]}, ("staff", 0, "hpr_number"), "bare sifre"),
        ({"staff": [staff(colour="blue")]}, ("staff", 0, "colour"), "Ukjent felt."),
        (
            {"staff": [staff(disciplines={"dentistry": "0.1"})]},
            ("staff", 0, "disciplines", "dentistry"),
            "Ukjent felt.",
        ),
        ({"staff": [], "extra": 1}, ("extra",), "Ukjent felt."),
        ({"staff": [], "documents": {"quality_system": True, "x": True}}, ("documents", "x"), "Ukjent felt."),
        ({"staff": [], "documents": {"quality_system": "maybe"}}, ("documents", "quality_system"), ""),
        ({}, ("staff",), ""),
        ({"staff": "everyone"}, ("staff", "non_field_errors"), "liste"),
        ({"staff": [{"fte": "0.3"}]}, ("staff", 0, "name"), ""),
    ],
    ids=[
        "negative",
        "zero",
        "above-one",
        "percent-number",
        "percent-sign",
        "not-a-number",
        "boolean",
        "null",
        "list",
        "discipline-not-a-number",
        "discipline-negative",
        "discipline-sum-above-fte",
        "unknown-employment",
        "hpr-not-digits",
        "unknown-staff-key",
        "unknown-discipline",
        "unknown-top-key",
        "unknown-document",
        "document-not-bool",
        "staff-missing",
        "staff-not-a-list",
        "name-missing",
    ],
)
def test_malformed_input_is_400_with_field_errors(client, body, path, fragment):
    response = post(client, body)
    assert response.status_code == 400, response.content
    errors = response.json()
    node = errors
    for key in path:
        if isinstance(key, int):  # DRF 3.18: list errors keyed by the row's index
            assert str(key) in node, errors
            node = node[str(key)]
        else:
            assert key in node, errors
            node = node[key]
    messages = node if isinstance(node, list) else [node]
    assert messages and all(isinstance(m, str) for m in messages), errors
    assert any(fragment in m for m in messages), errors


def test_errors_in_several_places_are_reported_together(client):
    body = {"staff": [staff(fte="2", colour="x"), staff(name="OK")], "extra": True}
    errors = post(client, body).json()
    assert set(errors) == {"staff", "extra"}
    assert set(errors["staff"]) == {"0"}  # only the broken row
    assert set(errors["staff"]["0"]) == {"fte", "colour"}


def test_decimal_comma_and_point_strings_are_accepted(client):
    body = {
        "staff": [
            staff(fte="0,5", disciplines={"ergonomics": "0,5"}),
            staff(fte=".5", disciplines={"ergonomics": "0.5"}),
        ]
    }
    data = post(client, body).json()
    assert data["total_fte"] == "1.0" and data["discipline_fte"]["ergonomics"] == "1.0"


def test_public_without_login_and_without_csrf(client, provider_user):
    from django.test import Client

    assert post(client, APPROVABLE).status_code == 200
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(provider_user)
    assert post(strict, APPROVABLE).status_code == 200


def test_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405


def test_rate_limited(client, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"rule_check": "3/min"})
    codes = [post(client, APPROVABLE).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_configured_rate_is_used():
    from django.conf import settings

    from approvals.api import RuleCheckView

    assert RuleCheckView.throttle_scope == "rule_check"
    assert "rule_check" in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]


def test_documented_in_openapi(client):
    response = client.get("/api/v1/schema", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    if response["Content-Type"].startswith("application/json"):
        import json

        schema = json.loads(text)
    else:
        import yaml

        schema = yaml.safe_load(text)
    operation = schema["paths"]["/api/v1/approvals/rule-check"]["post"]
    assert operation["operationId"] == "approvals_rule_check"
    assert "200" in operation["responses"]
    request_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert request_ref.endswith("RuleCheckRequest")
    components = schema["components"]["schemas"]
    assert {"RuleCheckRequest", "RuleCheckResponse", "Staff"} <= set(components)
