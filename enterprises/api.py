"""GET /api/v1/obligation (the obligation check) and GET /api/v1/ping (a trivial view, for
comparison in the throughput benchmark). Public, no session: no authentication lookup."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import PUBLIC
from core.api import empty_parameter
from core.orgnr import ORGNR_PATTERN

from . import obligation
from .selectors import CODE, ORGNR, ObligationAnswer, ObligationQueryError, obligation_answer

STATUSES = [s.value for s in obligation.Status]
# An industry code as obligation.normalise_code reads it: `49`, `85.1`, `96.020`, `96,02`, `96020`.
NACE_PATTERN = r"^\s*[0-9]{2}(?:[.,][0-9]{1,3}|[0-9]{1,3})?\s*$"


# ------------------------------------------------------------------ schema (documentation)
class EntrySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    condition = serializers.CharField(allow_null=True, help_text="The condition of a partial entry; null otherwise.")


class SuccessorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    standard = serializers.ChoiceField(choices=["SN2025"])
    status = serializers.ChoiceField(choices=STATUSES)
    entry = EntrySerializer(allow_null=True)
    partial_entries = EntrySerializer(
        many=True, help_text="For a code above the list's level: the listed codes below it."
    )


class CodeSerializer(SuccessorSerializer):
    standard = serializers.ChoiceField(choices=["SN2025", "SN2007"])
    successors = SuccessorSerializer(
        many=True, required=False, help_text="Only for an SN2007 code: its SN2025 successors, each assessed."
    )


class ListVersionSerializer(serializers.Serializer):
    valid_from = serializers.DateField()
    reference = serializers.CharField()


class EnterpriseSerializer(serializers.Serializer):
    orgnr = serializers.CharField()
    name = serializers.CharField()
    organisation_form = serializers.CharField()
    employees = serializers.IntegerField(allow_null=True, help_text="null: 0–4 employees (the register does not say).")
    has_registered_employees = serializers.BooleanField(allow_null=True)
    municipality_number = serializers.CharField()
    municipality = serializers.CharField()
    bankrupt = serializers.BooleanField()
    being_wound_up = serializers.BooleanField()
    deleted_on = serializers.DateField(allow_null=True)
    subunits = inline_serializer(
        "ObligationSubUnit",
        fields={
            "orgnr": serializers.CharField(),
            "name": serializers.CharField(),
            "status": serializers.ChoiceField(choices=STATUSES),
            "codes": serializers.ListField(child=serializers.CharField()),
        },
        many=True,
    )
    dispensations = inline_serializer(
        "ObligationDispensation",
        fields={
            "scope": serializers.ChoiceField(choices=["whole", "partial"]),
            "part": serializers.CharField(),
            "valid_from": serializers.DateField(),
            "valid_until": serializers.DateField(allow_null=True),
            "in_force": serializers.BooleanField(),
        },
        many=True,
    )


class ObligationSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=STATUSES)
    date = serializers.DateField()
    list_version = ListVersionSerializer()
    codes = CodeSerializer(many=True)
    enterprise = EnterpriseSerializer(allow_null=True, help_text="Only when asked by organisation number.")
    subunit = inline_serializer(
        "ObligationQueriedSubUnit",
        fields={
            "orgnr": serializers.CharField(),
            "name": serializers.CharField(),
            "parent_orgnr": serializers.CharField(),
            "status": serializers.ChoiceField(choices=STATUSES),
            "codes": CodeSerializer(many=True),
            "closed_on": serializers.DateField(allow_null=True),
        },
        allow_null=True,
        help_text="When asked by a sub-unit's own number: that sub-unit (the answer is its parent's, in enterprise).",
    )
    notes = serializers.ListField(child=serializers.CharField())


ErrorSerializer = inline_serializer(
    "ObligationError",
    fields={
        "error": serializers.CharField(required=False),
        "field": serializers.CharField(allow_null=True, required=False, help_text="null: the request as a whole"),
        "detail": serializers.CharField(required=False, help_text="For a request no view could read."),
        "check": serializers.ChoiceField(choices=["length", "digits", "range", "checksum"], required=False),
    },
)


# ------------------------------------------------------------------ plain-data rendering
def _entry(entry: obligation.Entry | None) -> dict | None:
    if entry is None:
        return None
    return {"code": entry.code, "name": entry.name, "condition": entry.condition or None}


def _code(a: obligation.CodeAssessment) -> dict:
    data = {
        "code": a.code,
        "name": a.name,
        "standard": a.standard,
        "status": a.status.value,
        "entry": _entry(a.entry),
        "partial_entries": [_entry(e) for e in a.partial_entries],
    }
    if a.standard == obligation.SN2007:
        data["successors"] = [_code(s) for s in a.successors]
    return data


def _queried_subunit(sub) -> dict | None:
    if sub is None:
        return None
    return {
        "orgnr": sub.orgnr,
        "name": sub.name,
        "parent_orgnr": sub.parent_orgnr,
        "status": sub.status.value,
        "codes": [_code(c) for c in sub.codes],
        "closed_on": sub.closed_on.isoformat() if sub.closed_on else None,
    }


def answer_json(answer: ObligationAnswer) -> dict:
    enterprise = None
    if answer.enterprise is not None:
        e = answer.enterprise
        enterprise = {
            "orgnr": e.orgnr,
            "name": e.name,
            "organisation_form": e.org_form,
            "employees": e.employees,
            "has_registered_employees": e.has_registered_employees,
            "municipality_number": e.municipality_number,
            "municipality": e.municipality_name,
            "bankrupt": e.bankrupt,
            "being_wound_up": e.being_wound_up,
            "deleted_on": e.deleted_on.isoformat() if e.deleted_on else None,
            "subunits": [
                {"orgnr": s.orgnr, "name": s.name, "status": s.status.value, "codes": [c.code for c in s.codes]}
                for s in answer.subunits
            ],
            "dispensations": [
                {
                    "scope": d.scope,
                    "part": d.part,
                    "valid_from": d.valid_from.isoformat(),
                    "valid_until": d.valid_until.isoformat() if d.valid_until else None,
                    "in_force": d.in_force_on(answer.day),
                }
                for d in answer.dispensations
            ],
        }
    return {
        "status": answer.status.value,
        "date": answer.day.isoformat(),
        "list_version": {
            "valid_from": answer.version.valid_from.isoformat(),
            "reference": answer.version.reference,
        },
        "codes": [_code(a) for a in answer.assessment.codes],
        "enterprise": enterprise,
        "subunit": _queried_subunit(answer.queried_subunit),
        "notes": [str(n) for n in answer.notes],
    }


def _error(status: int, message: str, field: str, **extra) -> Response:
    return Response({"error": str(message), "field": field, **extra}, status=status)


class ObligationView(APIView):
    """Must this enterprise (or an enterprise in this industry) be connected to an approved BHT?"""

    access = (PUBLIC,)
    authentication_classes: list = []
    throttle_classes: list = []

    @extend_schema(
        operation_id="obligation_check",
        summary="Obligation check (§ 13-1): by industry code or by organisation number",
        parameters=[
            OpenApiParameter(
                "nace",
                {"type": "string", "pattern": NACE_PATTERN},
                description="Industry code, SN2025 or SN2007, at any level (`49`, `85.1`, `96.020`).",
            ),
            OpenApiParameter(
                "orgnr",
                {"type": "string", "pattern": ORGNR_PATTERN},
                description="Organisation number (nine digits; spaces, `NO` prefix and `MVA` suffix accepted).",
            ),
            OpenApiParameter(
                "date", datetime.date, description="Judge by the list in force on this date (default: today)."
            ),
            OpenApiParameter(
                "standard",
                str,
                enum=["SN2025", "SN2007"],
                description="Which classification `nace` is from (default: SN2025 if the code exists there).",
            ),
        ],
        responses={
            200: ObligationSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Malformed input or checksum failure."),
            404: OpenApiResponse(
                ErrorSerializer, description="Well-formed code or number that does not exist; no list on the date."
            ),
        },
        tags=["obligation"],
    )
    def get(self, request):
        params = request.query_params
        if empty := empty_parameter(params, ("nace", "orgnr", "date", "standard")):
            return _error(400, _("The parameter %(name)s is empty.") % {"name": empty}, empty)
        nace, orgnr_raw = (params.get("nace") or "").strip(), (params.get("orgnr") or "").strip()
        if bool(nace) == bool(orgnr_raw):
            return _error(400, _("Give either nace or orgnr."), "nace" if not nace else "orgnr")
        day = timezone.localdate()
        if params.get("date"):
            try:
                day = datetime.date.fromisoformat(params["date"])
            except ValueError:
                return _error(400, _("The date must be written as YYYY-MM-DD."), "date")
        try:
            answer = obligation_answer(
                nace or orgnr_raw, day=day, kind=CODE if nace else ORGNR, standard=params.get("standard")
            )
        except ObligationQueryError as exc:
            extra = {"check": exc.check} if exc.check else {}
            return _error(404 if exc.not_found else 400, exc.message, exc.field, **extra)
        return Response(answer_json(answer))


class PingView(APIView):
    """A trivial JSON view: the baseline for the obligation API's throughput."""

    access = (PUBLIC,)
    authentication_classes: list = []
    throttle_classes: list = []

    @extend_schema(
        operation_id="ping",
        summary="Liveness of the API (no database)",
        responses={200: inline_serializer("Ping", fields={"status": serializers.CharField()})},
        tags=["obligation"],
    )
    def get(self, request):
        return Response({"status": "ok"})
