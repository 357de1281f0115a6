"""Issue 14, hole 6: no unbounded text. Every text field has a maximum length in the model
(with a database constraint for what people type), in every form, and in the API schema."""

from __future__ import annotations

import importlib

import pytest
from django import forms
from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.urls import reverse

from core.limits import TEXT_MAX

OUR_APPS = ("accounts", "core", "notifications", "enterprises", "providers", "approvals", "inspections", "bht_portal")
FORM_MODULES = (
    "accounts.forms",
    "enterprises.forms",
    "approvals.forms.provider",
    "approvals.forms.handler",
    "approvals.forms.lifecycle",
    "approvals.views.public_register",
    "inspections.views",
)


def test_every_text_field_of_every_model_has_a_max_length():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for config in apps.get_app_configs()
        if config.name in OUR_APPS
        for model in config.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, (models.TextField, models.CharField))
        and not field.max_length
        and field.name != "history_change_reason"  # django-simple-history's own, set by code
    ]
    assert not unbounded


def _form_classes():
    for name in FORM_MODULES:
        importlib.import_module(name)
    todo, seen = [forms.BaseForm], set()
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return [c for c in seen if c.__module__.split(".")[0] in OUR_APPS]


def test_every_text_input_of_every_form_has_a_max_length():
    classes = _form_classes()
    assert len(classes) > 15
    unbounded = []
    for cls in classes:
        try:
            fields = cls().fields if not issubclass(cls, forms.BaseFormSet) else {}
        except TypeError:  # a form that needs arguments: its declared fields
            fields = cls.base_fields
        for name, field in fields.items():
            if (
                # e-mail (Django caps it at 320), URL and UUID fields have bounded formats of their own
                isinstance(field, forms.CharField)
                and not isinstance(field, (forms.EmailField, forms.URLField, forms.UUIDField))
            ):
                if not field.max_length:
                    unbounded.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert not unbounded


def _string_properties(schema, components, path=""):
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        yield from _string_properties(components[name], components, f"{path}>{name}")
        return
    for key in ("oneOf", "anyOf", "allOf"):
        for i, sub in enumerate(schema.get(key, [])):
            yield from _string_properties(sub, components, f"{path}/{key}{i}")
    if schema.get("type") == "string":
        yield path, schema
    for name, sub in (schema.get("properties") or {}).items():
        yield from _string_properties(sub, components, f"{path}.{name}")
    if isinstance(schema.get("items"), dict):
        yield from _string_properties(schema["items"], components, f"{path}[]")


def test_api_schema_bounds_every_string_a_client_sends(client):
    import yaml

    spec = yaml.safe_load(client.get("/api/v1/schema").content)
    components = spec["components"]["schemas"]
    unbounded = []
    for url, ops in spec["paths"].items():
        for method, op in ops.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            schemas = [(f"{method} {url} body", body)] if body else []
            schemas += [(f"{method} {url} ?{p['name']}", p["schema"]) for p in op.get("parameters", [])]
            for where, schema in schemas:
                for path, s in _string_properties(schema, components, where):
                    if not ({"maxLength", "enum", "pattern"} & s.keys()) and s.get("format") != "date":
                        unbounded.append(path)
    assert not unbounded
    staff = components["Staff"]["properties"]
    assert staff["name"]["maxLength"] == 200


@pytest.mark.django_db
def test_a_huge_special_case_explanation_is_an_error_on_the_field(provider_client, provider_user):
    from tests.approvals.factories import ApplicationFactory

    draft = ApplicationFactory(provider=provider_user.provider, approvable=True)
    response = provider_client.post(
        reverse("approvals:application_submit", args=[draft.pk]),
        {
            "special_case_requested": "on",
            "special_case_explanation": "x" * (TEXT_MAX + 1),
            "declaration_accepted": "on",
        },
    )
    assert response.status_code in (200, 400)
    form = response.context["form"]
    assert "special_case_explanation" in form.errors
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.special_case_explanation == ""


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_text_above_the_limit_whatever_path_writes_it(provider_user):
    """A service or script that skips the form cannot store it either (the 24 MB explanation
    and the 5 MB comment that issue 14 found)."""
    from approvals.models import Application
    from tests.approvals.factories import ApplicationFactory

    draft = ApplicationFactory(provider=provider_user.provider)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=draft.pk).update(special_case_explanation="x" * (TEXT_MAX + 1))
    Application.objects.filter(pk=draft.pk).update(special_case_explanation="x" * TEXT_MAX)


@pytest.mark.django_db(transaction=True)
def test_every_text_people_type_is_capped_in_the_database():
    constrained = {
        c.name
        for config in apps.get_app_configs()
        if config.name in OUR_APPS
        for model in config.get_models()
        for c in model._meta.constraints
        if c.name.endswith("_max")
    }
    for name in (
        "approvals_application_special_case_explanation_max",
        "approvals_changenotice_comment_max",
        "approvals_casenote_text_max",
        "approvals_appeal_text_max",
        "approvals_decision_justification_max",
        "inspections_order_text_max",
        "enterprises_dispensation_reason_max",
    ):
        assert name in constrained
