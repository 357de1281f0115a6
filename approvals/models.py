"""Providers (BHT), their approval applications, cases, decisions and approvals.

Norwegian terms in verbose_name; English in code. Status fields are django-fsm-2 FSMFields
with protected=True: they change only through transitions called by approvals/services/, each of
which also writes a CaseEvent (who, what, when, why). django-simple-history keeps a row-level
history of every change underneath.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from core.limits import SYSTEM_TEXT_MAX, TEXT_MAX, text_limits
from providers.models import (
    ProviderForm,
    municipality_validator,
    orgnr_validator,
)
from providers.vocabulary import DISCIPLINE_FIELDS, EmploymentType, Profession

from . import rules

FTE_FIELD = dict(max_digits=4, decimal_places=3, default=Decimal("0"))
APPROVAL_YEARS = 5  # § 2-5: approved for five years unless a shorter period is set
APPEAL_DAYS = 21  # three weeks (forvaltningsloven § 29)


class CaseSequence(models.Model):
    """Last case number used per year; allocated under SELECT ... FOR UPDATE."""

    year = models.PositiveIntegerField(_("year"), primary_key=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("case number sequence")
        verbose_name_plural = _("case number sequences")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    AWAITING_INFORMATION = "awaiting_information", _("Awaiting more information")
    APPROVED = "approved", _("Approved")
    APPROVED_SPECIAL = "approved_special", _("Approved in special cases")
    REJECTED = "rejected", _("Rejected")
    REVOCATION_NOTIFIED = "revocation_notified", _("Notice of revocation")
    REVOKED = "revoked", _("Revoked")


# A case waiting for the case handler or the provider, and a case that has a decision.
CASE_OPEN_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.AWAITING_INFORMATION)
CASE_DECIDED_STATUSES = (
    CaseStatus.APPROVED,
    CaseStatus.APPROVED_SPECIAL,
    CaseStatus.REJECTED,
    CaseStatus.REVOCATION_NOTIFIED,
    CaseStatus.REVOKED,
)


class Case(ConcurrentTransitionMixin, models.Model):
    """A case (sak) at Arbeidstilsynet: one approval application and what follows from it.

    ConcurrentTransitionMixin: a transition saved from a stale status raises
    django_fsm.ConcurrentTransition, so two handlers cannot both decide the same case."""

    case_number = models.CharField(_("case number"), max_length=12, unique=True)
    year = models.PositiveIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence number"))
    provider = models.ForeignKey(
        "providers.Provider", verbose_name=_("provider (BHT)"), on_delete=models.PROTECT, related_name="cases"
    )
    status = FSMField(
        _("status"), max_length=30, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED, protected=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned case handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    received_at = models.DateTimeField(_("received"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # Denormalised from the current application version's rule evaluation, for the queue.
    failed_rule_count = models.PositiveSmallIntegerField(_("failed statutory rules"), default=0)
    warning_count = models.PositiveSmallIntegerField(_("warnings"), default=0)
    renews = models.ForeignKey(
        "Approval",
        verbose_name=_("renews approval"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewal_cases",
    )
    # A renewal received before the current approval ends is decided by that end (the last day
    # of the approval), so the provider does not drop out of the register while waiting on us.
    decide_by = models.DateField(_("decide by"), null=True, blank=True)
    # Handler side: the open request for more information (shown to the provider), and a
    # notice of revocation (varsel om tilbakekall) with its reason and deadline.
    information_request = models.TextField(_("request for more information"), blank=True, max_length=TEXT_MAX)
    information_requested_at = models.DateTimeField(_("information requested"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True, max_length=TEXT_MAX)
    revocation_deadline = models.DateField(_("deadline in the notice of revocation"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="case_unique_year_sequence"),
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_valid"),
            *text_limits("information_request", "revocation_reason"),
        ]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self):
        return self.case_number

    # ---- Workflow (saksgang). Transitions are called only by approvals/services/cases.py,
    # which locks the row, checks can_proceed and writes the CaseEvent.
    @transition(
        field=status,
        source=[CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.AWAITING_INFORMATION],
        target=RETURN_VALUE(CaseStatus.IN_REVIEW, CaseStatus.AWAITING_INFORMATION),
    )
    def assign(self):
        """Assigned (or reassigned) to a case handler: a submitted case goes into review; an open
        case keeps its status. A decided case is not reassigned."""
        return CaseStatus.IN_REVIEW if self.status == CaseStatus.SUBMITTED else self.status

    @transition(field=status, source=CaseStatus.IN_REVIEW, target=CaseStatus.AWAITING_INFORMATION)
    def request_information(self):
        """Ask the provider for more information."""

    @transition(field=status, source=CaseStatus.AWAITING_INFORMATION, target=CaseStatus.IN_REVIEW)
    def supplement(self):
        """The provider supplemented the application: back to review."""

    @transition(field=status, source=CaseStatus.IN_REVIEW, target=CaseStatus.APPROVED)
    def approve(self):
        """Approved (godkjent)."""

    @transition(field=status, source=CaseStatus.IN_REVIEW, target=CaseStatus.APPROVED_SPECIAL)
    def approve_special(self):
        """Approved in special cases (godkjent i særlige tilfeller), with a written justification."""

    @transition(field=status, source=CaseStatus.IN_REVIEW, target=CaseStatus.REJECTED)
    def reject(self):
        """Rejected (avslag)."""

    @transition(
        field=status,
        source=[CaseStatus.APPROVED, CaseStatus.APPROVED_SPECIAL],
        target=CaseStatus.REVOCATION_NOTIFIED,
    )
    def notify_revocation(self):
        """Notice of revocation (varsel om tilbakekall) with a deadline."""

    @transition(field=status, source=CaseStatus.REVOCATION_NOTIFIED, target=CaseStatus.REVOKED)
    def revoke(self):
        """The approval is revoked (tilbakekalt)."""

    @transition(
        field=status,
        source=CaseStatus.REVOCATION_NOTIFIED,
        target=RETURN_VALUE(CaseStatus.APPROVED, CaseStatus.APPROVED_SPECIAL),
    )
    def drop_revocation(self, *, special: bool = False):
        """The revocation is dropped: back to the approved state it came from."""
        return CaseStatus.APPROVED_SPECIAL if special else CaseStatus.APPROVED

    @transition(field=status, source=CaseStatus.REJECTED, target=CaseStatus.IN_REVIEW)
    def reopen(self):
        """An appeal against a rejection is reversed: the case is reviewed again."""

    @transition(
        field=status,
        source=CaseStatus.REVOKED,
        target=RETURN_VALUE(CaseStatus.APPROVED, CaseStatus.APPROVED_SPECIAL),
    )
    def reinstate(self, *, special: bool = False):
        """An appeal against a revocation is reversed: the approval stands again."""
        return CaseStatus.APPROVED_SPECIAL if special else CaseStatus.APPROVED


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Application(FSMModelMixin, models.Model):
    """An approval application (søknad om godkjenning). A draft is edited freely; a submitted
    version is frozen. Supplements and later edits are new versions on the same case."""

    provider = models.ForeignKey(
        "providers.Provider", verbose_name=_("provider (BHT)"), on_delete=models.PROTECT, related_name="applications"
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.ForeignKey(
        "self", verbose_name=_("previous version"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    renews = models.ForeignKey(
        "Approval",
        verbose_name=_("renews approval"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewal_applications",
    )
    status = FSMField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, protected=True
    )
    # Organisation data as applied for (frozen with the version).
    orgnr = models.CharField(_("organisation number"), max_length=9, validators=[orgnr_validator])
    name = models.CharField(_("name"), max_length=200)
    form = models.CharField(_("form"), max_length=20, choices=ProviderForm.choices, default=ProviderForm.EXTERNAL)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    municipality_number = models.CharField(_("municipality number"), max_length=4, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    special_case_requested = models.BooleanField(_("asks for approval in special cases"), default=False)
    special_case_explanation = models.TextField(
        _("cooperation that covers what is missing"), blank=True, max_length=TEXT_MAX
    )
    declaration_accepted = models.BooleanField(_("declaration accepted"), default=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Rule evaluation frozen at submission (rules.evaluate as JSON), shown to the handler.
    evaluation = models.JSONField(_("rule evaluation at submission"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="application_unique_case_version"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False, case__isnull=False),
                name="application_submitted_has_case",
            ),
            models.CheckConstraint(
                condition=~Q(special_case_requested=True) | ~Q(special_case_explanation=""),
                name="application_special_case_explained",
            ),
            *text_limits("special_case_explanation"),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    @transition(field=status, source=ApplicationStatus.DRAFT, target=ApplicationStatus.SUBMITTED)
    def submit(self):
        """Freeze this version (approvals.services.applications.application_submit)."""


class ApplicationDepartment(models.Model):
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=200)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    municipality_number = models.CharField(_("municipality number"), max_length=4, validators=[municipality_validator])
    carried_over = models.BooleanField(_("carried over from the last approval"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department in application")
        verbose_name_plural = _("departments in application")
        ordering = ["id"]

    def __str__(self):
        return f"{self.name} ({self.municipality_number})"


class StaffMember(models.Model):
    """One person in the staff roster (bemanning) of an application, with FTE (årsverk)
    in the BHT and per discipline (fagområde)."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="staff"
    )
    name = models.CharField(_("name"), max_length=200)
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)
    hpr_number = models.CharField(
        _("HPR number"), max_length=9, blank=True, validators=[RegexValidator(r"^\d{1,9}$", _("Digits only."))]
    )
    fte = models.DecimalField(
        _("FTE in the BHT"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("1"))],
    )
    fte_occupational_medicine = models.DecimalField(_("occupational medicine"), **FTE_FIELD)
    fte_occupational_hygiene = models.DecimalField(_("occupational hygiene"), **FTE_FIELD)
    fte_ergonomics = models.DecimalField(_("ergonomics"), **FTE_FIELD)
    fte_psychosocial = models.DecimalField(_("psychosocial/organisational"), **FTE_FIELD)
    fte_systematic_hse = models.DecimalField(_("systematic HSE"), **FTE_FIELD)
    employment = models.CharField(
        _("employment type"), max_length=20, choices=EmploymentType.choices, default=EmploymentType.PERMANENT
    )
    training_completed_on = models.DateField(_("mandatory training completed"), null=True, blank=True)
    carried_over = models.BooleanField(_("carried over from the last approval"), default=False)
    history = HistoricalRecords()

    DISCIPLINE_FIELDS = DISCIPLINE_FIELDS

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(fte__gt=0, fte__lte=1), name="staff_fte_range"),
            models.CheckConstraint(
                condition=Q(
                    fte_occupational_medicine__gte=0,
                    fte_occupational_hygiene__gte=0,
                    fte_ergonomics__gte=0,
                    fte_psychosocial__gte=0,
                    fte_systematic_hse__gte=0,
                ),
                name="staff_discipline_fte_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(
                    fte__gte=F("fte_occupational_medicine")
                    + F("fte_occupational_hygiene")
                    + F("fte_ergonomics")
                    + F("fte_psychosocial")
                    + F("fte_systematic_hse")
                ),
                name="staff_discipline_sum_within_fte",
            ),
        ]

    def __str__(self):
        return self.name

    def discipline_fte(self) -> dict[str, Decimal]:
        return {d: getattr(self, f) for d, f in self.DISCIPLINE_FIELDS.items()}

    def roster_entry(self) -> rules.StaffInput:
        """This person as the one roster type of the rules module."""
        return rules.staff_entry({f: getattr(self, f) for f in rules.StaffInput.FIELDS})


