"""Demo records for `manage.py seed_demo` (idempotent: running it twice changes nothing).

Reference data, a few hundred generated enterprises (fixed seed) with sub-units, hand-made
enterprises for each kind of answer (among them 923609016, the demo enterprise user's), and
one dispensation.
"""

from __future__ import annotations

import datetime
import gzip
import json
from pathlib import Path

from .models import Dispensation, DispensationScope, Enterprise
from .national_register import ENHETER, UNDERENHETER, enterprise_row, subunit_row, upsert_rows
from .reference import reference_data, reference_data_load

DATA_DIR = Path(__file__).resolve().parent / "data"
# Generated units (bench/unit_generator.py, seed 2026, a tenth with SN2007 codes) in the
# register's bulk format, imported through the same code as the real file.
DEMO_FILES = (DATA_DIR / "demo_enheter.json.gz", DATA_DIR / "demo_underenheter.json.gz")
UPDATED_AT = datetime.datetime(2026, 1, 5, 5, 0, tzinfo=datetime.UTC)


def _address(number: str, name: str, street: str, postcode: str) -> dict:
    return {
        "adresse": [street],
        "postnummer": postcode,
        "poststed": name.upper(),
        "kommunenummer": number,
        "kommune": name.upper(),
        "landkode": "NO",
        "land": "Norge",
    }


def _unit(orgnr, name, codes, *, employees=None, registered=True, form=("AS", "Aksjeselskap"), **extra) -> dict:
    unit = {
        "organisasjonsnummer": orgnr,
        "navn": name,
        "organisasjonsform": {"kode": form[0], "beskrivelse": form[1]},
        "harRegistrertAntallAnsatte": registered,
        "forretningsadresse": _address("0301", "Oslo", "Storgata 10", "0155"),
        "registreringsdatoEnhetsregisteret": "2012-05-02",
        "konkurs": False,
        "underAvvikling": False,
        "underTvangsavviklingEllerTvangsopplosning": False,
    }
    for i, code in enumerate(codes, start=1):
        unit[f"naeringskode{i}"] = {"kode": code, "beskrivelse": ""}
    if employees is not None:
        unit["antallAnsatte"] = employees
    unit.update(extra)
    return unit


# Hand-made enterprises: one per kind of answer (valid organisation numbers).
SHOWCASE = [
    _unit("923609016", "DEMO BYGG OG ANLEGG AS", ["41.000", "43.120"], employees=24),
    _unit("914778271", "KANTINA PÅ KAIA AS", ["56.220"], employees=8),
    _unit("915133541", "SALONG SAKS OG SJAMPO AS", ["96.020"], employees=6),
    _unit("916525567", "KODEVERKSTEDET AS", ["62.100"], employees=15),
    _unit("917342571", "LILLE RØRLEGGER ENK", ["43.220"], employees=None, registered=False, form=("ENK", "Enkeltpersonforetak")),
    _unit("918283528", "KONKURSBO TRANSPORT AS", ["49.410"], employees=None, konkurs=True),
    _unit("919376074", "NORDLYS OMSORG AS", ["87.200", "88.100"], employees=60,
          forretningsadresse=_address("5501", "Tromsø", "Storgata 50", "9008")),
]  # fmt: skip
SHOWCASE_SUBUNITS = [
    {
        "organisasjonsnummer": "973116762",
        "navn": "DEMO BYGG OG ANLEGG AS AVD BERGEN",
        "overordnetEnhet": "923609016",
        "naeringskode1": {"kode": "43.120", "beskrivelse": ""},
        "antallAnsatte": 9,
        "harRegistrertAntallAnsatte": True,
        "beliggenhetsadresse": _address("4601", "Bergen", "Bryggen 3", "5003"),
        "oppstartsdato": "2018-01-01",
    },
    {
        "organisasjonsnummer": "974235986",
        "navn": "DEMO BYGG OG ANLEGG AS AVD VERKSTED",
        "overordnetEnhet": "923609016",
        "naeringskode1": {"kode": "33.120", "beskrivelse": ""},
        "antallAnsatte": 5,
        "harRegistrertAntallAnsatte": True,
        "beliggenhetsadresse": _address("0301", "Oslo", "Industriveien 4", "0580"),
        "oppstartsdato": "2020-03-01",
    },
]


def _read(path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def demo_units() -> tuple[list[dict], list[dict]]:
    units, subunits = (_read(path) for path in DEMO_FILES)
    showcase_numbers = {u["organisasjonsnummer"] for u in SHOWCASE + SHOWCASE_SUBUNITS}
    units = [u for u in units if u["organisasjonsnummer"] not in showcase_numbers]
    subunits = [s for s in subunits if s["organisasjonsnummer"] not in showcase_numbers]
    return SHOWCASE + units, SHOWCASE_SUBUNITS + subunits


def seed(*, stdout=None) -> None:
    reference_data_load()
    ref = reference_data()
    sn2007_only = {c for c in ref.names.get("SN2007", {}) if c not in ref.names.get("SN2025", {})}
    units, subunits = demo_units()
    created, updated, _ = upsert_rows(
        ENHETER, [enterprise_row(u, updated_at=UPDATED_AT, sn2007_codes=sn2007_only) for u in units]
    )
    sub_created, _, _ = upsert_rows(UNDERENHETER, [subunit_row(s, updated_at=UPDATED_AT) for s in subunits])
    dispensation = _demo_dispensation()
    if stdout is not None:
        stdout.write(
            f"Enterprises: {len(units)} demo enterprises ({created} new, {updated} updated), "
            f"{len(subunits)} sub-units ({sub_created} new){', 1 dispensation' if dispensation else ''}."
        )


def _demo_dispensation() -> Dispensation | None:
    from accounts.models import Role, User

    handler = User.objects.filter(role=Role.CASE_HANDLER).order_by("id").first()
    enterprise = Enterprise.objects.filter(orgnr="919376074").first()
    if handler is None or enterprise is None:
        return None
    dispensation, _ = Dispensation.objects.get_or_create(
        enterprise=enterprise,
        valid_from=datetime.date(2026, 1, 1),
        defaults={
            "scope": DispensationScope.PARTIAL,
            "part": "Administrasjonen i Tromsø sentrum",
            "reason": "Kontorarbeid uten særlig risiko; forsvarlig uten BHT for denne delen.",
            "decided_by": handler,
        },
    )
    return dispensation
