"""The case handler's side of approvals: assign, ask for more information, supplement,
decide (approve / approve in special cases / reject), revoke, appeals.

Every transition: transaction.atomic, the case row locked with SELECT ... FOR UPDATE and
re-read, the django-fsm transition checked with can_proceed (an illegal one raises
CaseActionRefused with a message for the user), a CaseEvent written, side effects (e-mail,
the letter task) on commit. Two handlers deciding the same case at once: the second waits on
the lock, then finds the case decided and is refused; exactly one decision is recorded.
"""

from __future__ import annotations

import datetime
import logging

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from accounts.models import CASE_HANDLER_ROLES, Role
from approvals.models import (
    CASE_DECIDED_STATUSES,
    Appeal,
    Application,
    ApplicationStatus,
    Approval,
    Case,
    CaseEvent,
    CaseNote,
    Decision,
    DecisionLetter,
    DecisionOutcome,
)
from approvals.rules import REQUIREMENTS_BY_ID
from approvals.selectors import lifecycle as lifecycle_selectors
from approvals.selectors.applications import application_evaluate
from approvals.services.client_notices import approval_clients_notify
from approvals.services.events import case_event_record
from core.official import in_official_language, official_date
from notifications.services import notification_queue
from providers import services as provider_services
from providers.models import DEPARTMENT_FIELDS
from providers.selectors import provider_recipients

logger = logging.getLogger(__name__)

APPROVAL_YEARS = 5
APPEAL_DAYS = 21  # three weeks (forvaltningsloven § 29)


class CaseActionRefused(Exception):
    """A step the workflow does not allow now; the message is for the user."""


# ---------------------------------------------------------------- helpers
def _lock(case: Case) -> Case:
    """Lock the case row and return a fresh copy (the status as committed now)."""
    return Case.objects.select_for_update(of=("self",)).select_related("provider").get(pk=case.pk)


def _refuse(case: Case, action: str) -> CaseActionRefused:
    return CaseActionRefused(
        _("“%(action)s” is not possible: case %(number)s is now “%(status)s”.")
        % {"action": action, "number": case.case_number, "status": case.get_status_display()}
    )


def _step(case: Case, method_name: str, action: str, **kwargs) -> None:
    method = getattr(case, method_name)
    if not can_proceed(method):
        raise _refuse(case, action)
    method(**kwargs)


def _save(case: Case, *fields: str) -> None:
    try:
        case.save(update_fields=["status", *fields])
    except ConcurrentTransition as exc:  # the status moved under us (no lock on some backends)
        raise CaseActionRefused(
            _("The case was changed by someone else at the same time; reload and try again.")
        ) from exc


def _notify_provider(*, key: str, kind: str, case: Case, subject: str, body: str) -> None:
    """A notice to the provider through the outbox (sent once the caller's transaction commits)."""
    notification_queue(
        key=key,
        kind=kind,
        to=provider_recipients(provider=case.provider),
        subject=subject,
        body=body,
        recipient_org=case.provider.orgnr,
    )


def _notify_handler(*, key: str, kind: str, case: Case, subject: str, body: str) -> None:
    """A notice to the case's handler through the outbox (kept even if the handler has no address)."""
    handler = case.assigned_to
    notification_queue(
        key=key, kind=kind, to=[handler.email], subject=subject, body=body, recipient_user_ids=[handler.pk]
    )


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def default_valid_until(day: datetime.date) -> datetime.date:
    """Five years from the decision date."""
    return add_years(day, APPROVAL_YEARS)


def _is_handler(user) -> bool:
    return getattr(user, "role", None) in CASE_HANDLER_ROLES


def _require_handler(user) -> None:
    if not _is_handler(user):
        raise CaseActionRefused(_("Only case handlers can do this."))


# ---------------------------------------------------------------- review
@in_official_language
def case_assign(*, case: Case, assignee: AbstractBaseUser, actor: AbstractBaseUser) -> Case:
    """Assign the case to a case handler; a submitted case goes into review."""
    _require_handler(actor)
    if not _is_handler(assignee):
        raise CaseActionRefused(_("Cases can only be assigned to case handlers."))
    with transaction.atomic():
        case = _lock(case)
        _step(case, "assign", _("Assign"))
        case.assigned_to = assignee
        _save(case, "assigned_to")
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.ASSIGNED,
            actor=actor,
            message=_("Assigned to %(name)s.") % {"name": assignee.get_full_name() or assignee.email},
            data={"assignee_id": assignee.pk},
        )
    return case


