"""Writes of the enterprises app. Reference data: `reference.reference_data_load`; the
register copy: `national_register.import_file` / `sync.register_sync`."""

from __future__ import annotations

import datetime

from django.db import transaction

from .models import Dispensation, DispensationScope, Enterprise


@transaction.atomic
def dispensation_create(
    *,
    enterprise: Enterprise,
    scope: str,
    valid_from: datetime.date,
    reason: str,
    decided_by,
    part: str = "",
    valid_until: datetime.date | None = None,
) -> Dispensation:
    """Record a dispensation (whole or for a part of the enterprise) from the duty to be
    connected to an approved BHT. It shows in the obligation answer from `valid_from`."""
    if scope == DispensationScope.WHOLE:
        part = ""
    dispensation = Dispensation(
        enterprise=enterprise,
        scope=scope,
        part=part.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        reason=reason.strip(),
        decided_by=decided_by,
    )
    dispensation.full_clean()
    dispensation.save()
    return dispensation


@transaction.atomic
def dispensation_change(
    *,
    dispensation: Dispensation,
    scope: str,
    part: str,
    valid_until: datetime.date | None,
    reason: str,
) -> Dispensation:
    """Change a dispensation's scope or end date (after a new decision)."""
    dispensation = Dispensation.objects.select_for_update().get(pk=dispensation.pk)
    dispensation.scope = scope
    dispensation.part = "" if scope == DispensationScope.WHOLE else part.strip()
    dispensation.valid_until = valid_until
    dispensation.reason = reason.strip()
    dispensation.full_clean()
    dispensation.save()
    return dispensation


@transaction.atomic
def dispensation_end(*, dispensation: Dispensation, on: datetime.date, reason: str) -> Dispensation:
    """End a dispensation on `on` (after a new decision); never before it began."""
    dispensation = Dispensation.objects.select_for_update().get(pk=dispensation.pk)
    dispensation.valid_until = max(on, dispensation.valid_from)
    dispensation.reason = reason.strip()
    dispensation.full_clean()
    dispensation.save()
    return dispensation
