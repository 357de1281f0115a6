"""The local password login and the demo's one-click logins exist only outside production;
production refuses to start without the two identity providers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "bht_portal.settings_production",
    "SECRET_KEY": "test-" + "x" * 60,
    "ALLOWED_HOSTS": "bht.example.no",
    "IDPORTEN_METADATA_URL": "https://test.ansattporten.no/.well-known/openid-configuration",
    "IDPORTEN_CLIENT_ID": "c",
    "IDPORTEN_CLIENT_SECRET": "s",
    "ENTRA_METADATA_URL": "https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration",
    "ENTRA_CLIENT_ID": "c",
    "ENTRA_CLIENT_SECRET": "s",
    "ENTRA_GROUPS_CASE_HANDLER": "g1",
    "ENTRA_GROUPS_INSPECTOR": "g2",
    "ENTRA_GROUPS_OPERATOR": "g3",
}
PRINT = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.PASSWORD_LOGIN, settings.DEMO_LOGIN, settings.AUTHENTICATION_BACKENDS)"
)


def _production(**changes):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IDPORTEN_", "ENTRA_", "DATABASE_URL"))}
    env.update(PRODUCTION_ENV)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run([sys.executable, "-c", PRINT], cwd=ROOT, env=env, capture_output=True, text=True)


def test_production_has_no_password_or_demo_login():
    result = _production()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False False ['accounts.backends.OIDCBackend']"


@pytest.mark.parametrize(
    "missing", ["IDPORTEN_METADATA_URL", "IDPORTEN_CLIENT_SECRET", "ENTRA_CLIENT_ID", "ENTRA_GROUPS_CASE_HANDLER"]
)
def test_production_refuses_to_start_without_the_providers(missing):
    result = _production(**{missing: None})
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_a_metadata_address_without_https():
    result = _production(ENTRA_METADATA_URL="http://login.example/.well-known/openid-configuration")
    assert result.returncode != 0 and "https" in result.stderr


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open(os.devnull, "w"))


def test_demo_buttons_log_in_with_one_click_under_debug(demo, settings):
    settings.DEBUG = True
    client = Client()
    page = client.get("/konto/login/").content.decode()
    handler = User.objects.get(email="saksbehandler@demo.no")
    assert f'name="user" value="{handler.pk}"' in page and "Demo" in page
    response = client.post("/konto/demo/", {"user": handler.pk})
    assert response.status_code == 302
    assert client.get("/saker/").status_code == 200


def test_demo_login_is_refused_when_debug_is_off(demo, settings):
    settings.DEBUG = False
    client = Client()
    handler = User.objects.get(email="saksbehandler@demo.no")
    assert f'value="{handler.pk}"' not in client.get("/konto/login/").content.decode()
    assert client.post("/konto/demo/", {"user": handler.pk}).status_code == 404
    assert client.get("/saker/").status_code == 302


def test_demo_login_only_for_demo_users(demo, settings, case_handler):
    settings.DEBUG = True
    assert Client().post("/konto/demo/", {"user": case_handler.pk}).status_code == 404


def test_password_login_off(demo, settings, password):
    settings.PASSWORD_LOGIN = False
    client = Client()
    assert 'name="password"' not in client.get("/konto/login/").content.decode()
    response = client.post("/konto/login/", {"username": "saksbehandler@demo.no", "password": "bht-demo-2026"})
    assert response.status_code == 403
    assert client.get("/saker/").status_code == 302
    assert client.post("/konto/password/reset/", {"email": "saksbehandler@demo.no"}).status_code == 403
