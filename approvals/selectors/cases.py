"""Reads for the case handler's side: the case queue, the case page and the requirements that a
decision assesses one by one (the rule evaluation is approvals.selectors.applications.application_evaluate)."""

from __future__ import annotations

import datetime

from django.db.models import Case as DbCase
from django.db.models import F, Prefetch, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CASE_HANDLER_ROLES, Role
from approvals import rules
from approvals.models import (
    CASE_OPEN_STATUSES,
    Appeal,
    Application,
    ApplicationStatus,
    Case,
    CaseDocument,
    CaseEvent,
    CaseNote,
    CaseRequest,
    CaseRequestReply,
    CaseStatus,
    ChangeNotice,
    Decision,
    InterimReply,
)
from approvals.selectors.applications import application_evaluate

OPEN_APPEAL_STATUSES = (Appeal.Status.RECEIVED, Appeal.Status.FORWARDED)


def assessments_prefill(*, evaluation: rules.Evaluation | None) -> list[dict]:
    """One entry per requirement. A rule-decided requirement is pre-filled from the rule
    results (Norwegian text, as in the letter): met when every rule behind it passed. A
    judgement requirement is left for the handler's own words; the rule results behind it
    (a document is there or not) are given as `hint`, never as the assessment."""
    by_id = {r.id: r for r in evaluation.rules} if evaluation else {}
    out = []
    for req in rules.REQUIREMENTS:
        results = [by_id[i] for i in req.rule_ids if i in by_id]
        met = all(r.passed for r in results)
        hint = " ".join(r.message_nb for r in results)
        out.append(
            {
                "id": req.id,
                "requirement": str(req.label),
                "legal_ref": req.legal_ref,
                "met": met,
                "assessment": "" if req.judgement else hint,
                "hint": hint,
            }
        )
    return out


def staff_fte_table(*, application: Application | None) -> dict:
    """The facts for the letter and case page: staff with FTE per discipline, and totals."""
    staff = list(application.staff.all()) if application else []
    total_fte, totals = rules.fte_totals([s.roster_entry() for s in staff])
    return {
        "staff": staff,
        "disciplines": [(d, rules.DISCIPLINE_NAMES[d]) for d in rules.DISCIPLINES],
        "totals": totals,
        "total_fte": total_fte,
    }


# ---------------------------------------------------------------- queue
SORTS = {
    "received": "received_at",
    "-received": "-received_at",
    "case_number": "case_number",
    "-case_number": "-case_number",
    "provider": "provider__name",
    "-provider": "-provider__name",
    "status": "status",
    "-status": "-status",
    "failed": "failed_rule_count",
    "-failed": "-failed_rule_count",
}


def case_queue(
    *,
    user,
    status: str = "",
    assigned: str = "",
    fails_rule: bool = False,
    has_warnings: bool = False,
    appeals: bool = False,
    q: str = "",
    sort: str = "-received",
) -> QuerySet[Case]:
    """All cases for the case handler's queue, filtered, searched and sorted; provider and
    assigned handler joined in the same query (one query per page whatever the size)."""
    qs = Case.objects.select_related("provider", "assigned_to")
    if status == "open":
        qs = qs.filter(status__in=CASE_OPEN_STATUSES)
    elif status in CaseStatus.values:
        qs = qs.filter(status=status)
    if assigned == "me":
        qs = qs.filter(assigned_to=user)
    elif assigned == "unassigned":
        qs = qs.filter(assigned_to__isnull=True)
    if fails_rule:
        qs = qs.filter(failed_rule_count__gt=0)
    if has_warnings:
        qs = qs.filter(warning_count__gt=0)
    if appeals:
        qs = qs.filter(appeals__status__in=OPEN_APPEAL_STATUSES).distinct()
    q = (q or "").strip()
    if q:
        digits = q.replace(" ", "")
        cond = Q(case_number__icontains=q) | Q(provider__name__icontains=q)
        if digits.isdigit():
            cond |= Q(provider__orgnr__startswith=digits)
        qs = qs.filter(cond)
    order = SORTS.get(sort, "-received_at")
    if order in ("received_at", "-received_at"):
        # By date received (the default), an open renewal that must be decided before the
        # approval ends comes first, the earliest decide-by date first.
        urgent = DbCase(When(status__in=CASE_OPEN_STATUSES, then=F("decide_by")), default=None)
        return qs.order_by(urgent.asc(nulls_last=True), order, "-id")
    return qs.order_by(order, "-id")


def days_in_treatment(case: Case, *, now: datetime.datetime | None = None) -> int:
    end = case.decided_at or now or timezone.now()
    return max((end - case.received_at).days, 0)