class DocumentKind(models.TextChoices):
    EXPERTISE = "expertise", _("Expertise per competence area")
    QUALITY_SYSTEM = "quality_system", _("Quality system")
    COMPETENCE_DEVELOPMENT_PLAN = "competence_development_plan", _("Competence development plan")
    TRAINING_EVIDENCE = "training_evidence", _("Training evidence")
    CLIENT_COOPERATION = "client_cooperation", _("Systematic cooperation with clients")
    # Approval in special cases (§ 2-2 second paragraph): the agreement with the other
    # competence environment that covers what is missing. Optional.
    COOPERATION_AGREEMENT = "cooperation_agreement", _("Cooperation agreement (special cases)")


def document_upload_to(instance, filename):
    # Never the user's file name on disk: a random name under the private root.
    return f"documents/{instance.application.provider_id}/{uuid.uuid4().hex}.pdf"


class ApplicationDocument(models.Model):
    """A PDF attached to an application; served only to the provider's own users and to
    case handlers, through a view that checks access. The original file name is kept."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    carried_over = models.BooleanField(_("carried over from the last approval"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "id"]

    def __str__(self):
        return self.original_name


class CaseEvent(models.Model):
    """A readable domain event on a case (hendelse): who did what, when and why.
    Written by every service that changes a case; shown on the case page."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Application submitted")
        ASSIGNED = "assigned", _("Assigned to case handler")
        INFORMATION_REQUESTED = "information_requested", _("More information requested")
        SUPPLEMENTED = "supplemented", _("Provider supplemented the application")
        NOTE_ADDED = "note_added", _("Internal note added")
        DECIDED = "decided", _("Decision made")
        LETTER_SENT = "letter_sent", _("Decision letter sent")
        REVOCATION_NOTIFIED = "revocation_notified", _("Notice of revocation sent")
        REVOKED = "revoked", _("Approval revoked")
        REVOCATION_DROPPED = "revocation_dropped", _("Revocation dropped")
        APPEALED = "appealed", _("Appeal received")
        APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
        APPEAL_LATE_DECIDED = "appeal_late_decided", _("Decided whether to consider a late appeal")
        APPEAL_REVERSED = "appeal_reversed", _("Decision reversed after appeal")
        APPEAL_FORWARDED = "appeal_forwarded", _("Appeal sent to Direktoratet for arbeidstilsynet")
        APPEAL_DIRECTORATE = "appeal_directorate", _("Outcome from Direktoratet for arbeidstilsynet")
        REQUEST_ANSWERED = "request_answered", _("The provider replied")
        INTERIM_REPLY = "interim_reply", _("Interim reply sent")
        REMINDER_SENT = "reminder_sent", _("Renewal reminder sent")
        EXPIRED = "expired", _("Approval expired")
        CHANGE_NOTICE = "change_notice", _("Change notice received")
        FOLLOWUP_CREATED = "followup_created", _("Follow-up task created")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("message"), blank=True, max_length=SYSTEM_TEXT_MAX)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.case} {self.get_kind_display()} {self.created_at:%d.%m.%Y %H:%M}"


