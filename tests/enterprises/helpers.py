"""Reference data read straight from the project's CSV files (no database), for the pure tests."""

import csv
import datetime
from functools import cache
from pathlib import Path

from enterprises import obligation

DATA = Path(__file__).resolve().parents[2] / "enterprises" / "data"


def rows(name):
    with (DATA / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def ref_from_files() -> obligation.ReferenceData:
    versions = []
    for v in rows("obligation_lists.csv"):
        entries = tuple(
            obligation.Entry(
                code=r["entry_code"], name=r["entry_name"], condition=r["condition"], division=r["division"]
            )
            for r in rows(v["entries_file"])
        )
        versions.append(
            obligation.ListVersion(
                valid_from=datetime.date.fromisoformat(v["valid_from"]), reference=v["reference"], entries=entries
            )
        )
    names = {
        "SN2025": {r["code"]: r["name"] for r in rows("sn2025.csv")},
        "SN2007": {r["code"]: r["name"] for r in rows("sn2007.csv")},
    }
    successors = {}
    for r in rows("sn2007_to_sn2025.csv"):
        successors.setdefault(r["sn2007_code"], []).append(r["sn2025_code"])
    return obligation.ReferenceData(
        versions=tuple(versions), names=names, successors={k: tuple(v) for k, v in successors.items()}
    )


def subclasses(standard="SN2025"):
    return [r["code"] for r in rows("sn2025.csv" if standard == "SN2025" else "sn2007.csv") if r["level"] == "subclass"]


def terminate_backend(pid: int) -> None:
    """End a PostgreSQL backend from another connection, as a restart or a cut connection would."""
    import psycopg2
    from django.db import connection

    killer = psycopg2.connect(**connection.get_connection_params())
    killer.autocommit = True
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    killer.close()
