"""Celery tasks of inspections: the daily order-deadline check (scheduled in bht_portal/beat.py)."""

from celery import shared_task
from django.utils import timezone

from core.services import JOB_TASK_OPTIONS, job_task_run

from .services import orders_overdue_mark


@shared_task(name="inspections.tasks.order_deadlines_check", **JOB_TASK_OPTIONS)
def order_deadlines_check(self):
    """Orders past their deadline without documented compliance: overdue, inspector told once."""
    return job_task_run(self, lambda: orders_overdue_mark(today=timezone.localdate()))
