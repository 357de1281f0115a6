"""The targeting list against a hand-made register: who is on it and why the others are not."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Dispensation, DispensationScope
from oversight import targeting
from oversight.services import targeting_candidates_refresh
from tests.factories import ProviderFactory, UserFactory
from tests.providers.helpers import subunit, unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(refdata, approved_provider, list_client):
    """A hand-counted register: three on the list, seven not (each for one reason)."""
    today = timezone.localdate()
    on = {
        "big": unit(1, name="STOR BYGG AS", nace1="41.000", employees=120, municipality_number="4601"),
        "small": unit(2, name="LITEN BYGG AS", nace1="41.000", employees=None),  # 1–4 registered
        "canteen": unit(3, name="KANTINE AS", nace1="56.220", employees=8),  # depends
    }
    off = {
        "not_listed_industry": unit(10, nace1="62.100", employees=40),
        "no_employees": unit(11, nace1="41.000", employees=None, has_registered_employees=False),
        "bankrupt": unit(12, nace1="41.000", employees=30, bankrupt=True),
        "deleted": unit(13, nace1="41.000", employees=30, deleted_on=today - datetime.timedelta(days=3)),
        "served": unit(14, nace1="86.210", employees=50),
        "dispensation": unit(15, nace1="41.000", employees=9),
    }
    list_client(approved_provider, off["served"])
    Dispensation.objects.create(
        enterprise=off["dispensation"], scope=DispensationScope.WHOLE, valid_from=today, reason="Særlige grunner",
        decided_by=UserFactory(case_handler=True),
    )  # fmt: skip
    # obliged only through a sub-unit in a listed industry
    parent = unit(16, name="KONTOR MED VERKSTED AS", nace1="62.100", employees=25)
    subunit(parent, 1, nace1="43.220")
    on["through_subunit"] = parent
    # listed by a provider that is not approved: still on the list
    lonely = unit(17, name="UGODKJENT KLIENT AS", nace1="49.410", employees=15)
    list_client(ProviderFactory(), lonely)
    on["unapproved_provider"] = lonely
    targeting_candidates_refresh()
    return on, off


def test_on_the_list_exactly_the_hand_counted_ones_largest_first(register):
    on, _off = register
    rows = list(targeting.targeting_list(day=timezone.localdate()))
    assert [e.orgnr for e in rows] == [
        on["big"].orgnr, on["through_subunit"].orgnr, on["unapproved_provider"].orgnr, on["canteen"].orgnr,
        on["small"].orgnr,
    ]  # fmt: skip
    depends = {e.orgnr: e.depends for e in rows}
    assert depends[on["canteen"].orgnr] and not depends[on["big"].orgnr]


def test_filters_county_municipality_industry_size(register):
    on, _off = register
    day = timezone.localdate()

    def orgnrs(**f):
        return {e.orgnr for e in targeting.targeting_list(day=day, filters=targeting.Filters(**f))}

    assert orgnrs(county="46") == {on["big"].orgnr}
    assert orgnrs(municipality="0301") == {e.orgnr for k, e in on.items() if k != "big"}
    assert orgnrs(industry="56") == {on["canteen"].orgnr}
    assert orgnrs(size="1-4") == {on["small"].orgnr}
    assert orgnrs(size="50-249") == {on["big"].orgnr}


def test_an_enterprise_leaves_the_list_when_an_approved_provider_lists_it(register, approved_provider, list_client):
    on, _off = register
    day = timezone.localdate()
    assert on["canteen"].orgnr in {e.orgnr for e in targeting.targeting_list(day=day)}
    list_client(approved_provider, on["canteen"])
    assert on["canteen"].orgnr not in {e.orgnr for e in targeting.targeting_list(day=day)}


def test_a_disputed_entry_does_not_take_it_off_the_list(register, approved_provider, list_client):
    from providers import services

    on, _off = register
    a = list_client(approved_provider, on["canteen"])
    services.affiliation_dispute(affiliation=a, actor=UserFactory(enterprise_user=True), note="Ikke vår BHT")
    assert on["canteen"].orgnr in {e.orgnr for e in targeting.targeting_list(day=timezone.localdate())}


def _inspector_client(client):
    client.force_login(UserFactory(inspector=True))
    return client


def test_page_links_to_start_an_inspection_and_pins_its_queries(register, client, django_assert_num_queries):
    c = _inspector_client(client)
    url = reverse("oversight:targeting_list")
    c.get(url)  # warm the reference snapshot and the session
    cache.clear()  # the count is remembered for a minute
    with django_assert_num_queries(5):  # session, user, refreshed at, count, page
        body = c.get(url).content.decode()
    on, _off = register
    assert f'href="/tilsyn/?orgnr={on["big"].orgnr}"' in body
    assert "KANTINE AS" in body


def test_query_count_does_not_grow_with_the_list(register, client, django_assert_num_queries):
    c = _inspector_client(client)
    url = reverse("oversight:targeting_list")
    c.get(url)
    for n in range(60):
        unit(100 + n, nace1="41.000", employees=5 + n)
    targeting_candidates_refresh()
    cache.clear()
    with django_assert_num_queries(5):
        response = c.get(url)
    assert len(response.context["rows"]) == 50 and response.context["page"].paginator.count == 65
    # the last page is read from the end, in the same order as reading straight through
    last = c.get(url + "?page=2").context["rows"]
    straight = list(targeting.targeting_list(day=timezone.localdate())[50:65])
    assert [e.orgnr for e, _d in last] == [e.orgnr for e in straight]


def test_csv_export_has_every_row_and_neutralises_formulas(register, client):
    on, _off = register
    unit(40, name='=HYPERLINK("x") AS', nace1="41.000", employees=3)
    targeting_candidates_refresh()
    c = _inspector_client(client)
    response = c.get(reverse("oversight:targeting_csv") + "?county=03")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0][0] == "Organisasjonsnummer"
    assert len(lines) == 1 + 5  # all in 03 (Oslo): four of the register and the formula one
    assert ['\'=HYPERLINK("x") AS'] == [line[1] for line in lines if "HYPERLINK" in line[1]]


def test_refresh_replaces_the_candidates(register):
    on, _off = register
    from oversight.models import TargetingCandidate

    before = TargetingCandidate.objects.count()
    on["big"].bankrupt = True
    on["big"].save()
    assert targeting_candidates_refresh()["candidates"] == before - 1
    assert not TargetingCandidate.objects.filter(orgnr=on["big"].orgnr).exists()


def test_only_inspectors_and_admins_see_the_list(client, db):
    client.force_login(UserFactory(case_handler=True))
    assert client.get(reverse("oversight:targeting_list")).status_code == 403
