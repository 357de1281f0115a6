"""Celery tasks of oversight (scheduled in bht_portal/beat.py)."""

from celery import shared_task

from core.services import JOB_TASK_OPTIONS, job_task_run

from .figures import hourly_figures_refresh
from .services import targeting_candidates_refresh


@shared_task(name="oversight.tasks.targeting_candidates_refresh", **JOB_TASK_OPTIONS)
def targeting_candidates_refresh_task(self):
    """The targeting list's candidates from the register copy, after the nightly sync."""
    return job_task_run(self, lambda: targeting_candidates_refresh())


@shared_task(name="oversight.tasks.figures_refresh", **JOB_TASK_OPTIONS)
def figures_refresh_task(self):
    """The statistics that read the whole register, computed ahead for the hour."""
    return job_task_run(self, lambda: hourly_figures_refresh())
