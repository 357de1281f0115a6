"""Generate realistic units in Enhetsregisteret's bulk format (tests and benchmarks; the demo's
units in enterprises/data/demo_*.json.gz were made with it, seed 2026).

Valid organisation numbers (unique within a run, no memory needed: an affine permutation of
the 8-digit bodies), real SN2025 subclasses in rough Norwegian proportions per division, real
municipalities weighted towards the cities, employees as the register shows them (absent for
0–4). Deterministic for a given seed. Reads the CSV files directly: no database needed.

    python -m bench.unit_generator 1000000 /tmp/enheter.json.gz
"""

from __future__ import annotations

import csv
import datetime
import gzip
import json
import random
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from stdnum.no import orgnr as stdnum_orgnr

DATA_DIR = Path(__file__).resolve().parent.parent / "enterprises" / "data"

# Rough share of units per SN2025 division (the rest share a small weight each).
DIVISION_WEIGHTS = {
    "68": 12, "70": 9, "43": 6, "41": 3, "42": 0.7, "01": 5, "02": 1, "03": 1.5, "47": 5, "46": 3,
    "62": 4, "69": 3, "71": 3, "74": 2, "73": 1, "86": 4, "96": 3, "56": 2, "55": 0.6, "49": 3,
    "85": 1.5, "90": 2, "93": 2, "94": 5, "64": 3, "82": 1, "81": 1.2, "77": 1, "45": 0.1, "95": 0.8,
    "10": 0.8, "16": 0.4, "25": 0.8, "33": 0.8, "88": 1, "87": 0.5, "80": 0.2, "52": 0.3, "61": 0.2,
}  # fmt: skip
MUNICIPALITY_WEIGHTS = {
    "0301": 60, "4601": 20, "5001": 15, "1103": 12, "3201": 8, "3203": 6, "3205": 6, "3301": 6,
    "3107": 5, "4204": 7, "5501": 6, "1108": 5,
}  # fmt: skip
ORG_FORMS = [
    ("AS", "Aksjeselskap", 45),
    ("ENK", "Enkeltpersonforetak", 30),
    ("FLI", "Forening/lag/innretning", 7),
    ("NUF", "Norskregistrert utenlandsk foretak", 3),
    ("ANS", "Ansvarlig selskap med solidarisk ansvar", 2),
    ("DA", "Ansvarlig selskap med delt ansvar", 1),
    ("SA", "Samvirkeforetak", 1),
    ("STI", "Stiftelse", 1),
]
NAME_WORDS = (
    "Nord Sør Vest Øst Fjord Fjell Dal Bygg Rør Elektro Trans Maskin Helse Omsorg Data Regnskap Eiendom "
    "Handel Konsult Service Mat Bakeri Tre Stål Havbruk Skog Frisør Renhold Vakt Smie Marin Kyst Berg "
    "Solheim Nygård Haugen Lien Vik Strand Bakken Aas Moen Lund"
).split()
STREETS = "Storgata Kirkegata Skolegata Strandveien Industriveien Fjordgata Parkveien Torget Bryggen Nygata".split()
SUFFIX = {"AS": " AS", "ASA": " ASA", "ANS": " ANS", "DA": " DA", "SA": " SA", "NUF": " NUF", "STI": " STIFTELSE"}
BODY_RANGE = 20_000_000  # 8-digit bodies 80000000..99999999
MULTIPLIER = 7_919  # coprime with BODY_RANGE: i -> (a*i + b) mod R is a permutation


@cache
def _codes(standard: str = "SN2025") -> dict[str, list[tuple[str, str]]]:
    by_division: dict[str, list[tuple[str, str]]] = {}
    filename = "sn2025.csv" if standard == "SN2025" else "sn2007.csv"
    with (DATA_DIR / filename).open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["level"] == "subclass" and not row["code"].startswith("00"):
                by_division.setdefault(row["code"][:2], []).append((row["code"], row["name"]))
    return by_division


@cache
def _municipalities() -> list[tuple[str, str]]:
    with (DATA_DIR / "municipalities_2024.csv").open(encoding="utf-8") as fh:
        return [(r["municipality_number"], r["municipality_name"]) for r in csv.DictReader(fh)]


def orgnr_check_digit(body: str) -> int | None:
    """The check digit that makes `body` a valid organisation number (python-stdnum's weighted
    mod-11 sum), or None where no digit can (a remainder of 10)."""
    check = -stdnum_orgnr.checksum(body + "0") % 11
    return None if check == 10 else check


def orgnrs(seed: int = 0) -> Iterator[str]:
    """Unique valid organisation numbers in a seed-dependent order."""
    offset = random.Random(seed).randrange(BODY_RANGE)
    for i in range(BODY_RANGE):
        body = str(80_000_000 + (MULTIPLIER * i + offset) % BODY_RANGE)
        check = orgnr_check_digit(body)
        if check is not None:
            yield body + str(check)


def code_ref(code: str, name: str) -> dict:
    return {"kode": code, "beskrivelse": name}