class CaseNote(models.Model):
    """An internal note (intern merknad) on a case; visible to case handlers only."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("note"), max_length=TEXT_MAX)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at"]
        constraints = [*text_limits("text")]

    def __str__(self):
        return f"{self.case}: {self.text[:60]}"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    APPROVED_SPECIAL = "approved_special", _("Approved in special cases")
    REJECTED = "rejected", _("Rejected")
    REVOKED = "revoked", _("Revoked")


class Decision(models.Model):
    """An individual decision (enkeltvedtak) on a case, with the assessment per requirement."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="decisions")
    application = models.ForeignKey(
        Application, verbose_name=_("application"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=DecisionOutcome.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    shorter_period_reason = models.TextField(_("reason for a shorter period"), blank=True, max_length=TEXT_MAX)
    conditions = models.TextField(_("conditions"), blank=True, max_length=TEXT_MAX)
    justification = models.TextField(_("justification"), blank=True, max_length=TEXT_MAX)
    # [{"id": "total_fte", "requirement": "...", "met": true, "assessment": "..."}]
    assessments = models.JSONField(_("assessment per requirement"), default=list)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="decision_period_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="approved_special") | ~Q(justification=""),
                name="decision_special_case_justified",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="rejected") | ~Q(justification=""),
                name="decision_rejection_justified",
            ),
            *text_limits("shorter_period_reason", "conditions", "justification"),
        ]

    def __str__(self):
        return f"{self.case} {self.get_outcome_display()} {self.decided_at:%d.%m.%Y}"

    # Decisions against the provider that can be appealed (forvaltningsloven § 28); an approval
    # with conditions or for less than five years is partly adverse and appealable too.
    APPEALABLE_OUTCOMES = ("rejected", "revoked")

    @property
    def is_adverse(self) -> bool:
        return self.outcome in self.APPEALABLE_OUTCOMES or self.is_partly_adverse

    @property
    def is_partly_adverse(self) -> bool:
        """An approval with conditions or for less than five years (appealable like a rejection)."""
        if self.outcome not in (DecisionOutcome.APPROVED, DecisionOutcome.APPROVED_SPECIAL):
            return False
        if self.conditions.strip():
            return True
        if self.valid_from and self.valid_until:
            try:
                full = self.valid_from.replace(year=self.valid_from.year + APPROVAL_YEARS)
            except ValueError:  # 29 February
                full = self.valid_from.replace(year=self.valid_from.year + APPROVAL_YEARS, day=28)
            return self.valid_until < full
        return False

    @property
    def notified_on(self) -> datetime.date | None:
        """The day of the first notice that the letter is available (the outbox e-mail's sent
        time): the appeal deadline runs from it (forvaltningsloven § 29, digital delivery)."""
        from django.core.exceptions import ObjectDoesNotExist
        from django.utils import timezone

        try:
            notification = self.letter.notification
        except ObjectDoesNotExist:
            return None
        if notification is None or notification.sent_at is None:
            return None
        return timezone.localdate(notification.sent_at)

    @property
    def appeal_deadline(self) -> datetime.date | None:
        """Three weeks from the notice (None until the notice has gone out)."""
        notified = self.notified_on
        return notified + datetime.timedelta(days=APPEAL_DAYS) if notified else None

    def is_appealable(self, *, on: datetime.date) -> bool:
        """The one answer to "can this decision be appealed on `on`?": a rejection, a
        revocation, or a partly adverse approval, once made. A late appeal is still received
        (forvaltningsloven § 31: flagged late, the handler decides whether to consider it)."""
        return self.is_adverse and timezone.localdate(self.decided_at) <= on

    def appeal_deadline_passed(self, *, on: datetime.date) -> bool:
        """After the three-week deadline (which runs from the notice of the letter, § 29)."""
        return self.appeal_deadline is not None and on > self.appeal_deadline


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def letter_upload_to(instance, filename):
    return f"letters/{instance.decision.case.provider_id}/{uuid.uuid4().hex}.pdf"


