"""The BHT as an organisation (Provider) and its departments: what the public register shows
and what accounts, approvals, inspections and client lists refer to. Writes go through
providers/services.py."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from core.limits import TEXT_MAX
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


# ---------------------------------------------------------------- client lists (issue 13)
class AffiliationSource(models.TextChoices):
    PROVIDER_LIST = "provider_list", _("The provider's client list")
    ENTERPRISE_DECLARATION = "enterprise_declaration", _("The enterprise's declaration")
    INSPECTOR = "inspector", _("Recorded by an inspector")


class AffiliationStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("Not yet confirmed by the enterprise")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed by the enterprise")


class Affiliation(FSMModelMixin, models.Model):
    """Tilknytning: an approved provider serves an enterprise (or one of its sub-units) from a
    day, perhaps until a day. Which provider lists it, which enterprise declares it, what an
    inspector found: `source`. The enterprise confirms or disputes a provider's entry."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("provider (BHT)"), on_delete=models.PROTECT, related_name="affiliations"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        to_field="orgnr",
        db_column="enterprise_orgnr",
        on_delete=models.PROTECT,
        related_name="affiliations",
    )
    subunit_orgnr = models.CharField(
        _("sub-unit"),
        max_length=9,
        blank=True,
        validators=[orgnr_validator],
        help_text=_("Empty: the whole enterprise."),
    )
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    employees_covered = models.PositiveIntegerField(_("employees covered"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=30, choices=AffiliationSource.choices)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=AffiliationStatus.choices,
        default=AffiliationStatus.UNCONFIRMED,
        protected=True,
    )
    status_note = models.TextField(_("the enterprise's comment"), blank=True, max_length=TEXT_MAX)
    status_changed_at = models.DateTimeField(_("confirmed or disputed"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("confirmed or disputed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    upload = models.ForeignKey(
        "ClientListUpload",
        verbose_name=_("upload"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="affiliations",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["enterprise_id", "subunit_orgnr", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name="affiliation_period_ordered"
            ),
            models.CheckConstraint(condition=Q(status__in=AffiliationStatus.values), name="affiliation_status_valid"),
            models.CheckConstraint(condition=Q(source__in=AffiliationSource.values), name="affiliation_source_valid"),
            models.CheckConstraint(
                condition=Q(subunit_orgnr="") | Q(subunit_orgnr__regex=r"^[0-9]{9}$"),
                name="affiliation_subunit_nine_digits",
            ),
            models.UniqueConstraint(
                fields=["provider", "enterprise", "subunit_orgnr", "valid_from"], name="affiliation_unique_start"
            ),
        ]
        indexes = [
            # the anti-join of the targeting list and "who serves Y on day D"
            models.Index(fields=["enterprise", "valid_from", "valid_to"], name="affiliation_enterprise_period"),
            models.Index(fields=["provider", "enterprise"], name="affiliation_provider_unit"),
        ]

    def __str__(self) -> str:
        unit = self.subunit_orgnr or self.enterprise_id
        return f"{self.provider} – {unit} ({self.valid_from}–{self.valid_to or ''})"

    def in_force_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @transition(
        field=status,
        source=[AffiliationStatus.UNCONFIRMED, AffiliationStatus.DISPUTED],
        target=AffiliationStatus.CONFIRMED,
    )
    def confirm(self):
        """The enterprise confirms that this provider serves it."""

    @transition(
        field=status,
        source=[AffiliationStatus.UNCONFIRMED, AffiliationStatus.CONFIRMED],
        target=AffiliationStatus.DISPUTED,
    )
    def dispute(self):
        """The enterprise says this provider does not serve it (as listed)."""


class UploadStatus(models.TextChoices):
    REPORTED = "reported", _("Checked, waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed and stored")
    DISCARDED = "discarded", _("Discarded")


class ClientListUpload(models.Model):
    """One uploaded client list: the report of every row (accepted, refused and why). Nothing
    is stored in the list until the provider confirms the report; then the accepted rows are
    stored in one transaction."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("provider (BHT)"), on_delete=models.CASCADE, related_name="client_list_uploads"
    )
    uploaded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    via_api = models.BooleanField(_("sent through the API"), default=False)
    filename = models.CharField(_("file"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=UploadStatus.choices, default=UploadStatus.REPORTED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    accepted_count = models.PositiveIntegerField(_("accepted"), default=0)
    refused_count = models.PositiveIntegerField(_("refused"), default=0)
    # [[enterprise_orgnr, subunit_orgnr, valid_from, valid_to, employees], ...] in file order
    accepted = models.JSONField(_("accepted rows"), default=list, blank=True)
    preview = models.JSONField(
        _("the first accepted rows"), default=list, blank=True
    )  # the first accepted rows, for the report page
    # [{"line": n, "value": "...", "reason": "<code>", "message": "..."}, ...]
    refused = models.JSONField(_("refused rows"), default=list, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("client list upload")
        verbose_name_plural = _("client list uploads")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=UploadStatus.values), name="clientlistupload_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False), name="clientlistupload_confirmed_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.uploaded_at:%Y-%m-%d %H:%M} ({self.status})"


class ApiToken(models.Model):
    """A provider's key for the client-list API. Only a SHA-256 hash is stored; the key itself
    is shown once, when it is made. A provider's users create and revoke them."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("provider (BHT)"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("starts with"), max_length=12)
    key_hash = models.CharField(_("hash of the key (SHA-256)"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
