"""Inspections (tilsyn), their findings (funn) and orders (pålegg) with deadlines.

An order is always written with a deadline (aml. § 18-6) and is closed when the inspected
party documents compliance. The daily lifecycle job `order_deadlines_check` marks orders
whose deadline has passed without documented compliance as overdue and notifies the
inspector exactly once (OrderOverdueNotice, one row per order).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition


class InspectionKind(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    UNANNOUNCED = "unannounced", _("Unannounced")
    DOCUMENTS = "documents", _("By documents")


class InspectionTarget(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    PROVIDER = "provider", _("BHT provider")


class Inspection(models.Model):
    """An inspection (tilsyn) of an enterprise or a BHT provider."""

    target = models.CharField(_("inspected"), max_length=20, choices=InspectionTarget.choices)
    orgnr = models.CharField(_("organisation number"), max_length=9)
    name = models.CharField(_("name"), max_length=200)
    provider = models.ForeignKey(
        "providers.Provider",
        verbose_name=_("provider (BHT)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspected_on = models.DateField(_("date"))
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(target__in=InspectionTarget.values), name="inspection_target_valid"),
            models.CheckConstraint(condition=Q(kind__in=InspectionKind.values), name="inspection_kind_valid"),
            models.CheckConstraint(
                condition=~Q(target="provider") | Q(provider__isnull=False), name="inspection_provider_target_has_fk"
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.inspected_on}"


class Finding(models.Model):
    """A finding (funn): a non-conformity (avvik, breach of a rule) or a remark (merknad)."""

    class Kind(models.TextChoices):
        NONCONFORMITY = "nonconformity", _("Non-conformity")
        REMARK = "remark", _("Remark")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="findings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    description = models.TextField(_("description"))

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=["nonconformity", "remark"]), name="finding_kind")]

    def __str__(self):
        return self.description[:60]


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    OVERDUE = "overdue", _("Overdue")
    COMPLIED = "complied", _("Compliance documented")


class Order(FSMModelMixin, models.Model):
    """An order (pålegg, aml. § 18-6), always with a deadline (frist). Closed when the
    inspected party documents compliance (e.g. a signed BHT contract and a plan)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="orders"
    )
    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    text = models.TextField(_("order"))
    legal_basis = models.CharField(_("legal basis"), max_length=200, default="aml. § 18-6")
    issued_on = models.DateField(_("issued"))
    deadline = models.DateField(_("deadline"))
    status = FSMField(_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.OPEN, protected=True)
    overdue_at = models.DateTimeField(_("marked overdue"), null=True, blank=True)
    compliance_documentation = models.TextField(_("documented compliance"), blank=True)
    compliance_documented_at = models.DateTimeField(_("compliance documented"), null=True, blank=True)
    compliance_registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compliance registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=OrderStatus.values), name="order_status_valid"),
            models.CheckConstraint(condition=Q(deadline__gte=models.F("issued_on")), name="order_deadline_after_issue"),
            models.CheckConstraint(
                condition=~Q(status="complied")
                | (Q(compliance_documented_at__isnull=False) & ~Q(compliance_documentation="")),
                name="order_complied_is_documented",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return f"{self.inspection.name}: {self.text[:40]}"

    @transition(field=status, source=OrderStatus.OPEN, target=OrderStatus.OVERDUE)
    def mark_overdue(self):
        """The deadline passed without documented compliance (fristoverskridelse)."""
        self.overdue_at = timezone.now()

    @transition(field=status, source=[OrderStatus.OPEN, OrderStatus.OVERDUE], target=OrderStatus.COMPLIED)
    def document_compliance(self, *, documentation: str, by):
        """The inspected party documented compliance: the order is closed."""
        self.compliance_documentation = documentation
        self.compliance_documented_at = timezone.now()
        self.compliance_registered_by = by


class OrderOverdueNotice(models.Model):
    """Ledger row: the inspector was told that the order's deadline passed (varsel om
    fristoverskridelse). One per order (unique), so the notice goes out exactly once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")

    order = models.OneToOneField(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="overdue_notice"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    recipient = models.EmailField(_("recipient"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("overdue notice")
        verbose_name_plural = _("overdue notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | Q(status="sent", sent_at__isnull=False), name="overdue_notice_sent_at"
            ),
        ]

    def __str__(self):
        return f"{self.order}: {self.get_status_display()}"
