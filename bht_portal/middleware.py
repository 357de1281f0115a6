"""Safety nets around every request (first in MIDDLEWARE):

- ServiceUnavailableMiddleware: while the database is away (stopped, frozen: see dbguard.py)
  a request gets a 503 with a clear page, or JSON under /api/, instead of a 500 — whichever
  layer met the error (a view, the session or user lookup in a middleware). Logged once per
  outage, without a traceback per request; the next request after the database is back
  answers as usual (Django opens a new connection), no restart needed.
- MalformedRequestMiddleware: requests no view can read — a NUL character in the address or
  query, a form in another charset than UTF-8 — get a 400 (JSON under /api/) before any app
  code touches them, and a one-line warning instead of a logged traceback. (A JSON body
  nested too deep is refused by the API's parser: bht_portal.parsers.JSONParser.)
"""

from __future__ import annotations

import codecs
import logging
import threading

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger("bht_portal.availability")

DB_ERRORS = (OperationalError, InterfaceError)
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def error_response(request, status: int, title: str, message: str) -> HttpResponse:
    """A plain error answer that needs neither the database nor the session: JSON
    ({"detail": ...}, as the API's own errors) under /api/, else a page."""
    if is_api(request):
        response = JsonResponse({"detail": message}, status=status)
    else:
        html = render_to_string("error.html", {"title": title, "message": message, "status": status})
        response = HttpResponse(html, status=status)
    response["Cache-Control"] = "no-store"
    return response


class _OutageLog:
    """Log the start and the end of an outage once each, not once per request."""

    def __init__(self, what: str):
        self.what = what
        self.down = False
        self._lock = threading.Lock()

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            if self.down:
                return
            self.down = True
        logger.error("%s unavailable (%s: %s); answering 503 until it is back", self.what, type(exc).__name__, exc)

    def recovered(self) -> None:
        with self._lock:
            if not self.down:
                return
            self.down = False
        logger.warning("%s is back", self.what)


database_outage = _OutageLog("Database")


def is_database_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, DB_ERRORS)


def _mark_database_outage(sender, request=None, **kwargs):
    """got_request_exception fires inside Django's exception handler, for an error in any
    layer: note a database error on the request for ServiceUnavailableMiddleware."""
    import sys

    exc = sys.exc_info()[1]
    if request is not None and is_database_outage(exc):
        request._database_outage = exc


got_request_exception.connect(_mark_database_outage, dispatch_uid="bht_portal.database_outage")


class DatabaseOutageLogFilter(logging.Filter):
    """Drops Django's per-request "Internal Server Error" record (with its traceback) for a
    database outage: the outage is logged once by ServiceUnavailableMiddleware."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not is_database_outage(exc)


def database_unavailable_response(request) -> HttpResponse:
    response = error_response(
        request,
        503,
        _("The service is temporarily unavailable"),
        _(
            "BHT portal cannot reach its database just now. Nothing you sent has been lost or half "
            "saved: try again in a minute."
        ),
    )
    response["Retry-After"] = "30"
    return response


class ServiceUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        exc = getattr(request, "_database_outage", None)
        if exc is not None:
            database_outage.failed(exc)
            return database_unavailable_response(request)
        if database_outage.down and response.status_code < 500:
            database_outage.recovered()
        return response

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            request._database_outage = exception
            database_outage.failed(exception)
            return database_unavailable_response(request)
        return None


class MalformedRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self._problem(request)
        if problem:
            logger.warning("400 for %s %s: %s", request.method, request.path.replace("\x00", "\\x00")[:200], problem)
            return error_response(request, 400, _("Bad request"), problem)
        return self.get_response(request)

    @staticmethod
    def _problem(request) -> str:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or (
            ("%00" in query or "\x00" in query)
            and any("\x00" in k or "\x00" in v for k, vs in request.GET.lists() for v in vs)
        ):
            return _("The address contains a NUL character.")
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH") and content_type.lower().startswith(_FORM_TYPES):
            charset = request.content_params.get("charset", "")  # also one Django does not know
            if charset:
                try:
                    name = codecs.lookup(charset).name
                except LookupError:
                    name = ""
                if name != "utf-8":
                    return _("Forms must be sent as UTF-8.")
        return ""
