"""Issue 14, holes 2, 3 and 7: request size caps, forwarded headers, inputs that passed but
should not (non-ASCII digits, 000000000, far dates, a tampered formset)."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.approvals.factories import ApplicationFactory
from tests.approvals.test_provider_views import ROSTER, form_data

pytestmark = pytest.mark.django_db
RULE_CHECK = "/api/v1/approvals/rule-check"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def person(i: int, **kw) -> dict:
    return {"name": f"Person {i}", "fte": "0.5", "training_completed": True, **kw}


# ---------------------------------------------------------------- 2: size caps
def test_huge_api_body_is_413_with_a_json_error_before_it_is_read(client):
    body = json.dumps({"staff": [person(i, name="x" * 1000) for i in range(25_000)]})
    assert len(body) > 24 * 1024 * 1024
    response = client.post(RULE_CHECK, body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "too large" in response.json()["error"] or "for stor" in response.json()["error"]


def test_roster_above_the_maximum_is_400(client):
    from approvals.rules import MAX_STAFF

    ok = client.post(RULE_CHECK, {"staff": [person(i) for i in range(MAX_STAFF)]}, content_type="application/json")
    assert ok.status_code == 200
    response = client.post(
        RULE_CHECK, {"staff": [person(i) for i in range(MAX_STAFF + 1)]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "staff" in response.json()


def test_name_longer_than_its_limit_is_400(client):
    response = client.post(RULE_CHECK, {"staff": [person(0, name="x" * 201)]}, content_type="application/json")
    assert response.status_code == 400
    assert "name" in str(response.json()["staff"])


def test_form_post_above_the_data_limit_is_refused(provider_client, provider_user, settings):
    draft = ApplicationFactory(provider=provider_user.provider)
    data = form_data(draft, ROSTER)
    data["org-name"] = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = provider_client.post(reverse("approvals:application_edit", args=[draft.pk]), data)
    assert response.status_code in (400, 413)  # Django's own cap on form data answers 400
    draft.refresh_from_db()
    assert not draft.name.startswith("xxx")


def test_roster_form_above_the_maximum_is_an_error(provider_client, provider_user):
    from approvals.rules import MAX_STAFF

    draft = ApplicationFactory(provider=provider_user.provider)
    staff = [{"name": f"P{i}", "fte": "10"} for i in range(MAX_STAFF + 1)]
    response = provider_client.post(reverse("approvals:application_edit", args=[draft.pk]), form_data(draft, staff))
    assert response.status_code == 200
    assert draft.staff.count() == 0
    assert response.context["staff_formset"].non_form_errors()


# ---------------------------------------------------------------- 3: forwarded headers
def test_rate_limit_is_not_reset_by_a_new_forwarded_for_each_request(client):
    from rest_framework.throttling import ScopedRateThrottle

    limit = int(ScopedRateThrottle.THROTTLE_RATES["rule_check"].split("/")[0])
    statuses = [
        client.post(
            RULE_CHECK,
            {"staff": []},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"10.0.{i // 250}.{i % 250}",
        ).status_code
        for i in range(limit + 1)
    ]
    assert statuses[:limit] == [200] * limit
    assert statuses[limit] == 429


def test_forwarded_for_is_used_only_with_configured_proxies():
    from rest_framework.settings import api_settings

    assert api_settings.NUM_PROXIES == 0  # make run: REMOTE_ADDR, whatever a client claims


# ---------------------------------------------------------------- 7: inputs
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize("table", [FULL_WIDTH, ARABIC_INDIC], ids=["full-width", "arabic-indic"])
def test_other_scripts_digits_are_stored_as_ascii(provider_client, provider_user, table):
    draft = ApplicationFactory(provider=provider_user.provider)
    roster = [dict(ROSTER[0], hpr_number="1000001".translate(table)), *ROSTER[1:]]
    data = form_data(
        draft,
        roster,
        postcode="0155".translate(table),
        municipality_number="0301".translate(table),
    )
    response = provider_client.post(reverse("approvals:application_edit", args=[draft.pk]), data)
    assert response.status_code == 302, response.context and response.context["org_form"].errors
    draft.refresh_from_db()
    assert (draft.postcode, draft.municipality_number) == ("0155", "0301")
    assert draft.staff.get(name="Lege").hpr_number == "1000001"


def test_hpr_in_other_digits_does_not_escape_the_duplicate_check(client, provider_client, provider_user):
    """The API takes ASCII digits only (a 400, never a second person); the form, for people,
    turns them into ASCII, so the duplicate check sees one number."""
    full_width = person(1, fte="0.8", hpr_number="1000001".translate(FULL_WIDTH))
    response = client.post(
        RULE_CHECK, {"staff": [person(0, hpr_number="1000001"), full_width]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "hpr_number" in str(response.json())
    draft = ApplicationFactory(provider=provider_user.provider)
    roster = [dict(ROSTER[0], hpr_number="1000001"), dict(ROSTER[1], hpr_number="1000001".translate(FULL_WIDTH))]
    provider_client.post(reverse("approvals:application_edit", args=[draft.pk]), form_data(draft, roster + ROSTER[2:]))
    assert set(draft.staff.values_list("hpr_number", flat=True)) >= {"1000001"}
    assert draft.staff.filter(hpr_number="1000001").count() == 2


def test_hpr_with_non_digit_is_refused_by_the_api(client):
    response = client.post(RULE_CHECK, {"staff": [person(0, hpr_number="12a")]}, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("orgnr", ["000000000", "０００００００００"])
def test_orgnr_of_zeros_is_refused(provider_client, provider_user, orgnr):
    draft = ApplicationFactory(provider=provider_user.provider)
    response = provider_client.post(
        reverse("approvals:application_edit", args=[draft.pk]), form_data(draft, ROSTER, orgnr=orgnr)
    )
    assert response.status_code == 200
    assert "orgnr" in response.context["org_form"].errors


def test_orgnr_api_refuses_zeros_and_reads_full_width(client):
    from core.orgnr import OrgnrError, parse_orgnr

    with pytest.raises(OrgnrError) as exc:
        parse_orgnr("000000000")
    assert exc.value.check == "range"
    assert parse_orgnr("９２３６０９０１６") == "923609016"
    response = client.get("/api/v1/obligation", {"orgnr": "000000000"})
    assert response.status_code == 400
    assert response.json()["check"] == "range"


@pytest.mark.parametrize("day", ["9999-12-31", "1900-01-01"])
def test_training_date_out_of_range_is_an_error_on_the_field(provider_client, provider_user, day):
    draft = ApplicationFactory(provider=provider_user.provider)
    roster = [dict(ROSTER[0], training_completed_on=day), *ROSTER[1:]]
    response = provider_client.post(reverse("approvals:application_edit", args=[draft.pk]), form_data(draft, roster))
    assert response.status_code == 200
    staff_errors = response.context["staff_formset"].forms[0].errors
    assert "training_completed_on" in staff_errors
    assert draft.staff.count() == 0


@pytest.mark.parametrize(
    "counts",
    [
        {"staff-TOTAL_FORMS": "-1"},
        {"staff-INITIAL_FORMS": "-1"},
        {"staff-TOTAL_FORMS": "1", "staff-INITIAL_FORMS": "3"},
    ],
    ids=["total-minus-one", "initial-minus-one", "initial-above-total"],
)
def test_tampered_formset_is_an_error_not_an_empty_roster(provider_client, provider_user, counts):
    from tests.approvals.factories import add_roster

    draft = ApplicationFactory(provider=provider_user.provider)
    add_roster(draft)
    before = draft.staff.count()
    data = form_data(draft, ROSTER)
    data.update(counts)
    response = provider_client.post(reverse("approvals:application_edit", args=[draft.pk]), data)
    assert response.status_code == 200
    assert response.context["staff_formset"].non_form_errors()
    assert draft.staff.count() == before