@in_official_language
def case_request_information(*, case: Case, actor: AbstractBaseUser, message: str) -> Case:
    """Ask the provider for more information; the provider sees the message in the portal
    and gets an e-mail when the request is committed."""
    _require_handler(actor)
    message = (message or "").strip()
    if not message:
        raise CaseActionRefused(_("Write what the provider must supplement."))
    with transaction.atomic():
        case = _lock(case)
        _step(case, "request_information", _("Ask for more information"))
        case.information_request = message
        case.information_requested_at = timezone.now()
        _save(case, "information_request", "information_requested_at")
        event = case_event_record(case=case, kind=CaseEvent.Kind.INFORMATION_REQUESTED, actor=actor, message=message)
        _notify_provider(
            key=f"information-request:{event.pk}",
            kind="information_request",
            case=case,
            subject=_("Case %(number)s: more information needed") % {"number": case.case_number},
            body=_(
                "Arbeidstilsynet needs more information to process your application (case %(number)s):\n\n"
                "%(message)s\n\nLog in to BHT-portalen to supplement the application."
            )
            % {"number": case.case_number, "message": message},
        )
    return case


@in_official_language
def case_supplement(*, case: Case, application: Application, actor: AbstractBaseUser | None) -> Case:
    """The provider submitted a new version after a request for more information: the case
    returns to review, and the queue's rule counts follow the new version."""
    with transaction.atomic():
        case = _lock(case)
        if application.case_id != case.pk:
            raise CaseActionRefused(_("The application does not belong to this case."))
        _step(case, "supplement", _("Supplement"))
        evaluation = application_evaluate(application=application)
        case.failed_rule_count = len(evaluation.failed)
        case.warning_count = len(evaluation.warnings)
        case.information_request = ""
        _save(case, "failed_rule_count", "warning_count", "information_request")
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.SUPPLEMENTED,
            actor=actor,
            message=_("Version %(version)s submitted.") % {"version": application.version},
            data={"application_id": application.pk, "version": application.version},
        )
        if case.assigned_to_id:
            _notify_handler(
                key=f"case-supplemented:{application.pk}",
                kind="case_supplemented",
                case=case,
                subject=_("Case %(number)s: the provider has supplemented") % {"number": case.case_number},
                body=_("%(provider)s has supplemented the application in case %(number)s.")
                % {"provider": case.provider.name, "number": case.case_number},
            )
    return case


@in_official_language
def case_note_add(*, case: Case, author: AbstractBaseUser, text: str) -> CaseNote:
    """An internal note, for case handlers only."""
    _require_handler(author)
    text = (text or "").strip()
    if not text:
        raise CaseActionRefused(_("The note is empty."))
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, author=author, text=text)
        case_event_record(case=case, kind=CaseEvent.Kind.NOTE_ADDED, actor=author)
    return note


# ---------------------------------------------------------------- decisions
def _clean_assessments(assessments: list[dict]) -> list[dict]:
    out = []
    for a in assessments:
        req = REQUIREMENTS_BY_ID.get(a.get("id"))
        if req is None:
            raise CaseActionRefused(_("Unknown requirement in the assessment."))
        text = (a.get("assessment") or "").strip()
        if not text:
            raise CaseActionRefused(_("Write an assessment for every requirement."))
        out.append(
            {
                "id": req.id,
                "requirement": str(req.label),
                "legal_ref": req.legal_ref,
                "met": bool(a.get("met")),
                "assessment": text,
            }
        )
    if {a["id"] for a in out} != set(REQUIREMENTS_BY_ID):
        raise CaseActionRefused(_("Assess every requirement."))
    return out


def decision_letter_queue(*, decision: Decision) -> DecisionLetter:
    """The outbox row (one per decision) and, after commit, the letter task. If the broker
    is down the row stays pending and the periodic sweep produces the letter later."""
    letter = DecisionLetter.objects.create(decision=decision)
    decision_id = decision.pk

    def enqueue():
        from approvals.tasks import decision_letter_generate

        try:
            decision_letter_generate.delay(decision_id)
        except Exception:  # noqa: BLE001 - broker down: the decision stands, the sweep sends it
            logger.exception("Could not queue the letter for decision %s; the sweep will retry", decision_id)

    transaction.on_commit(enqueue)
    return letter


