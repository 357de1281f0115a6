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
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from accounts.models import CASE_HANDLER_ROLES, Role
from approvals.documents import pdf_check, pdf_store, upload_name
from approvals.models import (
    APPROVAL_YEARS,
    CASE_DECIDED_STATUSES,
    Appeal,
    Application,
    ApplicationStatus,
    Approval,
    Case,
    CaseDocument,
    CaseEvent,
    CaseNote,
    CaseRequest,
    CaseRequestReply,
    CaseStatus,
    Decision,
    DecisionLetter,
    DecisionOutcome,
    InterimReply,
    LateDecision,
)
from approvals.rules import REQUIREMENTS_BY_ID
from approvals.selectors import lifecycle as lifecycle_selectors
from approvals.selectors.applications import application_evaluate
from approvals.selectors.cases import assessments_prefill
from approvals.services.client_notices import approval_clients_notify
from approvals.services.events import case_event_record
from core.official import in_official_language, official_date
from notifications.attachments import Attachment
from notifications.services import notification_queue
from providers import services as provider_services
from providers.models import DEPARTMENT_FIELDS
from providers.selectors import provider_recipients

logger = logging.getLogger(__name__)


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


def _notify_provider(*, case: Case, key: str, kind: str, subject: str, body: str, attachments=()):
    """A notice to the provider through the outbox (exactly once per key; its users see it)."""
    return notification_queue(
        key=key,
        to=provider_recipients(provider=case.provider),
        subject=subject,
        body=body,
        kind=kind,
        attachments=attachments,
        recipient_org=case.provider.orgnr,
    )


def _notify_handler(*, case: Case, key: str, subject: str, body: str, kind: str = "case_handler"):
    """A notice to the case's assigned handler through the outbox (kept even if the handler
    has no address; none when the case is unassigned)."""
    handler = case.assigned_to
    if handler is None:
        return None
    return notification_queue(
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


INFORMATION_DAYS = 14  # default deadline for a request for more information


def _close_requests(case: Case, *, kind: str | None = None) -> None:
    """The case moved on: its requests to the provider are no longer waiting."""
    qs = CaseRequest.objects.select_for_update().filter(
        case=case, status__in=(CaseRequest.Status.OPEN, CaseRequest.Status.ANSWERED)
    )
    if kind:
        qs = qs.filter(kind=kind)
    now = timezone.now()
    for request in qs:
        request.close()
        request.closed_at = now
        request.save(update_fields=["status", "closed_at"])


@in_official_language
def case_request_information(
    *, case: Case, actor: AbstractBaseUser, message: str, deadline: datetime.date | None = None
) -> CaseRequest:
    """Ask the provider for more information by `deadline` (default two weeks); the provider
    sees the request on its start page, answers it in the portal (text and PDFs) or with a new
    version of the application, and is told through the outbox."""
    _require_handler(actor)
    message = (message or "").strip()
    if not message:
        raise CaseActionRefused(_("Write what the provider must supplement."))
    deadline = deadline or timezone.localdate() + datetime.timedelta(days=INFORMATION_DAYS)
    if deadline <= timezone.localdate():
        raise CaseActionRefused(_("The deadline must be after today."))
    with transaction.atomic():
        case = _lock(case)
        _step(case, "request_information", _("Ask for more information"))
        now = timezone.now()
        case.information_request = message
        case.information_requested_at = now
        _save(case, "information_request", "information_requested_at")
        request = CaseRequest.objects.create(
            case=case,
            kind=CaseRequest.Kind.INFORMATION,
            text=message,
            deadline=deadline,
            sent_by=actor,
            sent_at=now,
        )
        date_text = official_date(deadline)
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.INFORMATION_REQUESTED,
            actor=actor,
            message=_("%(message)s (deadline %(date)s)") % {"message": message, "date": date_text},
            data={"request_id": request.pk, "deadline": deadline.isoformat()},
        )
        request.notification = _notify_provider(
            case=case,
            key=f"information-request:{request.pk}",
            kind="information_request",
            subject=_("Case %(number)s: more information needed by %(date)s")
            % {"number": case.case_number, "date": date_text},
            body=_(
                "Arbeidstilsynet needs more information to process your application (case %(number)s):\n\n"
                "%(message)s\n\nPlease answer by %(date)s. Log in to BHT-portalen to reply (you can attach "
                "documents) or to supplement the application."
            )
            % {"number": case.case_number, "message": message, "date": date_text},
        )
        request.save(update_fields=["notification"])
    return request


