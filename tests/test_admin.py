"""Issue 11 item 12: the Django admin for operators. Every domain model is registered, with
history where the model keeps it, read-only where a change must go through a service,
Norwegian labels and a readable __str__; the inspector choice lists inspectors only."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from simple_history.admin import SimpleHistoryAdmin

from tests.approvals.factories import ApprovalFactory
from tests.factories import UserFactory

APPS = ("accounts", "approvals", "providers", "enterprises", "inspections", "core", "notifications")
# Written only through services (or imports): the admin may show them, never change them.
READ_ONLY = [
    "providers.Provider",
    "providers.Department",
    "providers.Affiliation",
    "providers.ClientListUpload",
    "providers.ApiToken",
    "approvals.Application",
    "approvals.Case",
    "approvals.Decision",
    "approvals.DecisionLetter",
    "approvals.Approval",
    "approvals.Appeal",
    "approvals.ChangeNotice",
    "approvals.FollowUpTask",
    "approvals.CaseEvent",
    "approvals.CaseRequest",
    "approvals.CaseRequestReply",
    "approvals.CaseDocument",
    "approvals.InterimReply",
    "approvals.DispensationCase",
    "enterprises.Dispensation",
    "enterprises.Enterprise",
    "enterprises.SubUnit",
    "enterprises.IndustryCode",
    "enterprises.Municipality",
    "enterprises.ObligationList",
    "enterprises.ObligationListEntry",
]
# Rows of other models only (shown inline or not at all).
NOT_REGISTERED = {
    "approvals.CaseSequence",
    "approvals.StaffMember",
    "approvals.ApplicationDepartment",
    "inspections.Finding",
}


def _models():
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in APPS and not m.__name__.startswith("Historical") and m._meta.managed
    ]


@pytest.mark.parametrize("model", _models(), ids=lambda m: m._meta.label)
def test_every_model_prints_sensibly_and_has_norwegian_labels(model):
    assert model.__str__ is not models.Model.__str__, f"{model._meta.label} has no __str__"
    assert "verbose_name" in model._meta.original_attrs
    with translation.override("nb"):
        for f in model._meta.get_fields():
            if not getattr(f, "concrete", False) or f.auto_created:
                continue
            assert isinstance(f.verbose_name, Promise), f"{model._meta.label}.{f.name} has no (translated) label"
        if model._meta.label not in NOT_REGISTERED:
            assert model in admin.site._registry, f"{model._meta.label} is not in the admin"


@pytest.mark.parametrize("label", READ_ONLY)
def test_service_owned_models_are_read_only(rf, label):
    model_admin = admin.site._registry[apps.get_model(label)]
    request = rf.get("/")
    request.user = UserFactory.build(admin=True, is_superuser=True, is_staff=True)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)


def test_models_with_history_use_the_history_admin():
    for model, model_admin in admin.site._registry.items():
        if hasattr(model, "history") and model._meta.app_label in APPS:
            assert isinstance(model_admin, SimpleHistoryAdmin), model._meta.label


@pytest.mark.django_db
def test_admin_pages_render_in_norwegian_with_history(client):
    superuser = UserFactory(admin=True, is_superuser=True, is_staff=True, email="root@test.no")
    approval = ApprovalFactory()
    client.force_login(superuser)
    for obj in (approval, approval.case, approval.decision, approval.provider):
        opts = obj._meta
        change = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        assert change.status_code == 200, opts.label
        html = change.content.decode()
        assert not re.search(r"object \(\d+\)", html), opts.label
        history = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]))
        assert history.status_code == 200
        changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert changelist.status_code == 200, opts.label
    assert "Saker" in client.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
def test_the_inspector_choice_lists_inspectors_only(rf):
    from inspections.models import Inspection

    inspector = UserFactory(inspector=True, email="insp@test.no")
    handler = UserFactory(case_handler=True, email="h@test.no")
    model_admin = admin.site._registry[Inspection]
    request = rf.get("/")
    request.user = UserFactory.build(admin=True, is_superuser=True)
    field = model_admin.formfield_for_foreignkey(Inspection._meta.get_field("inspector"), request)
    choices = set(field.queryset)
    assert inspector in choices and handler not in choices