def handler_start_summary(*, user) -> dict:
    """For the case handler's start page: my open cases, the unassigned count, appeals that
    wait on Arbeidstilsynet (or on the directorate's outcome to be recorded) and the
    provider's answers to requests that wait to be read."""
    open_cases = Case.objects.filter(status__in=CASE_OPEN_STATUSES)
    return {
        "my_cases": list(open_cases.filter(assigned_to=user).select_related("provider").order_by("received_at")[:10]),
        "my_count": open_cases.filter(assigned_to=user).count(),
        "unassigned_count": open_cases.filter(assigned_to__isnull=True).count(),
        "appeals": list(
            Appeal.objects.filter(status__in=OPEN_APPEAL_STATUSES)
            .select_related("case__provider")
            .order_by("submitted_at")[:10]
        ),
        "answered": list(
            CaseRequest.objects.filter(status=CaseRequest.Status.ANSWERED)
            .exclude(case__status__in=(CaseStatus.IN_REVIEW, CaseStatus.AWAITING_INFORMATION, CaseStatus.SUBMITTED))
            .select_related("case__provider")
            .order_by("answered_at")[:10]
        ),
    }


def case_turn(*, case: Case, requests: list[CaseRequest], appeals: list[Appeal]) -> dict | None:
    """Whose turn it is on the case, and since when: the provider (an open request, with its
    deadline), Arbeidstilsynet (an open case, an answer or an appeal to consider) or the
    directorate (a forwarded appeal). None when nobody is to act."""
    waiting = [r for r in requests if r.status == CaseRequest.Status.OPEN]
    if waiting:
        r = waiting[0]
        return {"who": "provider", "since": r.sent_at, "deadline": r.deadline, "what": r.get_kind_display()}
    for a in appeals:
        if a.status == Appeal.Status.RECEIVED:
            return {"who": "arbeidstilsynet", "since": a.submitted_at, "what": _("Appeal")}
        if a.status == Appeal.Status.FORWARDED:
            return {"who": "directorate", "since": a.handled_at, "what": _("Appeal")}
    answered = [r for r in requests if r.status == CaseRequest.Status.ANSWERED]
    if answered:
        return {"who": "arbeidstilsynet", "since": answered[0].answered_at, "what": answered[0].get_kind_display()}
    if case.status in CASE_OPEN_STATUSES:
        return {"who": "arbeidstilsynet", "since": case.received_at, "what": _("Application")}
    return None


def case_requests(*, case: Case) -> list[CaseRequest]:
    return list(
        CaseRequest.objects.filter(case=case)
        .select_related("sent_by")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=CaseRequestReply.objects.select_related("submitted_by").prefetch_related("documents"),
            )
        )
        .order_by("-sent_at", "-id")
    )


def provider_open_requests(*, provider_id: int) -> list[CaseRequest]:
    """What the provider's start page asks it to answer (open or answered but still open)."""
    return list(
        CaseRequest.objects.filter(
            case__provider_id=provider_id, status__in=(CaseRequest.Status.OPEN, CaseRequest.Status.ANSWERED)
        )
        .select_related("case")
        .order_by("deadline", "id")
    )


def request_for_provider(*, user, pk: int) -> CaseRequest:
    """A request to the user's own provider (404 for anyone else's)."""
    if user.role != Role.PROVIDER or not user.provider_id:
        raise Http404
    request = (
        CaseRequest.objects.select_related("case__provider", "sent_by")
        .filter(pk=pk, case__provider_id=user.provider_id)
        .first()
    )
    if request is None:
        raise Http404
    return request


def _case_scoped(qs: QuerySet, *, user) -> QuerySet:
    """`qs` (rows that belong to a case) narrowed to what `user` may see: case handlers (and
    admins) every row, a provider user its own provider's; 404 for anyone else."""
    if user.role in CASE_HANDLER_ROLES:
        return qs
    if user.role == Role.PROVIDER and user.provider_id:
        return qs.filter(case__provider_id=user.provider_id)
    raise Http404


def request_for_letter(*, user, pk: int) -> CaseRequest:
    """A notice letter the user may download: handlers any, a provider only its own."""
    qs = _case_scoped(CaseRequest.objects.select_related("case"), user=user)
    request = qs.filter(pk=pk).first()
    if request is None or not request.letter:
        raise Http404
    return request


def case_document_for_user(*, user, pk: int) -> CaseDocument:
    """An appeal's or reply's PDF: handlers any, a provider only its own; 404 otherwise."""
    qs = _case_scoped(CaseDocument.objects.select_related("case"), user=user)
    document = qs.filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def appeal_for_user(*, user, pk: int) -> Appeal:
    """An appeal the user may see: handlers any, a provider only its own; 404 otherwise."""
    qs = _case_scoped(Appeal.objects.select_related("case"), user=user)
    appeal = qs.filter(pk=pk).first()
    if appeal is None:
        raise Http404
    return appeal


