"""Writes for the approval lifecycle: renewal reminders, expiry, renewal applications,
change notices, follow-up tasks and the record of job runs.

Exactly-once reminders
----------------------
1. Plan (idempotent): for every valid approval ending within 180 days, the ledger rows for the
   thresholds that are due are created with bulk_create(ignore_conflicts=True) against the
   UniqueConstraint(approval, kind). Only the LATEST due threshold is `pending`; earlier ones
   that were passed while the job did not run (a missed week, a new short approval) are
   written as `skipped`, so a provider never gets three reminders on one morning.
2. Send: one row at a time, `SELECT ... FOR UPDATE SKIP LOCKED` on a pending row, then in the
   same transaction: the start-page notice, the CaseEvent REMINDER_SENT, status=sent, and
   last the e-mail. A second worker skips the locked row and, once committed, no longer sees
   it as pending; a crash before commit rolls everything back and the row is sent on the next
   run. (The one window for a duplicate e-mail is a crash between the SMTP server accepting
   the message and the commit; a lost reminder would be worse.)
No ETA/countdown tasks are used: the daily beat run finds what is due.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from approvals import rules
from approvals.models import (
    REMINDER_DAYS_BEFORE,
    Application,
    ApplicationStatus,
    Approval,
    ApprovalStatus,
    CaseEvent,
    ChangeNotice,
    FollowUpTask,
    ProviderNotice,
    ReminderStatus,
    RenewalReminder,
)
from approvals.selectors import lifecycle as selectors
from approvals.services.applications import application_create
from approvals.services.client_notices import approval_clients_notify
from approvals.services.events import case_event_record
from core.jobs import due_rows_handle
from core.official import in_official_language, official_date
from notifications.services import notification_queue
from providers import services as provider_services
from providers.selectors import provider_recipients

log = logging.getLogger(__name__)

REMINDER_HORIZON_DAYS = max(REMINDER_DAYS_BEFORE.values())


def _portal_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


# ---------------------------------------------------------------- reminders
def reminder_kinds_due(*, valid_until: datetime.date, today: datetime.date) -> list[str]:
    """The reminder kinds whose day has come, earliest threshold first."""
    days_left = (valid_until - today).days
    if days_left < 0:
        return []
    return [kind for kind, days in REMINDER_DAYS_BEFORE.items() if days_left <= days]


def renewal_reminders_plan(*, today: datetime.date) -> dict:
    """Create the due ledger rows (idempotent; safe to run concurrently)."""
    approvals = (
        Approval.objects.filter(
            status=ApprovalStatus.VALID,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=REMINDER_HORIZON_DAYS),
        )
        .exclude(renewal_applications__status=ApplicationStatus.SUBMITTED)
        .values_list("id", "valid_until")
    )
    rows: list[RenewalReminder] = []
    earlier_by_latest: dict[str, list[int]] = defaultdict(list)
    for approval_id, valid_until in approvals:
        due = reminder_kinds_due(valid_until=valid_until, today=today)
        if not due:
            continue
        latest = due[-1]
        for kind in due:
            rows.append(
                RenewalReminder(
                    approval_id=approval_id,
                    kind=kind,
                    due_on=valid_until - datetime.timedelta(days=REMINDER_DAYS_BEFORE[kind]),
                    status=ReminderStatus.PENDING if kind == latest else ReminderStatus.SKIPPED,
                )
            )
        if len(due) > 1:
            earlier_by_latest[latest].append(approval_id)
    RenewalReminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    # An earlier reminder still pending (never sent) is superseded by the later one now due.
    superseded = 0
    kinds = list(REMINDER_DAYS_BEFORE)
    for latest, approval_ids in earlier_by_latest.items():
        superseded += RenewalReminder.objects.filter(
            approval_id__in=approval_ids, kind__in=kinds[: kinds.index(latest)], status=ReminderStatus.PENDING
        ).update(status=ReminderStatus.SKIPPED)
    return {"approvals_in_window": len({r.approval_id for r in rows}), "superseded": superseded}


def _reminder_deliver(row: RenewalReminder, *, today: datetime.date) -> str:
    """Inside the caller's transaction, with the row locked."""
    approval = row.approval
    renewal_submitted = approval.renewal_applications.filter(status=ApplicationStatus.SUBMITTED).exists()
    if approval.status != ApprovalStatus.VALID or renewal_submitted or approval.valid_until < today:
        row.status = ReminderStatus.SKIPPED
        row.save(update_fields=["status"])
        return "skipped"
    provider = approval.provider
    recipients = provider_recipients(provider=provider)
    days_left = (approval.valid_until - today).days
    with in_official_language():
        ProviderNotice.objects.create(
            provider=provider,
            approval=approval,
            kind=ProviderNotice.Kind.REMINDER,
            reminder=row,
            message=_("Your approval ends on %(date)s. Apply for renewal in good time.")
            % {"date": official_date(approval.valid_until)},
        )
        case_event_record(
            case=approval.case,
            kind=CaseEvent.Kind.REMINDER_SENT,
            message=_("Renewal reminder (%(kind)s) sent to %(recipients)s; the approval ends on %(date)s.")
            % {
                "kind": row.get_kind_display(),
                "recipients": ", ".join(recipients) or _("nobody (no e-mail address)"),
                "date": official_date(approval.valid_until),
            },
            data={"approval": approval.pk, "reminder": row.kind, "recipients": recipients},
        )
        row.status = ReminderStatus.SENT
        row.sent_at = timezone.now()
        row.recipients = recipients
        row.attempts += 1
        row.last_error = ""
        row.save(update_fields=["status", "sent_at", "recipients", "attempts", "last_error"])
        context = {
            "provider": provider,
            "approval": approval,
            "days_left": days_left,
            "reminder": row,
            "start_url": _portal_url("/konto/start/"),
        }
        # The e-mail goes through the outbox, keyed by the ledger row: written with the row in this
        # transaction, sent after commit (and retried by the outbox if the mail server is down).
        notification_queue(
            key=f"renewal-reminder:{row.pk}",
            kind="renewal_reminder",
            to=recipients,
            subject=_("BHT approval ends on %(date)s: apply for renewal")
            % {"date": official_date(approval.valid_until)},
            body=render_to_string("approvals/lifecycle/email/reminder.txt", context),
            recipient_org=provider.orgnr,
        )
    return "sent"


