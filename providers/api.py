"""The client list through the API: GET and POST /api/v1/client-list with a provider's key
(Authorization: Bearer <key>) or a provider user's session.

POST takes the same CSV as the upload page (Content-Type text/csv) or JSON
{"rows": [{"orgnr": "...", "valid_from": "2026-01-01", "valid_to": null, "employees": 12}]}.
Without ?confirm=true it only checks and answers with the report (nothing stored); with
?confirm=true the accepted rows are stored in one transaction and the report says so.
"""

from __future__ import annotations

import io

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role

from . import client_list, selectors, services
from .models import ApiToken, Provider

API_PAGE_SIZE = 500


class TokenPrincipal:
    """Who calls with a provider's key: acts as a provider user of that provider (for the access
    policy), never as a person."""

    role = Role.PROVIDER
    is_authenticated = True
    is_active = True
    is_anonymous = False
    pk = None
    id = None

    def __init__(self, token: ApiToken):
        self.token = token
        self.provider: Provider = token.provider
        self.provider_id = token.provider_id

    def __str__(self):
        return f"API key {self.token.prefix}… ({self.provider})"


class ProviderTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Give the key after 'Bearer '."))
        token = selectors.api_token_for_key(parts[1].decode(errors="replace"))
        if token is None:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked key."))
        services.api_token_touch(token=token)
        return TokenPrincipal(token), token

    def authenticate_header(self, request):
        return "Bearer"


class ProviderTokenScheme(OpenApiAuthenticationExtension):
    target_class = "providers.api.ProviderTokenAuthentication"
    name = "ProviderKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A provider's API key, made on the API keys page."}


class RowSerializer(serializers.Serializer):
    # As written in a client-list file (client_list.py reads and checks them row by row); the
    # lengths only bound the request.
    orgnr = serializers.CharField(max_length=40)
    valid_from = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=40)
    valid_to = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=40)
    employees = serializers.IntegerField(required=False, allow_null=True, min_value=0)


class RowsSerializer(serializers.Serializer):
    rows = RowSerializer(many=True)


def _raw_rows(rows: list[dict]):
    for n, r in enumerate(rows, start=1):
        yield client_list.RawRow(
            n,
            r["orgnr"],
            r.get("valid_from") or "",
            r.get("valid_to") or "",
            "" if r.get("employees") is None else str(r["employees"]),
        )


def _report_json(upload, stored: int | None) -> dict:
    return {
        "upload": upload.pk,
        "rows": upload.rows_total,
        "accepted": upload.accepted_count,
        "refused": upload.refused_count,
        "refused_rows": upload.refused,
        "stored": stored,
    }


class ClientListView(APIView):
    """The calling provider's client list: read it, or send rows (checked; stored with confirm=true)."""

    access = (Role.PROVIDER,)
    authentication_classes = [ProviderTokenAuthentication, SessionAuthentication]

    @extend_schema(
        operation_id="client_list",
        summary="The provider's client list (affiliations), 500 a page",
        parameters=[OpenApiParameter("page", int)],
        responses={200: inline_serializer("ClientList", fields={"count": serializers.IntegerField()})},
        tags=["client list"],
    )
    def get(self, request):
        qs = selectors.provider_affiliations(provider=request.user.provider)
        page = Paginator(qs, API_PAGE_SIZE).get_page(request.query_params.get("page"))
        return Response(
            {
                "count": page.paginator.count,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "results": [
                    {
                        "id": a.pk,
                        "orgnr": a.enterprise_id,
                        "subunit_orgnr": a.subunit_orgnr or None,
                        "name": a.enterprise.name,
                        "valid_from": a.valid_from,
                        "valid_to": a.valid_to,
                        "employees": a.employees_covered,
                        "source": a.source,
                        "status": a.status,
                        "overlap": a.overlap,
                    }
                    for a in page.object_list
                ],
            }
        )

    @extend_schema(
        operation_id="client_list_send",
        summary="Send client rows: a report of every row; stored only with confirm=true (all or nothing)",
        parameters=[OpenApiParameter("confirm", bool, description="Store the accepted rows (default: only check).")],
        request=RowsSerializer,
        responses={200: inline_serializer("ClientListReport", fields={"accepted": serializers.IntegerField()})},
        tags=["client list"],
    )
    def post(self, request):
        provider = request.user.provider
        actor = request.user if getattr(request.user, "pk", None) else None
        if request.content_type.startswith("text/csv"):
            lines = io.StringIO(request.body.decode("utf-8-sig", errors="replace"), newline="")
            upload = services.client_list_upload_check(provider=provider, lines=lines, actor=actor, via_api=True)
        else:
            data = RowsSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            report = selectors.client_list_check(
                provider=provider, rows=_raw_rows(data.validated_data["rows"]), today=services.timezone.localdate()
            )
            upload = services.client_list_upload_store(provider=provider, report=report, actor=actor, via_api=True)
        stored = None
        if request.query_params.get("confirm") in ("true", "1", "yes"):
            try:
                stored = services.affiliations_import_confirm(upload=upload, actor=actor)
            except services.ClientListRefused as exc:
                return Response({"error": exc.message, "reason": exc.reason, **_report_json(upload, None)}, status=409)
            upload.refresh_from_db()
        return Response(_report_json(upload, stored))
