"""Request limits and response headers that protect every page (issue 14).

- `RequestBodyLimitMiddleware`: a body larger than the limit is refused before anything reads
  it: 413 with a JSON error under /api/ (the API's parsers read the stream themselves, so
  Django's DATA_UPLOAD_MAX_MEMORY_SIZE alone does not cover them), 413 page elsewhere.
- `PermissionsPolicyMiddleware`: the browser features the portal never uses are switched off.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _content_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def body_limit(request) -> int:
    """The largest body accepted: API_MAX_BODY_BYTES under /api/; elsewhere form data plus,
    for multipart uploads, the largest document."""
    if is_api(request):
        return settings.API_MAX_BODY_BYTES
    if request.content_type == "multipart/form-data":
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE + settings.MAX_UPLOAD_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = body_limit(request)
        if _content_length(request) > limit:
            message = _("The request is too large (at most %(kb)s kB).") % {"kb": limit // 1024}
            if is_api(request):
                return JsonResponse({"error": message, "field": None}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