APPEAL_EVENT_KINDS = (
    CaseEvent.Kind.APPEALED,
    CaseEvent.Kind.APPEAL_LATE_DECIDED,
    CaseEvent.Kind.APPEAL_REVERSED,
    CaseEvent.Kind.APPEAL_FORWARDED,
    CaseEvent.Kind.APPEAL_DIRECTORATE,
)


def appeal_events(*, appeal: Appeal) -> list[CaseEvent]:
    """Where the appeal stands, step by step (for the provider's appeal page)."""
    return [
        e
        for e in CaseEvent.objects.filter(case_id=appeal.case_id, kind__in=APPEAL_EVENT_KINDS).order_by(
            "created_at", "id"
        )
        if e.data.get("appeal_id") == appeal.pk
    ]


# ---------------------------------------------------------------- case page
def case_get_for_handler(*, pk: int) -> Case:
    try:
        return Case.objects.select_related("provider", "assigned_to", "renews", "interim_reply").get(pk=pk)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def case_applications(*, case: Case) -> list[Application]:
    """Submitted versions of the case's application, newest first, with roster, departments
    and documents prefetched."""
    return list(
        case.applications.filter(status=ApplicationStatus.SUBMITTED)
        .select_related("submitted_by")
        .prefetch_related("staff", "departments", "documents")
        .order_by("-version")
    )


def _interim_reply(case: Case) -> InterimReply | None:
    try:
        return case.interim_reply  # joined by case_get_for_handler
    except InterimReply.DoesNotExist:
        return None


def case_page_data(*, case: Case) -> dict:
    """Everything the case page shows besides the forms."""
    applications = case_applications(case=case)
    current = applications[0] if applications else None
    evaluation = application_evaluate(application=current) if current else None
    decisions = list(
        Decision.objects.filter(case=case)
        .select_related("decided_by", "letter__notification", "approval")
        .prefetch_related(
            Prefetch(
                "appeals",
                queryset=Appeal.objects.select_related("submitted_by", "handled_by", "new_decision").prefetch_related(
                    "documents"
                ),
            )
        )
        .order_by("-decided_at")
    )
    requests = case_requests(case=case)
    appeals = [a for d in decisions for a in d.appeals.all()]
    return {
        "applications": applications,
        "current": current,
        "previous": applications[1:],
        "evaluation": evaluation,
        "facts": staff_fte_table(application=current),
        "events": list(CaseEvent.objects.filter(case=case).select_related("actor").order_by("created_at", "id")),
        "notes": list(CaseNote.objects.filter(case=case).select_related("author").order_by("created_at")),
        "history": list(case.history.select_related("history_user").order_by("history_date")),
        "decisions": decisions,
        "appeals": appeals,
        "requests": requests,
        "turn": case_turn(case=case, requests=requests, appeals=appeals),
        "interim_reply": _interim_reply(case),
        "days_in_treatment": days_in_treatment(case),
        "current_staffing": case_current_staffing(case=case),
    }


def case_current_staffing(*, case: Case) -> dict | None:
    """The staffing as it stands when a change notice changed it after the application: the
    latest such notice and its rule evaluation (None when the application's roster stands)."""
    notice = (
        ChangeNotice.objects.filter(approval__case=case, staff__isnull=False, evaluation__isnull=False)
        .order_by("-submitted_at", "-id")
        .first()
    )
    if notice is None:
        return None
    rules_ = notice.evaluation.get("rules", [])
    return {
        "notice": notice,
        "approvable": notice.evaluation.get("approvable"),
        "rules": rules_,
        "failed": [r for r in rules_ if not r.get("passed")],
    }


# ---------------------------------------------------------------- letters and appeals (object scope)
def decision_for_letter_download(*, user, pk: int) -> Decision:
    """The decision whose letter `user` may download: case handlers (and admins) any, a
    provider user only its own provider's; 404 otherwise."""
    qs = _case_scoped(Decision.objects.select_related("case__provider", "letter__notification"), user=user)
    decision = qs.filter(pk=pk).first()
    if decision is None or not hasattr(decision, "letter") or not decision.letter.pdf:
        raise Http404
    return decision


def decision_for_appeal(*, user, pk: int) -> Decision:
    """An appealable decision of the user's own provider (Decision.is_appealable), or one it
    has appealed; 404 for anything else."""
    if user.role != Role.PROVIDER or not user.provider_id:
        raise Http404
    decision = (
        Decision.objects.select_related("case__provider", "letter__notification")
        .filter(pk=pk, case__provider_id=user.provider_id)
        .first()
    )
    if decision is None or not (decision.is_appealable(on=timezone.localdate()) or decision.appeals.exists()):
        raise Http404
    return decision


def provider_decisions(*, provider_id: int) -> list[Decision]:
    """A provider's decisions with letter and appeal state (for the provider's pages)."""
    return list(
        Decision.objects.filter(case__provider_id=provider_id)
        .select_related("case", "letter__notification")
        .prefetch_related("appeals")
        .order_by("-decided_at")
    )