class DecisionLetter(models.Model):
    """Outbox row for the decision letter (vedtaksbrev): exactly one per decision.
    The Celery task fills it in; the periodic sweep picks up pending rows."""

    decision = models.OneToOneField(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="letter"
    )
    status = models.CharField(_("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    pdf = models.FileField(_("PDF"), upload_to=letter_upload_to, blank=True, max_length=255)
    pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True, max_length=SYSTEM_TEXT_MAX)
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    # When the letter was handed to the outbox; the notice's own sent_at starts the appeal deadline.
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    notification = models.OneToOneField(
        "notifications.Notification",
        verbose_name=_("notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision letter")
        verbose_name_plural = _("decision letters")

    def __str__(self):
        return self.download_name

    @property
    def download_name(self) -> str:
        """The letter's file name for the recipient, e.g. vedtak-2026-0001.pdf."""
        return f"vedtak-{self.decision.case.case_number.replace('/', '-')}.pdf"


class ApprovalStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class Approval(FSMModelMixin, models.Model):
    """An approval (godkjenning) of a provider for a period (five years unless shorter)."""

    provider = models.ForeignKey(
        "providers.Provider", verbose_name=_("provider (BHT)"), on_delete=models.PROTECT, related_name="approvals"
    )
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="approvals")
    decision = models.OneToOneField(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="approval"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    special_case = models.BooleanField(_("approved in special cases"), default=False)
    conditions = models.TextField(_("conditions"), blank=True, max_length=TEXT_MAX)
    status = FSMField(
        _("status"), max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.VALID, protected=True
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="approval_period_ordered"),
            models.CheckConstraint(condition=Q(status__in=ApprovalStatus.values), name="approval_status_valid"),
            *text_limits("conditions"),
        ]
        indexes = [models.Index(fields=["status", "valid_until"])]

    def __str__(self):
        return f"{self.provider} {self.valid_from}–{self.valid_until}"

    @transition(field=status, source=ApprovalStatus.VALID, target=ApprovalStatus.REVOKED)
    def revoke(self):
        """Revoked by a decision (tilbakekall)."""

    @transition(field=status, source=ApprovalStatus.REVOKED, target=ApprovalStatus.VALID)
    def reinstate(self):
        """The revocation was reversed on appeal."""

    @transition(field=status, source=ApprovalStatus.VALID, target=ApprovalStatus.EXPIRED)
    def expire(self, *, when=None):
        """The approval period has ended (utløpt); lifecycle.services.approvals_expire calls it
        the day after valid_until, with a CaseEvent EXPIRED."""
        from django.utils import timezone

        self.ended_at = when or timezone.now()


class AppealStatus(models.TextChoices):
    RECEIVED = "received", _("Received by Arbeidstilsynet")
    NOT_CONSIDERED = "not_considered", _("Not considered (late, forvaltningsloven § 31)")
    REVERSED = "reversed", _("Reversed by Arbeidstilsynet")
    FORWARDED = "forwarded", _("Upheld and sent to Direktoratet for arbeidstilsynet")
    DIRECTORATE_UPHELD = "directorate_upheld", _("Upheld by Direktoratet for arbeidstilsynet")
    DIRECTORATE_REVERSED = "directorate_reversed", _("Reversed by Direktoratet for arbeidstilsynet")
    DIRECTORATE_SENT_BACK = "directorate_sent_back", _("Sent back by Direktoratet for new consideration")


class LateDecision(models.TextChoices):
    CONSIDER = "consider", _("Considered although late")
    DISMISS = "dismiss", _("Not considered")


def appeal_letter_upload_to(instance, filename):
    return f"appeals/{instance.case.provider_id}/{uuid.uuid4().hex}.pdf"


class Appeal(FSMModelMixin, models.Model):
    """An appeal (klage) against an adverse decision: a rejection, a revocation, or an approval
    with conditions or for less than five years. Sent to Arbeidstilsynet, which either reverses
    its decision (a new decision and letter) or upholds it and forwards the appeal to
    Direktoratet for arbeidstilsynet (forvaltningsloven § 33), whose outcome is recorded here
    with its date and letter. A late appeal is received and flagged; the handler decides with
    a reason whether to consider it (§ 31)."""

    Status = AppealStatus

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="appeals")
    decision = models.ForeignKey(Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="appeals")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))
    text = models.TextField(_("grounds for the appeal"), max_length=TEXT_MAX)
    status = FSMField(
        _("status"), max_length=30, choices=AppealStatus.choices, default=AppealStatus.RECEIVED, protected=True
    )
    # § 31: received after the deadline; the handler decides whether to consider it.
    late = models.BooleanField(_("received after the deadline"), default=False)
    late_decision = models.CharField(_("late appeal"), max_length=10, choices=LateDecision.choices, blank=True)
    late_reason = models.TextField(_("reason (late appeal)"), blank=True, max_length=TEXT_MAX)
    # First instance (Arbeidstilsynet): reversed or upheld and forwarded.
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    outcome_reason = models.TextField(_("reason"), blank=True, max_length=TEXT_MAX)
    new_decision = models.OneToOneField(
        Decision,
        verbose_name=_("new decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reverses_appeal",
    )
    # The appeal body (Direktoratet for arbeidstilsynet).
    directorate_decided_on = models.DateField(_("decided by the directorate"), null=True, blank=True)
    directorate_reason = models.TextField(_("the directorate's reasons"), blank=True, max_length=TEXT_MAX)
    directorate_letter = models.FileField(
        _("the directorate's letter"), upload_to=appeal_letter_upload_to, blank=True, max_length=255
    )
    directorate_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["decision"], name="appeal_one_per_decision"),
            models.CheckConstraint(condition=Q(status__in=AppealStatus.values), name="appeal_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="not_considered") | Q(late=True, late_decision="dismiss"),
                name="appeal_not_considered_only_late",
            ),
            models.CheckConstraint(
                condition=~Q(status__startswith="directorate_") | Q(directorate_decided_on__isnull=False),
                name="appeal_directorate_outcome_dated",
            ),
            *text_limits("text", "late_reason", "outcome_reason", "directorate_reason"),
        ]

    def __str__(self):
        return f"{self.case}: {self.get_status_display()} ({self.submitted_at:%d.%m.%Y})"

    @property
    def awaiting_late_decision(self) -> bool:
        return self.late and not self.late_decision

    @property
    def is_open(self) -> bool:
        return self.status in (AppealStatus.RECEIVED, AppealStatus.FORWARDED)

    def _considerable(self) -> bool:
        return not self.late or self.late_decision == LateDecision.CONSIDER

    @transition(field=status, source=AppealStatus.RECEIVED, target=AppealStatus.NOT_CONSIDERED)
    def dismiss_late(self):
        """A late appeal is not considered (§ 31), with a reason."""

    @transition(field=status, source=AppealStatus.RECEIVED, target=AppealStatus.REVERSED, conditions=[_considerable])
    def reverse(self):
        """Arbeidstilsynet reverses its own decision (omgjøring, § 33 second paragraph)."""

    @transition(field=status, source=AppealStatus.RECEIVED, target=AppealStatus.FORWARDED, conditions=[_considerable])
    def forward(self):
        """Upheld by Arbeidstilsynet and sent to the appeal body."""

    @transition(
        field=status,
        source=AppealStatus.FORWARDED,
        target=RETURN_VALUE(
            AppealStatus.DIRECTORATE_UPHELD, AppealStatus.DIRECTORATE_REVERSED, AppealStatus.DIRECTORATE_SENT_BACK
        ),
    )
    def record_directorate(self, *, outcome: str):
        """The directorate's decision: upheld, reversed or sent back for new consideration."""
        return outcome


