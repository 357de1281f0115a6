"""Authentication backends."""

from django.contrib.auth.backends import ModelBackend


class OIDCBackend(ModelBackend):
    """Sessions of people who logged in through ID-porten or Entra ID (accounts/views_login.py
    calls login() with this backend after checking the ID token). It authenticates nothing by
    itself: no password ever works through it. In production it is the only backend, so the
    local password login is off there."""

    def authenticate(self, request, **credentials):
        return None
