"""Limits on logins and password resets (issue 14, hole 4).

- `client_ip`: the client's address for login lockouts and reset-mail caps, counted as Django
  REST framework's throttles count it: X-Forwarded-For is trusted only for the configured number
  of proxies (REST_FRAMEWORK NUM_PROXIES; 0 by default: REMOTE_ADDR).
- django-axes locks a (login name, address) pair after AXES_FAILURE_LIMIT failures;
  `login_username` and `locked_out` are its callables.
- `reset_mail_allowed`: at most PASSWORD_RESET_MAILS_PER_ADDRESS mails per address and
  PASSWORD_RESET_MAILS_PER_IP per client address an hour. Counted whether or not the address
  has an account, and the page answers the same either way.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

RESET_WINDOW_SECONDS = 3600


def client_ip(request) -> str:
    """As Django REST framework's throttles count clients: REMOTE_ADDR, or with NUM_PROXIES=n
    the n-th address from the right of X-Forwarded-For (the one our own proxy added)."""
    num_proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    remote = request.META.get("REMOTE_ADDR") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if num_proxies <= 0 or not forwarded:
        return remote
    addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
    return addresses[-min(num_proxies, len(addresses))] if addresses else remote


def login_username(request, credentials=None) -> str:
    """The login name axes counts failures for: the e-mail, case-insensitively (`Kari@X.no`
    and `kari@x.no` are one account, so case cannot multiply the attempts)."""
    value = (credentials or {}).get("username") or request.POST.get("username") or ""
    return value.strip().lower()


def locked_out(request, credentials=None, *args, **kwargs):
    """The page a locked-out login gets (429): what happened, for how long, what to do."""
    from django.shortcuts import render

    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(
        request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=settings.AXES_HTTP_RESPONSE_CODE
    )


def _count(key: str) -> int:
    """Add one to a counter that lives RESET_WINDOW_SECONDS from its first use."""
    if cache.add(key, 1, RESET_WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, RESET_WINDOW_SECONDS)
        return 1


def reset_mail_allowed(*, email: str, ip: str) -> bool:
    """Count one reset request for the address and the client; False past either cap."""
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    per_address = _count(f"pwreset:addr:{address}")
    per_ip = _count(f"pwreset:ip:{ip}")
    return per_address <= settings.PASSWORD_RESET_MAILS_PER_ADDRESS and per_ip <= settings.PASSWORD_RESET_MAILS_PER_IP