class UnitGenerator:
    def __init__(self, seed: int = 0, sn2007_share: float = 0.0):
        self.rnd = random.Random(seed)
        self.sn2007_share = sn2007_share
        codes = _codes("SN2025")
        self.divisions = sorted(codes)
        self.division_weights = [DIVISION_WEIGHTS.get(d, 0.15) for d in self.divisions]
        munis = _municipalities()
        self.munis = munis
        self.muni_weights = [MUNICIPALITY_WEIGHTS.get(n, 1) for n, _ in munis]
        self.forms = [(c, d) for c, d, _ in ORG_FORMS]
        self.form_weights = [w for *_, w in ORG_FORMS]

    def code(self, standard: str = "SN2025") -> tuple[str, str]:
        codes = _codes(standard)
        division = self.rnd.choices(self.divisions, self.division_weights)[0]
        if division not in codes:  # a division that SN2007 did not have
            division = self.rnd.choice(sorted(codes))
        return self.rnd.choice(codes[division])

    def address(self) -> dict:
        number, name = self.rnd.choices(self.munis, self.muni_weights)[0]
        return {
            "adresse": [f"{self.rnd.choice(STREETS)} {self.rnd.randint(1, 120)}"],
            "postnummer": f"{self.rnd.randint(1, 9999):04d}",
            "poststed": name.upper(),
            "kommunenummer": number,
            "kommune": name.upper(),
            "landkode": "NO",
            "land": "Norge",
        }

    def employees(self) -> tuple[int | None, bool]:
        r = self.rnd.random()
        if r < 0.55:
            return None, False
        if r < 0.70:
            return None, True  # 1–4: the register shows no number
        return max(5, int(self.rnd.lognormvariate(2.3, 1.1))), True

    def unit(self, orgnr: str) -> dict:
        rnd = self.rnd
        form, form_name = rnd.choices(self.forms, self.form_weights)[0]
        standard = "SN2007" if self.sn2007_share and rnd.random() < self.sn2007_share else "SN2025"
        codes = [self.code(standard)]
        if rnd.random() < 0.12:
            codes.append(self.code(standard))
            if rnd.random() < 0.25:
                codes.append(self.code(standard))
        name = " ".join(rnd.sample(NAME_WORDS, rnd.choice((1, 2, 2, 3)))) + SUFFIX.get(form, "")
        employees, registered = self.employees()
        registered_on = datetime.date(1995, 1, 1) + datetime.timedelta(days=rnd.randrange(11_000))
        unit = {
            "organisasjonsnummer": orgnr,
            "navn": name.upper(),
            "organisasjonsform": {"kode": form, "beskrivelse": form_name},
            "registreringsdatoEnhetsregisteret": registered_on.isoformat(),
            "registrertIMvaregisteret": rnd.random() < 0.6,
            "harRegistrertAntallAnsatte": registered,
            "forretningsadresse": self.address(),
            "konkurs": rnd.random() < 0.01,
            "underAvvikling": rnd.random() < 0.01,
            "underTvangsavviklingEllerTvangsopplosning": rnd.random() < 0.005,
            "maalform": "Bokmål",
        }
        for i, (code, code_name) in enumerate(codes, start=1):
            unit[f"naeringskode{i}"] = code_ref(code, code_name)
        if employees is not None:
            unit["antallAnsatte"] = employees
        if rnd.random() < 0.3:
            unit["postadresse"] = self.address()
        if rnd.random() < 0.4:
            unit["epostadresse"] = f"post@{name.split()[0].lower()}.example.no"
        return unit

    def subunit(self, parent: dict, orgnr: str) -> dict:
        address = self.address()
        sub = {
            "organisasjonsnummer": orgnr,
            "navn": f"{parent['navn']} AVD {address['kommune']}",
            "organisasjonsform": {
                "kode": "BEDR",
                "beskrivelse": "Underenhet til næringsdrivende og offentlig forvaltning",
            },
            "overordnetEnhet": parent["organisasjonsnummer"],
            "harRegistrertAntallAnsatte": parent["harRegistrertAntallAnsatte"],
            "beliggenhetsadresse": address,
            "oppstartsdato": parent["registreringsdatoEnhetsregisteret"],
            "registreringsdatoEnhetsregisteret": parent["registreringsdatoEnhetsregisteret"],
            "naeringskode1": parent["naeringskode1"],
        }
        if parent.get("antallAnsatte"):
            sub["antallAnsatte"] = max(1, parent["antallAnsatte"] // 2)
        return sub


def generate_units(n: int, *, seed: int = 0, sn2007_share: float = 0.0) -> Iterator[dict]:
    gen = UnitGenerator(seed, sn2007_share=sn2007_share)
    numbers = orgnrs(seed)
    for _ in range(n):
        yield gen.unit(next(numbers))


def generate_with_subunits(n: int, *, seed: int = 0, sn2007_share: float = 0.0) -> tuple[list[dict], list[dict]]:
    """n units and sub-units for about a third of them (in memory: for small n)."""
    gen = UnitGenerator(seed, sn2007_share=sn2007_share)
    numbers = orgnrs(seed)
    units = [gen.unit(next(numbers)) for _ in range(n)]
    subunits = []
    for unit in units:
        if unit["organisasjonsform"]["kode"] != "ENK" and gen.rnd.random() < 0.4:
            for _ in range(gen.rnd.choice((1, 1, 2))):
                subunits.append(gen.subunit(unit, next(numbers)))
    return units, subunits


def write_bulk_file(path: str | Path, units, *, compresslevel: int = 5) -> int:
    """Write units as the register's bulk format: one gzip-compressed JSON array."""
    count = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=compresslevel) as fh:
        fh.write("[")
        for unit in units:
            if count:
                fh.write(",\n")
            fh.write(json.dumps(unit, ensure_ascii=False))
            count += 1
        fh.write("]")
    return count


if __name__ == "__main__":  # pragma: no cover - command-line use
    n, target = int(sys.argv[1]), sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    written = write_bulk_file(target, generate_units(n, seed=seed))
    print(f"wrote {written} units to {target}")