@in_official_language
def case_decide(
    *,
    case: Case,
    actor: AbstractBaseUser,
    outcome: str,
    assessments: list[dict],
    valid_until: datetime.date | None = None,
    shorter_period_reason: str = "",
    conditions: str = "",
    justification: str = "",
) -> Decision:
    """Approve, approve in special cases or reject a case in review.

    Approval: valid five years from today unless a shorter period with a reason; optional
    conditions; every requirement met unless approved in special cases (which needs a
    written justification). Rejection: the reasons per requirement (at least one not met).
    Creates the Approval, the Decision and the letter outbox row in one transaction."""
    _require_handler(actor)
    assessments = _clean_assessments(assessments)
    today = timezone.localdate()
    shorter_period_reason = (shorter_period_reason or "").strip()
    justification = (justification or "").strip()
    conditions = (conditions or "").strip()
    fields: dict = {}
    if outcome in (DecisionOutcome.APPROVED, DecisionOutcome.APPROVED_SPECIAL):
        default_until = default_valid_until(today)
        valid_until = valid_until or default_until
        if valid_until > default_until:
            raise CaseActionRefused(_("An approval is valid for at most five years."))
        if valid_until <= today:
            raise CaseActionRefused(_("The validity period must end after today."))
        if valid_until < default_until and not shorter_period_reason:
            raise CaseActionRefused(_("Give the reason for a validity period shorter than five years."))
        if outcome == DecisionOutcome.APPROVED and not all(a["met"] for a in assessments):
            raise CaseActionRefused(
                _("A requirement is assessed as not met: reject, or approve in special cases with a justification.")
            )
        if outcome == DecisionOutcome.APPROVED_SPECIAL and not justification:
            raise CaseActionRefused(_("Approval in special cases needs a written justification."))
        fields = dict(valid_from=today, valid_until=valid_until, conditions=conditions)
        if valid_until < default_until:
            fields["shorter_period_reason"] = shorter_period_reason
        step = "approve" if outcome == DecisionOutcome.APPROVED else "approve_special"
    elif outcome == DecisionOutcome.REJECTED:
        if all(a["met"] for a in assessments):
            raise CaseActionRefused(_("A rejection must give the reasons: mark the requirements that are not met."))
        step = "reject"
    else:
        raise CaseActionRefused(_("Unknown decision."))

    with transaction.atomic():
        case = _lock(case)
        if case.status in CASE_DECIDED_STATUSES:
            last = case.decisions.select_related("decided_by").first()
            who = (last.decided_by.get_full_name() or last.decided_by.email) if last else "?"
            raise CaseActionRefused(
                _("Case %(number)s has already been decided (%(status)s) by %(name)s; your decision was not recorded.")
                % {"number": case.case_number, "status": case.get_status_display(), "name": who}
            )
        _step(case, step, _("Decide"))
        now = timezone.now()
        case.decided_at = now
        _save(case, "decided_at")
        decision = Decision.objects.create(
            case=case,
            application=_latest_submitted(case),
            outcome=outcome,
            decided_by=actor,
            decided_at=now,
            justification=justification if outcome == DecisionOutcome.APPROVED_SPECIAL else "",
            assessments=assessments,
            appeal_deadline=today + datetime.timedelta(days=APPEAL_DAYS),
            **fields,
        )
        if outcome != DecisionOutcome.REJECTED:
            approval = Approval.objects.create(
                provider=case.provider,
                case=case,
                decision=decision,
                valid_from=decision.valid_from,
                valid_until=decision.valid_until,
                special_case=outcome == DecisionOutcome.APPROVED_SPECIAL,
                conditions=conditions,
            )
            approval_register_departments(approval=approval)  # the register lists the approved departments
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.DECIDED,
            actor=actor,
            message=str(DecisionOutcome(outcome).label),
            data={"decision_id": decision.pk, "outcome": outcome},
        )
        decision_letter_queue(decision=decision)
    return decision