@in_official_language
def case_request_reply(
    *, request: CaseRequest, actor: AbstractBaseUser, text: str, files: list = ()
) -> CaseRequestReply:
    """The provider answers a request in the portal, with PDFs. An answer to a request for
    more information puts the case back in review (Arbeidstilsynet's turn); an answer to a
    notice of revocation is the provider's comment, which the handler weighs before deciding."""
    text = (text or "").strip()
    if getattr(actor, "role", None) != Role.PROVIDER or actor.provider_id != request.case.provider_id:
        raise CaseActionRefused(_("Only the provider's own users can answer this."))
    if not text:
        raise CaseActionRefused(_("Write your answer."))
    checked = [(f, pdf_check(f)) for f in files]  # every file checked before anything is stored
    with transaction.atomic():
        case = _lock(request.case)
        request = CaseRequest.objects.select_for_update().get(pk=request.pk)
        if not can_proceed(request.answer):
            raise CaseActionRefused(_("This request is closed; the case has moved on."))
        request.answer()
        request.answered_at = timezone.now()
        request.save(update_fields=["status", "answered_at"])
        reply = CaseRequestReply.objects.create(
            request=request, text=text, submitted_by=actor, submitted_at=request.answered_at
        )
        for uploaded, pdf in checked:
            _store_document(case=case, reply=reply, uploaded=uploaded, checked=pdf, actor=actor)
        if request.kind == CaseRequest.Kind.INFORMATION and can_proceed(case.supplement):
            case.supplement()
            case.information_request = ""
            _save(case, "information_request")
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.REQUEST_ANSWERED,
            actor=actor,
            message=text
            + (
                ("\n" + _("Attachments: %(names)s") % {"names": ", ".join(d.name for d, _c in checked)})
                if checked
                else ""
            ),
            data={"request_id": request.pk, "reply_id": reply.pk},
        )
        _notify_handler(
            case=case,
            key=f"request-reply:{reply.pk}",
            kind="request_answered",
            subject=_("Case %(number)s: the provider has replied") % {"number": case.case_number},
            body=_("%(provider)s has replied to “%(kind)s” in case %(number)s.")
            % {"provider": case.provider.name, "kind": request.get_kind_display(), "number": case.case_number},
        )
    return reply