def renewal_reminders_send_pending(*, today: datetime.date) -> dict:
    """Send every pending reminder, one row per transaction, skipping rows another worker holds."""
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    failed_ids: list[int] = []
    while True:
        row = None
        try:
            with transaction.atomic():
                row = (
                    RenewalReminder.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("approval", "approval__provider", "approval__case")
                    .filter(status=ReminderStatus.PENDING)
                    .exclude(pk__in=failed_ids)
                    .order_by("id")
                    .first()
                )
                if row is None:
                    break
                counts[_reminder_deliver(row, today=today)] += 1
        except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
            if row is None:
                raise
            log.exception("renewal reminder %s failed", row.pk)
            failed_ids.append(row.pk)
            counts["failed"] += 1
            RenewalReminder.objects.filter(pk=row.pk, status=ReminderStatus.PENDING).update(
                attempts=F("attempts") + 1, last_error=f"{exc.__class__.__name__}: {exc}"[:2000]
            )
    return counts


def renewal_reminders_run(*, today: datetime.date | None = None) -> dict:
    """The daily job: plan the due reminders, then send the pending ones."""
    today = today or timezone.localdate()
    return {**renewal_reminders_plan(today=today), **renewal_reminders_send_pending(today=today)}


# ---------------------------------------------------------------- expiry
def _approval_expire(approval: Approval) -> None:
    """Expire one claimed approval: skip its pending reminders, record the event, leave the
    provider a notice and tell the affiliated clients."""
    approval.expire()
    approval.save()
    RenewalReminder.objects.filter(approval=approval, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.SKIPPED
    )
    with in_official_language():
        reason = _(
            "The approval period ended on %(date)s and no new approval was granted; the provider "
            "is no longer in the register of approved BHT providers."
        ) % {"date": official_date(approval.valid_until)}
        case_event_record(
            case=approval.case,
            kind=CaseEvent.Kind.EXPIRED,
            message=reason,
            data={
                "approval": approval.pk,
                "valid_until": approval.valid_until.isoformat(),
                "reason": "period_ended",
            },
        )
        ProviderNotice.objects.get_or_create(
            approval=approval,
            kind=ProviderNotice.Kind.EXPIRED,
            defaults={"provider": approval.provider, "message": reason},
        )
    approval_clients_notify(approval=approval)


