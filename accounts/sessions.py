"""Staff sessions end (issue 14, hole 8): a case handler's, inspector's or administrator's
session ends after STAFF_SESSION_IDLE_SECONDS without a request (30 min) and in any case
STAFF_SESSION_MAX_SECONDS after logging in (a working day). Other users keep Django's
session age. The next request then goes to the login page, which says why."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _

from .models import Role

STAFF_ROLES = frozenset({Role.CASE_HANDLER, Role.INSPECTOR, Role.ADMIN})
_STARTED, _SEEN = "staff_session_started", "staff_session_seen"
_TOUCH_EVERY = 60  # seconds: the session is written at most once a minute for activity


def start_staff_session(sender, request, user, **kwargs) -> None:
    """user_logged_in: a staff session's clocks start at login, in the session that login()
    saves anyway (no write of its own on the next request)."""
    if request is not None and hasattr(request, "session") and is_staff_session(user):
        now = int(time.time())
        request.session[_STARTED] = request.session[_SEEN] = now
        request.session.set_expiry(settings.STAFF_SESSION_MAX_SECONDS)


def is_staff_session(user) -> bool:
    return user.is_authenticated and (user.role in STAFF_ROLES or user.is_staff or user.is_superuser)


class StaffSessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and is_staff_session(user):
            now = int(time.time())
            session = request.session
            started, seen = session.get(_STARTED), session.get(_SEEN)
            idle, maximum = settings.STAFF_SESSION_IDLE_SECONDS, settings.STAFF_SESSION_MAX_SECONDS
            if started is None or seen is None:
                session[_STARTED], session[_SEEN] = started or now, now
                # Django ends the session itself at the end of the working day; the idle limit
                # is checked here, so that the login page can say why.
                session.set_expiry(maximum)
            elif now - seen > idle or now - started >= maximum:
                logout(request)
                messages.info(request, _("You were logged out after a time without activity. Log in again."))
                return redirect_to_login(request.get_full_path())
            elif now - seen >= _TOUCH_EVERY:
                session[_SEEN] = now
        return self.get_response(request)
