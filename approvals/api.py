"""Public JSON API of the provider side: POST /api/v1/approvals/rule-check.

The same rules as the application form (approvals.rules.evaluate), on a roster sent as JSON.
Strict input: unknown keys, FTE outside (0, 1], a discipline sum above the person's FTE or
anything that is not a number is a 400 with field-level errors.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.access import PUBLIC
from approvals import rules


class StrictSerializer(serializers.Serializer):
    """Refuses keys it does not know, each named in the error."""

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        errors = {key: [_("Unknown field.")] for key in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not isinstance(exc.detail, dict):
                raise
            errors = {**exc.detail, **errors}
        if errors:
            raise serializers.ValidationError(errors)
        return value


@extend_schema_field(
    {"oneOf": [{"type": "number"}, {"type": "string", "pattern": r"^\d+([.,]\d+)?$"}], "example": "0.3"}
)
class FTEValueField(serializers.Field):
    """An FTE as a JSON number or a decimal string ("0.3" or "0,3"), read exactly."""

    default_error_messages = {"invalid": _("Enter a number.")}

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, (str, int, float)) or isinstance(data, bool):
            self.fail("invalid")
        try:
            return rules.parse_fte(data, allow_zero=self.allow_zero, allow_percent=False)
        except rules.FTEError as exc:
            raise serializers.ValidationError(exc.message) from None

    def to_representation(self, value):
        return rules.decimal_text(value)


class DisciplinesSerializer(StrictSerializer):
    occupational_medicine = FTEValueField(allow_zero=True, required=False, default=Decimal("0"))
    occupational_hygiene = FTEValueField(allow_zero=True, required=False, default=Decimal("0"))
    ergonomics = FTEValueField(allow_zero=True, required=False, default=Decimal("0"))
    psychosocial = FTEValueField(allow_zero=True, required=False, default=Decimal("0"))
    systematic_hse = FTEValueField(allow_zero=True, required=False, default=Decimal("0"))


class StaffSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    fte = FTEValueField()
    employment = serializers.ChoiceField(choices=rules.EMPLOYMENT_TYPES, default="permanent")
    training_completed = serializers.BooleanField(default=False)
    hpr_number = serializers.RegexField(
        r"^\d{1,9}$",
        required=False,
        allow_blank=True,
        allow_null=True,
        error_messages={"invalid": _("The HPR number has digits only (up to nine).")},
    )
    disciplines = DisciplinesSerializer(required=False)

    def validate(self, attrs):
        total = rules.discipline_sum_exceeding(attrs["fte"], attrs.get("disciplines") or {})
        if total is not None:
            raise serializers.ValidationError(
                {
                    "disciplines": [
                        _("The FTE per discipline add up to %(sum)s, more than the person's FTE (%(fte)s).")
                        % {"sum": rules.decimal_text(total), "fte": rules.decimal_text(attrs["fte"])}
                    ]
                }
            )
        return attrs


class DocumentsSerializer(StrictSerializer):
    quality_system = serializers.BooleanField(default=False)
    competence_development_plan = serializers.BooleanField(default=False)


class RuleCheckRequestSerializer(StrictSerializer):
    staff = StaffSerializer(many=True, allow_empty=True)
    documents = DocumentsSerializer(required=False)


class RuleSerializer(serializers.Serializer):
    id = serializers.CharField()
    passed = serializers.BooleanField()
    value = serializers.JSONField(help_text="Measured value: a decimal string for FTE, an integer or a boolean.")
    required = serializers.JSONField(help_text="Required value, same type as value.")
    message = serializers.CharField()


class WarningSerializer(serializers.Serializer):
    id = serializers.CharField()
    person = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class RuleCheckResponseSerializer(serializers.Serializer):
    approvable = serializers.BooleanField()
    total_fte = serializers.CharField(help_text='Exact decimal, e.g. "3.0".')
    discipline_fte = serializers.DictField(child=serializers.CharField())
    rules = RuleSerializer(many=True)
    warnings = WarningSerializer(many=True)


def evaluation_response(evaluation: rules.Evaluation) -> dict:
    """The API answer: the evaluation with one message per rule in the request's language."""
    data = evaluation.as_dict()
    return {
        "approvable": data["approvable"],
        "total_fte": data["total_fte"],
        "discipline_fte": data["discipline_fte"],
        "rules": [
            {"id": r.id, "passed": d["passed"], "value": d["value"], "required": d["required"], "message": r.message}
            for r, d in zip(evaluation.rules, data["rules"], strict=True)
        ],
        "warnings": [{"id": w.id, "person": w.person, "message": w.message} for w in evaluation.warnings],
    }


EXAMPLE_REQUEST = {
    "staff": [
        {
            "name": "Lege Lise",
            "fte": "1.0",
            "employment": "permanent",
            "training_completed": True,
            "hpr_number": "1000001",
            "disciplines": {"occupational_medicine": "0.8", "systematic_hse": "0.2"},
        },
        {
            "name": "Psykolog Per",
            "fte": 0.5,
            "employment": "hired",
            "training_completed": True,
            "disciplines": {"psychosocial": 0.5},
        },
    ],
    "documents": {"quality_system": True, "competence_development_plan": False},
}


class RuleCheckView(APIView):
    """Check a staff roster against the approval requirements (§ 2-2, § 2-3)."""

    access = (PUBLIC,)
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "rule_check"

    @extend_schema(
        operation_id="approvals_rule_check",
        summary="Check a staff roster against the approval requirements",
        description=(
            "Runs the statutory rules for approval of an occupational health service (BHT) on the "
            "roster given, exactly as the application form does: total FTE ≥ 3.0, each of four "
            "disciplines ≥ 0.30, all five competence areas staffed, mandatory training, quality system "
            "and competence development plan. Practice rules answer as warnings. FTE values are "
            "decimals in (0, 1] as strings or numbers; the discipline FTEs of a person must not add up to "
            "more than the person's FTE. Unknown keys are refused. Rate-limited per client."
        ),
        request=RuleCheckRequestSerializer,
        responses={200: RuleCheckResponseSerializer},
        examples=[OpenApiExample("Two people", value=EXAMPLE_REQUEST, request_only=True)],
        tags=["approvals"],
    )
    def post(self, request):
        serializer = RuleCheckRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rule_input = rules.RuleInput(
            staff=[rules.staff_entry(s) for s in data["staff"]],
            documents=dict(data.get("documents") or {}),
        )
        return Response(evaluation_response(rules.evaluate(rule_input)))
