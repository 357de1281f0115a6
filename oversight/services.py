"""Writes owned by oversight: the refresh of the targeting candidates (one INSERT ... SELECT in
the database over the register copy; never a Python loop over units)."""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.db.models import BooleanField, Case, DateField, DateTimeField, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from core import dbguard
from enterprises.models import Enterprise

from . import targeting
from .models import TargetingCandidate

COLUMNS = (
    "orgnr", "name", "nace1", "nace2", "nace3", "employees", "employees_sort", "municipality_number",
    "municipality_name", "depends", "list_valid_from", "refreshed_at",
)  # fmt: skip


def targeting_candidates_refresh(*, day: datetime.date | None = None) -> dict:
    """Replace the candidates by the enterprises obliged (or depends) by the list in force on
    `day`, with employees, not bankrupt, not deleted. Raises obligation.NoListInForce."""
    day = day or timezone.localdate()
    covered = targeting.covered_codes(day)
    now = timezone.now()
    source = (
        Enterprise.objects.filter(deleted_on__isnull=True, bankrupt=False)
        .filter(targeting.has_employees_q())
        .filter(targeting.obliged_q(covered))
        .annotate(
            c_depends=Case(When(targeting.obliged_q(covered, strict=True), then=Value(False)), default=Value(True),
                           output_field=BooleanField()),
            c_sort=Coalesce("employees", Value(1)),
            c_list=Value(covered.version.valid_from, output_field=DateField()),
            c_now=Value(now, output_field=DateTimeField()),
        )
        .values_list(
            "orgnr", "name", "nace1", "nace2", "nace3", "employees", "c_sort", "municipality_number",
            "municipality_name", "c_depends", "c_list", "c_now",
        )
    )  # fmt: skip
    sql, params = source.query.sql_with_params()
    table = TargetingCandidate._meta.db_table
    with transaction.atomic(), dbguard.unbounded():  # a batch job over the register, not a request
        TargetingCandidate.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({', '.join(COLUMNS)}) {sql}", params)
            count = cursor.rowcount
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {table}")
    return {"candidates": count, "list": covered.version.valid_from.isoformat()}
