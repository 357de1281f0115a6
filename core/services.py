"""Writes owned by core: the record of scheduled job runs."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from .models import JobRun

# Options for every scheduled job's task: a failure is retried with exponential back-off (capped at
# 10 minutes, below the Redis visibility timeout); acks_late so a worker lost mid-job re-runs it.
JOB_TASK_OPTIONS = dict(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
)


class JobIncomplete(Exception):
    """Some items of a job failed; the job is retried (the done items are not redone)."""


def job_run_record(*, job: str, func: Callable[[], dict], task_id: str = "", attempt: int = 1) -> dict:
    """Run one scheduled job and record it (JobRun) for the operations page. A failure is
    recorded and re-raised, so Celery's autoretry retries the job with back-off."""
    run = JobRun.objects.create(job=job, task_id=task_id or "", attempt=attempt, started_at=timezone.now())
    try:
        counts = func() or {}
    except Exception as exc:
        JobRun.objects.filter(pk=run.pk).update(
            status=JobRun.Status.FAILED, finished_at=timezone.now(), error=f"{exc.__class__.__name__}: {exc}"[:4000]
        )
        raise
    if counts.get("failed"):
        JobRun.objects.filter(pk=run.pk).update(
            status=JobRun.Status.FAILED,
            finished_at=timezone.now(),
            counts=counts,
            error=f"{counts['failed']} item(s) failed",
        )
        raise JobIncomplete(f"{job}: {counts['failed']} item(s) failed")
    JobRun.objects.filter(pk=run.pk).update(status=JobRun.Status.SUCCEEDED, finished_at=timezone.now(), counts=counts)
    return counts


def job_task_run(task, func: Callable[[], dict]) -> dict:
    """job_run_record for a bound Celery task (its name, id and attempt)."""
    return job_run_record(
        job=task.name, task_id=task.request.id or "", attempt=(task.request.retries or 0) + 1, func=func
    )
