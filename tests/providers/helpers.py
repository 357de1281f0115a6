"""Units in the register copy for client-list tests (made directly: the register import is
tested in tests/enterprises)."""

from __future__ import annotations

import datetime

from enterprises.models import Enterprise, SubUnit
from tests.factories import valid_orgnr


def unit(n: int, *, name: str | None = None, employees: int | None = 12, **fields) -> Enterprise:
    fields.setdefault("nace1", "86.210")
    fields.setdefault("municipality_number", "0301")
    fields.setdefault("municipality_name", "OSLO")
    fields.setdefault("has_registered_employees", True)  # employees None: 1–4, not given by the register
    return Enterprise.objects.create(
        orgnr=valid_orgnr(5000 + n),
        name=name or f"KLIENT {n} AS",
        employees=employees,
        **fields,
    )


def subunit(parent: Enterprise, n: int, **fields) -> SubUnit:
    fields.setdefault("nace1", parent.nace1)
    return SubUnit.objects.create(orgnr=valid_orgnr(7000 + n), parent=parent, name=f"{parent.name} AVD {n}", **fields)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)
