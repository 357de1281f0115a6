"""What every public JSON endpoint shares in its OpenAPI description (issue 14, contract 13):
the error bodies it really sends, so that the schema tells the truth about 400, 413 and 429,
and a boolean that is only `true` or `false`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    "Error",
    fields={
        "error": serializers.CharField(required=False, help_text="What is wrong with the request."),
        "field": serializers.CharField(allow_null=True, required=False, help_text="The parameter concerned."),
        "detail": serializers.CharField(
            required=False, help_text="For a request no view could read (bht_portal.middleware)."
        ),
    },
)
ThrottledSerializer = inline_serializer("Throttled", fields={"detail": serializers.CharField()})

THROTTLED = OpenApiResponse(ThrottledSerializer, description="Too many requests from this client; try again later.")
TOO_LARGE = OpenApiResponse(ErrorSerializer, description="The request body is larger than the API accepts.")


class StrictBooleanField(serializers.BooleanField):
    """A JSON boolean and nothing else: `0`, `1`, `"yes"` and `"true"` are refused (DRF's
    BooleanField takes them all, which the schema's `type: boolean` does not say)."""

    default_error_messages = {"invalid": _("Must be true or false.")}

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid")


def empty_parameter(params, names) -> str | None:
    """The first of `names` given in the query string with no value (`?date=`): the API
    refuses it rather than reading it as absent, as its schema says."""
    return next((name for name in names if name in params and not params.get(name, "").strip()), None)
