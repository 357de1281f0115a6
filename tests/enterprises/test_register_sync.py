"""sync_enhetsregisteret against a local server in the register's real format."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from bench.unit_generator import generate_units
from enterprises.models import Dispensation, Enterprise, RegisterSyncState
from enterprises.national_register import ENHETER, enterprise_row, upsert_rows
from enterprises.reference import DATA_DIR
from enterprises.sync import RegisterClient, register_sync
from enterprises.tasks import register_sync_task

from .fake_register import FakeRegister

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake():
    with FakeRegister() as server:
        yield server


@pytest.fixture
def units(refdata):
    """Four units in our copy (as after a bulk import) and on the fake server."""
    units = list(generate_units(4, seed=11))
    upsert_rows(ENHETER, [enterprise_row(u) for u in units])
    RegisterSyncState.objects.create(
        feed="enheter", bulk_imported_at=datetime.datetime(2026, 11, 25, 5, 0, tzinfo=datetime.UTC)
    )
    return units


def test_the_fake_serves_the_shapes_of_the_official_spec(fake):
    spec = json.loads((DATA_DIR / "enhetsregisteret-openapi.json").read_text(encoding="utf-8"))
    schemas = spec["components"]["schemas"]
    fake.add_update("988077917", "Ny")
    assert set(fake.updates[0]) <= set(schemas["OppdateringerEnhet"]["properties"])
    assert "oppdaterteEnheter" in schemas["OppdateringerEnheter"]["properties"]["_embedded"]["properties"]
    assert "/enhetsregisteret/api/oppdateringer/enheter" in spec["paths"]
    unit = next(generate_units(1, seed=1))
    assert set(unit) <= set(schemas["Enhet"]["properties"])
    assert set(unit["forretningsadresse"]) <= set(schemas["Enhet"]["properties"]["forretningsadresse"]["properties"])


def test_sync_applies_new_changed_deleted_and_removed_units(fake, units, settings, capsys):
    settings.ENHETSREGISTERET_BASE_URL = fake.base_url
    changed = dict(units[0], navn="ENDRET NAVN AS", antallAnsatte=40)
    new = next(generate_units(1, seed=12))
    fake.units = {changed["organisasjonsnummer"]: changed, new["organisasjonsnummer"]: new}
    fake.deleted = {units[1]["organisasjonsnummer"]: "2026-11-24"}
    fake.add_update(changed["organisasjonsnummer"], "Endring")
    fake.add_update(new["organisasjonsnummer"], "Ny")
    fake.add_update(units[1]["organisasjonsnummer"], "Sletting")
    fake.add_update(units[2]["organisasjonsnummer"], "Fjernet")
    call_command("sync_enhetsregisteret", "--page-size", "2")
    out = capsys.readouterr().out
    assert "4 updates read, 1 created, 1 updated" in out and "1 marked deleted, 1 removed" in out
    assert Enterprise.objects.get(orgnr=changed["organisasjonsnummer"]).name == "ENDRET NAVN AS"
    assert Enterprise.objects.get(orgnr=changed["organisasjonsnummer"]).employees == 40
    assert Enterprise.objects.filter(orgnr=new["organisasjonsnummer"]).exists()
    assert Enterprise.objects.get(orgnr=units[1]["organisasjonsnummer"]).deleted_on == datetime.date(2026, 11, 24)
    assert not Enterprise.objects.filter(orgnr=units[2]["organisasjonsnummer"]).exists()
    state = RegisterSyncState.objects.get(feed="enheter")
    assert state.last_update_id == 1004 and state.synced_at
    # The first request started from the bulk import time, the later ones from the update id.
    feed_requests = [q for path, q in fake.requests if path.endswith("/oppdateringer/enheter")]
    assert feed_requests[0]["dato"] == "2026-11-25T05:00:00.000Z"
    assert feed_requests[1]["oppdateringsid"] == "1003"

    # A second run continues after the last id and changes nothing.
    fake.requests.clear()
    call_command("sync_enhetsregisteret")
    assert "0 updates read" in capsys.readouterr().out
    assert fake.requests[0][1]["oppdateringsid"] == "1005"


def test_removed_unit_with_a_dispensation_is_kept_as_deleted(fake, units, case_handler):
    orgnr = units[3]["organisasjonsnummer"]
    Dispensation.objects.create(
        enterprise_id=orgnr, scope="whole", valid_from=datetime.date(2026, 1, 1), reason="x", decided_by=case_handler
    )
    fake.add_update(orgnr, "Fjernet")
    register_sync(client=RegisterClient(fake.base_url))
    assert Enterprise.objects.get(orgnr=orgnr).deleted_on == datetime.date(2026, 11, 25)


def test_server_errors_are_retried(fake, units):
    fake.units = {units[0]["organisasjonsnummer"]: dict(units[0], navn="ETTER FEIL AS")}
    fake.add_update(units[0]["organisasjonsnummer"], "Endring")
    fake.fail_next = 2
    summary = register_sync(client=RegisterClient(fake.base_url, timeout=2, retries=3))
    assert summary.updated == 1
    assert Enterprise.objects.get(orgnr=units[0]["organisasjonsnummer"]).name == "ETTER FEIL AS"


def test_unreachable_register_gives_a_clear_error_and_changes_nothing(units):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(CommandError, match="could not be reached.*unreachable at http://127.0.0.1"):
        call_command("sync_enhetsregisteret", "--base-url", f"http://127.0.0.1:{port}/api", "--timeout", "1")
    assert RegisterSyncState.objects.get(feed="enheter").last_update_id is None


def test_a_server_that_keeps_failing_is_reported(fake, units):
    fake.fail_next = 100
    with pytest.raises(CommandError, match="answered 503"):
        call_command("sync_enhetsregisteret", "--base-url", fake.base_url, "--timeout", "1")


def test_no_starting_point(fake, refdata):
    with pytest.raises(CommandError, match="import the bulk file first"):
        call_command("sync_enhetsregisteret", "--base-url", fake.base_url)
    fake.add_update("988077917", "Ny")
    call_command("sync_enhetsregisteret", "--base-url", fake.base_url, "--since", "2026-11-01T00:00:00Z")
    assert RegisterSyncState.objects.get(feed="enheter").last_update_id == 1001  # not found (404): skipped


def test_celery_task_runs_the_sync(fake, units, settings):
    settings.ENHETSREGISTERET_BASE_URL = fake.base_url
    fake.units = {units[0]["organisasjonsnummer"]: dict(units[0], navn="FRA OPPGAVE AS")}
    fake.add_update(units[0]["organisasjonsnummer"], "Endring")
    result = register_sync_task.delay().get()
    assert result["updated"] == 1 and result["last_update_id"] == 1001
