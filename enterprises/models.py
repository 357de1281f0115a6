"""Reference data (industry classifications, municipalities, the versioned § 13-1 list), the
copy of the national register (Enhetsregisteret: units and sub-units) and dispensations."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Standard(models.TextChoices):
    SN2025 = "SN2025", "SN2025"
    SN2007 = "SN2007", "SN2007"


class IndustryCode(models.Model):
    """Næringskode: one code of an industry classification (SN2025 or SN2007) at any level."""

    standard = models.CharField(_("standard"), max_length=6, choices=Standard.choices)
    code = models.CharField(_("code"), max_length=6)
    level = models.CharField(_("level"), max_length=10)
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("industry code")
        verbose_name_plural = _("industry codes")
        ordering = ["standard", "code"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="industrycode_unique_standard_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name} ({self.standard})"


class CodeCorrespondence(models.Model):
    """Koblingstabell: an SN2007 subclass and one of its SN2025 successors."""

    sn2007_code = models.CharField(_("SN2007 code"), max_length=6, db_index=True)
    sn2025_code = models.CharField(_("SN2025 code"), max_length=6)

    class Meta:
        verbose_name = _("code correspondence")
        verbose_name_plural = _("code correspondences")
        ordering = ["sn2007_code", "sn2025_code"]
        constraints = [
            models.UniqueConstraint(fields=["sn2007_code", "sn2025_code"], name="codecorrespondence_unique_pair"),
        ]

    def __str__(self):
        return f"{self.sn2007_code} → {self.sn2025_code}"


class Municipality(models.Model):
    """Kommune, with its county (fylke)."""

    number = models.CharField(_("municipality number"), max_length=4, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    county_number = models.CharField(_("county number"), max_length=2)
    county_name = models.CharField(_("county"), max_length=100)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class ObligationList(models.Model):
    """Bransjeliste: one version of the § 13-1 second-paragraph list, in force from a date."""

    valid_from = models.DateField(_("valid from"), unique=True)
    reference = models.CharField(_("legal reference"), max_length=50)
    title = models.CharField(_("title"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("industry list (§ 13-1)")
        verbose_name_plural = _("industry lists (§ 13-1)")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.reference} ({self.valid_from})"


class ObligationListEntry(models.Model):
    """One entry of a § 13-1 list: an SN2025 code at any level, with the condition for partial entries."""

    obligation_list = models.ForeignKey(
        ObligationList, verbose_name=_("list"), on_delete=models.CASCADE, related_name="entries"
    )
    division = models.CharField(_("division"), max_length=2)
    code = models.CharField(_("code"), max_length=6)
    name = models.CharField(_("name"), max_length=300)
    condition = models.TextField(_("condition"), blank=True)

    class Meta:
        verbose_name = _("industry list entry")
        verbose_name_plural = _("industry list entries")
        ordering = ["obligation_list", "code"]
        constraints = [
            models.UniqueConstraint(fields=["obligation_list", "code"], name="obligationlistentry_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Enterprise(models.Model):
    """Enhet: a legal unit as copied from Enhetsregisteret."""

    orgnr = models.CharField(_("organisation number"), max_length=9, unique=True)
    name = models.CharField(_("name"), max_length=500)
    org_form = models.CharField(_("organisation form"), max_length=10, blank=True)
    org_form_name = models.CharField(_("organisation form (description)"), max_length=200, blank=True)
    nace1 = models.CharField(_("industry code 1"), max_length=6, blank=True)
    nace2 = models.CharField(_("industry code 2"), max_length=6, blank=True)
    nace3 = models.CharField(_("industry code 3"), max_length=6, blank=True)
    nace_standard = models.CharField(
        _("classification of the codes"), max_length=6, choices=Standard.choices, default=Standard.SN2025
    )
    employees = models.IntegerField(_("employees"), null=True, blank=True)
    has_registered_employees = models.BooleanField(_("has registered employees"), null=True)
    address = models.CharField(_("business address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("postal town"), max_length=100, blank=True)
    municipality_number = models.CharField(_("municipality number"), max_length=4, blank=True)
    municipality_name = models.CharField(_("municipality"), max_length=100, blank=True)
    bankrupt = models.BooleanField(_("bankrupt"), default=False)
    being_wound_up = models.BooleanField(_("being wound up"), default=False)
    forced_dissolution = models.BooleanField(_("under forced winding-up or dissolution"), default=False)
    deleted_on = models.DateField(_("deleted on"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    source_updated_at = models.DateTimeField(_("updated in the register"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(orgnr__regex=r"^[0-9]{9}$"), name="enterprise_orgnr_nine_digits"),
            models.CheckConstraint(
                condition=Q(employees__isnull=True) | Q(employees__gte=0), name="enterprise_employees_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.orgnr})"

    @property
    def codes(self) -> list[str]:
        return [c for c in (self.nace1, self.nace2, self.nace3) if c]

    @property
    def county_number(self) -> str:
        return self.municipality_number[:2]


class SubUnit(models.Model):
    """Underenhet: an establishment of an enterprise, with its own codes and location."""

    orgnr = models.CharField(_("organisation number"), max_length=9, unique=True)
    # The parent may arrive later in an import: no database-level foreign key, joined by orgnr.
    parent = models.ForeignKey(
        Enterprise,
        verbose_name=_("parent unit"),
        to_field="orgnr",
        db_constraint=False,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="subunits",
    )
    name = models.CharField(_("name"), max_length=500)
    nace1 = models.CharField(_("industry code 1"), max_length=6, blank=True)
    nace2 = models.CharField(_("industry code 2"), max_length=6, blank=True)
    nace3 = models.CharField(_("industry code 3"), max_length=6, blank=True)
    employees = models.IntegerField(_("employees"), null=True, blank=True)
    has_registered_employees = models.BooleanField(_("has registered employees"), null=True)
    address = models.CharField(_("location address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("postal town"), max_length=100, blank=True)
    municipality_number = models.CharField(_("municipality number"), max_length=4, blank=True)
    municipality_name = models.CharField(_("municipality"), max_length=100, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    source_updated_at = models.DateTimeField(_("updated in the register"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    class Meta:
        verbose_name = _("sub-unit")
        verbose_name_plural = _("sub-units")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(orgnr__regex=r"^[0-9]{9}$"), name="subunit_orgnr_nine_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.orgnr})"

    @property
    def codes(self) -> list[str]:
        return [c for c in (self.nace1, self.nace2, self.nace3) if c]


class RegisterSyncState(models.Model):
    """Where the copy of the register stands: the last update id seen in the change feed."""

    feed = models.CharField(_("feed"), max_length=20, unique=True)
    last_update_id = models.BigIntegerField(_("last update id"), null=True, blank=True)
    bulk_imported_at = models.DateTimeField(_("bulk file imported"), null=True, blank=True)
    synced_at = models.DateTimeField(_("last synchronised"), null=True, blank=True)

    class Meta:
        verbose_name = _("register sync state")
        verbose_name_plural = _("register sync states")

    def __str__(self) -> str:
        return f"{self.feed}: {self.last_update_id}"


class DispensationScope(models.TextChoices):
    WHOLE = "whole", _("Whole enterprise")
    PARTIAL = "partial", _("Part of the enterprise")


class Dispensation(models.Model):
    """Dispensasjon: exemption from the duty to be connected to an approved BHT."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        to_field="orgnr",
        db_column="enterprise_orgnr",
        on_delete=models.PROTECT,
        related_name="dispensations",
    )
    scope = models.CharField(_("scope"), max_length=10, choices=DispensationScope.choices)
    part = models.CharField(_("the part exempted"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("dispensation")
        verbose_name_plural = _("dispensations")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="whole") | (Q(scope="partial") & ~Q(part="")),
                name="dispensation_partial_names_part",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="dispensation_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.get_scope_display()} {self.valid_from}"

    def in_force_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)
