"""Inspections (tilsyn) of enterprises and BHT providers, end to end (aml. chapter 18).

The usual course (regulation.md § 5): the inspector starts an inspection (kind, date, team,
topics, the notice sent beforehand), answers the checklist for the target (a versioned data
set, `ChecklistVersion`), where a point not met becomes a finding; the inspection report with
advance notice of order (`Report`, fvl. § 16) goes out with a deadline for comments; the
inspected party answers (`PartyComment`); then the reactions, each an individual decision with
its letter: an order (`Order`, aml. § 18-6, always with a compliance deadline) and, when it is
not met, a coercive fine, stoppage, infringement fine (`Reaction`), or guidance and a police
report as recorded steps. Every step writes an `InspectionEvent` the page shows.

The daily job `order_deadlines_check` marks open orders past their deadline as overdue and
tells the inspector exactly once (OrderOverdueNotice, one row per order).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from core.limits import TEXT_MAX, text_limits


class InspectionKind(models.TextChoices):
    ANNOUNCED = "announced", _("Announced")
    UNANNOUNCED = "unannounced", _("Unannounced")
    DOCUMENTS = "documents", _("By documents")


class InspectionTarget(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    PROVIDER = "provider", _("BHT provider")


# ---------------------------------------------------------------- checklists (data)
class ChecklistVersion(models.Model):
    """One version of a checklist (sjekkliste), loaded from inspections/checklists/*.json by
    `manage.py load_checklists`. A version is never changed once loaded: a new checklist is a
    new file with a higher version number; an inspection keeps the version it was started with."""

    code = models.SlugField(_("code"), max_length=50)
    version = models.PositiveSmallIntegerField(_("version"))
    target = models.CharField(_("for"), max_length=20, choices=InspectionTarget.choices)
    title_nb = models.CharField(_("title (Norwegian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    valid_from = models.DateField(_("in use from"))
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("checklist version")
        verbose_name_plural = _("checklist versions")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="checklist_code_version_unique"),
            models.CheckConstraint(condition=Q(target__in=InspectionTarget.values), name="checklist_target_valid"),
        ]

    def __str__(self):
        return f"{self.code} v{self.version}"

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "nb").startswith("en") else self.title_nb


class ChecklistPoint(models.Model):
    """A point of a checklist with its legal reference. `per_person`: answered once per staff
    member of the BHT (the § 2-3 training)."""

    checklist = models.ForeignKey(
        ChecklistVersion, verbose_name=_("checklist"), on_delete=models.CASCADE, related_name="points"
    )
    number = models.CharField(_("number"), max_length=10)
    position = models.PositiveSmallIntegerField(_("position"))
    text_nb = models.TextField(_("text (Norwegian)"), max_length=TEXT_MAX)
    text_en = models.TextField(_("text (English)"), max_length=TEXT_MAX)
    legal_reference = models.CharField(_("legal reference"), max_length=200)
    per_person = models.BooleanField(_("answered per person"), default=False)
    suggested_order = models.TextField(_("suggested order when not met"), blank=True, max_length=TEXT_MAX)

    class Meta:
        verbose_name = _("checklist point")
        verbose_name_plural = _("checklist points")
        ordering = ["checklist", "position"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "number"], name="checklist_point_number_unique"),
            *text_limits("text_nb", "text_en", "suggested_order"),
        ]

    def __str__(self):
        return f"{self.number} {self.text_nb[:60]}"

    @property
    def text(self) -> str:
        return self.text_en if (get_language() or "nb").startswith("en") else self.text_nb


# ---------------------------------------------------------------- the inspection
class InspectionStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    REPORT_SENT = "report_sent", _("Report sent, awaiting comments")
    COMMENTED = "commented", _("Comments received")
    CLOSED = "closed", _("Closed")


class Inspection(FSMModelMixin, models.Model):
    """An inspection (tilsyn) of an enterprise or a BHT provider. `inspector` is the one
    responsible; `team` the inspectors taking part (the responsible one included)."""

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
    approval_id = models.IntegerField(_("approval inspected"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="inspections"
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), blank=True, related_name="inspection_teams"
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    inspected_on = models.DateField(_("date"))
    topics = models.TextField(_("topics"), blank=True, max_length=TEXT_MAX)
    advance_notice = models.TextField(_("notice sent beforehand"), blank=True, max_length=TEXT_MAX)
    summary = models.TextField(_("summary"), blank=True, max_length=TEXT_MAX)
    checklist = models.ForeignKey(
        ChecklistVersion, verbose_name=_("checklist"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=InspectionStatus.choices,
        default=InspectionStatus.IN_PROGRESS,
        protected=True,
    )
    followup_task_id = models.IntegerField(_("follow-up on the approval case"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(target__in=InspectionTarget.values), name="inspection_target_valid"),
            models.CheckConstraint(condition=Q(kind__in=InspectionKind.values), name="inspection_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=InspectionStatus.values), name="inspection_status_valid"),
            models.CheckConstraint(
                condition=~Q(target="provider") | Q(provider__isnull=False), name="inspection_provider_target_has_fk"
            ),
            models.CheckConstraint(condition=Q(orgnr__regex=r"^[0-9]{9}$"), name="inspection_orgnr_nine_digits"),
            *text_limits("topics", "advance_notice", "summary"),
        ]
        indexes = [models.Index(fields=["status", "inspector"]), models.Index(fields=["orgnr"])]

    def __str__(self):
        return f"{self.name} {self.inspected_on}"

    @property
    def is_open(self) -> bool:
        return self.status != InspectionStatus.CLOSED

    @transition(field=status, source=InspectionStatus.IN_PROGRESS, target=InspectionStatus.REPORT_SENT)
    def send_report(self):
        """The inspection report with advance notice of order has gone out."""

    @transition(field=status, source=InspectionStatus.REPORT_SENT, target=InspectionStatus.COMMENTED)
    def receive_comments(self):
        """The inspected party has commented on the advance notice."""

    @transition(
        field=status,
        source=[InspectionStatus.IN_PROGRESS, InspectionStatus.REPORT_SENT, InspectionStatus.COMMENTED],
        target=InspectionStatus.CLOSED,
    )
    def close(self):
        self.closed_at = timezone.now()


class InspectionEvent(models.Model):
    """A readable step on the inspection (shown on its page, newest first)."""

    class Kind(models.TextChoices):
        STARTED = "started", _("Inspection started")
        CHECKLIST = "checklist", _("Checklist answered")
        FINDING = "finding", _("Finding recorded")
        REPORT_SENT = "report_sent", _("Report with advance notice sent")
        COMMENTED = "commented", _("Comments received")
        ORDER = "order", _("Order issued")
        EXTENSION_REQUESTED = "extension_requested", _("Extension of the deadline requested")
        ORDER_EXTENDED = "order_extended", _("Order deadline extended")
        ORDER_OVERDUE = "order_overdue", _("Order overdue")
        COMPLIANCE_UPLOADED = "compliance_uploaded", _("Proof of compliance received")
        COMPLIANCE = "compliance", _("Compliance documented")
        ORDER_CLOSED = "order_closed", _("Order closed")
        REACTION = "reaction", _("Reaction recorded")
        FOLLOWUP = "followup", _("Reported to the approval unit")
        CLOSED = "closed", _("Inspection closed")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("message"), blank=True, max_length=TEXT_MAX)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("inspection event")
        verbose_name_plural = _("inspection events")
        ordering = ["-created_at", "-id"]
        constraints = [*text_limits("message")]

    def __str__(self):
        return f"{self.inspection}: {self.get_kind_display()}"


class AnswerResult(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NOT_CHECKED = "not_checked", _("Not checked")


class ChecklistAnswer(models.Model):
    """The answer to one checklist point (for a per-person point: one per person, `subject`)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="answers"
    )
    point = models.ForeignKey(ChecklistPoint, verbose_name=_("point"), on_delete=models.PROTECT, related_name="answers")
    subject = models.CharField(_("person"), max_length=200, blank=True)
    result = models.CharField(
        _("result"), max_length=20, choices=AnswerResult.choices, default=AnswerResult.NOT_CHECKED
    )
    note = models.TextField(_("note"), blank=True, max_length=TEXT_MAX)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        ordering = ["point__position", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "point", "subject"], name="answer_once_per_point_subject"),
            models.CheckConstraint(condition=Q(result__in=AnswerResult.values), name="answer_result_valid"),
            *text_limits("note"),
        ]

    def __str__(self):
        return f"{self.point.number}{' ' + self.subject if self.subject else ''}: {self.get_result_display()}"


class Finding(models.Model):
    """A finding (funn): a non-conformity (avvik, breach of a rule) or a remark (merknad).
    `intended_order`: the order the report gives advance notice of (empty: none)."""

    class Kind(models.TextChoices):
        NONCONFORMITY = "nonconformity", _("Non-conformity")
        REMARK = "remark", _("Remark")

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="findings"
    )
    answer = models.OneToOneField(
        ChecklistAnswer,
        verbose_name=_("checklist answer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="finding",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    legal_basis = models.CharField(_("legal reference"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=TEXT_MAX)
    intended_order = models.TextField(_("intended order"), blank=True, max_length=TEXT_MAX)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["nonconformity", "remark"]), name="finding_kind"),
            *text_limits("description", "intended_order"),
        ]

    def __str__(self):
        return self.description[:60]


# ---------------------------------------------------------------- report and comments
def _pdf_path(instance, filename):
    return f"inspections/{uuid.uuid4().hex}.pdf"


class Report(models.Model):
    """The inspection report with advance notice of order (tilsynsrapport med varsel om
    pålegg, fvl. § 16), one per inspection, with the deadline for comments."""

    inspection = models.OneToOneField(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="report"
    )
    comment_deadline = models.DateField(_("deadline for comments"))
    pdf = models.FileField(_("PDF"), upload_to=_pdf_path, max_length=255)
    pages = models.PositiveSmallIntegerField(_("pages"), default=1)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    sent_at = models.DateTimeField(_("sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("inspection report")
        verbose_name_plural = _("inspection reports")

    def __str__(self):
        return f"{self.inspection} ({self.sent_at:%d.%m.%Y})"

    @property
    def download_name(self) -> str:
        return f"tilsynsrapport-{self.inspection_id}.pdf"


class PartyComment(models.Model):
    """The inspected party's answer to the advance notice (uttalelse), with attachments."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="comments"
    )
    text = models.TextField(_("comments"), max_length=TEXT_MAX)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("comment on the advance notice")
        verbose_name_plural = _("comments on the advance notice")
        ordering = ["submitted_at", "id"]
        constraints = [*text_limits("text")]

    def __str__(self):
        return f"{self.inspection}: {self.text[:40]}"


# ---------------------------------------------------------------- orders
class OrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    OVERDUE = "overdue", _("Overdue")
    COMPLIED = "complied", _("Compliance documented")
    CLOSED = "closed", _("Closed")


class Order(FSMModelMixin, models.Model):
    """An order (pålegg, aml. § 18-6): an individual decision with a letter, the legal basis,
    what must be done and a compliance deadline (frist), which can be extended on request.
    open → overdue (the daily job) → compliance documented → closed."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="orders"
    )
    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    text = models.TextField(_("what must be done"), max_length=TEXT_MAX)
    legal_basis = models.CharField(_("legal basis"), max_length=200, default="arbeidsmiljøloven § 18-6")
    issued_on = models.DateField(_("issued"))
    deadline = models.DateField(_("compliance deadline"))
    appeal_deadline = models.DateField(_("appeal deadline"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    letter = models.FileField(_("letter"), upload_to=_pdf_path, blank=True, max_length=255)
    letter_pages = models.PositiveSmallIntegerField(_("pages in the letter"), null=True, blank=True)
    status = FSMField(_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.OPEN, protected=True)
    overdue_at = models.DateTimeField(_("marked overdue"), null=True, blank=True)
    compliance_documentation = models.TextField(_("documented compliance"), blank=True, max_length=TEXT_MAX)
    compliance_documented_at = models.DateTimeField(_("compliance documented"), null=True, blank=True)
    compliance_registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compliance registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=OrderStatus.values), name="order_status_valid"),
            models.CheckConstraint(condition=Q(deadline__gte=F("issued_on")), name="order_deadline_after_issue"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "overdue"])
                | (Q(compliance_documented_at__isnull=False) & ~Q(compliance_documentation="")),
                name="order_complied_is_documented",
            ),
            *text_limits("text", "compliance_documentation"),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return f"{self.inspection.name}: {self.text[:40]}"

    @property
    def download_name(self) -> str:
        return f"vedtak-om-palegg-{self.pk}.pdf"

    @transition(field=status, source=OrderStatus.OPEN, target=OrderStatus.OVERDUE)
    def mark_overdue(self):
        """The deadline passed without documented compliance (fristoverskridelse)."""
        self.overdue_at = timezone.now()

    @transition(field=status, source=[OrderStatus.OPEN, OrderStatus.OVERDUE], target=OrderStatus.OPEN)
    def extend(self, *, deadline):
        """The deadline is extended on request (a decision too); an overdue order is open again."""
        self.deadline = deadline
        self.overdue_at = None

    @transition(field=status, source=[OrderStatus.OPEN, OrderStatus.OVERDUE], target=OrderStatus.COMPLIED)
    def document_compliance(self, *, documentation: str, by):
        """The inspector has checked the documents received: the order is met."""
        self.compliance_documentation = documentation
        self.compliance_documented_at = timezone.now()
        self.compliance_registered_by = by

    @transition(field=status, source=OrderStatus.COMPLIED, target=OrderStatus.CLOSED)
    def close(self):
        self.closed_at = timezone.now()


class OrderExtension(models.Model):
    """A deadline extension granted on the party's request, with the reason (a decision)."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="extensions")
    old_deadline = models.DateField(_("old deadline"))
    new_deadline = models.DateField(_("new deadline"))
    reason = models.TextField(_("reason"), max_length=TEXT_MAX)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(new_deadline__gt=F("old_deadline")), name="extension_is_later"),
            *text_limits("reason"),
        ]

    def __str__(self):
        return f"{self.order_id}: {self.old_deadline} → {self.new_deadline}"


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


# ---------------------------------------------------------------- other reactions
class ReactionKind(models.TextChoices):
    COERCIVE_FINE = "coercive_fine", _("Coercive fine")
    STOPPAGE = "stoppage", _("Stoppage")
    INFRINGEMENT_FINE = "infringement_fine", _("Infringement fine")
    GUIDANCE = "guidance", _("Guidance")
    POLICE_REPORT = "police_report", _("Police report")


# Reactions that are individual decisions (with a letter and the appeal text); guidance and a
# police report are recorded steps.
DECISION_KINDS = (ReactionKind.COERCIVE_FINE, ReactionKind.STOPPAGE, ReactionKind.INFRINGEMENT_FINE)


class FinePeriod(models.TextChoices):
    DAY = "day", _("per day")
    WEEK = "week", _("per week")
    ONCE = "once", _("once")


class Reaction(models.Model):
    """A reaction after an inspection other than an order: coercive fine (tvangsmulkt,
    aml. § 18-7, tied to an order, running from a date until compliance is documented),
    stoppage (stans, § 18-8), infringement fine (overtredelsesgebyr, § 18-10), guidance
    (veiledning) and police report (politianmeldelse, § 19-1)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="reactions"
    )
    order = models.ForeignKey(
        Order, verbose_name=_("order"), null=True, blank=True, on_delete=models.PROTECT, related_name="reactions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReactionKind.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    text = models.TextField(_("reasons"), max_length=TEXT_MAX)
    amount = models.DecimalField(_("amount (NOK)"), max_digits=12, decimal_places=0, null=True, blank=True)
    period = models.CharField(_("period"), max_length=10, choices=FinePeriod.choices, blank=True)
    runs_from = models.DateField(_("runs from"), null=True, blank=True)
    stopped_on = models.DateField(_("stopped"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    appeal_deadline = models.DateField(_("appeal deadline"), null=True, blank=True)
    letter = models.FileField(_("letter"), upload_to=_pdf_path, blank=True, max_length=255)
    letter_pages = models.PositiveSmallIntegerField(_("pages in the letter"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ReactionKind.values), name="reaction_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind="coercive_fine")
                | (Q(order__isnull=False, amount__gt=0, runs_from__isnull=False) & Q(period__in=FinePeriod.values)),
                name="reaction_coercive_fine_complete",
            ),
            models.CheckConstraint(
                condition=~Q(kind="infringement_fine") | Q(amount__gt=0), name="reaction_infringement_fine_amount"
            ),
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(runs_from__isnull=True) | Q(stopped_on__gte=F("runs_from")),
                name="reaction_stop_after_start",
            ),
            *text_limits("text"),
        ]
        indexes = [models.Index(fields=["kind", "stopped_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.inspection.name}"

    @property
    def is_decision(self) -> bool:
        return self.kind in DECISION_KINDS

    @property
    def download_name(self) -> str:
        return f"vedtak-{self.kind.replace('_', '-')}-{self.pk}.pdf"


# ---------------------------------------------------------------- attachments
class DocumentPurpose(models.TextChoices):
    FINDING = "finding", _("Evidence for a finding")
    COMMENT = "comment", _("Attachment to comments")
    COMPLIANCE = "compliance", _("Proof of compliance")


def _document_path(instance, filename):
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(instance.content_type, "bin")
    return f"inspections/{instance.inspection_id}/{uuid.uuid4().hex}.{extension}"


class InspectionDocument(models.Model):
    """An uploaded photo or PDF, checked by content (inspections/attachments.py)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="documents"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=DocumentPurpose.choices)
    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    comment = models.ForeignKey(
        PartyComment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    order = models.ForeignKey(
        Order, verbose_name=_("order"), null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to=_document_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(
        _("size"),
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("inspection document")
        verbose_name_plural = _("inspection documents")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose="finding", finding__isnull=False)
                | Q(purpose="comment", comment__isnull=False)
                | Q(purpose="compliance", order__isnull=False),
                name="inspection_document_has_owner",
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]),
                name="inspection_document_type",
            ),
        ]

    def __str__(self):
        return self.original_name