def approval_register_departments(*, approval: Approval) -> dict:
    """The register's departments become the approved application's (an approval is granted
    for the departments applied for). Registered departments of the same name keep their row."""
    source = lifecycle_selectors.approval_source_application(approval)
    if source is None:
        return {}
    with transaction.atomic():
        provider = provider_services.provider_lock(provider_id=approval.provider_id)
        registered = {d.name: d.pk for d in provider.departments.all()}
        departments = [
            {"id": registered.get(d.name), **{f: getattr(d, f) for f in DEPARTMENT_FIELDS}}
            for d in source.departments.order_by("id")
        ]
        return provider_services.provider_departments_replace(provider=provider, departments=departments)


# ---------------------------------------------------------------- revocation
def _latest_submitted(case: Case) -> Application | None:
    """The version a decision is about: the case's latest submitted application."""
    return case.applications.filter(status=ApplicationStatus.SUBMITTED).order_by("-version").first()


def _current_approval(case: Case) -> Approval | None:
    return Approval.objects.select_for_update().filter(case=case).order_by("-valid_from", "-id").first()


@in_official_language
def case_revocation_notify(*, case: Case, actor: AbstractBaseUser, reason: str, deadline: datetime.date) -> Case:
    """Notice of revocation (varsel om tilbakekall): the provider may correct or comment
    before `deadline`."""
    _require_handler(actor)
    reason = (reason or "").strip()
    if not reason:
        raise CaseActionRefused(_("Give the reason for the notice of revocation."))
    if not deadline or deadline <= timezone.localdate():
        raise CaseActionRefused(_("The deadline must be after today."))
    with transaction.atomic():
        case = _lock(case)
        _step(case, "notify_revocation", _("Notify revocation"))
        case.revocation_reason = reason
        case.revocation_deadline = deadline
        _save(case, "revocation_reason", "revocation_deadline")
        date_text = official_date(deadline)
        event = case_event_record(
            case=case,
            kind=CaseEvent.Kind.REVOCATION_NOTIFIED,
            actor=actor,
            message=_("%(reason)s (deadline %(date)s)") % {"reason": reason, "date": date_text},
            data={"deadline": deadline.isoformat()},
        )
        _notify_provider(
            key=f"revocation-notice:{event.pk}",
            kind="revocation_notice",
            case=case,
            subject=_("Case %(number)s: notice of revocation") % {"number": case.case_number},
            body=_(
                "Arbeidstilsynet is considering revoking your approval as an occupational health service "
                "(case %(number)s).\n\nReason: %(reason)s\n\nYou may correct the matter or comment by %(date)s."
            )
            % {"number": case.case_number, "reason": reason, "date": date_text},
        )
    return case


@in_official_language
def case_revoke(*, case: Case, actor: AbstractBaseUser, assessments: list[dict], reason: str = "") -> Decision:
    """Revoke the approval (a decision with a letter and an appeal deadline)."""
    _require_handler(actor)
    assessments = _clean_assessments(assessments)
    if all(a["met"] for a in assessments):
        raise CaseActionRefused(_("A revocation must give the reasons: mark the requirements that are not met."))
    today = timezone.localdate()
    with transaction.atomic():
        case = _lock(case)
        _step(case, "revoke", _("Revoke"))
        now = timezone.now()
        case.decided_at = now
        _save(case, "decided_at")
        approval = _current_approval(case)
        if approval is not None and can_proceed(approval.revoke):
            approval.revoke()
            approval.ended_at = now
            approval.save(update_fields=["status", "ended_at"])
            approval_clients_notify(approval=approval)
        decision = Decision.objects.create(
            case=case,
            application=_latest_submitted(case),
            outcome=DecisionOutcome.REVOKED,
            decided_by=actor,
            decided_at=now,
            justification=(reason or case.revocation_reason).strip(),
            assessments=assessments,
            appeal_deadline=today + datetime.timedelta(days=APPEAL_DAYS),
        )
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.REVOKED,
            actor=actor,
            message=decision.justification,
            data={"decision_id": decision.pk},
        )
        decision_letter_queue(decision=decision)
    return decision


@in_official_language
def case_revocation_drop(*, case: Case, actor: AbstractBaseUser, reason: str = "") -> Case:
    """The revocation is dropped: the case goes back to its approved state."""
    _require_handler(actor)
    with transaction.atomic():
        case = _lock(case)
        approval = _current_approval(case)
        _step(case, "drop_revocation", _("Drop revocation"), special=bool(approval and approval.special_case))
        case.revocation_deadline = None
        _save(case, "revocation_deadline")
        case_event_record(case=case, kind=CaseEvent.Kind.REVOCATION_DROPPED, actor=actor, message=reason.strip())
    return case


