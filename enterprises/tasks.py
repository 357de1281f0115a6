"""Celery tasks of the enterprises app: keep the register copy current."""

from __future__ import annotations

import dataclasses
import logging

from celery import shared_task

from .sync import KINDS, NoStartingPoint, RegisterUnavailable, register_sync

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(RegisterUnavailable,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=5,
)
def register_sync_task(self, kind: str = "enheter") -> dict:
    """Follow the register's change feed (idempotent: continues from the saved update id).
    Retried with backoff while the register is unreachable."""
    try:
        summary = register_sync(kind=KINDS[kind])
    except NoStartingPoint as exc:
        logger.warning("register sync skipped: %s", exc)
        return {"skipped": str(exc)}
    logger.info("register sync %s: %s", kind, summary)
    return dataclasses.asdict(summary)
