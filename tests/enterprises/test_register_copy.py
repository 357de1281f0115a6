"""The web workers' in-memory copy of the register (enterprises/register_copy.py, ADR 0003):
the same answers as the database, no query, and never stale once a change is committed —
through the notification triggers of migration 0003, on the real PostgreSQL."""

import datetime
import select
import time

import pytest
from django.db import connection, transaction

from enterprises import register_copy
from enterprises.models import Enterprise, SubUnit
from enterprises.services import dispensation_create
from tests.enterprises.helpers import terminate_backend
from tests.factories import valid_orgnr

URL = "/api/v1/obligation"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="LISTEN/NOTIFY: PostgreSQL only"),
]


@pytest.fixture
def copy_on(settings):
    """Turn the copy on for this test; yields a function that waits until it is loaded."""
    settings.ENTERPRISE_REGISTER_COPY = True
    register_copy.reset()

    def ready(timeout: float = 20.0) -> register_copy.RegisterCopy:
        copy = register_copy.current()
        deadline = time.monotonic() + timeout
        while copy.state != "ready":
            assert time.monotonic() < deadline, f"the copy did not load: {copy.state}"
            copy.start()
            time.sleep(0.02)
        return copy

    yield ready
    register_copy.reset()


def _arrived(copy: register_copy.RegisterCopy, timeout: float = 5.0) -> None:
    """Wait until a notification has reached the copy's listening socket (as it does at commit)."""
    assert select.select([copy._listener], [], [], timeout)[0], "no notification reached the copy"


def _answer(client, orgnr):
    connection.close_if_unusable_or_obsolete()
    response = client.get(URL, {"orgnr": orgnr})
    assert response.status_code == 200, response.content
    return response.json()


def _register(make_enterprise):
    parent = make_enterprise("923609016", "DEMO BYGG AS", ["62.100"])
    SubUnit.objects.create(orgnr=valid_orgnr(7001), parent=parent, name="DEMO BYGG AVD SAGA", nace1="41.000")
    SubUnit.objects.create(orgnr=valid_orgnr(7002), parent=parent, name="DEMO BYGG AVD LAGER", nace1="52.100",
                           closed_on=datetime.date(2020, 1, 1))  # fmt: skip
    make_enterprise("974760673", "KOMMUNE TEST", ["84.110"], employees=None)
    make_enterprise("910747711", "GAMMEL KODE AS", ["45.200"], deleted_on="2019-05-02", konkurs=True)
    return parent


def test_the_copy_answers_as_the_database_without_a_query(
    client, refdata, make_enterprise, case_handler, copy_on, settings, django_assert_num_queries
):
    parent = _register(make_enterprise)
    dispensation_create(
        enterprise=parent, scope="partial", part="Lageret", valid_from=datetime.date(2021, 3, 1),
        valid_until=datetime.date(2030, 1, 1), reason="Lav risiko", decided_by=case_handler,
    )  # fmt: skip
    numbers = ["923609016", "974760673", "910747711"]
    settings.ENTERPRISE_REGISTER_COPY = False
    from_database = [_answer(client, n) for n in numbers]
    settings.ENTERPRISE_REGISTER_COPY = True
    copy = copy_on()
    assert copy.units == Enterprise.objects.count()
    with django_assert_num_queries(0):
        from_copy = [client.get(URL, {"orgnr": n}).json() for n in numbers]
    assert from_copy == from_database
    assert from_copy[0]["enterprise"]["subunits"][0]["name"] == "DEMO BYGG AVD SAGA"
    assert from_copy[0]["enterprise"]["dispensations"][0]["part"] == "Lageret"


