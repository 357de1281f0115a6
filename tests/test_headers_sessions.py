"""Issue 14, hole 8: Content-Security-Policy without inline script, Permissions-Policy, staff
sessions that end (idle 30 min, a working day at most), downloads with safe names as
attachments."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from approvals.documents import minimal_pdf
from core.files import safe_download_name
from tests.approvals.factories import ApplicationFactory
from tests.html_checks import inline_code

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in header.split(";")) if d}


@pytest.mark.parametrize("path", ["/", "/konto/login/", "/godkjente-bht/", "/api/v1/ping"])
def test_csp_forbids_inline_script_and_eval(client, path):
    response = client.get(path)
    csp = _directives(response["Content-Security-Policy"])
    script = csp.get("script-src") or csp["default-src"]
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert "'self'" in script
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in (csp.get("style-src") or [])


def test_permissions_policy_switches_off_unused_features(client):
    policy = client.get("/")["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_the_application_form_has_no_inline_script(provider_client, provider_user):
    """The form page after "Add a person" used an inline script to move the focus."""
    draft = ApplicationFactory(provider=provider_user.provider)
    from tests.approvals.test_provider_views import ROSTER, form_data

    response = provider_client.post(
        reverse("approvals:application_edit", args=[draft.pk]), {**form_data(draft, ROSTER), "add_staff": "1"}
    )
    html = response.content.decode()
    assert 'data-focus-last-row=".staff-row"' in html
    assert "js/focus-last-row.js" in html
    assert not inline_code(html)


# ---------------------------------------------------------------- staff sessions
START = reverse("start")


def _signed_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("role_fixture", ["case_handler", "inspector", "admin_user"])
def test_staff_session_ends_after_30_idle_minutes(request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    with time_machine.travel("2026-12-02 08:00 +0100", tick=False) as clock:
        c = _signed_in(user)
        assert c.get(START).status_code == 200
        clock.shift(datetime.timedelta(minutes=29))
        assert c.get(START).status_code == 200  # activity: the idle clock starts again
        clock.shift(datetime.timedelta(minutes=29))
        assert c.get(START).status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = c.get(START)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
        page = c.get(response["Location"])
        assert "logget ut" in page.content.decode()
        assert c.get(START).status_code == 302  # really logged out


def test_staff_session_ends_after_a_working_day_even_when_active(case_handler):
    with time_machine.travel("2026-12-02 08:00 +0100", tick=False) as clock:
        c = _signed_in(case_handler)
        for _ in range(10 * 60 // 20):
            assert c.get(START).status_code == 200
            clock.shift(datetime.timedelta(minutes=20))
        response = c.get(START)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_staff_session_itself_ends_with_the_working_day(case_handler, settings):
    c = _signed_in(case_handler)
    c.get(START)
    assert c.session.get_expiry_age() == settings.STAFF_SESSION_MAX_SECONDS


def test_provider_session_has_no_staff_idle_limit(provider_user):
    with time_machine.travel("2026-12-02 08:00 +0100", tick=False) as clock:
        c = _signed_in(provider_user)
        assert c.get(START).status_code == 200
        clock.shift(datetime.timedelta(hours=3))
        assert c.get(START).status_code == 200


# ---------------------------------------------------------------- downloads
@pytest.mark.parametrize(
    "uploaded, expected",
    [
        ("report.exe", "report.pdf"),
        ("a.pdf.exe", "a_pdf.pdf"),
        ("..\\..\\windows\\x.bat", "x.pdf"),
        ('x"; filename="evil.exe', "x_ filename=_evil.pdf"),
        ("Håndbok for kvalitet.pdf", "Håndbok for kvalitet.pdf"),
    ],
)
def test_safe_download_name(uploaded, expected):
    assert safe_download_name(uploaded) == expected


def test_uploaded_exe_name_comes_back_as_a_pdf_attachment(provider_client, provider_user):
    draft = ApplicationFactory(provider=provider_user.provider)
    response = provider_client.post(
        reverse("approvals:application_documents", args=[draft.pk]),
        {"kind": "quality_system", "file": SimpleUploadedFile("report.exe", minimal_pdf(), "application/x-msdownload")},
    )
    assert response.status_code == 302
    doc = draft.documents.get()
    download = provider_client.get(reverse("approvals:document_download", args=[doc.pk]))
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="report.pdf"' in disposition
    assert ".exe" not in disposition
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
