"""Celery application. Without a broker configured, tasks run eagerly in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bht_portal.settings")

app = Celery("bht_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The static beat schedule (daily lifecycle jobs, letter sweep): code, reviewed, no DB state.
from bht_portal.beat import BEAT_SCHEDULE  # noqa: E402

app.conf.beat_schedule = BEAT_SCHEDULE
