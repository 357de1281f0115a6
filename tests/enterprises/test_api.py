"""GET /api/v1/obligation: answers, errors, the schema, and a bounded number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Dispensation

pytestmark = pytest.mark.django_db
URL = "/api/v1/obligation"


@pytest.mark.parametrize(
    "nace,status,entry",
    [
        ("41.000", "obliged", "41"),
        ("85.100", "obliged", "85.1"),
        ("49", "obliged", "49"),
        ("56.220", "depends", "56.22"),
        ("56.210", "not_obliged", None),
        ("43.600", "not_obliged", None),
        ("35.240", "not_obliged", None),
        ("96.220", "not_obliged", None),
    ],
)
def test_by_code(client, refdata, nace, status, entry):
    response = client.get(URL, {"nace": nace})
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == status
    assert data["list_version"] == {"valid_from": "2025-10-07", "reference": "FOR-2025-10-07-1993"}
    code = data["codes"][0]
    assert code["code"] == nace and code["standard"] == "SN2025" and code["name"]
    assert (code["entry"] or {}).get("code") == entry
    assert data["enterprise"] is None
    if status == "depends":
        assert code["entry"]["condition"] == "Unntatt cateringvirksomhet"
        assert any("Unntatt cateringvirksomhet" in n for n in data["notes"])
    elif entry:
        assert code["entry"]["condition"] is None


def test_sn2007_code_lists_its_successors(client, refdata):
    data = client.get(URL, {"nace": "96.020"}).json()
    assert data["status"] == "depends"
    code = data["codes"][0]
    assert code["standard"] == "SN2007"
    assert [(s["code"], s["status"]) for s in code["successors"]] == [("96.210", "obliged"), ("96.220", "not_obliged")]
    assert code["successors"][0]["entry"]["code"] == "96.21"


def test_by_orgnr_with_register_notes_and_dispensation(client, refdata, make_enterprise, case_handler):
    make_enterprise("923609016", "DEMO BYGG AS", ["62.100", "41.000"], employees=None)
    Dispensation.objects.create(
        enterprise_id="923609016", scope="partial", part="Kontoret", valid_from=datetime.date(2026, 1, 1),
        reason="Lav risiko", decided_by=case_handler,
    )  # fmt: skip
    data = client.get(URL, {"orgnr": "NO 923 609 016 MVA", "date": "2026-06-01"}).json()
    assert data["status"] == "obliged"
    assert [c["status"] for c in data["codes"]] == ["not_obliged", "obliged"]
    e = data["enterprise"]
    assert e["orgnr"] == "923609016" and e["name"] == "DEMO BYGG AS" and e["employees"] is None
    assert e["dispensations"] == [
        {"scope": "partial", "part": "Kontoret", "valid_from": "2026-01-01", "valid_until": None, "in_force": True}
    ]
    assert any("0–4" in n for n in data["notes"])
    assert any("Kontoret" in n and "01.01.2026" in n for n in data["notes"])  # a date as people write it


def test_bankrupt_and_deleted_are_noted(client, refdata, make_enterprise):
    make_enterprise("988077917", "KONKURS AS", ["49.410"], konkurs=True, slettedato="2026-02-01")
    notes = client.get(URL, {"orgnr": "988077917"}).json()["notes"]
    assert any("konkurs" in n.lower() for n in notes)
    assert any("slettet" in n.lower() for n in notes)


@pytest.mark.parametrize(
    "params,field,check",
    [
        ({"orgnr": "923609017"}, "orgnr", "checksum"),
        ({"orgnr": "92360901"}, "orgnr", "length"),
        ({"orgnr": "92360901X"}, "orgnr", "digits"),
        ({"nace": "4x.1"}, "nace", None),
        ({"nace": "41.000", "date": "2026-13-01"}, "date", None),
        ({}, "nace", None),
        ({"nace": "41.000", "orgnr": "923609016"}, "orgnr", None),
    ],
)
def test_malformed_input_is_400_with_field(client, refdata, params, field, check):
    response = client.get(URL, params)
    assert response.status_code == 400
    data = response.json()
    assert data["field"] == field and data["error"]
    if check:
        assert data["check"] == check


@pytest.mark.parametrize(
    "params,field",
    [({"nace": "99.999"}, "nace"), ({"orgnr": "988077917"}, "orgnr"), ({"nace": "41", "date": "2020-01-01"}, "date")],
)
def test_unknown_is_404(client, refdata, params, field):
    response = client.get(URL, params)
    assert response.status_code == 404
    assert response.json()["field"] == field


def test_exact_path_without_trailing_slash(client, refdata):
    assert client.get(URL + "/", {"nace": "41"}).status_code == 404
    assert client.get("/api/v1/ping").json() == {"status": "ok"}


def test_query_count_is_bounded(client, refdata, make_enterprise):
    make_enterprise("923609016", "DEMO BYGG AS", ["41.000"])
    client.get(URL, {"nace": "41"})  # warm the reference snapshot
    with CaptureQueriesContext(connection) as by_code:
        assert client.get(URL, {"nace": "96.020"}).status_code == 200
    assert len(by_code) == 0
    with CaptureQueriesContext(connection) as by_orgnr:
        assert client.get(URL, {"orgnr": "923609016"}).status_code == 200
    assert len(by_orgnr) <= 3
    # More sub-units and dispensations do not mean more queries.
    from enterprises.models import SubUnit

    SubUnit.objects.bulk_create(
        [SubUnit(orgnr=f"9{i:08d}", parent_id="923609016", name=f"AVD {i}", nace1="41.000") for i in range(20)]
    )
    with CaptureQueriesContext(connection) as more:
        assert client.get(URL, {"orgnr": "923609016"}).status_code == 200
    assert len(more) == len(by_orgnr)


def test_documented_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/json").json()
    op = schema["paths"]["/api/v1/obligation"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"nace", "orgnr", "date"}
    assert set(op["responses"]) >= {"200", "400", "404"}
    assert "/api/v1/ping" in schema["paths"]