def approvals_expire(*, today: datetime.date | None = None) -> dict:
    """Approvals whose last valid day (valid_until) is before today become expired: they
    leave the public register and the obligation check (both count only status=valid)."""
    today = today or timezone.localdate()
    expired = due_rows_handle(
        queryset=Approval.objects.select_related("case", "provider").filter(
            status=ApprovalStatus.VALID, valid_until__lt=today
        ),
        handle=_approval_expire,
    )
    return {"expired": expired}


# ---------------------------------------------------------------- renewal
def application_renewal_start(*, approval: Approval, actor: User) -> Application:
    """A new draft application that renews `approval`, pre-filled from the last approved
    application as it stands today (organisation and departments from the register, which
    change notices keep current; staff from the current roster; the same stored documents).
    Everything copied is marked carried_over. Idempotent: an open renewal draft is returned."""
    with transaction.atomic():
        approval = (
            Approval.objects.select_for_update(of=("self",))
            .select_related("provider", "case", "decision")
            .get(pk=approval.pk)
        )
        existing = selectors.renewal_draft_for(approval)
        if existing is not None:
            return existing
        if approval.status == ApprovalStatus.REVOKED:
            raise ValidationError(_("A revoked approval cannot be renewed; submit a new application."))
        application = application_create(
            provider=approval.provider,
            renews=approval,
            source=selectors.approval_source_application(approval),
            roster=selectors.approval_current_roster(approval),
        )
        with in_official_language():
            case_event_record(
                case=approval.case,
                kind=CaseEvent.Kind.OTHER,
                actor=actor,
                message=_("The provider started a renewal application."),
                data={"approval": approval.pk, "renewal_application": application.pk},
            )
        return application


# ---------------------------------------------------------------- change notices
def change_notice_submit(
    *,
    approval: Approval,
    actor: User,
    contact: dict,
    departments: list[dict],
    staff: list[rules.StaffInput],
    comment: str = "",
    token=None,
) -> ChangeNotice:
    """Register a change notice (endringsmelding) for a valid approval.

    `contact`: the provider's contact fields as they should be; `departments`: the full list
    (dicts with `id` for existing ones); `staff`: the full roster after the change.
    Contact and departments are applied to the register at once. A changed roster is
    re-checked with approvals.rules.evaluate; a statutory rule that passed before and fails
    now creates a follow-up task for the case handlers. Raises ValidationError when nothing
    changed or the approval is not valid. `token` (the form's): a second call with the same
    token returns the notice the first one made and changes nothing."""
    with transaction.atomic():
        approval = (
            Approval.objects.select_for_update(of=("self",))
            .select_related("case", "decision", "provider")
            .get(pk=approval.pk)
        )
        # Under the approval's lock: a concurrent second submit waits here, then finds the first.
        already = selectors.change_notice_by_token(approval=approval, token=token)
        if already is not None:
            already.duplicate = True
            return already
        if approval.status != ApprovalStatus.VALID:
            raise ValidationError(_("Change notices can only be sent for a valid approval."))
        provider = provider_services.provider_lock(provider_id=approval.provider_id)
        changes: dict = {}
        contact_changes = provider_services.provider_contact_update(provider=provider, contact=contact)
        if contact_changes:
            changes["contact"] = contact_changes
        dept_changes = provider_services.provider_departments_replace(provider=provider, departments=departments)
        if dept_changes:
            changes["departments"] = dept_changes

        old_roster = rules.roster_to_json(selectors.approval_current_roster(approval))
        new_roster = rules.roster_to_json(staff)
        evaluation_json = None
        newly_failed: list[dict] = []
        staff_after = None
        if new_roster != old_roster:
            old_by_name = {s["name"]: s for s in old_roster}
            new_by_name = {s["name"]: s for s in new_roster}
            changes["staff"] = {
                k: v
                for k, v in {
                    "added": sorted(set(new_by_name) - set(old_by_name)),
                    "removed": sorted(set(old_by_name) - set(new_by_name)),
                    "changed": sorted(
                        n for n in set(new_by_name) & set(old_by_name) if new_by_name[n] != old_by_name[n]
                    ),
                }.items()
                if v
            }
            documents = selectors.approval_documents_present(approval)
            before = rules.evaluate(selectors.roster_rule_input(rules.roster_from_json(old_roster), documents))
            after = rules.evaluate(selectors.roster_rule_input(list(staff), documents))
            failed_before = {r.id for r in before.failed if r.statutory}
            evaluation_json = after.as_dict()
            newly_failed = [
                r
                for r in evaluation_json["rules"]
                if not r["passed"] and r["statutory"] and r["id"] not in failed_before
            ]
            staff_after = new_roster

        if not changes:
            raise ValidationError(_("Nothing has changed: the change notice was not sent."))

        if newly_failed:
            outcome = ChangeNotice.Outcome.FOLLOWUP
        elif staff_after is not None:
            outcome = ChangeNotice.Outcome.RULES_MET
        else:
            outcome = ChangeNotice.Outcome.REGISTERED
        notice = ChangeNotice.objects.create(
            approval=approval,
            provider=provider,
            submitted_by=actor,
            comment=comment,
            changes=changes,
            staff=staff_after,
            evaluation=evaluation_json,
            failed_rules=newly_failed,
            outcome=outcome,
            submission_token=token or None,
        )
        with in_official_language():
            parts = []
            if "contact" in changes:
                parts.append(_("contact details"))
            if "departments" in changes:
                parts.append(_("departments"))
            if "staff" in changes:
                parts.append(_("staff"))
            case_event_record(
                case=approval.case,
                kind=CaseEvent.Kind.CHANGE_NOTICE,
                actor=actor,
                message=_("Change notice: %(parts)s.") % {"parts": ", ".join(parts)}
                + (" " + comment if comment else ""),
                data={"change_notice": notice.pk, "changes": changes, "failed_rules": [r["id"] for r in newly_failed]},
            )
            if newly_failed:
                task = FollowUpTask.objects.create(
                    case=approval.case,
                    approval=approval,
                    change_notice=notice,
                    title=_("Change notice from %(provider)s: a statutory rule is no longer met")
                    % {"provider": provider.name},
                    failed_rules=newly_failed,
                )
                case_event_record(
                    case=approval.case,
                    kind=CaseEvent.Kind.FOLLOWUP_CREATED,
                    actor=actor,
                    message=_("Follow-up task created: %(rules)s")
                    % {"rules": " ".join(r["message_nb"] for r in newly_failed)},
                    data={"followup_task": task.pk, "failed_rules": [r["id"] for r in newly_failed]},
                )
        ProviderNotice.objects.create(
            provider=provider, approval=approval, kind=ProviderNotice.Kind.CHANGE_NOTICE, change_notice=notice
        )
        return notice


