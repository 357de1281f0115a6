"""GET /healthz: which dependency is down, answered within a few seconds whatever their state.

200 while the database answers (Redis and the broker down only degrade the portal: caches and
throttles fail open, enqueued work waits in the outbox), 503 when it does not. Every check has
its own bound: connecting to PostgreSQL DB_CONNECT_TIMEOUT, the query 2 s (dbguard), Redis and
the broker 1-2 s, so a frozen dependency cannot hang the probe.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

from accounts.access import PUBLIC, access
from core import dbguard
from enterprises import register_copy

CHECK_SECONDS = 2.0


def _error(exc: BaseException) -> str:
    return f"error: {exc.__class__.__name__}"


def check_database() -> str:
    try:
        with dbguard.at_most(CHECK_SECONDS), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - report, don't crash the probe
        connection.close_if_unusable_or_obsolete()
        return _error(exc)
    return "ok"


def check_cache() -> str:
    if not getattr(settings, "REDIS_URL", ""):
        return "local"
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1, retry_on_timeout=False
        )
        client.ping()
        client.close()
    except Exception as exc:  # noqa: BLE001
        return _error(exc)
    return "ok"


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from bht_portal.celery import app as celery_app

    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=CHECK_SECONDS)
    except Exception as exc:  # noqa: BLE001
        return _error(exc)
    return "ok"


@access(PUBLIC)
def healthz(request):
    started = time.monotonic()
    state = {"database": check_database(), "cache": check_cache(), "broker": check_broker()}
    down = [name for name, value in state.items() if value.startswith("error")]
    state["status"] = "ok" if not down else "degraded"
    state["down"] = down
    state["register_copy"] = register_copy.status()
    state["seconds"] = round(time.monotonic() - started, 3)
    return JsonResponse(state, status=503 if state["database"] != "ok" else 200)
