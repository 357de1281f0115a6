"""As-of-date answers in the API (issue 13 item 7), for case handlers, inspectors and (about
itself) an enterprise user:

    GET /api/v1/as-of/provider?orgnr=...&date=YYYY-MM-DD   was the provider approved on the day?
    GET /api/v1/as-of/enterprise?orgnr=...&date=...        did the enterprise have an approved BHT?

Without `date`: today (the obligation answer's "has an approved BHT today, and which").
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from approvals.selectors.coverage import enterprise_bht_on, provider_approved_on
from core.orgnr import ORGNR_PATTERN, OrgnrError, parse_orgnr
from enterprises.models import Enterprise
from providers.models import Provider

STAFF = (Role.CASE_HANDLER, Role.INSPECTOR, Role.ADMIN)
PARAMS = [
    OpenApiParameter(
        "orgnr",
        {"type": "string", "pattern": ORGNR_PATTERN},
        required=True,
        description="Organisation number (nine digits).",
    ),
    OpenApiParameter("date", datetime.date, description="The day asked about (default: today)."),
]


def _params(request) -> tuple[str, datetime.date] | Response:
    try:
        number = parse_orgnr(request.query_params.get("orgnr") or "")
    except OrgnrError as exc:
        return Response({"error": exc.message, "field": "orgnr", "check": exc.check}, status=400)
    raw = request.query_params.get("date")
    try:
        day = datetime.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return Response({"error": _("The date must be written as YYYY-MM-DD."), "field": "date"}, status=400)
    return number, day


def _as_of_schema(operation_id: str, name: str, answer_field: str):
    """The OpenAPI description both as-of endpoints share: orgnr and date in, a yes/no out."""
    return extend_schema(
        operation_id=operation_id,
        parameters=PARAMS,
        responses={200: inline_serializer(name, fields={answer_field: serializers.BooleanField()})},
        tags=["oversight"],
    )


def _not_found(message: str) -> Response:
    return Response({"error": message, "field": "orgnr"}, status=404)


def _approval_json(a) -> dict | None:
    if a is None:
        return None
    return {
        "valid_from": a.valid_from,
        "valid_until": a.valid_until,
        "status": a.status,
        "ended_at": a.ended_at,
        "case_number": a.case.case_number,
    }


class ProviderAsOfView(APIView):
    """Was this provider approved on this day (from its approval history)?"""

    access = STAFF

    @_as_of_schema("as_of_provider", "ProviderAsOf", "approved")
    def get(self, request):
        parsed = _params(request)
        if isinstance(parsed, Response):
            return parsed
        number, day = parsed
        provider = Provider.objects.filter(orgnr=number).first()
        if provider is None:
            return _not_found(_("No provider with this organisation number."))
        answer = provider_approved_on(provider=provider, day=day)
        return Response(
            {
                "orgnr": number,
                "name": provider.name,
                "date": day,
                "approved": answer.approved,
                "approval": _approval_json(answer.approval),
                "approvals": [_approval_json(a) for a in answer.approvals],
            }
        )


class EnterpriseAsOfView(APIView):
    """Did this enterprise have an approved BHT on this day, and which?"""

    access = (*STAFF, Role.ENTERPRISE)

    @_as_of_schema("as_of_enterprise", "EnterpriseAsOf", "has_approved_bht")
    def get(self, request):
        parsed = _params(request)
        if isinstance(parsed, Response):
            return parsed
        number, day = parsed
        if request.user.role == Role.ENTERPRISE and request.user.enterprise_orgnr != number:
            return _not_found(_("No enterprise with this organisation number."))
        if not Enterprise.objects.filter(orgnr=number).exists():
            return _not_found(_("No enterprise with this organisation number."))
        answer = enterprise_bht_on(orgnr=number, day=day)
        return Response(
            {
                "orgnr": number,
                "date": day,
                "has_approved_bht": answer.has_approved_bht,
                "providers": [
                    {
                        "orgnr": a.provider.orgnr,
                        "name": a.provider.name,
                        "approved": a.approved,
                        "subunit_orgnr": a.subunit_orgnr or None,
                        "valid_from": a.valid_from,
                        "valid_to": a.valid_to,
                        "source": a.source,
                        "status": a.status,
                    }
                    for a in answer.affiliations
                ],
                "two_providers_warning": answer.overlap,
            }
        )