def followup_task_close(*, task: FollowUpTask, actor: User, resolution: str) -> FollowUpTask:
    with transaction.atomic():
        task = FollowUpTask.objects.select_for_update().select_related("case").get(pk=task.pk)
        if task.status == FollowUpTask.Status.DONE:
            return task
        task.status = FollowUpTask.Status.DONE
        task.done_at = timezone.now()
        task.done_by = actor
        task.resolution = resolution
        task.save(update_fields=["status", "done_at", "done_by", "resolution"])
        with in_official_language():
            case_event_record(
                case=task.case,
                kind=CaseEvent.Kind.OTHER,
                actor=actor,
                message=_("Follow-up task done: %(resolution)s") % {"resolution": resolution},
                data={"followup_task": task.pk},
            )
        return task


def followup_task_create_from_inspection(
    *, approval_id: int, actor: User, title: str, findings: list[dict], inspection_ref: str
) -> FollowUpTask:
    """An inspection of an approved BHT found that requirements are no longer met: a
    follow-up task on its approval case (a concern report to the approval unit), which the
    case handler sees on the case page and may turn into a notice of revocation.
    `findings`: [{"id": "2-2e", "message_nb": ..., "message_en": ...}]."""
    with transaction.atomic():
        approval = Approval.objects.select_related("case").get(pk=approval_id)
        task = FollowUpTask.objects.create(
            case=approval.case, approval=approval, title=title[:200], failed_rules=findings
        )
        with in_official_language():
            case_event_record(
                case=approval.case,
                kind=CaseEvent.Kind.FOLLOWUP_CREATED,
                actor=actor,
                message=_("Concern report from inspection %(ref)s: %(findings)s")
                % {"ref": inspection_ref, "findings": " ".join(f["message_nb"] for f in findings)},
                data={"followup_task": task.pk, "inspection": inspection_ref},
            )
        return task
