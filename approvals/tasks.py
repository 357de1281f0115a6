"""Celery tasks of the approvals app: the decision letter (outbox) and its periodic sweep, and
the daily lifecycle jobs (renewal reminders, expiry; scheduled in bht_portal/beat.py).

decision_letter_generate is idempotent: it locks the outbox row (SELECT ... FOR UPDATE) and
returns at once when the letter is done; the PDF is generated only when none is stored, and
the e-mail with the PDF attached is a notification keyed by the letter (notifications outbox),
queued in the transaction that marks the letter done. A retry, a duplicate delivery or the sweep
never produce a second letter or a second e-mail.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import CaseEvent, DecisionLetter, OutboxStatus
from approvals.services import lifecycle
from core.official import in_official_language
from core.services import JOB_TASK_OPTIONS, job_task_run
from notifications import Attachment
from notifications.services import notification_queue
from providers.selectors import provider_recipients

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
SWEEP_BATCH = 50


def _locked(decision_id: int) -> DecisionLetter:
    return (
        DecisionLetter.objects.select_for_update(of=("self",))
        .select_related("decision__case__provider", "decision__decided_by", "decision__application")
        .get(decision_id=decision_id)
    )


def _recipients(letter: DecisionLetter) -> list[str]:
    decision = letter.decision
    extra = (decision.application.email,) if decision.application is not None else ()
    return provider_recipients(provider=decision.case.provider, extra=extra)


@shared_task(acks_late=True)
@in_official_language
def decision_letter_generate(decision_id: int) -> str:
    """Produce, store and e-mail the decision letter for one decision (exactly once)."""
    from approvals.letters import letter_render
    from approvals.services.events import case_event_record

    try:
        # 1. The PDF, once: stored on the outbox row.
        with transaction.atomic():
            letter = _locked(decision_id)
            if letter.status == OutboxStatus.DONE:
                return "already done"
            if not letter.pdf:
                rendered = letter_render(decision=letter.decision)
                letter.pdf.save(letter.download_name, ContentFile(rendered.pdf), save=False)
                letter.pages = rendered.pages
                letter.generated_at = timezone.now()
                letter.save(update_fields=["pdf", "pages", "generated_at"])
        # 2. The notice, once: handed to the notifications outbox (unique key) under the lock.
        with transaction.atomic():
            letter = _locked(decision_id)
            if letter.status == OutboxStatus.DONE:
                return "already done"
            recipients = _recipients(letter)
            decision = letter.decision
            case = decision.case
            if letter.notification_id is None:
                # The e-mail is the first notice that the letter is available: the appeal
                # deadline runs from its sent time (forvaltningsloven § 29).
                letter.notification = notification_queue(
                    key=f"decision-letter:{letter.pk}",
                    to=recipients,
                    subject=_("Decision in case %(number)s – %(provider)s")
                    % {"number": case.case_number, "provider": case.provider.name},
                    body=_(
                        "Arbeidstilsynet has made a decision in case %(number)s. The decision letter is attached "
                        "and is in BHT-portalen.\n\n"
                        "The appeal deadline is three weeks from the day you received this e-mail. An appeal is "
                        "in time when it is sent before the deadline ends."
                    )
                    % {"number": case.case_number},
                    kind="decision_letter",
                    attachments=[Attachment(letter.download_name, "application/pdf", storage_name=letter.pdf.name)],
                    recipient_org=case.provider.orgnr,
                )
                letter.emailed_at = timezone.now()
            letter.status = OutboxStatus.DONE
            letter.last_error = ""
            letter.save(update_fields=["status", "emailed_at", "last_error", "notification"])
            case_event_record(
                case=case,
                kind=CaseEvent.Kind.LETTER_SENT,
                message=", ".join(recipients),
                data={"decision_id": decision.pk, "pages": letter.pages},
            )
        return "done"
    except DecisionLetter.DoesNotExist:
        logger.warning("No outbox row for decision %s", decision_id)
        return "missing"
    except Exception as exc:
        logger.exception("Decision letter for decision %s failed", decision_id)
        DecisionLetter.objects.filter(decision_id=decision_id, status=OutboxStatus.PENDING).update(
            last_error=f"{exc.__class__.__name__}: {exc}"[:2000]
        )
        _count_failure(decision_id)
        raise


def _count_failure(decision_id: int) -> None:
    with transaction.atomic():
        letter = DecisionLetter.objects.select_for_update().filter(decision_id=decision_id).first()
        if letter is None or letter.status != OutboxStatus.PENDING:
            return
        letter.attempts += 1
        if letter.attempts >= MAX_ATTEMPTS:
            letter.status = OutboxStatus.FAILED
        letter.save(update_fields=["attempts", "status"])


@shared_task
def decision_letters_sweep() -> int:
    """Letters for decisions whose task was lost (broker down at decision time, worker
    crash): every pending outbox row, oldest first. Returns how many were completed."""
    done = 0
    ids = list(
        DecisionLetter.objects.filter(status=OutboxStatus.PENDING)
        .order_by("created_at")
        .values_list("decision_id", flat=True)[:SWEEP_BATCH]
    )
    for decision_id in ids:
        try:
            if decision_letter_generate.run(decision_id) == "done":
                done += 1
        except Exception:  # noqa: BLE001 - logged and counted on the row; next sweep retries
            continue
    return done


# ---------------------------------------------------------------- lifecycle jobs
# Thin: each records a JobRun and calls its service. A failure is retried with exponential
# back-off (capped at 10 minutes, below the Redis visibility timeout) and never affects the other
# jobs, which are separate tasks. Every job is idempotent, so a retry or a second run does no harm.


@shared_task(name="approvals.tasks.renewal_reminders_send", **JOB_TASK_OPTIONS)
def renewal_reminders_send(self):
    """Renewal reminders 180/90/30 days before the end and on the end day, exactly once."""
    return job_task_run(self, lambda: lifecycle.renewal_reminders_run(today=timezone.localdate()))


@shared_task(name="approvals.tasks.approvals_expire", **JOB_TASK_OPTIONS)
def approvals_expire(self):
    """Approvals past their period become expired and leave the register."""
    return job_task_run(self, lambda: lifecycle.approvals_expire(today=timezone.localdate()))


@shared_task(acks_late=True)
def revocation_notice_send(request_id: int) -> bool:
    """Make and send one advance notice of revocation (exactly once; see the service)."""
    from approvals.services.cases import revocation_notice_send as send

    return send(request_id=request_id)


@shared_task(name="approvals.tasks.revocation_notices_send", **JOB_TASK_OPTIONS)
def revocation_notices_send(self):
    """Advance notices of revocation whose task was lost: made and sent, each exactly once."""
    from approvals.services.cases import revocation_notices_run

    return job_task_run(self, revocation_notices_run)


@shared_task(name="approvals.tasks.interim_replies_send", **JOB_TASK_OPTIONS)
def interim_replies_send(self):
    """Interim replies (forvaltningsloven § 11a) for cases not decided within a month, once per case."""
    from approvals.services.cases import interim_replies_run

    return job_task_run(self, lambda: interim_replies_run(today=timezone.localdate()))


@shared_task(acks_late=True)
def dispensation_letter_task(case_id: int) -> bool:
    """Make and send one dispensation decision letter (exactly once; see the service)."""
    from approvals.services.dispensations import dispensation_letter_send

    return dispensation_letter_send(case_id=case_id)


@shared_task
def dispensation_letters_sweep() -> dict:
    """Dispensation letters whose task was lost."""
    from approvals.services.dispensations import dispensation_letters_run

    return dispensation_letters_run()
