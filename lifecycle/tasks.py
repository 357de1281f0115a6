"""The daily lifecycle jobs (scheduled in bht_portal/beat.py). Thin: each records a JobRun
and calls its service. A failure is retried with exponential back-off (capped at 10 minutes,
below the Redis visibility timeout) and never affects the other jobs, which are separate
tasks. Every job is idempotent, so a retry or a second run does no harm."""

from celery import shared_task
from django.utils import timezone

from . import services

RETRY_OPTIONS = dict(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)


def _run(task, func) -> dict:
    return services.job_run_record(
        job=task.name, task_id=task.request.id or "", attempt=(task.request.retries or 0) + 1, func=func
    )


@shared_task(name="lifecycle.tasks.renewal_reminders_send", **RETRY_OPTIONS)
def renewal_reminders_send(self):
    """Renewal reminders 180/90/30 days before the end and on the end day, exactly once."""
    return _run(self, lambda: services.renewal_reminders_run(today=timezone.localdate()))


@shared_task(name="lifecycle.tasks.approvals_expire", **RETRY_OPTIONS)
def approvals_expire(self):
    """Approvals past their period become expired and leave the register."""
    return _run(self, lambda: services.approvals_expire(today=timezone.localdate()))


@shared_task(name="lifecycle.tasks.order_deadlines_check", **RETRY_OPTIONS)
def order_deadlines_check(self):
    """Orders past their deadline without documented compliance: overdue, inspector told once."""
    from inspections.services import orders_overdue_mark

    return _run(self, lambda: orders_overdue_mark(today=timezone.localdate()))


@shared_task(name="lifecycle.tasks.queued_jobs_send")
def queued_jobs_send():
    """ "Run now" requests made while the broker was unreachable: sent once it is back."""
    return services.queued_jobs_send()
