"""import_enhetsregisteret on generated files in the real bulk format: counts, re-runs,
rejects with reasons, sub-units; and the generator itself."""

import collections
import gzip
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bench.unit_generator import generate_units, generate_with_subunits, write_bulk_file
from core.orgnr import is_valid
from enterprises.models import Enterprise, RegisterSyncState, Standard, SubUnit

from .helpers import rows, subclasses

pytestmark = pytest.mark.django_db


@pytest.fixture
def bulk(tmp_path):
    def _write(units, name="enheter.json.gz"):
        path = tmp_path / name
        write_bulk_file(path, units)
        return str(path)

    return _write


def test_generator_makes_realistic_units():
    units = list(generate_units(2000, seed=7))
    numbers = [u["organisasjonsnummer"] for u in units]
    assert len(set(numbers)) == 2000 and all(is_valid(n) for n in numbers)
    codes = set(subclasses())
    assert all(u["naeringskode1"]["kode"] in codes for u in units)
    municipalities = {r["municipality_number"] for r in rows("municipalities_2024.csv")}
    assert all(u["forretningsadresse"]["kommunenummer"] in municipalities for u in units)
    oslo = sum(u["forretningsadresse"]["kommunenummer"] == "0301" for u in units)
    assert 0.05 < oslo / 2000 < 0.25  # the cities weigh more than a uniform spread
    divisions = collections.Counter(u["naeringskode1"]["kode"][:2] for u in units)
    assert divisions["68"] > divisions["05"]  # real estate is common, coal mining is not
    assert 0.5 < sum("antallAnsatte" not in u for u in units) / 2000 < 0.85  # 0–4 employees: no number
    assert list(generate_units(5, seed=7)) == units[:5]  # deterministic


def test_import_creates_then_rerun_changes_nothing(bulk, refdata, capsys):
    path = bulk(generate_units(300, seed=1))
    call_command("import_enhetsregisteret", path, "--batch-size", "64")
    out = capsys.readouterr().out
    assert "300 read, 300 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert Enterprise.objects.count() == 300
    call_command("import_enhetsregisteret", path, "--batch-size", "64")
    assert "300 read, 0 created, 0 updated, 300 unchanged, 0 rejected" in capsys.readouterr().out
    assert Enterprise.objects.count() == 300
    assert RegisterSyncState.objects.get(feed="enheter").bulk_imported_at is not None


def test_import_gives_the_planner_statistics_of_the_new_rows(bulk, refdata):
    """A bulk import ends with ANALYZE: the planner knows the register's size at once, not
    only when autovacuum (which may be off) gets round to it."""
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")

    def planner_rows():
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'enterprises_enterprise'")
            return cursor.fetchone()[0]

    before = planner_rows()  # whatever an earlier state left (-1: never analysed)
    call_command("import_enhetsregisteret", bulk(generate_units(300, seed=3)))
    assert (before, planner_rows()) == (before, 300)


def test_import_maps_the_fields(bulk, refdata):
    unit = next(generate_units(1, seed=3))
    unit.update(
        antallAnsatte=17,
        harRegistrertAntallAnsatte=True,
        konkurs=True,
        naeringskode1={"kode": "96.020", "beskrivelse": "Frisering og annen skjønnhetspleie"},
        naeringskode2={"kode": "47.110", "beskrivelse": "x"},
    )
    unit["forretningsadresse"] = {"adresse": ["Storgata 1", "Bakgården"], "postnummer": "0155",
                                  "poststed": "OSLO", "kommunenummer": "0301", "kommune": "OSLO"}  # fmt: skip
    call_command("import_enhetsregisteret", bulk([unit]), "--quiet-progress")
    e = Enterprise.objects.get()
    assert (e.orgnr, e.name, e.employees, e.bankrupt) == (unit["organisasjonsnummer"], unit["navn"], 17, True)
    assert (e.nace1, e.nace2, e.nace3) == ("96.020", "47.110", "")
    assert e.nace_standard == Standard.SN2007  # 96.020 exists only in SN2007
    assert (e.address, e.postcode, e.municipality_number) == ("Storgata 1, Bakgården", "0155", "0301")


def test_changed_units_are_updated(bulk, refdata, capsys):
    units = list(generate_units(50, seed=2))
    call_command("import_enhetsregisteret", bulk(units), "--quiet-progress")
    units[0]["navn"] = "NYTT NAVN AS"
    units[1]["antallAnsatte"] = 999
    units.append(next(generate_units(1, seed=99)))
    capsys.readouterr()
    call_command("import_enhetsregisteret", bulk(units, "v2.json.gz"), "--quiet-progress")
    assert "51 read, 1 created, 2 updated, 48 unchanged" in capsys.readouterr().out
    assert Enterprise.objects.get(orgnr=units[0]["organisasjonsnummer"]).name == "NYTT NAVN AS"


def test_rejects_are_counted_with_reasons(bulk, refdata, capsys):
    good = list(generate_units(3, seed=4))
    bad = [
        dict(good[0], organisasjonsnummer="988077918"),
        dict(good[0], organisasjonsnummer="12345"),
        {k: v for k, v in good[1].items() if k != "navn"},
        dict(good[2], antallAnsatte=-3),
        "not an object",
    ]
    call_command("import_enhetsregisteret", bulk(good + bad), "--quiet-progress")
    out = capsys.readouterr().out
    assert "8 read, 3 created, 0 updated, 0 unchanged, 5 rejected" in out
    for reason in ("fails the checksum", "not nine digits", "missing navn", "negative", "not a JSON object"):
        assert reason in out
    assert Enterprise.objects.count() == 3


def test_duplicates_in_one_file_keep_the_last(bulk, refdata):
    unit = next(generate_units(1, seed=5))
    call_command("import_enhetsregisteret", bulk([unit, dict(unit, navn="SISTE AS")]), "--quiet-progress")
    assert Enterprise.objects.get().name == "SISTE AS"


def test_subunits(bulk, refdata, capsys):
    units, subunits = generate_with_subunits(40, seed=6)
    call_command("import_enhetsregisteret", bulk(subunits, "underenheter.json.gz"), "--underenheter")
    call_command("import_enhetsregisteret", bulk(units), "--quiet-progress")
    assert SubUnit.objects.count() == len(subunits) > 0
    sub = SubUnit.objects.select_related("parent").first()
    assert sub.parent.orgnr == sub.parent_id
    assert sub.municipality_number and sub.nace1
    assert Enterprise.objects.get(orgnr=sub.parent_id).subunits.filter(pk=sub.pk).exists()


def test_plain_json_and_broken_files(tmp_path, refdata):
    plain = tmp_path / "enheter.json"
    plain.write_text(json.dumps(list(generate_units(2, seed=8))), encoding="utf-8")
    call_command("import_enhetsregisteret", str(plain), "--quiet-progress")
    assert Enterprise.objects.count() == 2
    broken = tmp_path / "broken.json.gz"
    with gzip.open(broken, "wt") as fh:
        fh.write('[{"organisasjonsnummer": ')
    with pytest.raises(CommandError):
        call_command("import_enhetsregisteret", str(broken), "--quiet-progress")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_enhetsregisteret", str(tmp_path / "missing.json.gz"))
