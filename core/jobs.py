"""Helpers for scheduled jobs that work through due rows (core is the bottom layer: any app
may use them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import models, transaction

M = TypeVar("M", bound=models.Model)


def due_rows_handle(*, queryset: models.QuerySet[M], handle: Callable[[M], None]) -> int:
    """Claim the due rows of `queryset` one at a time, lowest id first, each in its own
    transaction under SELECT ... FOR UPDATE SKIP LOCKED (OF the row's own table), and pass
    each to `handle` inside that transaction. Rows another worker holds are skipped, so
    concurrent runs are safe as long as `handle` makes the row no longer due. Stops when no
    due row is left; returns how many rows were handled. An exception from `handle` rolls
    back that row's transaction and propagates."""
    handled = 0
    while True:
        with transaction.atomic():
            row = queryset.select_for_update(skip_locked=True, of=("self",)).order_by("id").first()
            if row is None:
                return handled
            handle(row)
            handled += 1
