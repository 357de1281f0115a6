"""The approval lifecycle (oppfølging av godkjenninger): renewal reminders, notices on the
provider's start page, change notices, follow-up tasks for case handlers and the record of
scheduled job runs.

Exactly once: a reminder is a ledger row per (approval, kind) with a unique constraint and a
status. The daily job creates the due rows idempotently and sends pending rows one at a time
under SELECT ... FOR UPDATE SKIP LOCKED; see lifecycle/services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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

    approval = models.ForeignKey("approvals.Approval", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    due_on = models.DateField(_("due"))
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
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
        return f"{self.approval_id} {self.kind} {self.status}"


class ProviderNotice(models.Model):
    """A notice on the provider users' start page (melding): renewal reminders (with the
    'start renewal' action), expiry, and what a change notice led to."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Renewal reminder")
        EXPIRED = "expired", _("Approval expired")
        CHANGE_NOTICE = "change_notice", _("Change notice processed")

    provider = models.ForeignKey("approvals.Provider", on_delete=models.CASCADE, related_name="notices")
    approval = models.ForeignKey(
        "approvals.Approval", null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reminder = models.OneToOneField(
        RenewalReminder, null=True, blank=True, on_delete=models.CASCADE, related_name="notice"
    )
    change_notice = models.OneToOneField(
        "ChangeNotice", null=True, blank=True, on_delete=models.CASCADE, related_name="notice"
    )
    message = models.TextField(_("message"), blank=True)
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


class ChangeNotice(models.Model):
    """A change notice (endringsmelding) from an approved provider: contact details,
    departments and/or staff. Contact and department changes are applied to the register at
    once; a changed staff roster is re-checked with approvals.rules.evaluate."""

    class Outcome(models.TextChoices):
        REGISTERED = "registered", _("Registered; the register is updated")
        RULES_MET = "rules_met", _("Staff re-checked; all statutory rules are met")
        FOLLOWUP = "followup", _("A statutory rule is no longer met; a case handler follows up")

    approval = models.ForeignKey("approvals.Approval", on_delete=models.PROTECT, related_name="change_notices")
    provider = models.ForeignKey("approvals.Provider", on_delete=models.PROTECT, related_name="change_notices")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)
    # What changed: {"contact": {field: [old, new]}, "departments": {"added": [...], "removed": [...],
    # "changed": [...]}, "staff": {"added": [...], "removed": [...], "changed": [...]}}
    changes = models.JSONField(_("changes"), default=dict)
    # The full staff roster after the change (null when the staff did not change); the latest
    # such roster is the approval's current roster.
    staff = models.JSONField(_("staff after the change"), null=True, blank=True)
    evaluation = models.JSONField(_("rule evaluation"), null=True, blank=True)
    failed_rules = models.JSONField(_("failed statutory rules"), default=list, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)

    class Meta:
        verbose_name = _("change notice")
        verbose_name_plural = _("change notices")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["registered", "rules_met", "followup"]), name="change_notice_outcome_valid"
            ),
        ]


class FollowUpTask(models.Model):
    """A follow-up task (oppfølgingsoppgave) for the case handlers: an approved provider's
    change notice shows that a statutory rule is no longer met."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    case = models.ForeignKey("approvals.Case", on_delete=models.PROTECT, related_name="followup_tasks")
    approval = models.ForeignKey("approvals.Approval", on_delete=models.PROTECT, related_name="followup_tasks")
    change_notice = models.OneToOneField(
        ChangeNotice, null=True, blank=True, on_delete=models.PROTECT, related_name="followup_task"
    )
    title = models.CharField(_("title"), max_length=200)
    failed_rules = models.JSONField(_("failed statutory rules"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "done"]), name="followup_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_at__isnull=False), name="followup_done_has_time"
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"])]


class JobRun(models.Model):
    """One run (or retry) of a scheduled job (planlagt jobb), for the operations page."""

    class Status(models.TextChoices):
        # "Run now" while the broker could not be reached: kept here until the sweep
        # (lifecycle.tasks.queued_jobs_send) has sent it, then removed.
        QUEUED = "queued", _("Queued (broker unreachable)")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    job = models.CharField(_("job"), max_length=200, db_index=True)
    task_id = models.CharField(_("task id"), max_length=255, blank=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    counts = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "succeeded", "failed"]), name="jobrun_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["job", "-started_at"])]

    @property
    def duration(self):
        return (self.finished_at - self.started_at) if self.finished_at else None
