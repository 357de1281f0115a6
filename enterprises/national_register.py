"""The copy of Enhetsregisteret: map the register's JSON to rows, and upsert rows in batches.

Two write paths with the same result:
- PostgreSQL: each batch is COPY'd into a temporary table, then
  `INSERT … SELECT … ON CONFLICT (orgnr) DO UPDATE … WHERE <something changed>` (fast path);
- other databases (SQLite in development): `bulk_create(update_conflicts=True)`.
Both count created / updated / unchanged rows, so a re-run reports what it changed.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import io
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from core import dbguard
from core import orgnr as orgnr_mod

from .models import Enterprise, RegisterSyncState, Standard, SubUnit

ENTERPRISE_FIELDS = [
    "orgnr", "name", "org_form", "org_form_name", "nace1", "nace2", "nace3", "nace_standard",
    "employees", "has_registered_employees", "address", "postcode", "city", "municipality_number",
    "municipality_name", "bankrupt", "being_wound_up", "forced_dissolution", "deleted_on",
    "registered_on", "source_updated_at",
]  # fmt: skip
SUBUNIT_FIELDS = [
    "orgnr", "parent_id", "name", "nace1", "nace2", "nace3", "employees", "has_registered_employees",
    "address", "postcode", "city", "municipality_number", "municipality_name", "started_on", "closed_on",
    "source_updated_at",
]  # fmt: skip
TEXT_FIELDS = {
    "orgnr", "name", "org_form", "org_form_name", "nace1", "nace2", "nace3", "nace_standard", "address",
    "postcode", "city", "municipality_number", "municipality_name", "parent_id",
}  # fmt: skip


class Rejected(ValueError):
    """A record that cannot be stored; the message is the reason (counted in the summary)."""


@dataclass(frozen=True)
class Kind:
    name: str  # the register's word: enheter / underenheter
    model: type
    fields: list[str]
    to_row: Callable[..., dict]


def _date(value) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _code(obj: dict, key: str) -> str:
    value = obj.get(key) or {}
    code = (value.get("kode") or "").strip() if isinstance(value, dict) else ""
    return code[:6]


def _address(addr: dict | None) -> dict:
    addr = addr or {}
    lines = addr.get("adresse") or []
    return {
        "address": ", ".join(x for x in lines if x)[:300],
        "postcode": (addr.get("postnummer") or "")[:10],
        "city": (addr.get("poststed") or "")[:100],
        "municipality_number": (addr.get("kommunenummer") or "")[:4],
        "municipality_name": (addr.get("kommune") or "")[:100],
    }


def _employees(obj: dict) -> tuple[int | None, bool | None]:
    n = obj.get("antallAnsatte")
    if n is not None:
        try:
            n = int(n)
        except (TypeError, ValueError):
            raise Rejected("antallAnsatte is not a number")
        if n < 0:
            raise Rejected("antallAnsatte is negative")
    registered = obj.get("harRegistrertAntallAnsatte")
    return n, (bool(registered) if registered is not None else None)


def _identity(obj: dict) -> tuple[str, str]:
    if not isinstance(obj, dict):
        raise Rejected("not a JSON object")
    number = str(obj.get("organisasjonsnummer") or "").strip()
    if not number:
        raise Rejected("missing organisasjonsnummer")
    if not (len(number) == 9 and number.isdigit()):
        raise Rejected("organisasjonsnummer is not nine digits")
    if not orgnr_mod.is_valid(number):
        raise Rejected("organisasjonsnummer fails the checksum")
    name = (obj.get("navn") or "").strip()
    if not name:
        raise Rejected("missing navn")
    return number, name[:500]


def enterprise_row(obj: dict, *, updated_at: datetime.datetime | None = None, sn2007_codes=None) -> dict:
    """One register unit (enhet) as the fields of Enterprise. Raises Rejected."""
    number, name = _identity(obj)
    employees, registered = _employees(obj)
    form = obj.get("organisasjonsform") or {}
    codes = [_code(obj, f"naeringskode{i}") for i in (1, 2, 3)]
    standard = Standard.SN2025
    if sn2007_codes is not None and any(c and c in sn2007_codes for c in codes):
        standard = Standard.SN2007
    return {
        "orgnr": number,
        "name": name,
        "org_form": (form.get("kode") or "")[:10],
        "org_form_name": (form.get("beskrivelse") or "")[:200],
        "nace1": codes[0],
        "nace2": codes[1],
        "nace3": codes[2],
        "nace_standard": standard,
        "employees": employees,
        "has_registered_employees": registered,
        **_address(obj.get("forretningsadresse")),
        "bankrupt": bool(obj.get("konkurs")),
        "being_wound_up": bool(obj.get("underAvvikling")),
        "forced_dissolution": bool(obj.get("underTvangsavviklingEllerTvangsopplosning")),
        "deleted_on": _date(obj.get("slettedato")),
        "registered_on": _date(obj.get("registreringsdatoEnhetsregisteret")),
        "source_updated_at": updated_at,
    }


def subunit_row(obj: dict, *, updated_at: datetime.datetime | None = None, sn2007_codes=None) -> dict:
    """One sub-unit (underenhet) as the fields of SubUnit. Raises Rejected."""
    number, name = _identity(obj)
    employees, registered = _employees(obj)
    parent = str(obj.get("overordnetEnhet") or "").strip()
    if parent and not (len(parent) == 9 and parent.isdigit()):
        raise Rejected("overordnetEnhet is not nine digits")
    return {
        "orgnr": number,
        "parent_id": parent or None,
        "name": name,
        "nace1": _code(obj, "naeringskode1"),
        "nace2": _code(obj, "naeringskode2"),
        "nace3": _code(obj, "naeringskode3"),
        "employees": employees,
        "has_registered_employees": registered,
        **_address(obj.get("beliggenhetsadresse")),
        "started_on": _date(obj.get("oppstartsdato")),
        "closed_on": _date(obj.get("nedleggelsesdato")),
        "source_updated_at": updated_at,
    }


ENHETER = Kind("enheter", Enterprise, ENTERPRISE_FIELDS, enterprise_row)
UNDERENHETER = Kind("underenheter", SubUnit, SUBUNIT_FIELDS, subunit_row)


@dataclass
class Summary:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    reasons: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)  # a few rejected records, for the log
    seconds: float = 0.0

    def reject(self, obj, reason: str) -> None:
        self.rejected += 1
        self.reasons[reason] += 1
        if len(self.examples) < 10:
            number = obj.get("organisasjonsnummer") if isinstance(obj, dict) else None
            self.examples.append(f"{number or '?'}: {reason}")

    def add(self, counts: tuple[int, int, int]) -> None:
        self.created += counts[0]
        self.updated += counts[1]
        self.unchanged += counts[2]

    def as_dict(self) -> dict:
        return {
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "reasons": dict(self.reasons),
        }


# ------------------------------------------------------------------ batch upserts
def _csv_value(field_name: str, value) -> str:
    if value is None:
        return ""
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _upsert_postgresql(kind: Kind, rows: list[dict]) -> tuple[int, int, int]:
    table = kind.model._meta.db_table
    temp = f"_import_{table}"
    cols = kind.fields + ["imported_at"]
    now = timezone.now().isoformat()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_csv_value(f, row[f]) for f in kind.fields] + [now])
    buffer.seek(0)
    col_list = ", ".join(cols)
    not_null = ", ".join(f for f in kind.fields if f in TEXT_FIELDS and f != "parent_id")
    changed = " OR ".join(f"t.{f} IS DISTINCT FROM EXCLUDED.{f}" for f in _compared(kind))
    updates = ", ".join(f"{f} = EXCLUDED.{f}" for f in cols if f != "orgnr")
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {temp} AS SELECT {col_list} FROM {table} WITH NO DATA"  # noqa: S608
        )
        cursor.execute(f"TRUNCATE {temp}")
        raw = cursor.cursor  # psycopg2's cursor under Django's wrapper
        raw.copy_expert(f"COPY {temp} ({col_list}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({not_null}))", buffer)
        cursor.execute(
            f"""WITH up AS (
                  INSERT INTO {table} AS t ({col_list}) SELECT {col_list} FROM {temp}
                  ON CONFLICT (orgnr) DO UPDATE SET {updates} WHERE {changed}
                  RETURNING (xmax = 0) AS inserted)
                SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up"""  # noqa: S608
        )
        created, updated = cursor.fetchone()
    return created, updated, len(rows) - created - updated


def _upsert_generic(kind: Kind, rows: list[dict]) -> tuple[int, int, int]:
    model = kind.model
    numbers = [r["orgnr"] for r in rows]
    existing = {}
    for i in range(0, len(numbers), 500):
        for obj in model.objects.filter(orgnr__in=numbers[i : i + 500]).values("orgnr", *_compared(kind)):
            existing[obj.pop("orgnr")] = obj
    changed = [r for r in rows if r["orgnr"] in existing and existing[r["orgnr"]] != _comparable(r, kind)]
    new = [r for r in rows if r["orgnr"] not in existing]
    objs = [model(**r) for r in new + changed]
    if objs:
        model.objects.bulk_create(
            objs,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["orgnr"],
            update_fields=[f for f in kind.fields if f != "orgnr"] + ["imported_at"],
        )
    return len(new), len(changed), len(rows) - len(new) - len(changed)


def _compared(kind: Kind) -> list[str]:
    """The fields whose change makes an update (the source time alone does not)."""
    return [f for f in kind.fields if f not in ("orgnr", "source_updated_at")]


def _comparable(row: dict, kind: Kind) -> dict:
    return {f: row[f] for f in _compared(kind)}


def upsert_rows(kind: Kind, rows: list[dict]) -> tuple[int, int, int]:
    """Insert or update rows by orgnr in one transaction: (created, updated, unchanged)."""
    if not rows:
        return 0, 0, 0
    # The same number twice in one batch: the last one wins (ON CONFLICT can't touch a row twice).
    rows = list({r["orgnr"]: r for r in rows}.values())
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with dbguard.unbounded():  # a batch job, not a request: no statement timeout
                return _upsert_postgresql(kind, rows)
        return _upsert_generic(kind, rows)


def statistics_refresh(*, kind: Kind) -> None:
    """After a bulk import, give PostgreSQL's planner statistics of the new rows (ANALYZE).
    Without them a freshly loaded register of a million units is planned as an empty table
    until autovacuum gets to it, and autovacuum may be off or behind (it was off on the
    benchmark machine). Sampling, so about a second for a million rows."""
    if connection.vendor != "postgresql":
        return
    with dbguard.unbounded(), connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(kind.model._meta.db_table)}")


# ------------------------------------------------------------------ streaming the bulk file
def _ijson():
    import ijson

    try:
        return ijson.get_backend("yajl2_c")
    except ImportError:  # pragma: no cover - the C backend is in the wheel
        return ijson


class _CountingReader(io.RawIOBase):
    """Wraps the compressed file to tell how far the reading has come (for the progress bar)."""

    def __init__(self, raw):
        self.raw = raw
        self.position = 0

    def readable(self):
        return True

    def readinto(self, b):
        n = self.raw.readinto(b)
        self.position += n or 0
        return n


def stream_units(path: str, *, on_position: Callable[[int], None] | None = None) -> Iterator[dict]:
    """Yield the objects of a gzip-compressed JSON array one by one (constant memory)."""
    with open(path, "rb") as raw_file:
        counter = _CountingReader(raw_file)
        buffered = io.BufferedReader(counter, buffer_size=1 << 20)
        magic = raw_file.peek(2)[:2] if hasattr(raw_file, "peek") else b""
        source = gzip.GzipFile(fileobj=buffered) if magic == b"\x1f\x8b" or path.endswith(".gz") else buffered
        for obj in _ijson().items(source, "item", use_float=True):
            if on_position is not None:
                on_position(counter.position)
            yield obj


def import_units(
    objects: Iterable[dict],
    *,
    kind: Kind = ENHETER,
    batch_size: int = 10_000,
    updated_at: datetime.datetime | None = None,
    progress: Callable[[Summary], None] | None = None,
) -> Summary:
    """Map and upsert register objects in batches. Each batch commits on its own, so an
    interrupted import keeps what it did and a re-run is safe (upsert by orgnr)."""
    from .reference import reference_data

    started = time.monotonic()
    ref = reference_data()
    sn2025 = ref.names.get("SN2025", {})
    sn2007_only = {c for c in ref.names.get("SN2007", {}) if c not in sn2025} or None
    summary = Summary()
    batch: list[dict] = []
    for obj in objects:
        summary.read += 1
        try:
            batch.append(kind.to_row(obj, updated_at=updated_at, sn2007_codes=sn2007_only))
        except Rejected as exc:
            summary.reject(obj, str(exc))
        if len(batch) >= batch_size:
            summary.add(upsert_rows(kind, batch))
            batch = []
            if progress:
                summary.seconds = time.monotonic() - started
                progress(summary)
    summary.add(upsert_rows(kind, batch))
    summary.seconds = time.monotonic() - started
    if progress:
        progress(summary)
    return summary


def import_file(
    path: str,
    *,
    kind: Kind = ENHETER,
    batch_size: int = 10_000,
    progress: Callable[[Summary, float], None] | None = None,
) -> Summary:
    """Import a bulk file (`/enheter/lastned` or `/underenheter/lastned`) and remember when."""
    size = max(os.path.getsize(path), 1)
    position = [0]
    produced_at = datetime.datetime.fromtimestamp(os.path.getmtime(path), tz=datetime.UTC)
    summary = import_units(
        stream_units(path, on_position=lambda p: position.__setitem__(0, p)),
        kind=kind,
        batch_size=batch_size,
        updated_at=produced_at,
        progress=(lambda s: progress(s, min(position[0] / size, 1.0))) if progress else None,
    )
    statistics_refresh(kind=kind)
    RegisterSyncState.objects.update_or_create(feed=kind.name, defaults={"bulk_imported_at": produced_at})
    return summary
