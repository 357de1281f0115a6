import pytest

from enterprises import reference


@pytest.fixture
def refdata(db):
    """The reference data loaded into the test database; the in-memory snapshot rebuilt."""
    reference.reference_data_load()
    reference.invalidate()
    yield reference.reference_data()
    reference.invalidate()


@pytest.fixture
def make_enterprise(db):
    """make_enterprise(orgnr, name, codes, **register fields) through the register mapping."""
    from enterprises.national_register import ENHETER, enterprise_row, upsert_rows

    def _make(orgnr="923609016", name="TEST BYGG AS", codes=("41.000",), employees=12, **extra):
        unit = {
            "organisasjonsnummer": orgnr,
            "navn": name,
            "organisasjonsform": {"kode": "AS", "beskrivelse": "Aksjeselskap"},
            "harRegistrertAntallAnsatte": employees is not None,
            "forretningsadresse": {"adresse": ["Storgata 1"], "postnummer": "0155", "poststed": "OSLO",
                                   "kommunenummer": extra.pop("kommunenummer", "0301"), "kommune": "OSLO"},
        }  # fmt: skip
        for i, code in enumerate(codes, start=1):
            unit[f"naeringskode{i}"] = {"kode": code, "beskrivelse": ""}
        if employees is not None:
            unit["antallAnsatte"] = employees
        unit.update(extra)
        from enterprises.reference import reference_data

        ref = reference_data()
        sn2007_only = {c for c in ref.names.get("SN2007", {}) if c not in ref.names.get("SN2025", {})}
        upsert_rows(ENHETER, [enterprise_row(unit, sn2007_codes=sn2007_only)])
        from enterprises.models import Enterprise

        return Enterprise.objects.get(orgnr=orgnr)

    return _make