def _store_document(*, case: Case, uploaded, checked, actor, appeal=None, reply=None) -> CaseDocument:
    original = upload_name(uploaded)
    document = CaseDocument(
        case=case,
        appeal=appeal,
        reply=reply,
        original_name=original,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    pdf_store(document=document, checked=checked)
    return document


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
        _close_requests(case, kind=CaseRequest.Kind.INFORMATION)
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.SUPPLEMENTED,
            actor=actor,
            message=_("Version %(version)s submitted.") % {"version": application.version},
            data={"application_id": application.pk, "version": application.version},
        )
        _notify_handler(
            case=case,
            key=f"case-supplemented:{application.pk}",
            kind="case_supplemented",
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
class AssessmentRefused(CaseActionRefused):
    """The assessments cannot be used as they are; `errors` maps a requirement id to what is
    wrong with it, so the form can put each message on its field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Write the assessment in your own words for every requirement marked."))
        self.errors = errors


# Texts that once passed as an assessment without saying anything about the case.
BOILERPLATE = {
    "vurdert på grunnlag av dokumentasjonen i søknaden.",
    "assessed on the basis of the documentation in the application.",
}


def _own_words_needed(req, *, special: bool, rule_met: bool) -> bool:
    """Forvaltningsloven § 25: the main considerations in the handler's own words for every
    requirement the rules cannot decide, and for d/e when set aside in special cases."""
    return req.judgement or (special and req.special_case and not rule_met)


def _clean_assessments(
    assessments: list[dict], *, prefill: list[dict] | None = None, special: bool = False
) -> list[dict]:
    """Every requirement assessed, in the handler's words where the rules cannot decide.
    `prefill` (from assessments_prefill for the case's application) tells which texts are the
    rules' own (a judgement or special-case assessment may not be just that)."""
    rule_text = {p["id"]: p for p in prefill or ()}
    out, errors = [], {}
    for a in assessments:
        req = REQUIREMENTS_BY_ID.get(a.get("id"))
        if req is None:
            raise CaseActionRefused(_("Unknown requirement in the assessment."))
        text = (a.get("assessment") or "").strip()
        p = rule_text.get(req.id, {})
        if not text:
            errors[req.id] = _("Write an assessment for this requirement.")
        elif _own_words_needed(req, special=special, rule_met=p.get("met", True)) and (
            text.casefold() in BOILERPLATE or (p.get("hint") and text == p["hint"].strip())
        ):
            errors[req.id] = _(
                "The rules cannot decide this requirement: write your own assessment of the case "
                "(forvaltningsloven § 25), not only the rule result."
            )
        out.append(
            {
                "id": req.id,
                "requirement": str(req.label),
                "legal_ref": req.legal_ref,
                "met": bool(a.get("met")),
                "assessment": text,
            }
        )
    if errors:
        raise AssessmentRefused(errors)
    if {a["id"] for a in out} != set(REQUIREMENTS_BY_ID):
        raise CaseActionRefused(_("Assess every requirement."))
    return out


def _rule_prefill(case: Case) -> list[dict]:
    application = _latest_submitted(case)
    evaluation = application_evaluate(application=application) if application else None
    return assessments_prefill(evaluation=evaluation)


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
    written justification, § 2-2 andre ledd). Rejection: the reasons per requirement (at least
    one not met) and the justification in the handler's words. Every text the handler writes
    is stored on the Decision and printed in the letter. Creates the Approval, the Decision and
    the letter outbox row in one transaction."""
    _require_handler(actor)
    assessments = _clean_assessments(
        assessments, prefill=_rule_prefill(case), special=outcome == DecisionOutcome.APPROVED_SPECIAL
    )
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
        if not justification:
            raise CaseActionRefused(_("Give the reasons for the rejection in your own words."))
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
            justification=justification,
            assessments=assessments,
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
        _close_requests(case)
        # A decision made after an appeal was reversed (or sent back) is that appeal's new decision.
        Appeal.objects.filter(
            case=case,
            new_decision__isnull=True,
            status__in=(
                Appeal.Status.REVERSED,
                Appeal.Status.DIRECTORATE_REVERSED,
                Appeal.Status.DIRECTORATE_SENT_BACK,
            ),
        ).update(new_decision=decision)
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


def revocation_intended_default(case: Case) -> str:
    return _(
        "Arbeidstilsynet is considering revoking the approval of %(provider)s as an occupational health "
        "service (forskrift om administrative ordninger § 2-5)."
    ) % {"provider": case.provider.name}


@in_official_language
def case_revocation_notify(
    *, case: Case, actor: AbstractBaseUser, reason: str, deadline: datetime.date, intended: str = ""
) -> CaseRequest:
    """Advance notice of revocation (forhåndsvarsel, forvaltningsloven § 16): what is
    intended, why, and the deadline for the provider's comments. A PDF letter (the same
    pipeline as decision letters) goes out through the outbox, made by
    approvals.tasks.revocation_notices_send (exactly once, however often it runs)."""
    _require_handler(actor)
    reason = (reason or "").strip()
    intended = (intended or "").strip() or revocation_intended_default(case)
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
        request = CaseRequest.objects.create(
            case=case,
            kind=CaseRequest.Kind.REVOCATION_NOTICE,
            text=reason,
            intended=intended,
            deadline=deadline,
            sent_by=actor,
            sent_at=timezone.now(),
        )
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.REVOCATION_NOTIFIED,
            actor=actor,
            message=_("%(reason)s (deadline %(date)s)") % {"reason": reason, "date": official_date(deadline)},
            data={"deadline": deadline.isoformat(), "request_id": request.pk},
        )
        request_id = request.pk

        def enqueue():
            from approvals.tasks import revocation_notice_send

            try:
                revocation_notice_send.delay(request_id)
            except Exception:  # noqa: BLE001 - broker down: the daily job sends it
                logger.exception("Could not queue notice %s; the job will send it", request_id)

        transaction.on_commit(enqueue)
    return request


@in_official_language
def revocation_notice_send(*, request_id: int) -> bool:
    """Make the notice letter (once) and hand it to the outbox (once). True when it was
    handed over now; False when it had been already (or the request is not a notice)."""
    from approvals.letters import notice_render

    with transaction.atomic():
        request = (
            CaseRequest.objects.select_for_update(of=("self",))
            .select_related("case__provider", "sent_by")
            .filter(pk=request_id, kind=CaseRequest.Kind.REVOCATION_NOTICE)
            .first()
        )
        if request is None or request.notification_id is not None:
            return False
        if not request.letter:
            rendered = notice_render(request=request)
            request.letter.save(request.download_name, ContentFile(rendered.pdf), save=False)
            request.letter_pages = rendered.pages
        case = request.case
        date_text = official_date(request.deadline)
        request.notification = _notify_provider(
            case=case,
            key=f"revocation-notice:{request.pk}",
            kind="revocation_notice",
            subject=_("Case %(number)s: advance notice of revocation – comments by %(date)s")
            % {"number": case.case_number, "date": date_text},
            body=_(
                "Arbeidstilsynet is considering revoking your approval as an occupational health service "
                "(case %(number)s). The advance notice is attached and is in BHT-portalen.\n\n"
                "Reason: %(reason)s\n\nYou may comment, or correct the matter, by %(date)s: answer in BHT-portalen."
            )
            % {"number": case.case_number, "reason": request.text, "date": date_text},
            attachments=[Attachment(request.download_name, "application/pdf", storage_name=request.letter.name)],
        )
        request.save(update_fields=["letter", "letter_pages", "notification"])
    return True


def revocation_notices_run() -> dict:
    """Daily sweep: every advance notice not yet handed to the outbox (the task was lost)."""
    ids = CaseRequest.objects.filter(kind=CaseRequest.Kind.REVOCATION_NOTICE, notification__isnull=True).values_list(
        "pk", flat=True
    )
    sent = sum(1 for pk in list(ids) if revocation_notice_send(request_id=pk))
    return {"sent": sent}


@in_official_language
def case_revoke(*, case: Case, actor: AbstractBaseUser, assessments: list[dict], reason: str = "") -> Decision:
    """Revoke the approval (a decision with a letter and an appeal deadline)."""
    _require_handler(actor)
    assessments = _clean_assessments(assessments, prefill=_rule_prefill(case))
    if all(a["met"] for a in assessments):
        raise CaseActionRefused(_("A revocation must give the reasons: mark the requirements that are not met."))
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
        _close_requests(case)
        decision = Decision.objects.create(
            case=case,
            application=_latest_submitted(case),
            outcome=DecisionOutcome.REVOKED,
            decided_by=actor,
            decided_at=now,
            justification=(reason or case.revocation_reason).strip(),
            assessments=assessments,
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
        _close_requests(case)
        case_event_record(case=case, kind=CaseEvent.Kind.REVOCATION_DROPPED, actor=actor, message=reason.strip())
    return case


# ---------------------------------------------------------------- appeals
DIRECTORATE = "Direktoratet for arbeidstilsynet"


def _lock_appeal(appeal: Appeal) -> tuple[Case, Appeal]:
    case = _lock(appeal.case)
    appeal = Appeal.objects.select_for_update(of=("self",)).select_related("decision").get(pk=appeal.pk)
    return case, appeal


def _appeal_step(appeal: Appeal, method_name: str, action: str, **kwargs) -> None:
    method = getattr(appeal, method_name)
    if not can_proceed(method):
        if appeal.awaiting_late_decision:
            raise CaseActionRefused(_("The appeal came after the deadline: first decide whether to consider it."))
        raise CaseActionRefused(
            _("“%(action)s” is not possible: the appeal is now “%(status)s”.")
            % {"action": action, "status": appeal.get_status_display()}
        )
    method(**kwargs)


def _appeal_notice(case: Case, appeal: Appeal, step: str, subject: str, body: str, attachments=()) -> None:
    _notify_provider(
        case=case,
        key=f"appeal:{appeal.pk}:{step}",
        kind="appeal",
        subject=subject % {"number": case.case_number},
        body=body,
        attachments=attachments,
    )


@in_official_language
def appeal_create(*, decision: Decision, actor: AbstractBaseUser, text: str, files: list = ()) -> Appeal:
    """A provider appeals an adverse decision (Decision.is_appealable), with PDFs. After the
    deadline (three weeks from the notice of the letter) the appeal is still received, flagged
    late; the handler decides whether to consider it (forvaltningsloven § 31)."""
    text = (text or "").strip()
    if getattr(actor, "role", None) != Role.PROVIDER or actor.provider_id != decision.case.provider_id:
        raise CaseActionRefused(_("Only the provider's own users can appeal this decision."))
    today = timezone.localdate()
    if not decision.is_appealable(on=today):
        raise CaseActionRefused(
            _("This decision cannot be appealed: it is an approval for five years without conditions.")
        )
    if not text:
        raise CaseActionRefused(_("Give the grounds for the appeal."))
    checked = [(f, pdf_check(f)) for f in files]
    late = decision.appeal_deadline_passed(on=today)
    with transaction.atomic():
        case = _lock(decision.case)
        if Appeal.objects.filter(decision=decision).exists():
            raise CaseActionRefused(_("This decision has already been appealed."))
        appeal = Appeal.objects.create(
            case=case, decision=decision, submitted_by=actor, submitted_at=timezone.now(), text=text, late=late
        )
        for uploaded, pdf in checked:
            _store_document(case=case, appeal=appeal, uploaded=uploaded, checked=pdf, actor=actor)
        message = text
        if late:
            message = _("Received after the deadline (%(date)s). %(text)s") % {
                "date": official_date(decision.appeal_deadline),
                "text": text,
            }
        case_event_record(
            case=case, kind=CaseEvent.Kind.APPEALED, actor=actor, message=message, data={"appeal_id": appeal.pk}
        )
        _appeal_notice(
            case,
            appeal,
            "received",
            _("Case %(number)s: your appeal is received"),
            _(
                "Arbeidstilsynet has received your appeal in case %(number)s. We consider the case again; if we "
                "uphold the decision, the appeal goes to %(body)s, which decides it. You can follow the appeal in "
                "BHT-portalen."
            )
            % {"number": case.case_number, "body": DIRECTORATE}
            + (
                "\n\n"
                + _(
                    "The appeal came after the deadline. Arbeidstilsynet decides whether it can be considered "
                    "nevertheless (forvaltningsloven § 31) and tells you."
                )
                if late
                else ""
            ),
        )
        _notify_handler(
            case=case,
            key=f"appeal-received:{appeal.pk}",
            kind="appeal_received",
            subject=_("Case %(number)s: appeal received") % {"number": case.case_number},
            body=_("%(provider)s has appealed the decision in case %(number)s.")
            % {"provider": case.provider.name, "number": case.case_number},
        )
    return appeal


@in_official_language
def appeal_late_decide(*, appeal: Appeal, actor: AbstractBaseUser, consider: bool, reason: str) -> Appeal:
    """§ 31: a late appeal is considered (the party cannot be blamed for the delay, or there
    are special reasons) or not; either way a decision with a reason, told to the provider."""
    _require_handler(actor)
    reason = (reason or "").strip()
    if not reason:
        raise CaseActionRefused(_("Give the reason for considering the late appeal or not."))
    with transaction.atomic():
        case, appeal = _lock_appeal(appeal)
        if not appeal.awaiting_late_decision:
            raise CaseActionRefused(_("There is no late appeal to decide on."))
        appeal.late_decision = LateDecision.CONSIDER if consider else LateDecision.DISMISS
        appeal.late_reason = reason
        fields = ["late_decision", "late_reason"]
        if not consider:
            appeal.dismiss_late()
            appeal.handled_by, appeal.handled_at = actor, timezone.now()
            fields += ["status", "handled_by", "handled_at"]
        appeal.save(update_fields=fields)
        label = LateDecision(appeal.late_decision).label
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.APPEAL_LATE_DECIDED,
            actor=actor,
            message=f"{label}: {reason}",
            data={"appeal_id": appeal.pk, "consider": consider},
        )
        _appeal_notice(
            case,
            appeal,
            "late",
            _("Case %(number)s: your late appeal"),
            (
                _("Arbeidstilsynet will consider your appeal in case %(number)s although it came after the deadline.")
                if consider
                else _(
                    "Arbeidstilsynet will not consider your appeal in case %(number)s, because it came after the "
                    "deadline (forvaltningsloven § 31). This decision can itself be appealed to %(body)s within "
                    "three weeks."
                )
            )
            % {"number": case.case_number, "body": DIRECTORATE}
            + "\n\n"
            + _("Reason: %(reason)s") % {"reason": reason},
        )
    return appeal


def _reversal_decision(
    *, case: Case, appeal: Appeal, actor, reason: str, valid_until: datetime.date | None, conditions: str
) -> Decision | None:
    """Arbeidstilsynet reverses its decision: a revocation or a partly adverse approval gets a
    new decision (with its letter) at once; a rejection goes back to review, where the new
    decision is made with the assessment form."""
    old = appeal.decision
    now = timezone.now()
    if old.outcome == DecisionOutcome.REJECTED:
        _step(case, "reopen", _("Reverse"))
        case.decided_at = None
        _save(case, "decided_at")
        return None
    approval = _current_approval(case)
    if old.outcome == DecisionOutcome.REVOKED:
        _step(case, "reinstate", _("Reverse"), special=bool(approval and approval.special_case))
        _save(case)
        if approval is not None and can_proceed(approval.reinstate):
            approval.reinstate()
            approval.ended_at = None
            approval.save(update_fields=["status", "ended_at"])
        basis = approval.decision if approval is not None else old
    else:  # an approval with conditions or a shorter period
        basis = old
        if approval is None:
            raise CaseActionRefused(_("No approval to change on this case."))
        full = add_years(approval.valid_from, APPROVAL_YEARS)
        valid_until = valid_until or full
        if valid_until > full or valid_until <= timezone.localdate():
            raise CaseActionRefused(_("The new period must end after today and at most five years from its start."))
        approval.valid_until = valid_until
        approval.conditions = (conditions or "").strip()
        approval.save(update_fields=["valid_until", "conditions"])
    decision = Decision.objects.create(
        case=case,
        application=basis.application,
        outcome=DecisionOutcome.APPROVED_SPECIAL if approval and approval.special_case else DecisionOutcome.APPROVED,
        decided_by=actor,
        decided_at=now,
        valid_from=approval.valid_from if approval else None,
        valid_until=approval.valid_until if approval else None,
        conditions=approval.conditions if approval else "",
        justification=reason,
        assessments=[{**a, "met": True} for a in basis.assessments]
        if old.outcome == DecisionOutcome.REVOKED
        else basis.assessments,
    )
    decision_letter_queue(decision=decision)
    return decision


@in_official_language
def appeal_reverse(
    *,
    appeal: Appeal,
    actor: AbstractBaseUser,
    reason: str,
    valid_until: datetime.date | None = None,
    conditions: str = "",
) -> Appeal:
    """Arbeidstilsynet finds the appeal right and reverses its own decision (forvaltningsloven
    § 33 second paragraph): a new decision with its own letter."""
    _require_handler(actor)
    reason = (reason or "").strip()
    if not reason:
        raise CaseActionRefused(_("Give the reason for reversing the decision."))
    with transaction.atomic():
        case, appeal = _lock_appeal(appeal)
        _appeal_step(appeal, "reverse", _("Reverse"))
        appeal.new_decision = _reversal_decision(
            case=case, appeal=appeal, actor=actor, reason=reason, valid_until=valid_until, conditions=conditions
        )
        appeal.handled_by, appeal.handled_at, appeal.outcome_reason = actor, timezone.now(), reason
        appeal.save(update_fields=["status", "new_decision", "handled_by", "handled_at", "outcome_reason"])
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.APPEAL_REVERSED,
            actor=actor,
            message=reason,
            data={"appeal_id": appeal.pk, "decision_id": appeal.new_decision_id},
        )
        _appeal_notice(
            case,
            appeal,
            "reversed",
            _("Case %(number)s: your appeal is upheld – the decision is reversed"),
            (
                _("Arbeidstilsynet has reversed its decision in case %(number)s. The new decision letter follows.")
                if appeal.new_decision_id
                else _(
                    "Arbeidstilsynet has reversed its decision in case %(number)s and considers your application again."
                )
            )
            % {"number": case.case_number}
            + "\n\n"
            + _("Reason: %(reason)s") % {"reason": reason},
        )
    return appeal


@in_official_language
def appeal_forward(*, appeal: Appeal, actor: AbstractBaseUser, reason: str) -> Appeal:
    """Arbeidstilsynet upholds its decision and sends the appeal to the appeal body,
    Direktoratet for arbeidstilsynet (forvaltningsloven § 33), with its assessment."""
    _require_handler(actor)
    reason = (reason or "").strip()
    if not reason:
        raise CaseActionRefused(_("Give Arbeidstilsynet's assessment of the appeal for the directorate."))
    with transaction.atomic():
        case, appeal = _lock_appeal(appeal)
        _appeal_step(appeal, "forward", _("Uphold and forward"))
        appeal.handled_by, appeal.handled_at, appeal.outcome_reason = actor, timezone.now(), reason
        appeal.save(update_fields=["status", "handled_by", "handled_at", "outcome_reason"])
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.APPEAL_FORWARDED,
            actor=actor,
            message=reason,
            data={"appeal_id": appeal.pk},
        )
        _appeal_notice(
            case,
            appeal,
            "forwarded",
            _("Case %(number)s: your appeal is sent to Direktoratet for arbeidstilsynet"),
            _(
                "Arbeidstilsynet has considered your appeal in case %(number)s again and upholds the decision. "
                "The appeal is sent to %(body)s, which decides it; you will be told the outcome.\n\n"
                "Arbeidstilsynet's assessment: %(reason)s"
            )
            % {"number": case.case_number, "body": DIRECTORATE, "reason": reason},
        )
    return appeal


@in_official_language
def appeal_directorate_record(
    *, appeal: Appeal, actor: AbstractBaseUser, outcome: str, decided_on: datetime.date, reason: str, letter
) -> Appeal:
    """Record the appeal body's decision (upheld, reversed, sent back) with its date and
    letter (a PDF). Reversed or sent back: a rejection goes back to review for the new
    decision; a revocation reversed is undone. The provider is told."""
    _require_handler(actor)
    reason = (reason or "").strip()
    outcomes = (
        Appeal.Status.DIRECTORATE_UPHELD,
        Appeal.Status.DIRECTORATE_REVERSED,
        Appeal.Status.DIRECTORATE_SENT_BACK,
    )
    if outcome not in outcomes:
        raise CaseActionRefused(_("Unknown outcome from the directorate."))
    if not decided_on or decided_on > timezone.localdate():
        raise CaseActionRefused(_("Give the date of the directorate's decision (today or earlier)."))
    if letter is None:
        raise CaseActionRefused(_("Attach the directorate's letter (PDF)."))
    checked = pdf_check(letter)
    with transaction.atomic():
        case, appeal = _lock_appeal(appeal)
        _appeal_step(appeal, "record_directorate", _("Record the directorate's decision"), outcome=outcome)
        appeal.directorate_decided_on = decided_on
        appeal.directorate_reason = reason
        appeal.directorate_recorded_by = actor
        appeal.directorate_letter.save("directorate.pdf", ContentFile(checked.content), save=False)
        appeal.save(
            update_fields=[
                "status",
                "directorate_decided_on",
                "directorate_reason",
                "directorate_recorded_by",
                "directorate_letter",
            ]
        )
        old = appeal.decision
        if outcome != Appeal.Status.DIRECTORATE_UPHELD:
            if old.outcome == DecisionOutcome.REJECTED and can_proceed(case.reopen):
                case.reopen()
                case.decided_at = None
                _save(case, "decided_at")
            elif old.outcome == DecisionOutcome.REVOKED and outcome == Appeal.Status.DIRECTORATE_REVERSED:
                approval = _current_approval(case)
                if can_proceed(case.reinstate):
                    case.reinstate(special=bool(approval and approval.special_case))
                    _save(case)
                if approval is not None and can_proceed(approval.reinstate):
                    approval.reinstate()
                    approval.ended_at = None
                    approval.save(update_fields=["status", "ended_at"])
        label = Appeal.Status(outcome).label
        case_event_record(
            case=case,
            kind=CaseEvent.Kind.APPEAL_DIRECTORATE,
            actor=actor,
            message=_("%(outcome)s (%(date)s)") % {"outcome": label, "date": official_date(decided_on)}
            + (f": {reason}" if reason else ""),
            data={"appeal_id": appeal.pk, "outcome": outcome},
        )
        _appeal_notice(
            case,
            appeal,
            "directorate",
            _("Case %(number)s: Direktoratet for arbeidstilsynet has decided your appeal"),
            _(
                "%(body)s decided your appeal in case %(number)s on %(date)s: %(outcome)s. The directorate's "
                "letter is attached and is in BHT-portalen."
            )
            % {"body": DIRECTORATE, "number": case.case_number, "date": official_date(decided_on), "outcome": label},
            attachments=[Attachment("klagevedtak.pdf", "application/pdf", storage_name=appeal.directorate_letter.name)],
        )
    return appeal


# ---------------------------------------------------------------- interim reply (§ 11a)
INTERIM_AFTER_DAYS = 30  # "within a month"
INTERIM_EXPECTED_DAYS = 30


@in_official_language
def interim_replies_run(*, today: datetime.date | None = None) -> dict:
    """Daily: every open case received more than a month ago gets an interim reply (foreløpig
    svar, forvaltningsloven § 11a) saying why it takes time and when a decision can be
    expected, exactly once (one InterimReply per case, one outbox key per case)."""
    today = today or timezone.localdate()
    cutoff = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=INTERIM_AFTER_DAYS), datetime.time.max)
    )
    ids = list(
        Case.objects.filter(
            status__in=(CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.AWAITING_INFORMATION),
            received_at__lte=cutoff,
            interim_reply__isnull=True,
        ).values_list("pk", flat=True)
    )
    sent = 0
    for pk in ids:
        with transaction.atomic():
            case = Case.objects.select_for_update(of=("self",)).select_related("provider").get(pk=pk)
            if InterimReply.objects.filter(case=case).exists():
                continue
            open_request = case.requests.filter(status=CaseRequest.Status.OPEN).order_by("-sent_at").first()
            if open_request is not None:
                expected = open_request.deadline + datetime.timedelta(days=INTERIM_EXPECTED_DAYS)
                reason = _(
                    "We are waiting for the information we asked you for by %(date)s; we decide when we have it."
                ) % {"date": official_date(open_request.deadline)}
            else:
                expected = today + datetime.timedelta(days=INTERIM_EXPECTED_DAYS)
                reason = _(
                    "Each requirement of the regulation is assessed one by one, and the case queue is long; "
                    "your case is being processed."
                )
            reply = InterimReply.objects.create(case=case, reason=reason, expected_by=expected)
            reply.notification = _notify_provider(
                case=case,
                key=f"interim-reply:{case.pk}",
                kind="interim_reply",
                subject=_("Case %(number)s: interim reply") % {"number": case.case_number},
                body=_(
                    "Arbeidstilsynet received your application %(received)s (case %(number)s). We have not been "
                    "able to decide it within a month.\n\nWhy: %(reason)s\n\nWe expect to decide by %(date)s "
                    "(forvaltningsloven § 11a)."
                )
                % {
                    "received": official_date(case.received_at),
                    "number": case.case_number,
                    "reason": reason,
                    "date": official_date(expected),
                },
            )
            reply.save(update_fields=["notification"])
            case_event_record(
                case=case,
                kind=CaseEvent.Kind.INTERIM_REPLY,
                message=_("%(reason)s Decision expected by %(date)s.")
                % {"reason": reason, "date": official_date(expected)},
                data={"expected_by": expected.isoformat()},
            )
            sent += 1
    return {"sent": sent}
