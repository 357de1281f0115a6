"""Reference data: loading the files in `enterprises/data/` into the database (idempotent),
and a per-process snapshot of it as plain data for the pure rule (`obligation.py`).

The snapshot is cached in memory (it is small: ~3,600 codes, 108 entries) and refreshed when
the reference data changes (a cheap fingerprint is compared at most every few seconds), so
an obligation answer for a code needs no database query at all.
"""

from __future__ import annotations

import csv
import datetime
import threading
import time
from pathlib import Path

from django.db import transaction

from . import obligation
from .models import CodeCorrespondence, IndustryCode, Municipality, ObligationList, ObligationListEntry

DATA_DIR = Path(__file__).resolve().parent / "data"
CLASSIFICATIONS = {"SN2025": "sn2025.csv", "SN2007": "sn2007.csv"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _sync_table(
    model, key_fields: tuple[str, ...], desired: dict[tuple, dict], *, base_qs=None, fixed: dict | None = None
) -> dict[str, int]:
    """Make the rows of `model` (within `base_qs`) equal `desired` (key → field values):
    create what is missing, update what differs, delete what is gone. Bulk queries only."""
    qs = base_qs if base_qs is not None else model.objects.all()
    value_fields = sorted({f for values in desired.values() for f in values})
    existing = {tuple(getattr(o, f) for f in key_fields): o for o in qs.only("pk", *key_fields, *value_fields)}
    to_create, to_update = [], []
    for key, values in desired.items():
        obj = existing.get(key)
        if obj is None:
            to_create.append(model(**(fixed or {}), **dict(zip(key_fields, key, strict=True)), **values))
        elif any(getattr(obj, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(obj, f, v)
            to_update.append(obj)
    gone = [o.pk for k, o in existing.items() if k not in desired]
    if to_create:
        model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, value_fields, batch_size=500)
    if gone:
        model.objects.filter(pk__in=gone).delete()
    return {"created": len(to_create), "updated": len(to_update), "deleted": len(gone)}


@transaction.atomic
def reference_data_load(*, data_dir: Path | None = None) -> dict[str, dict[str, int]]:
    """Load classifications, correspondence, municipalities and every version of the § 13-1
    list from `data_dir`. Running it twice changes nothing. Returns counts per table."""
    data_dir = Path(data_dir or DATA_DIR)
    report: dict[str, dict[str, int]] = {}

    desired = {}
    for standard, filename in CLASSIFICATIONS.items():
        for row in _rows(data_dir / filename):
            desired[(standard, row["code"])] = {
                "level": row["level"],
                "name": row["name"],
                "short_name": row.get("short_name", ""),
            }
    report["industry codes"] = _sync_table(IndustryCode, ("standard", "code"), desired)

    desired = {(r["sn2007_code"], r["sn2025_code"]): {} for r in _rows(data_dir / "sn2007_to_sn2025.csv")}
    report["correspondence"] = _sync_table(CodeCorrespondence, ("sn2007_code", "sn2025_code"), desired)

    desired = {
        (r["municipality_number"],): {
            "name": r["municipality_name"],
            "county_number": r["county_number"],
            "county_name": r["county_name"],
        }
        for r in _rows(data_dir / "municipalities_2024.csv")
    }
    report["municipalities"] = _sync_table(Municipality, ("number",), desired)

    versions = _rows(data_dir / "obligation_lists.csv")
    desired = {
        (datetime.date.fromisoformat(v["valid_from"]),): {"reference": v["reference"], "title": v["title"]}
        for v in versions
    }
    report["list versions"] = _sync_table(ObligationList, ("valid_from",), desired)
    entry_counts = {"created": 0, "updated": 0, "deleted": 0}
    for v in versions:
        olist = ObligationList.objects.get(valid_from=datetime.date.fromisoformat(v["valid_from"]))
        desired = {
            (r["entry_code"],): {"division": r["division"], "name": r["entry_name"], "condition": r["condition"]}
            for r in _rows(data_dir / v["entries_file"])
        }
        counts = _sync_table(
            ObligationListEntry,
            ("code",),
            desired,
            base_qs=ObligationListEntry.objects.filter(obligation_list=olist),
            fixed={"obligation_list": olist},
        )
        for k, n in counts.items():
            entry_counts[k] += n
    report["list entries"] = entry_counts
    invalidate()
    transaction.on_commit(invalidate)
    return report


# ------------------------------------------------------------------ in-memory snapshot
_lock = threading.Lock()
_snapshot: obligation.ReferenceData | None = None
_fingerprint: tuple | None = None
_checked_at = 0.0
CHECK_EVERY_SECONDS = 5.0


def invalidate() -> None:
    global _snapshot, _fingerprint, _checked_at
    with _lock:
        _snapshot, _fingerprint, _checked_at = None, None, 0.0


def _current_fingerprint() -> tuple:
    from django.db.models import Count, Max

    lists = ObligationList.objects.aggregate(n=Count("id"), m=Max("id"))
    entries = ObligationListEntry.objects.aggregate(n=Count("id"), m=Max("id"))
    codes = IndustryCode.objects.aggregate(n=Count("id"), m=Max("id"))
    return (lists["n"], lists["m"], entries["n"], entries["m"], codes["n"], codes["m"])


def build_snapshot() -> obligation.ReferenceData:
    """Read the reference tables into plain data (5 queries)."""
    entries: dict[int, list[obligation.Entry]] = {}
    for e in ObligationListEntry.objects.order_by("code").values_list(
        "obligation_list_id", "code", "name", "condition", "division"
    ):
        entries.setdefault(e[0], []).append(obligation.Entry(code=e[1], name=e[2], condition=e[3], division=e[4]))
    versions = tuple(
        obligation.ListVersion(valid_from=vf, reference=ref, title=title, entries=tuple(entries.get(pk, ())))
        for pk, vf, ref, title in ObligationList.objects.values_list("id", "valid_from", "reference", "title")
    )
    names: dict[str, dict[str, str]] = {"SN2025": {}, "SN2007": {}}
    for standard, code, name in IndustryCode.objects.values_list("standard", "code", "name"):
        names.setdefault(standard, {})[code] = name
    successors: dict[str, list[str]] = {}
    for old, new in CodeCorrespondence.objects.order_by("sn2007_code", "sn2025_code").values_list(
        "sn2007_code", "sn2025_code"
    ):
        successors.setdefault(old, []).append(new)
    municipalities = {
        number: (name, county, county_name)
        for number, name, county, county_name in Municipality.objects.values_list(
            "number", "name", "county_number", "county_name"
        )
    }
    return obligation.ReferenceData(
        versions=versions,
        names=names,
        successors={k: tuple(v) for k, v in successors.items()},
        municipalities=municipalities,
    )


def reference_data() -> obligation.ReferenceData:
    """The cached snapshot; rebuilt when the tables changed (checked every few seconds)."""
    global _snapshot, _fingerprint, _checked_at
    now = time.monotonic()
    snap = _snapshot
    if snap is not None and now - _checked_at < CHECK_EVERY_SECONDS:
        return snap
    fingerprint = _current_fingerprint()
    with _lock:
        if _snapshot is None or fingerprint != _fingerprint:
            _snapshot = build_snapshot()
            _fingerprint = fingerprint
        _checked_at = now
        return _snapshot
