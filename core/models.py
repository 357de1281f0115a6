"""The record of scheduled job runs (JobRun), shown on the operations page."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One run (or retry) of a scheduled job (planlagt jobb), for the operations page."""

    class Status(models.TextChoices):
        # "Run now" while the broker could not be reached: kept here until the sweep
        # (core.tasks.queued_jobs_send) has sent it, then removed.
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

    def __str__(self):
        return f"{self.job} {self.started_at:%d.%m.%Y %H:%M} ({self.status})"

    @property
    def duration(self):
        return (self.finished_at - self.started_at) if self.finished_at else None
