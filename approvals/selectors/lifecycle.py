"""Reads for the lifecycle app, with joins and scoping.

A provider user sees only their own provider's approvals, notices and change notices
(anything else is a 404, raised here)."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from approvals import rules
from approvals.models import (
    Application,
    ApplicationStatus,
    Approval,
    ApprovalStatus,
    Case,
    CaseEvent,
    ChangeNotice,
    FollowUpTask,
    ProviderNotice,
    RenewalReminder,
)
from providers.models import DEPARTMENT_FIELDS


# ---------------------------------------------------------------- approvals and rosters
def approval_source_application(approval: Approval) -> Application | None:
    """The last approved application: the decision's application, else the latest submitted
    application of the approval's case."""
    if approval.decision.application_id:
        return approval.decision.application
    return (
        Application.objects.filter(case_id=approval.case_id, status=ApplicationStatus.SUBMITTED)
        .order_by("-version", "-id")
        .first()
    )


def approval_current_roster(approval: Approval) -> list[rules.StaffInput]:
    """The staff roster as it stands: the latest change notice's roster, else the approved
    application's staff."""
    latest = (
        ChangeNotice.objects.filter(approval=approval, staff__isnull=False).order_by("-submitted_at", "-id").first()
    )
    if latest is not None:
        return rules.roster_from_json(latest.staff)
    source = approval_source_application(approval)
    if source is None:
        return []
    return [m.roster_entry() for m in source.staff.all()]


def approval_current_departments(approval: Approval) -> list[dict]:
    """The departments as they stand: the register's (with `id`), else the approved
    application's (without `id`: they are registered when the change notice is sent)."""
    registered = list(approval.provider.departments.order_by("name", "id"))
    if registered:
        return [{"id": d.pk, **{f: getattr(d, f) for f in DEPARTMENT_FIELDS}} for d in registered]
    source = approval_source_application(approval)
    if source is None:
        return []
    return [{f: getattr(d, f) for f in DEPARTMENT_FIELDS} for d in source.departments.order_by("id")]


def change_notice_by_token(*, approval: Approval, token) -> ChangeNotice | None:
    if not token:
        return None
    return ChangeNotice.objects.filter(approval=approval, submission_token=token).first()


def approval_documents_present(approval: Approval) -> dict[str, bool]:
    source = approval_source_application(approval)
    if source is None:
        return {}
    return {kind: True for kind in source.documents.values_list("kind", flat=True)}


def roster_rule_input(roster: list[rules.StaffInput], documents: dict[str, bool]) -> rules.RuleInput:
    return rules.RuleInput(staff=roster, documents=documents)


def provider_valid_approval(*, provider_id: int, day: datetime.date | None = None) -> Approval | None:
    """The provider's approval valid today (the one a change notice is about)."""
    day = day or timezone.localdate()
    return (
        Approval.objects.select_related("provider", "case", "decision")
        .filter(provider_id=provider_id, status=ApprovalStatus.VALID, valid_from__lte=day, valid_until__gte=day)
        .order_by("-valid_until")
        .first()
    )


def approval_for_provider_user(*, user, pk: int) -> Approval:
    """An approval of the user's own provider, or 404."""
    if not user.provider_id:
        raise Http404
    try:
        return Approval.objects.select_related("provider", "case", "decision").get(pk=pk, provider_id=user.provider_id)
    except Approval.DoesNotExist:
        raise Http404


def renewal_draft_for(approval: Approval) -> Application | None:
    return Application.objects.filter(renews=approval, status=ApplicationStatus.DRAFT).order_by("-created_at").first()


# ---------------------------------------------------------------- provider start page
def provider_notices(*, provider_id: int, limit: int = 10) -> list[ProviderNotice]:
    """The provider's latest notices, with what the 'start renewal' action needs."""
    drafts = Application.objects.filter(renews=OuterRef("approval_id"), status=ApplicationStatus.DRAFT)
    submitted = Application.objects.filter(renews=OuterRef("approval_id"), status=ApplicationStatus.SUBMITTED)
    return list(
        ProviderNotice.objects.filter(provider_id=provider_id)
        .select_related("approval", "reminder", "change_notice", "change_notice__followup_task")
        .annotate(renewal_draft=Exists(drafts), renewal_submitted=Exists(submitted))
        .order_by("-created_at", "-id")[:limit]
    )


def change_notice_for_user(*, user, pk: int) -> ChangeNotice:
    qs = ChangeNotice.objects.select_related("approval", "provider", "submitted_by", "approval__case")
    if user.role == Role.PROVIDER:
        qs = qs.filter(provider_id=user.provider_id)
    try:
        return qs.select_related("followup_task").get(pk=pk)
    except ChangeNotice.DoesNotExist:
        raise Http404


# ---------------------------------------------------------------- case page
def case_lifecycle(case: Case) -> dict:
    """What the lifecycle did on one case: approvals with their reminders, expiry, change
    notices and follow-up tasks. A fixed number of queries."""
    approvals = list(
        Approval.objects.filter(case=case)
        .prefetch_related(Prefetch("reminders", queryset=RenewalReminder.objects.order_by("due_on")))
        .order_by("-valid_from")
    )
    expiry_events = {
        e.data.get("approval"): e
        for e in CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.EXPIRED).order_by("created_at")
    }
    for a in approvals:
        a.expiry_event = expiry_events.get(a.pk)
    return {
        "case": case,
        "approvals": approvals,
        "change_notices": list(
            ChangeNotice.objects.filter(approval__case=case)
            .select_related("submitted_by", "followup_task")
            .order_by("-submitted_at")[:20]
        ),
        "followup_tasks": list(
            FollowUpTask.objects.filter(case=case).select_related("done_by").order_by("-created_at")
        ),
    }


# ---------------------------------------------------------------- case handlers
def followup_tasks(*, status: str = "open", q: str = "") -> QuerySet[FollowUpTask]:
    qs = FollowUpTask.objects.select_related("case", "case__provider", "approval", "change_notice", "done_by")
    if status in (FollowUpTask.Status.OPEN, FollowUpTask.Status.DONE):
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(
            Q(case__case_number__icontains=q) | Q(case__provider__name__icontains=q) | Q(case__provider__orgnr=q)
        )
    return qs.order_by("-created_at", "-id")


# ---------------------------------------------------------------- for inspections
OPEN_CASE_STATUSES = ("submitted", "in_review", "awaiting_information", "revocation_notified")


def provider_for_inspection(*, provider_id: int) -> dict:
    """What an inspector sees beside a BHT before starting an inspection: the valid
    approval, its current staff roster and the provider's open cases."""
    approval = provider_valid_approval(provider_id=provider_id)
    return {
        "approval": approval,
        "roster": approval_current_roster(approval) if approval else [],
        "open_cases": list(
            Case.objects.filter(provider_id=provider_id, status__in=OPEN_CASE_STATUSES).order_by("-received_at")[:10]
        ),
    }


def followup_revocation_reason(*, case: Case, pk) -> str:
    """The text of an open follow-up task of the case (a change notice or an inspection's
    concern report), to start a notice of revocation from; "" when there is none."""
    if not str(pk or "").isdigit():
        return ""
    task = FollowUpTask.objects.filter(case=case, pk=int(pk), status=FollowUpTask.Status.OPEN).first()
    if task is None:
        return ""
    return " ".join([task.title + ":", *(r.get("message_nb", "") for r in task.failed_rules)])
