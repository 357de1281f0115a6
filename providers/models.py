"""The BHT as an organisation (Provider) and its departments: what the public register shows
and what accounts, approvals, inspections and client lists refer to. Writes go through
providers/services.py."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.orgnr import validate_orgnr

orgnr_validator = validate_orgnr  # the one check of an organisation number (python-stdnum)
municipality_validator = RegexValidator(r"^\d{4}$", _("A municipality number has four digits."))

# The organisation data an application carries (copied from the provider, edited on the form).
ORGANISATION_FIELDS = (
    "orgnr",
    "name",
    "form",
    "street_address",
    "postcode",
    "city",
    "municipality_number",
    "contact_person",
    "email",
    "phone",
)
# The fields a department has, in the register (Department) and in an application
# (ApplicationDepartment) alike.
DEPARTMENT_FIELDS = ("name", "street_address", "postcode", "city", "municipality_number")


class ProviderForm(models.TextChoices):
    EXTERNAL = "external", _("External service")
    SHARED = "shared", _("Shared service")
    IN_HOUSE = "in_house", _("In-house service")


class Provider(models.Model):
    """A BHT provider organisation (bedriftshelsetjeneste). Its contact details and
    departments are what the public register shows; change notices update them."""

    orgnr = models.CharField(_("organisation number"), max_length=9, unique=True, validators=[orgnr_validator])
    name = models.CharField(_("name"), max_length=200)
    form = models.CharField(_("form"), max_length=20, choices=ProviderForm.choices, default=ProviderForm.EXTERNAL)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    municipality_number = models.CharField(
        _("municipality number"), max_length=4, blank=True, validators=[municipality_validator]
    )
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("provider (BHT)")
        verbose_name_plural = _("providers (BHT)")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(models.Model):
    """A department (avdeling) of a provider, as in the public register."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("provider (BHT)"), on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=200)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    municipality_number = models.CharField(_("municipality number"), max_length=4, validators=[municipality_validator])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self):
        return self.name
