"""Celery beat schedule: a static schedule in code (reviewed like code, no database state).

Every job is idempotent and exactly-once through ledger/outbox rows, so running it twice or
late is harmless.
"""

from celery.schedules import crontab

BEAT_SCHEDULE: dict = {
    "decision-letters-sweep": {
        # Letters for decisions whose task was lost (broker down at decision time).
        "task": "approvals.tasks.decision_letters_sweep",
        "schedule": crontab(minute="*/10"),
    },
}
