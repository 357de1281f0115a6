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
    "dispensation-letters-sweep": {
        # Dispensation decision letters whose task was lost.
        "task": "approvals.tasks.dispensation_letters_sweep",
        "schedule": crontab(minute="*/10"),
    },
    "queued-jobs-sweep": {
        # "Run now" requests made while the broker was unreachable (core.services.job_enqueue).
        "task": "core.tasks.queued_jobs_send",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    "notifications-sweep": {
        # E-mails whose task was lost (broker down when queued) or whose send failed (back-off passed).
        "task": "notifications.tasks.notifications_sweep",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    # Lifecycle (approvals/services/lifecycle.py). Daily; `expires` drops a run that waited in the queue
    # past the next one (the next run catches up, as every job works from the current state).
    "lifecycle-approvals-expire": {
        # Just after midnight: an approval whose last day was yesterday leaves the register.
        "task": "approvals.tasks.approvals_expire",
        "schedule": crontab(hour=0, minute=5),
        "options": {"expires": 20 * 3600},
    },
    "lifecycle-renewal-reminders": {
        # Morning, so the e-mails arrive in office hours.
        "task": "approvals.tasks.renewal_reminders_send",
        "schedule": crontab(hour=6, minute=0),
        "options": {"expires": 20 * 3600},
    },
    "approvals-interim-replies": {
        # Forvaltningsloven § 11a: cases not decided within a month get an interim reply, once.
        "task": "approvals.tasks.interim_replies_send",
        "schedule": crontab(hour=6, minute=5),
        "options": {"expires": 20 * 3600},
    },
    "approvals-revocation-notices": {
        # Advance notices of revocation whose letter task was lost (normally sent at once).
        "task": "approvals.tasks.revocation_notices_send",
        "schedule": crontab(minute="*/30"),
        "options": {"expires": 25 * 60},
    },
    "inspections-order-deadlines": {
        "task": "inspections.tasks.order_deadlines_check",
        "schedule": crontab(hour=6, minute=15),
        "options": {"expires": 20 * 3600},
    },
    # Enterprise register copy (enterprises/tasks.py): follow the change feed from the last
    # seen update id, after the register's nightly run; the sub-units after the units.
    "enterprises-register-sync-units": {
        "task": "enterprises.tasks.register_sync_task",
        "schedule": crontab(hour=5, minute=30),
        "kwargs": {"kind": "enheter"},
        "options": {"expires": 20 * 3600},
    },
    "enterprises-register-sync-subunits": {
        "task": "enterprises.tasks.register_sync_task",
        "schedule": crontab(hour=5, minute=45),
        "kwargs": {"kind": "underenheter"},
        "options": {"expires": 20 * 3600},
    },
    # Oversight (oversight/services.py): the targeting list's candidates, after the register sync.
    "oversight-targeting-candidates": {
        "task": "oversight.tasks.targeting_candidates_refresh",
        "schedule": crontab(hour=6, minute=30),
        "options": {"expires": 20 * 3600},
    },
    "oversight-figures": {
        # The statistics that read the whole register, ahead of the hour's visitors.
        "task": "oversight.tasks.figures_refresh",
        "schedule": crontab(minute=50),
        "options": {"expires": 50 * 60},
    },
}
