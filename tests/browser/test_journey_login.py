"""Browser journey: anonymous home page -> log in as the case handler -> start page."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_handler_logs_in_and_sees_start_page(page, login, axe_check):
    call_command("seed_demo")
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bedriftshelsetjeneste")
    axe_check("home page")

    page.get_by_role("link", name="Logg inn").first.click()
    axe_check("login page")
    login("saksbehandler@demo.no", "bht-demo-2026")
    assert page.url.endswith("/konto/start/")
    assert "Saksbehandler" in page.get_by_role("heading", level=1).inner_text()
    axe_check("case handler start page")


def test_wrong_password_shows_error_and_keeps_email(page, login):
    call_command("seed_demo")
    login("saksbehandler@demo.no", "wrong-password")
    assert "/konto/login/" in page.url
    assert page.get_by_label("E-post").input_value() == "saksbehandler@demo.no"
    assert page.locator(".alert-danger, .invalid-feedback, .errorlist").count() >= 1


def test_skip_link_moves_focus_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