def case_document_upload_to(instance, filename):
    return f"case-documents/{instance.case.provider_id}/{uuid.uuid4().hex}.pdf"


class CaseRequest(FSMModelMixin, models.Model):
    """Something the case waits on the provider for, with a deadline: a request for more
    information, or an advance notice of revocation (forhåndsvarsel, forvaltningsloven § 16:
    what is intended, why, and the deadline for comments; sent as a PDF letter). Shown on the
    provider's start page until answered; answered in the portal with text and attachments."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Request for more information")
        REVOCATION_NOTICE = "revocation_notice", _("Advance notice of revocation")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the provider")
        ANSWERED = "answered", _("Answered by the provider")
        CLOSED = "closed", _("Closed")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("what is asked, or why"), max_length=TEXT_MAX)
    intended = models.TextField(_("what is intended"), blank=True, max_length=TEXT_MAX)
    deadline = models.DateField(_("deadline for the provider"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"))
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, protected=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The notice letter (PDF) for an advance notice of revocation; made by a task.
    letter = models.FileField(_("letter"), upload_to=case_document_upload_to, blank=True, max_length=255)
    letter_pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    notification = models.OneToOneField(
        "notifications.Notification",
        verbose_name=_("notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("request to the provider")
        verbose_name_plural = _("requests to the provider")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["information", "revocation_notice"]), name="request_kind_valid"
            ),
            models.CheckConstraint(condition=Q(status__in=["open", "answered", "closed"]), name="request_status_valid"),
            models.CheckConstraint(
                condition=~Q(kind="revocation_notice") | ~Q(intended=""), name="request_notice_says_what_is_intended"
            ),
            models.UniqueConstraint(
                fields=["case", "kind"], condition=Q(status="open"), name="request_one_open_per_case_kind"
            ),
            *text_limits("text", "intended"),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return f"{self.case} {self.get_kind_display()}"

    @property
    def download_name(self) -> str:
        return f"varsel-{self.case.case_number.replace('/', '-')}.pdf"

    @transition(field=status, source=[Status.OPEN, Status.ANSWERED], target=Status.ANSWERED)
    def answer(self):
        """The provider replied in the portal (again, if it has more to add)."""

    @transition(field=status, source=[Status.OPEN, Status.ANSWERED], target=Status.CLOSED)
    def close(self):
        """The case moved on (supplemented, decided, revocation dropped)."""


class CaseRequestReply(models.Model):
    """The provider's reply to a request (svar), with attachments (CaseDocument)."""

    request = models.ForeignKey(
        CaseRequest, verbose_name=_("request to the provider"), on_delete=models.PROTECT, related_name="replies"
    )
    text = models.TextField(_("reply"), max_length=TEXT_MAX)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reply from the provider")
        verbose_name_plural = _("replies from the provider")
        ordering = ["submitted_at", "id"]
        constraints = [*text_limits("text")]

    def __str__(self):
        return f"{self.request}: {self.submitted_at:%d.%m.%Y}"


