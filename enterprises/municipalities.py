"""Municipality and county names (kommuner og fylker, 2024) for the public register and the
obligation answer, read from enterprises/data/municipalities_2024.csv (the reference file).
A plain file read, cached per process: the register needs no database table for this."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "municipalities_2024.csv"


@dataclass(frozen=True)
class Municipality:
    number: str
    name: str
    county_number: str
    county_name: str


@lru_cache(maxsize=1)
def municipalities() -> dict[str, Municipality]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return {
            r["municipality_number"]: Municipality(
                r["municipality_number"], r["municipality_name"], r["county_number"], r["county_name"]
            )
            for r in csv.DictReader(fh)
        }


@lru_cache(maxsize=1)
def counties() -> dict[str, str]:
    return dict(sorted({(m.county_number, m.county_name) for m in municipalities().values()}))


def municipality_name(number: str) -> str:
    m = municipalities().get(number or "")
    return m.name if m else ""


def county_of(number: str) -> tuple[str, str]:
    m = municipalities().get(number or "")
    return (m.county_number, m.county_name) if m else ("", "")
