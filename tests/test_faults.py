"""Faults an operator meets (issue 14, faults 9-12), each against a real dependency that is
really away: a closed port (stopped) or a port that accepts and never answers (frozen).

- Redis down: the API's throttles and caches fail open, the pages answer as usual.
- Database down: 503 with a clear page (JSON under /api/), /healthz says so within seconds,
  and the next request after it is back answers as usual (no restart).
- Broker down: "Run now" is kept as a queued job and sent by the sweep; the operator is told.
- Malformed requests: 400 (JSON under /api/), no traceback in the log.

The longer versions (PostgreSQL stopped and frozen under load, Redis stopped mid-decision and
mid-reminder, the broker stopped during "Run now", under gunicorn and a Celery worker) are
bench/faults/run.py, run by .ci/run.
"""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.urls import reverse

from tests.approvals.test_rule_check_api import APPROVABLE

ROOT = Path(__file__).resolve().parent.parent


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed: connection refused


@pytest.fixture
def silent_port():
    """A port that accepts connections (the kernel's backlog) and never answers: a frozen server."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    yield s.getsockname()[1]
    s.close()


def _tracebacks(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info and r.levelno >= logging.WARNING]


# ---------------------------------------------------------------- 9. Redis down
@pytest.fixture(params=["stopped", "frozen"])
def redis_away(request, settings, silent_port):
    port = _closed_port() if request.param == "stopped" else silent_port
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    from bht_portal.cache import redis_caches

    settings.CACHES = redis_caches(settings.REDIS_URL)
    from bht_portal import cache

    cache._State.down = False  # a new outage
    yield request.param
    caches["default"].close()


@pytest.mark.django_db
def test_redis_down_the_api_and_rule_check_answer_as_usual(client, redis_away, caplog):
    caplog.set_level(logging.INFO)
    started = time.monotonic()
    response = client.get("/api/v1/providers")
    assert response.status_code == 200, response.content[:300]
    assert "results" in response.json() or isinstance(response.json(), (list, dict))
    response = client.post("/api/v1/approvals/rule-check", APPROVABLE, content_type="application/json")
    assert response.status_code == 200, response.content[:300]
    assert response.json()["approvable"] is True
    assert client.get(reverse("approvals:register")).status_code == 200
    # bounded: at most a socket timeout or two per request, not a hang
    assert time.monotonic() - started < 8
    outage = [r for r in caplog.records if r.name == "bht_portal.availability" and "Redis" in r.getMessage()]
    assert len(outage) == 1, [r.getMessage() for r in outage]  # logged once, not per request
    assert not _tracebacks(caplog)


# ---------------------------------------------------------------- 10. database down
needs_postgresql = pytest.mark.skipif(
    "postgresql" not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="the connection and statement timeouts are PostgreSQL's",
)


class _DatabaseAt:
    """Point the default connection at another port (closing it first) and back again."""

    def __init__(self):
        self.saved = dict(connection.settings_dict)

    def away(self, port: int, connect_timeout: int = 1) -> None:
        connection.close()
        connection.settings_dict.update(
            HOST="127.0.0.1",
            PORT=str(port),
            OPTIONS={**self.saved["OPTIONS"], "connect_timeout": connect_timeout},
        )

    def back(self) -> None:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(self.saved)


@pytest.fixture
def database():
    from bht_portal.middleware import database_outage

    database_outage.down = False  # a new outage
    db = _DatabaseAt()
    yield db
    db.back()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["stopped", "frozen"])
def test_database_away_gives_503_and_recovers_by_itself(client, database, silent_port, how, caplog):
    assert client.get("/").status_code == 200
    database.away(_closed_port() if how == "stopped" else silent_port)
    for _ in range(3):
        started = time.monotonic()
        page = client.get(reverse("approvals:register"))
        assert page.status_code == 503
        assert time.monotonic() - started < 5  # the connect timeout (1 s here), not a hang
        assert "cannot reach its database" in page.content.decode() or "database" in page.content.decode()
        assert page["Retry-After"]
        api = client.get("/api/v1/providers")
        assert api.status_code == 503
        assert "application/json" in api["Content-Type"] and api.json()["detail"]
    started = time.monotonic()
    health = client.get("/healthz")
    assert health.status_code == 503 and time.monotonic() - started < 5
    assert health.json()["database"].startswith("error") and "database" in health.json()["down"]
    outage_logs = [r for r in caplog.records if r.name == "bht_portal.availability" and r.levelno >= logging.ERROR]
    assert len(outage_logs) == 1  # once per outage
    assert not _tracebacks(caplog)

    database.back()  # the database is back: the very next request answers, no restart
    assert client.get(reverse("approvals:register")).status_code == 200
    assert client.get("/api/v1/providers").status_code == 200
    assert client.get("/healthz").json()["database"] == "ok"


@needs_postgresql
@pytest.mark.django_db
def test_statement_timeout_and_client_deadline_are_set():
    from django.conf import settings

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        shown = cursor.fetchone()[0]
    assert (
        shown == f"{int(settings.DB_STATEMENT_TIMEOUT * 1000)}ms" or shown == f"{int(settings.DB_STATEMENT_TIMEOUT)}s"
    )
    assert connection.connection.deadline == settings.DB_STATEMENT_TIMEOUT + 1
    assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] >= 1


# ---------------------------------------------------------------- 11. broker down
@pytest.fixture
def broker_away(monkeypatch):
    """The Celery app publishing to a closed port (not eager): the broker is down. Celery reads
    CELERY_BROKER_URL from the environment before its own setting (as CI sets it), so both."""
    from bht_portal.celery import app

    saved = app.conf.broker_url
    closed = f"redis://127.0.0.1:{_closed_port()}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", closed)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    app.conf.task_always_eager = False
    app.conf.broker_url = closed
    app._pool = None
    app.amqp._producer_pool = None
    yield app
    app.conf.broker_url = saved
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.task_always_eager = True


@pytest.mark.django_db
def test_run_now_with_the_broker_down_is_queued_and_sent_when_it_is_back(client, admin_user, broker_away):
    from core import services
    from core.models import JobRun

    client.force_login(admin_user)
    url = reverse("job_run_now", args=["lifecycle-approvals-expire"])
    started = time.monotonic()
    response = client.post(url, follow=True)
    assert time.monotonic() - started < 10
    assert response.status_code == 200
    html = response.content.decode()
    assert "queued" in html.lower() or "køen" in html.lower() or "kø" in html.lower()
    queued = JobRun.objects.filter(status=JobRun.Status.QUEUED)
    assert [q.job for q in queued] == ["approvals.tasks.approvals_expire"]
    assert "approvals.tasks.approvals_expire" in html  # the queued run is listed on the jobs page
    client.post(url)  # pressed again: still one queued request
    assert queued.count() == 1

    assert services.queued_jobs_send() == {"sent": 0, "waiting": 1}  # broker still away: kept

    broker_away.conf.task_always_eager = True  # the broker is back (tasks run in-process here)
    assert services.queued_jobs_send() == {"sent": 1, "waiting": 0}
    assert not JobRun.objects.filter(status=JobRun.Status.QUEUED).exists()
    assert JobRun.objects.filter(job="approvals.tasks.approvals_expire", status=JobRun.Status.SUCCEEDED).count() == 1


def test_every_scheduled_task_resolves_in_a_fresh_web_process():
    """The make-run web process imports no task module by itself: "Run now" must still find
    every task (it was a NotRegistered 500 for all of them)."""
    code = (
        "import django; django.setup()\n"
        "from bht_portal.beat import BEAT_SCHEDULE\n"
        "from core.services import task_by_name\n"
        "print(sorted(task_by_name(e['task']).name for e in BEAT_SCHEDULE.values()))\n"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "bht_portal.settings",
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": "sqlite://:memory:",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    from bht_portal.beat import BEAT_SCHEDULE

    assert json.loads(out.stdout.strip().replace("'", '"')) == sorted(e["task"] for e in BEAT_SCHEDULE.values())


# ---------------------------------------------------------------- 12. malformed requests
@pytest.mark.django_db
def test_json_nested_1000_deep_is_a_400(client, caplog):
    body = "[" * 1000 + "]" * 1000
    response = client.post("/api/v1/approvals/rule-check", body, content_type="application/json")
    assert response.status_code == 400
    assert "application/json" in response["Content-Type"] and response.json()["detail"]
    body = '{"staff": ' + "[" * 5000 + "]" * 5000 + "}"
    assert client.post("/api/v1/approvals/rule-check", body, content_type="application/json").status_code == 400
    assert not _tracebacks(caplog)


@pytest.mark.django_db
@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "x-no-such-charset", "cp1252"])
@pytest.mark.parametrize("path", ["/konto/login/", "/api/v1/approvals/rule-check"])
def test_form_in_another_charset_is_a_400(client, caplog, charset, path):
    response = client.generic(
        "POST",
        path,
        b"username=%E6%F8%E5&password=x",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["detail"]
    else:
        assert "UTF-8" in response.content.decode()
    assert not _tracebacks(caplog)


@pytest.mark.django_db
def test_utf8_form_is_still_read(client):
    response = client.generic(
        "POST",
        "/konto/login/",
        b"username=a&password=b",
        content_type="application/x-www-form-urlencoded; charset=UTF-8",
    )
    assert response.status_code in (200, 403)  # the form (or CSRF), not the charset guard


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/providers?q=a%00b", "/api/v1/obligation?orgnr=%00", "/godkjente-bht/?q=%00"])
def test_nul_in_a_query_is_a_400_without_traceback(client, caplog, path):
    response = client.get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["detail"]
    assert not _tracebacks(caplog)


@needs_postgresql
@pytest.mark.django_db
def test_the_bulk_import_lifts_the_statement_timeout_for_its_batch_only():
    from django.db import transaction

    from core import dbguard

    def shown():
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return cursor.fetchone()[0]

    limited = shown()
    assert limited != "0"
    with transaction.atomic(), dbguard.unbounded():
        assert shown() == "0"
    assert shown() == limited
