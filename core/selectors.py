"""Reads owned by core: the scheduled jobs' overview and their runs."""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import JobRun


def jobs_overview(schedule: dict) -> list[dict]:
    """One row per scheduled job: last run, last success, failures in the last 7 days.
    Two queries whatever the number of runs."""
    tasks = {entry["task"] for entry in schedule.values()}
    week_ago = timezone.now() - datetime.timedelta(days=7)
    stats = {
        row["job"]: row
        for row in JobRun.objects.filter(job__in=tasks)
        .values("job")
        .annotate(
            last_id=Max("id"),
            last_ok_id=Max("id", filter=Q(status=JobRun.Status.SUCCEEDED)),
            failures=Count("id", filter=Q(status=JobRun.Status.FAILED, started_at__gte=week_ago)),
        )
    }
    ids = {v for row in stats.values() for v in (row["last_id"], row["last_ok_id"]) if v}
    runs = JobRun.objects.in_bulk(ids)
    overview = []
    for name, entry in schedule.items():
        row = stats.get(entry["task"], {})
        overview.append(
            {
                "name": name,
                "task": entry["task"],
                "schedule": schedule_label(entry["schedule"]),
                "last": runs.get(row.get("last_id")),
                "last_ok": runs.get(row.get("last_ok_id")),
                "failures": row.get("failures", 0),
            }
        )
    return overview


def schedule_label(schedule) -> str:
    """A readable schedule: "daily at 06:00", "every 10 minutes", else the cron fields."""
    hours = getattr(schedule, "_orig_hour", None)
    minutes = getattr(schedule, "_orig_minute", None)
    if hours is None or minutes is None:
        return str(schedule)
    hours, minutes = str(hours), str(minutes)
    if hours.isdigit() and minutes.isdigit():
        return _("daily at %(time)s") % {"time": f"{int(hours):02d}:{int(minutes):02d}"}
    if hours == "*" and minutes.startswith("*/") and minutes[2:].isdigit():
        return _("every %(n)s minutes") % {"n": minutes[2:]}
    return f"cron {minutes} {hours} {schedule._orig_day_of_month} {schedule._orig_month_of_year} {schedule._orig_day_of_week}"


def job_runs(*, job: str = "", status: str = "") -> QuerySet[JobRun]:
    qs = JobRun.objects.all()
    if job:
        qs = qs.filter(job=job)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-started_at", "-id")
