"""core's task: the sweep that sends "Run now" requests kept while the broker was away."""

from celery import shared_task

from . import services


@shared_task(name="core.tasks.queued_jobs_send")
def queued_jobs_send():
    """ "Run now" requests made while the broker was unreachable: sent once it is back."""
    return services.queued_jobs_send()