# ---------------------------------------------------------------- appeals
@in_official_language
def appeal_create(*, decision: Decision, actor: AbstractBaseUser, text: str) -> Appeal:
    """A provider appeals a rejection or revocation before the deadline (three weeks)."""
    text = (text or "").strip()
    if getattr(actor, "role", None) != Role.PROVIDER or actor.provider_id != decision.case.provider_id:
        raise CaseActionRefused(_("Only the provider's own users can appeal this decision."))
    if not decision.is_adverse:
        raise CaseActionRefused(_("Only a rejection or a revocation can be appealed here."))
    if not text:
        raise CaseActionRefused(_("Give the grounds for the appeal."))
    if decision.appeal_deadline_passed(on=timezone.localdate()):
        raise CaseActionRefused(
            _("The appeal deadline (%(date)s) has passed.") % {"date": official_date(decision.appeal_deadline)}
        )
    with transaction.atomic():
        case = _lock(decision.case)
        if Appeal.objects.filter(decision=decision).exists():
            raise CaseActionRefused(_("This decision has already been appealed."))
        appeal = Appeal.objects.create(
            case=case, decision=decision, submitted_by=actor, submitted_at=timezone.now(), text=text
        )
        case_event_record(
            case=case, kind=CaseEvent.Kind.APPEALED, actor=actor, message=text, data={"appeal_id": appeal.pk}
        )
        if case.assigned_to_id:
            _notify_handler(
                key=f"appeal-received:{appeal.pk}",
                kind="appeal_received",
                case=case,
                subject=_("Case %(number)s: appeal received") % {"number": case.case_number},
                body=_("%(provider)s has appealed the decision in case %(number)s.")
                % {"provider": case.provider.name, "number": case.case_number},
            )
    return appeal


@in_official_language
def appeal_decide(*, appeal: Appeal, actor: AbstractBaseUser, outcome: str, reason: str) -> Appeal:
    """Decide an appeal: upheld (the decision stands) or reversed (a rejection goes back to
    review; a revocation is undone and the approval is valid again)."""
    _require_handler(actor)
    reason = (reason or "").strip()
    if outcome not in (Appeal.Status.UPHELD, Appeal.Status.REVERSED):
        raise CaseActionRefused(_("Unknown outcome for the appeal."))
    if not reason:
        raise CaseActionRefused(_("Give the reason for the outcome of the appeal."))
    with transaction.atomic():
        case = _lock(appeal.case)
        appeal = Appeal.objects.select_for_update().select_related("decision").get(pk=appeal.pk)
        if appeal.status != Appeal.Status.RECEIVED:
            raise CaseActionRefused(_("This appeal has already been decided."))
        if outcome == Appeal.Status.REVERSED:
            if appeal.decision.outcome == DecisionOutcome.REJECTED:
                _step(case, "reopen", _("Reverse"))
                case.decided_at = None
                _save(case, "decided_at")
            else:
                approval = _current_approval(case)
                _step(case, "reinstate", _("Reverse"), special=bool(approval and approval.special_case))
                _save(case)
                if approval is not None and can_proceed(approval.reinstate):
                    approval.reinstate()
                    approval.ended_at = None
                    approval.save(update_fields=["status", "ended_at"])
        appeal.status = outcome
        appeal.handled_by = actor
        appeal.handled_at = timezone.now()
        appeal.outcome_reason = reason
        appeal.save(update_fields=["status", "handled_by", "handled_at", "outcome_reason"])
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.APPEAL_DECIDED,
            actor=actor,
            message=f"{Appeal.Status(outcome).label}: {reason}",
            data={"appeal_id": appeal.pk, "outcome": outcome},
        )
        _notify_provider(
            key=f"appeal-outcome:{appeal.pk}",
            kind="appeal_outcome",
            case=case,
            subject=_("Case %(number)s: your appeal has been decided") % {"number": case.case_number},
            body=_("Outcome: %(outcome)s\n\n%(reason)s") % {"outcome": Appeal.Status(outcome).label, "reason": reason},
        )
    return appeal