def test_every_committed_change_is_in_the_next_answer(client, refdata, make_enterprise, case_handler, copy_on):
    """An enterprise's own fields, a new sub-unit, a dispensation: each is seen once committed,
    while the untouched units are still answered from memory."""
    parent = _register(make_enterprise)
    copy = copy_on()
    assert _answer(client, "923609016")["status"] == "obliged"  # the SAGA sub-unit is in 41

    Enterprise.objects.filter(orgnr="974760673").update(name="KOMMUNE NYTT NAVN")
    _arrived(copy)
    assert _answer(client, "974760673")["enterprise"]["name"] == "KOMMUNE NYTT NAVN"

    SubUnit.objects.create(orgnr=valid_orgnr(7003), parent=parent, name="DEMO BYGG AVD AAA", nace1="86.211")
    _arrived(copy)
    assert [s["name"] for s in _answer(client, "923609016")["enterprise"]["subunits"]][0] == "DEMO BYGG AVD AAA"

    dispensation_create(
        enterprise=Enterprise.objects.get(orgnr="910747711"), scope="whole", valid_from=datetime.date(2020, 1, 1),
        reason="Lav risiko", decided_by=case_handler,
    )  # fmt: skip
    _arrived(copy)
    assert [d["scope"] for d in _answer(client, "910747711")["enterprise"]["dispensations"]] == ["whole"]

    SubUnit.objects.filter(parent=parent).delete()
    _arrived(copy)
    assert _answer(client, "923609016")["enterprise"]["subunits"] == []
    assert _answer(client, "923609016")["status"] == "not_obliged"
    assert copy.state == "ready" and copy.units == 0  # all three changed: they are left to the database


def test_a_rolled_back_change_is_not_announced(client, refdata, make_enterprise, copy_on):
    make_enterprise("923609016", "DEMO BYGG AS", ["62.100"])
    copy = copy_on()
    with pytest.raises(RuntimeError), transaction.atomic():
        Enterprise.objects.filter(orgnr="923609016").update(name="ALDRI LAGRET AS")
        raise RuntimeError
    assert not select.select([copy._listener], [], [], 0.3)[0]
    assert _answer(client, "923609016")["enterprise"]["name"] == "DEMO BYGG AS"
    assert copy.units == 1


def test_a_bulk_change_reloads_the_whole_copy(client, refdata, make_enterprise, copy_on, monkeypatch):
    monkeypatch.setattr(register_copy, "SETTLE", 0.0)
    for n in range(250):
        Enterprise.objects.create(orgnr=valid_orgnr(80_000 + n), name=f"MASSE {n} AS", nace1="62.100")
    copy = copy_on()
    assert copy.units == 250
    Enterprise.objects.filter(name__startswith="MASSE").update(nace1="41.000")  # 250 > 200 numbers: "*"
    _arrived(copy)
    number = valid_orgnr(80_007)
    assert _answer(client, number)["status"] == "obliged"  # from the database while the copy reloads
    copy = copy_on()
    assert copy.units == 250
    assert register_copy.lookup(number)[0][register_copy.FIELDS.index("nace1")] == "41.000"


def test_a_lost_listener_hands_every_lookup_to_the_database(
    client, refdata, make_enterprise, copy_on, monkeypatch, django_assert_num_queries
):
    """PostgreSQL restarted or the connection cut: the copy can no longer hear changes, so it
    is dropped at once (a change made meanwhile is answered right) and loaded again later."""
    make_enterprise("923609016", "DEMO BYGG AS", ["62.100"])
    copy = copy_on()
    terminate_backend(copy._listener.get_backend_pid())
    time.sleep(0.2)
    Enterprise.objects.filter(orgnr="923609016").update(name="ETTER BRUDDET AS")  # the dead listener cannot hear it
    monkeypatch.setattr(register_copy, "RETRY_AFTER", 0.0)
    assert _answer(client, "923609016")["enterprise"]["name"] == "ETTER BRUDDET AS"
    assert copy.state in ("off", "loading")
    copy = copy_on()
    with django_assert_num_queries(0):
        assert client.get(URL, {"orgnr": "923609016"}).json()["enterprise"]["name"] == "ETTER BRUDDET AS"


def test_the_copy_is_off_unless_turned_on(client, refdata, make_enterprise, settings, django_assert_num_queries):
    settings.ENTERPRISE_REGISTER_COPY = False
    register_copy.reset()
    make_enterprise("923609016", "DEMO BYGG AS", ["62.100"])
    assert register_copy.current() is None and register_copy.status() == {"state": "off"}
    connection.close_if_unusable_or_obsolete()
    with django_assert_num_queries(1):
        assert client.get(URL, {"orgnr": "923609016"}).status_code == 200


def test_healthz_tells_the_copys_state(client, refdata, make_enterprise, copy_on):
    make_enterprise("923609016", "DEMO BYGG AS", ["62.100"])
    copy_on()
    assert client.get("/healthz").json()["register_copy"]["state"] == "ready"
