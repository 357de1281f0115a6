"""Celery tasks of the outbox: send one notification (queued on commit by notification_queue)
and the periodic sweep (scheduled in bht_portal/beat.py) for rows whose task was lost or whose
send failed. Both call notification_send, which locks the row: a duplicate delivery, a retry
or the sweep never send a message twice."""

from __future__ import annotations

from celery import shared_task

from core.services import JOB_TASK_OPTIONS, job_task_run
from notifications import services
from notifications.models import NotificationStatus


@shared_task(bind=True, acks_late=True, name="notifications.tasks.notification_send_task")
def notification_send_task(self, notification_id: int) -> str:
    """Send one notification; a failed attempt is retried after the row's back-off (by the
    worker, and by the sweep if the worker is gone). In-process (eager) tasks leave the retry
    to the sweep, so a request never waits for a mail server."""
    result = services.notification_send(notification_id)
    if result == NotificationStatus.FAILED and not self.request.is_eager:
        raise self.retry(countdown=services.retry_delay(self.request.retries + 1), max_retries=None)
    return result


@shared_task(name="notifications.tasks.notifications_sweep", **JOB_TASK_OPTIONS)
def notifications_sweep(self) -> dict:
    """Every open notification that is due: pending ones (broker down when they were queued,
    worker lost) and failed ones whose back-off has passed."""
    return job_task_run(self, services.notifications_send_due)
