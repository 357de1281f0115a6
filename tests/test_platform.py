"""Health check, API schema, audit trail, language switch, demo data."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["database"] == "ok"
    assert data["broker"] in ("ok", "eager")


def test_openapi_schema_is_served(client):
    response = client.get("/api/v1/schema", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert b"BHT-portalen API" in response.content


def test_audit_trail_records_who_changed_what(client, case_handler, provider):
    from providers.models import Provider

    client.force_login(case_handler)
    # A change made in a request is attributed to the signed-in user by the middleware.
    from simple_history.utils import update_change_reason  # noqa: F401

    provider.name = "Renamed BHT AS"
    provider._history_user = case_handler
    provider.save()
    history = Provider.history.filter(id=provider.id).order_by("history_date")
    assert history.count() == 2
    latest = history.last()
    assert latest.history_user == case_handler
    delta = latest.diff_against(history.first())
    assert [c.field for c in delta.changes] == ["name"]


def test_language_switch_to_english_and_back(client):
    response = client.get("/")
    assert 'lang="nb"' in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert 'lang="en"' in body
    assert "Approved providers" in body


def test_seed_demo_is_idempotent_and_prints_logins(capsys):
    from accounts.models import User

    call_command("seed_demo")
    first = capsys.readouterr().out
    counts = {m.__name__: m.objects.count() for m in _domain_models()}
    call_command("seed_demo")
    assert {m.__name__: m.objects.count() for m in _domain_models()} == counts
    for email in (
        "admin@demo.no",
        "saksbehandler@demo.no",
        "inspektor@demo.no",
        "bht-a@demo.no",
        "bht-b@demo.no",
        "virksomhet@demo.no",
    ):
        assert email in first
        assert User.objects.get(email=email).check_password("bht-demo-2026")
    a, b = User.objects.get(email="bht-a@demo.no"), User.objects.get(email="bht-b@demo.no")
    assert a.provider_id and b.provider_id and a.provider_id != b.provider_id


def _domain_models():
    from django.apps import apps

    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in ("accounts", "approvals", "enterprises", "inspections", "lifecycle")
        and not m.__name__.startswith("Historical")
    ]


def test_norwegian_by_default_whatever_the_browser_asks(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="nb"' in body
    assert "Godkjente BHT-er" in body


def test_openapi_schema_is_valid_and_complete(tmp_path):
    """Every API field resolves to a type (no drf-spectacular warnings) and the schema validates;
    the public paths are exactly as specified (no trailing slash)."""
    import yaml

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    paths = yaml.safe_load(out.read_text())["paths"]
    for path in ("/api/v1/obligation", "/api/v1/approvals/rule-check", "/api/v1/providers"):
        assert path in paths


def test_english_pages_use_norwegian_date_order():
    import datetime

    from django.utils import formats, translation

    with translation.override("en"):
        assert formats.date_format(datetime.date(2026, 11, 26), "SHORT_DATE_FORMAT") == "26.11.2026"
