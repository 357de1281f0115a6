"""The public page, the enterprise user's start page, the case handler's dispensations."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.models import Dispensation
from tests.factories import UserFactory, valid_orgnr

pytestmark = pytest.mark.django_db
PAGE = "/virksomhet/ma-vi-ha-bht/"


def test_url_name_and_empty_form(client):
    assert reverse("enterprises:obligation_check") == PAGE
    body = client.get(PAGE).content.decode()
    assert 'method="get"' in body and 'name="q"' in body
    assert "<h1>" in body


def test_lookup_by_orgnr_shows_enterprise_codes_entry_and_reference(client, refdata, make_enterprise):
    make_enterprise("923609016", "DEMO BYGG AS", ["41.000", "56.220"], employees=None)
    body = client.get(PAGE, {"q": "923 609 016"}).content.decode()
    assert "DEMO BYGG AS" in body
    assert "41.000" in body and "Oppføring av bygninger" in body
    assert "Unntatt cateringvirksomhet" in body  # the condition of the partial entry
    assert "FOR-2025-10-07-1993" in body
    assert "0–4" in body


def test_lookup_by_code_sn2007(client, refdata):
    body = client.get(PAGE, {"q": "96.020"}).content.decode()
    assert "96.210" in body and "96.220" in body and "SN2007" in body


@pytest.mark.parametrize(
    "q,needle",
    [("923609017", "kontrollsifferet"), ("92360901", "ni sifre"), ("98807791O", "bare sifre"), ("99.999", "99.999")],
)
def test_clear_messages_for_invalid_input(client, refdata, q, needle):
    body = client.get(PAGE, {"q": q}).content.decode()
    assert 'role="alert"' in body
    assert needle in body.lower() or needle in body


def test_unknown_orgnr(client, refdata):
    body = client.get(PAGE, {"q": "988077917"}).content.decode()
    assert "988077917" in body and 'role="alert"' in body


def _enterprises(make_enterprise, start, n):
    for i in range(start, start + n):
        make_enterprise(valid_orgnr(i), f"SØKBAR BEDRIFT {i} AS", ["62.100"])


def test_name_search_paginates_with_bounded_queries(client, refdata, make_enterprise):
    _enterprises(make_enterprise, 0, 5)
    with CaptureQueriesContext(connection) as small:
        body = client.get(PAGE, {"q": "søkbar"}).content.decode()
    assert "SØKBAR BEDRIFT 0 AS" in body
    _enterprises(make_enterprise, 5, 40)
    with CaptureQueriesContext(connection) as large:
        body = client.get(PAGE, {"q": "søkbar"}).content.decode()
    assert len(large) == len(small)
    assert "page=2" in body


def test_enterprise_user_sees_own_answer_on_start_page(client, refdata, make_enterprise, enterprise_user):
    make_enterprise("923609016", "DEMO BYGG AS", ["41.000"])
    client.force_login(enterprise_user)
    body = client.get(reverse("start")).content.decode()
    assert "DEMO BYGG AS" in body and "41.000" in body


def test_dispensation_pages_are_for_case_handlers(client, refdata, provider_client, enterprise_user):
    url = reverse("enterprises:dispensation_list")
    assert client.get(url).status_code == 302
    assert provider_client.get(url).status_code == 403
    client.force_login(enterprise_user)
    assert client.get(reverse("enterprises:dispensation_create")).status_code == 403


def test_case_handler_records_a_dispensation_and_it_shows_in_the_answer(
    handler_client, refdata, make_enterprise, case_handler, client
):
    make_enterprise("923609016", "DEMO BYGG AS", ["41.000"])
    url = reverse("enterprises:dispensation_create")
    response = handler_client.post(
        url, {"orgnr": "923609016", "scope": "partial", "part": "", "valid_from": "2026-01-01", "reason": "x"}
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not Dispensation.objects.exists()
    response = handler_client.post(
        url,
        {
            "orgnr": "923 609 016",
            "scope": "partial",
            "part": "Verkstedet",
            "valid_from": "2026-01-01",
            "reason": "Lav risiko",
        },
    )
    assert response.status_code == 302
    d = Dispensation.objects.get()
    assert (d.enterprise_id, d.part, d.decided_by) == ("923609016", "Verkstedet", case_handler)
    body = client.get(PAGE, {"q": "923609016"}).content.decode()
    assert "Verkstedet" in body
    assert (
        handler_client.post(
            url, {"orgnr": "988077917", "scope": "whole", "valid_from": "2026-01-01", "reason": "x"}
        ).status_code
        == 200
    )


def test_dispensation_list_queries_do_not_grow(handler_client, refdata, make_enterprise, case_handler):
    def add(n, start):
        for i in range(start, start + n):
            e = make_enterprise(valid_orgnr(100 + i), f"FIRMA {i} AS", ["41.000"])
            Dispensation.objects.create(
                enterprise=e, scope="whole", valid_from=datetime.date(2026, 1, 1), reason="r", decided_by=case_handler
            )

    add(3, 0)
    url = reverse("enterprises:dispensation_list")
    with CaptureQueriesContext(connection) as small:
        assert handler_client.get(url).status_code == 200
    add(9, 3)
    with CaptureQueriesContext(connection) as large:
        body = handler_client.get(url).content.decode()
    assert len(large) == len(small)
    assert "FIRMA 11 AS" in body
    assert "FIRMA 1 AS" in handler_client.get(url, {"q": "firma 1 as"}).content.decode()


def test_a_provider_user_can_use_the_public_page(provider_client, refdata):
    assert provider_client.get(PAGE, {"q": "41"}).status_code == 200


def test_other_users_do_not_see_an_enterprise_block(client, refdata):
    user = UserFactory(case_handler=True)
    client.force_login(user)
    assert "Din virksomhet" not in client.get(reverse("start")).content.decode()