class CaseDocument(models.Model):
    """A PDF the provider sent with an appeal or a reply (checked like every upload: a real,
    harmless PDF ≤ 20 MB, approvals.documents.pdf_check), stored under a random name."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="documents")
    appeal = models.ForeignKey(
        Appeal, verbose_name=_("appeal"), null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    reply = models.ForeignKey(
        CaseRequestReply,
        verbose_name=_("reply"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    file = models.FileField(_("file"), upload_to=case_document_upload_to, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(appeal__isnull=False) | Q(reply__isnull=False), name="case_document_belongs_somewhere"
            ),
        ]

    def __str__(self):
        return self.original_name


class InterimReply(models.Model):
    """The interim reply (foreløpig svar, forvaltningsloven § 11a) sent once per case when it
    is not decided within a month: why it takes time and when a decision can be expected."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="interim_reply")
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    reason = models.TextField(_("why it takes time"), max_length=TEXT_MAX)
    expected_by = models.DateField(_("decision expected by"))
    notification = models.OneToOneField(
        "notifications.Notification",
        verbose_name=_("notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("interim reply")
        verbose_name_plural = _("interim replies")
        constraints = [*text_limits("reason")]

    def __str__(self):
        return f"{self.case} {self.expected_by}"


# ================================================================ lifecycle
# The approval lifecycle (oppfølging av godkjenninger): renewal reminders, notices on the
# provider's start page, change notices and follow-up tasks for case handlers.
# Exactly once: a reminder is a ledger row per (approval, kind) with a unique constraint and a
# status; see approvals/services/lifecycle.py.


class ReminderKind(models.TextChoices):
    DAYS_180 = "days_180", _("180 days before the end")
    DAYS_90 = "days_90", _("90 days before the end")
    DAYS_30 = "days_30", _("30 days before the end")
    END_DAY = "end_day", _("On the day the approval ends")


# Days before valid_until at which each reminder falls due, earliest first.
REMINDER_DAYS_BEFORE: dict[str, int] = {
    ReminderKind.DAYS_180: 180,
    ReminderKind.DAYS_90: 90,
    ReminderKind.DAYS_30: 30,
    ReminderKind.END_DAY: 0,
}


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped (a later reminder was due)")


class RenewalReminder(models.Model):
    """Ledger row for one renewal reminder (påminnelse om fornyelse): one per approval and
    kind, never two. `pending` rows are sent by the daily job; `skipped` rows are earlier
    thresholds that were passed while the job did not run (only the latest due one is sent)."""

    approval = models.ForeignKey(
        "approvals.Approval", verbose_name=_("approval"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    due_on = models.DateField(_("due"))
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True, max_length=SYSTEM_TEXT_MAX)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("renewal reminder")
        verbose_name_plural = _("renewal reminders")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["approval", "kind"], name="reminder_once_per_approval_kind"),
            models.CheckConstraint(condition=Q(kind__in=ReminderKind.values), name="reminder_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ReminderStatus.values), name="reminder_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="reminder_sent_has_time"
            ),
        ]
        indexes = [models.Index(fields=["status", "id"])]

    def __str__(self):
        return f"{self.approval}: {self.get_kind_display()} ({self.get_status_display()})"


class ProviderNotice(models.Model):
    """A notice on the provider users' start page (melding): renewal reminders (with the
    'start renewal' action), expiry, and what a change notice led to."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Renewal reminder")
        EXPIRED = "expired", _("Approval expired")
        CHANGE_NOTICE = "change_notice", _("Change notice processed")

    provider = models.ForeignKey(
        "providers.Provider", verbose_name=_("provider (BHT)"), on_delete=models.CASCADE, related_name="notices"
    )
    approval = models.ForeignKey(
        "approvals.Approval",
        verbose_name=_("approval"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reminder = models.OneToOneField(
        RenewalReminder,
        verbose_name=_("renewal reminder"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notice",
    )
    change_notice = models.OneToOneField(
        "ChangeNotice",
        verbose_name=_("change notice"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notice",
    )
    message = models.TextField(_("message"), blank=True, max_length=SYSTEM_TEXT_MAX)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("notice to provider")
        verbose_name_plural = _("notices to providers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["reminder", "expired", "change_notice"]), name="provider_notice_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["approval"], condition=Q(kind="expired"), name="provider_notice_one_expiry_per_approval"
            ),
        ]

    def __str__(self):
        return f"{self.provider}: {self.get_kind_display()} {self.created_at:%d.%m.%Y}"


class ChangeNotice(models.Model):
    """A change notice (endringsmelding) from an approved provider: contact details,
    departments and/or staff. Contact and department changes are applied to the register at
    once; a changed staff roster is re-checked with approvals.rules.evaluate."""

    class Outcome(models.TextChoices):
        REGISTERED = "registered", _("Registered; the register is updated")
        RULES_MET = "rules_met", _("Staff re-checked; all statutory rules are met")
        FOLLOWUP = "followup", _("A statutory rule is no longer met; a case handler follows up")

    approval = models.ForeignKey(
        "approvals.Approval", verbose_name=_("approval"), on_delete=models.PROTECT, related_name="change_notices"
    )
    provider = models.ForeignKey(
        "providers.Provider", verbose_name=_("provider (BHT)"), on_delete=models.PROTECT, related_name="change_notices"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True, max_length=TEXT_MAX)
    # What changed: {"contact": {field: [old, new]}, "departments": {"added": [...], "removed": [...],
    # "changed": [...]}, "staff": {"added": [...], "removed": [...], "changed": [...]}}
    changes = models.JSONField(_("changes"), default=dict)
    # The full staff roster after the change (null when the staff did not change); the latest
    # such roster is the approval's current roster.
    staff = models.JSONField(_("staff after the change"), null=True, blank=True)
    evaluation = models.JSONField(_("rule evaluation"), null=True, blank=True)
    failed_rules = models.JSONField(_("failed statutory rules"), default=list, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    # The token of the form it was sent from: the same form sent twice makes one notice.
    submission_token = models.UUIDField(_("submission token"), null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("change notice")
        verbose_name_plural = _("change notices")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["registered", "rules_met", "followup"]), name="change_notice_outcome_valid"
            ),
            *text_limits("comment"),
        ]

    def __str__(self):
        return f"{self.provider} {self.submitted_at:%d.%m.%Y %H:%M}: {self.get_outcome_display()}"


class FollowUpTask(models.Model):
    """A follow-up task (oppfølgingsoppgave) for the case handlers: an approved provider's
    change notice shows that a statutory rule is no longer met."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    case = models.ForeignKey(
        "approvals.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="followup_tasks"
    )
    approval = models.ForeignKey(
        "approvals.Approval", verbose_name=_("approval"), on_delete=models.PROTECT, related_name="followup_tasks"
    )
    change_notice = models.OneToOneField(
        ChangeNotice,
        verbose_name=_("change notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followup_task",
    )
    title = models.CharField(_("title"), max_length=200)
    failed_rules = models.JSONField(_("failed statutory rules"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.TextField(_("resolution"), blank=True, max_length=TEXT_MAX)

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "done"]), name="followup_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_at__isnull=False), name="followup_done_has_time"
            ),
            *text_limits("resolution"),
        ]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"


