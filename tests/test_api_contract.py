"""Issue 14, contract 13: the OpenAPI schema tells the truth. schemathesis generates requests
from /api/v1/schema (valid and invalid ones) and runs every check it has on each answer, not
only "no 5xx": status codes, content types, headers and bodies as the schema documents them,
invalid data refused, valid data accepted, unsupported methods answered with 405 and Allow.

One allowance, and only one: JSON Schema cannot say "exactly one of nace and orgnr", "an
organisation number's check digit", "a number with at most three decimals" or "the disciplines
add up to no more than the person's FTE", so a valid-by-schema request refused for exactly one
of those reasons (and nothing else) is not a failure of the contract.

Cases per operation: BHT_SCHEMATHESIS_EXAMPLES (default 60), so the run fits CI.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.openapi.checks import RejectedPositiveData

load_all_checks()
EXAMPLES = int(os.environ.get("BHT_SCHEMATHESIS_EXAMPLES", "60"))
# every check schemathesis has, except the built-in positive-data check, replaced below by the
# same check with the one allowance of the module docstring
ALL_CHECKS = [c for c in CHECKS.get_by_names(CHECKS.get_all_names()) if c.__name__ != "positive_data_acceptance"]
# the cross-field refusals, in both languages of the portal
CROSS_FIELD_MESSAGES = (
    "The FTE per discipline add up to",
    "Årsverk per fagområde er til sammen",
    "at most three decimals",
    "høyst tre desimaler",
)
CASES: list[str] = []


@pytest.fixture
def api(db):
    from django.core.wsgi import get_wsgi_application

    from enterprises import reference

    reference.reference_data_load()
    reference.invalidate()
    # As Django's test client does: the test's transaction holds the connection, so a request's
    # end must not close it (close_old_connections would, the transaction not being autocommit).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _messages(body) -> list[str]:
    if isinstance(body, str):
        return [body]
    if isinstance(body, list):
        return [m for item in body for m in _messages(item)]
    if isinstance(body, dict):
        return [m for value in body.values() for m in _messages(value)]
    return []


def _only_cross_field(case, response) -> bool:
    """A 400 whose every message is one JSON Schema cannot express (module docstring)."""
    if response.status_code != 400:
        return False
    body = response.json()
    query = case.query or {}
    if case.operation.label == "GET /api/v1/obligation" and bool(query.get("nace")) == bool(query.get("orgnr")):
        return True  # neither or both of nace and orgnr
    if isinstance(body, dict) and body.get("check") in ("checksum", "range"):
        return True  # a well-formed organisation number whose check digit or range is wrong
    messages = _messages(body.get("error") if isinstance(body, dict) and "error" in body else body)
    return bool(messages) and all(any(m in msg for m in CROSS_FIELD_MESSAGES) for msg in messages)


@schemathesis.check
def positive_data_accepted_save_cross_field_rules(ctx, response, case):
    """schemathesis' positive_data_acceptance, allowing only the cross-field 400s."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code < 400 or response.status_code in (404, 413, 429):
        return None
    if _only_cross_field(case, response):
        return None
    raise RejectedPositiveData(
        operation=case.operation.label,
        message=f"Valid data was refused: {response.status_code} {response.text[:300]}",
        status_code=response.status_code,
        allowed_statuses=["2xx", "404", "429"],
    )


OPERATIONS = [
    "GET /api/v1/obligation",
    "GET /api/v1/ping",
    "GET /api/v1/providers",
    "POST /api/v1/approvals/rule-check",
]


# Operations of issue 13 (oversight, client lists), merged as this test was finished: not yet
# run through the contract (they need token auth and data of their own). Listed, so that any
# further operation fails here until it is added to OPERATIONS.
NOT_YET_CHECKED = [
    "GET /api/v1/as-of/enterprise",
    "GET /api/v1/as-of/provider",
    "GET /api/v1/client-list",
    "POST /api/v1/client-list",
]


def test_every_operation_of_the_schema_is_tested(api):
    labels = sorted(result.ok().label for result in api.get_all_operations())
    assert labels == sorted(OPERATIONS + NOT_YET_CHECKED)


RUNS = [
    pytest.param(label, mode, id=f"{label}-{mode.value}")
    for label in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if not (label == "GET /api/v1/ping" and mode == GenerationMode.NEGATIVE)  # no input to get wrong
]


@pytest.mark.parametrize("label, mode", RUNS)
def test_api_keeps_its_openapi_contract(api, label, mode):
    operation = api.find_operation_by_label(label)

    @given(operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def run(case):
        cache.clear()  # each case its own rate-limit window: 429s only where a test asks for them
        CASES.append(label)
        case.call_and_validate(checks=ALL_CHECKS, additional_checks=[positive_data_accepted_save_cross_field_rules])

    before = len(CASES)
    run()
    print(f"schemathesis {label} ({mode.value}): {len(CASES) - before} cases, {len(ALL_CHECKS) + 1} checks each")


def test_schema_declares_what_the_api_takes(client):
    """The points issue 14 found: no cookie auth or form bodies the API does not take, 400
    and 429 documented, booleans that are booleans."""
    import yaml

    text = client.get("/api/v1/schema").content.decode()
    spec = yaml.safe_load(text)
    for label in OPERATIONS:  # the public operations: no cookie, no form bodies
        method, path = label.split(" ", 1)
        op = spec["paths"][path][method.lower()]
        assert not any("cookieAuth" in sec for sec in op.get("security", [])), label
        assert set(op.get("requestBody", {}).get("content", {})) <= {"application/json"}, label
    assert "x-www-form-urlencoded" not in text
    rule_check = spec["paths"]["/api/v1/approvals/rule-check"]["post"]["responses"]
    providers = spec["paths"]["/api/v1/providers"]["get"]["responses"]
    assert {"200", "400", "413", "429"} <= set(rule_check)
    assert {"200", "400", "429"} <= set(providers)


@pytest.mark.parametrize("value", [0, 1, "true", "yes", "1", None])
def test_booleans_take_only_true_and_false(client, value):
    body = {"staff": [{"name": "P", "fte": "0.5", "training_completed": value}]}
    response = client.post("/api/v1/approvals/rule-check", body, content_type="application/json")
    assert response.status_code == 400
    assert "training_completed" in str(response.json())
