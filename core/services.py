"""Writes owned by core: the record of scheduled job runs."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

from celery import current_app
from django.db import transaction
from django.utils import timezone

from .models import JobRun

log = logging.getLogger(__name__)

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


# ---------------------------------------------------------------- sending jobs to the broker
# Publishing gives up quickly when the broker is away (one retry), so a request never waits
# long for it; the request itself is kept (a queued JobRun) and sent by the sweep.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def task_by_name(name: str):
    """The Celery task called `name`, importing its module first: the web process does not
    import task modules by itself (Celery's autodiscovery runs in the worker), so looking a
    task up by name there would be NotRegistered."""
    importlib.import_module(name.rsplit(".", 1)[0])
    return current_app.tasks[name]


def job_send(*, job: str, kwargs: dict | None = None) -> None:
    """Send one job to the broker (or, with no broker, run it in-process). Raises when the
    broker cannot be reached."""
    task_by_name(job).apply_async(kwargs=kwargs or {}, retry=True, retry_policy=PUBLISH_RETRY_POLICY)


def job_enqueue(*, job: str, kwargs: dict | None = None) -> JobRun | None:
    """ "Run now": send the job; if the broker cannot be reached, keep the request as a queued
    JobRun (one per job and arguments) for the sweep, and return it. None when it was sent.
    With no broker (make run) the job runs in-process and its failure is on its JobRun."""
    kwargs = kwargs or {}
    if current_app.conf.task_always_eager:
        try:
            job_send(job=job, kwargs=kwargs)
        except Exception:  # noqa: BLE001 - recorded as a failed run by job_run_record
            log.warning("Job %s failed when run in-process", job, exc_info=True)
        return None
    try:
        job_send(job=job, kwargs=kwargs)
        return None
    except Exception as exc:  # noqa: BLE001 - any publish failure: the broker is away
        log.warning("Broker unreachable, %s queued for the sweep (%s: %s)", job, type(exc).__name__, exc)
    queued = JobRun.objects.filter(job=job, status=JobRun.Status.QUEUED, kwargs=kwargs).first()
    return queued or JobRun.objects.create(
        job=job, status=JobRun.Status.QUEUED, kwargs=kwargs, started_at=timezone.now()
    )


def queued_jobs_send() -> dict:
    """The sweep: send every queued job (oldest first) and drop its row once sent. A row
    another sweep is sending is skipped (SKIP LOCKED); if the broker is still away the rows
    stay for the next sweep."""
    sent = waiting = 0
    while True:
        with transaction.atomic():
            run = (
                JobRun.objects.select_for_update(skip_locked=True)
                .filter(status=JobRun.Status.QUEUED)
                .order_by("started_at", "id")
                .first()
            )
            if run is None:
                break
            try:
                job_send(job=run.job, kwargs=run.kwargs)
            except Exception:  # noqa: BLE001
                waiting = JobRun.objects.filter(status=JobRun.Status.QUEUED).count()
                break
            run.delete()
            sent += 1
    return {"sent": sent, "waiting": waiting}
