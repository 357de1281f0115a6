"""Issue 14, hole 4: failed logins lock a (user, address) pair (django-axes) with a clear page
and an operator's unlock; password-reset mails are capped per address and per client, and the
answer never says whether an address has an account."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
RESET = reverse("accounts:password_reset")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _login(client, email, password):
    return client.post(LOGIN, {"username": email, "password": password})


def _from(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def test_failed_logins_lock_the_user_from_that_address(provider_user, password, settings):
    attacker = _from("198.51.100.7")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(attacker, provider_user.email, "feil-passord").status_code == 200
    assert _login(attacker, provider_user.email, "feil-passord").status_code == 429
    locked = _login(attacker, provider_user.email, password)  # even the right password now
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "For mange mislykkede innlogginger" in body
    assert "15 minutter" in body
    assert "_auth_user_id" not in attacker.session
    # the same user from another address, and another user from this one, still get in
    assert _login(_from("203.0.113.9"), provider_user.email, password).status_code == 302


def test_lockout_counts_the_email_whatever_its_case(provider_user, password, settings):
    attacker = _from("198.51.100.8")
    for i in range(settings.AXES_FAILURE_LIMIT):
        email = provider_user.email.upper() if i % 2 else provider_user.email
        _login(attacker, email, "feil-passord")
    assert _login(attacker, provider_user.email, password).status_code == 429


def test_forwarded_for_does_not_give_a_fresh_address(provider_user, password, settings):
    attacker = _from("198.51.100.9")
    for i in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(LOGIN, {"username": provider_user.email, "password": "x"}, HTTP_X_FORWARDED_FOR=f"10.9.9.{i}")
    response = attacker.post(
        LOGIN, {"username": provider_user.email, "password": password}, HTTP_X_FORWARDED_FOR="10.9.9.99"
    )
    assert response.status_code == 429


def test_operator_unlocks_with_axes_reset_username(provider_user, password, settings):
    attacker = _from("198.51.100.10")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(attacker, provider_user.email, "feil-passord")
    assert _login(attacker, provider_user.email, password).status_code == 429
    call_command("axes_reset_username", provider_user.email.lower(), stdout=_Null())
    assert _login(attacker, provider_user.email, password).status_code == 302


def test_operator_sees_the_lockout_in_the_admin(provider_user, admin_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(_from("198.51.100.11"), provider_user.email, "feil-passord")
    admin = Client()
    admin.force_login(admin_user)
    page = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200
    assert provider_user.email.lower() in page.content.decode()


class _Null:
    def write(self, *args):
        pass

    def flush(self):
        pass


# ---------------------------------------------------------------- password reset
def _reset(client, email):
    return client.post(RESET, {"email": email})


def test_reset_answers_the_same_whether_or_not_the_address_exists(provider_user):
    known, unknown = _reset(_from("192.0.2.1"), provider_user.email), _reset(_from("192.0.2.2"), "ingen@finnes.test")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1
    done_known = _from("192.0.2.1").get(known["Location"]).content.decode()
    done_unknown = _from("192.0.2.2").get(unknown["Location"]).content.decode()
    token = re.compile(r'value="[A-Za-z0-9]{64}"')  # each client's own CSRF token
    assert token.sub("", done_known) == token.sub("", done_unknown)


def test_reset_mails_are_capped_per_address(provider_user, settings):
    for i in range(settings.PASSWORD_RESET_MAILS_PER_ADDRESS + 3):
        response = _reset(_from(f"192.0.2.{10 + i}"), provider_user.email.upper() if i % 2 else provider_user.email)
        assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == settings.PASSWORD_RESET_MAILS_PER_ADDRESS


def test_reset_mails_are_capped_per_client(db, settings):
    from tests.factories import UserFactory

    users = [UserFactory(email=f"bruker{i}@demo.test") for i in range(settings.PASSWORD_RESET_MAILS_PER_IP + 3)]
    client = _from("192.0.2.200")
    for u in users:
        assert _reset(client, u.email).status_code == 302
    assert len(mail.outbox) == settings.PASSWORD_RESET_MAILS_PER_IP