# ================================================================ dispensations
# A dispensation from the duty to be connected to an approved BHT is an individual decision
# (enkeltvedtak): an enterprise applies (or a case handler registers its application), the
# handler decides with reasons, and a letter with the appeal text goes out. A dispensation is
# changed or ended by a new application and decision. The record of the dispensation itself
# (what the obligation answer reads) is enterprises.Dispensation, written through
# enterprises.services; this model is the case and the decision.


class DispensationCase(FSMModelMixin, models.Model):
    class Kind(models.TextChoices):
        NEW = "new", _("New dispensation")
        CHANGE = "change", _("Change of a dispensation")
        END = "end", _("End of a dispensation")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    case_number = models.CharField(_("case number"), max_length=12, unique=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        to_field="orgnr",
        db_column="enterprise_orgnr",
        on_delete=models.PROTECT,
        related_name="dispensation_cases",
    )
    kind = models.CharField(_("what is applied for"), max_length=10, choices=Kind.choices, default=Kind.NEW)
    dispensation = models.ForeignKey(
        "enterprises.Dispensation",
        verbose_name=_("dispensation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    scope = models.CharField(_("scope"), max_length=10, blank=True)
    part = models.CharField(_("the part exempted"), max_length=300, blank=True)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_until = models.DateField(_("until"), null=True, blank=True)
    grounds = models.TextField(_("grounds for the application"), max_length=TEXT_MAX)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applied by"), on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(_("applied"))
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED, protected=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reasons = models.TextField(_("reasons for the decision"), blank=True, max_length=TEXT_MAX)
    letter = models.FileField(_("decision letter"), upload_to="dispensation-letters/", blank=True, max_length=255)
    letter_pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    notification = models.OneToOneField(
        "notifications.Notification",
        verbose_name=_("notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dispensation case")
        verbose_name_plural = _("dispensation cases")
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["new", "change", "end"]), name="dispensation_case_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind="new") | Q(dispensation__isnull=False), name="dispensation_case_change_names_one"
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | ~Q(reasons=""), name="dispensation_case_decision_reasoned"
            ),
            *text_limits("grounds", "reasons"),
        ]

    def __str__(self):
        return f"{self.case_number} {self.enterprise_id}"

    @property
    def download_name(self) -> str:
        return f"vedtak-dispensasjon-{self.case_number.replace('/', '-')}.pdf"

    @transition(field=status, source=Status.SUBMITTED, target=Status.GRANTED)
    def grant(self):
        """Granted: the dispensation is recorded, changed or ended as applied for."""

    @transition(field=status, source=Status.SUBMITTED, target=Status.REFUSED)
    def refuse(self):
        """Refused, with reasons."""
