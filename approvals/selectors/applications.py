"""Reads for the provider's side: applications scoped to the user's provider (404 for others),
their rule input and evaluation, documents."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import CASE_HANDLER_ROLES, Role
from approvals import rules
from approvals.models import (
    CASE_OPEN_STATUSES,
    Application,
    ApplicationDocument,
    ApplicationStatus,
    ApprovalStatus,
    Case,
    CaseStatus,
    Decision,
    DocumentKind,
    StaffMember,
)

# Roles that see every provider's applications and documents.
# Cases whose submitted staff no longer count anywhere (cross-provider HPR warning).
ENDED_CASE_STATUSES = (CaseStatus.REJECTED, CaseStatus.REVOKED)
# Documents that make the two document rules pass.
RULE_DOCUMENTS = tuple(rules.DOCUMENT_RULES)


def _scope_for_user(qs: QuerySet, *, user, provider_field: str = "provider_id") -> QuerySet:
    if not (user and user.is_authenticated and user.is_active):
        return qs.none()
    if user.role in CASE_HANDLER_ROLES:
        return qs
    if user.role == Role.PROVIDER and user.provider_id:
        return qs.filter(**{provider_field: user.provider_id})
    return qs.none()


def application_get_for_user(*, user, pk: int) -> Application:
    """One application; 404 unless the user's provider owns it or the user is a case
    handler or administrator."""
    qs = _scope_for_user(Application.objects.select_related("provider", "case", "previous"), user=user)
    try:
        return qs.get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404("No such application") from None


def application_detail_for_user(*, user, pk: int) -> Application:
    """As application_get_for_user, with departments, staff and documents prefetched."""
    application = application_get_for_user(user=user, pk=pk)
    return (
        Application.objects.select_related("provider", "case", "previous", "submitted_by")
        .prefetch_related("departments", "staff", "documents")
        .get(pk=application.pk)
    )


def application_case_decisions(*, application: Application) -> list[Decision]:
    """The decisions on the application's case, newest first, with their letters (for the
    provider's view of a decided application)."""
    if not application.case_id:
        return []
    return list(
        Decision.objects.filter(case_id=application.case_id).select_related("letter").order_by("-decided_at", "-id")
    )


def document_get_for_user(*, user, pk: int) -> ApplicationDocument:
    """One uploaded document; 404 unless the user's provider owns its application or the user
    is a case handler or administrator."""
    qs = _scope_for_user(
        ApplicationDocument.objects.select_related("application"),
        user=user,
        provider_field="application__provider_id",
    )
    try:
        return qs.get(pk=pk)
    except (ApplicationDocument.DoesNotExist, ValueError, TypeError):
        raise Http404("No such document") from None


def application_list_for_provider(*, provider_id: int, q: str = "") -> QuerySet[Application]:
    """The provider's applications, newest first, with case and counts in one query."""
    qs = Application.objects.filter(provider_id=provider_id).select_related("case")
    if q:
        qs = qs.filter(case__case_number__icontains=q.strip()) | qs.filter(name__icontains=q.strip())
    return qs.annotate(
        staff_count=Count("staff", distinct=True),
        staff_fte=Sum("staff__fte"),
    ).order_by("-created_at", "-id")


def provider_pending_case(*, provider_id: int, exclude_case_id: int | None = None) -> Case | None:
    """The provider's case not yet decided (a first application or a renewal), if any."""
    qs = Case.objects.filter(provider_id=provider_id, status__in=CASE_OPEN_STATUSES)
    if exclude_case_id:
        qs = qs.exclude(pk=exclude_case_id)
    return qs.order_by("received_at", "id").first()


def _pending_case_message(case: Case) -> str:
    if case.renews_id:
        return _(
            "Your renewal application (case %(number)s) is under consideration; you can send a new "
            "application when it has been decided."
        ) % {"number": case.case_number}
    return _(
        "Your application (case %(number)s) is under consideration; you can send a new application when "
        "it has been decided, or send more information on that case when we ask for it."
    ) % {"number": case.case_number}


def application_pending_refusal(*, provider_id: int, exclude_case_id: int | None = None) -> str:
    """Why the provider may not start or send another application now ("" when it may)."""
    case = provider_pending_case(provider_id=provider_id, exclude_case_id=exclude_case_id)
    return _pending_case_message(case) if case is not None else ""


def other_fte_by_hpr(*, hpr_numbers, exclude_provider_id: int | None) -> dict[str, Decimal]:
    """FTE per HPR number in OTHER providers' current applications: the latest submitted
    version of each case that is not rejected or revoked and whose approval has not ended."""
    hpr_numbers = sorted({h for h in hpr_numbers if h})
    if not hpr_numbers:
        return {}
    latest_version = Subquery(
        Application.objects.filter(case=OuterRef("application__case"), status=ApplicationStatus.SUBMITTED)
        .order_by("-version")
        .values("version")[:1]
    )
    qs = (
        StaffMember.objects.filter(
            hpr_number__in=hpr_numbers,
            application__status=ApplicationStatus.SUBMITTED,
            application__case__isnull=False,
        )
        .exclude(application__case__status__in=ENDED_CASE_STATUSES)
        .exclude(application__case__approvals__status__in=(ApprovalStatus.EXPIRED, ApprovalStatus.REVOKED))
        .annotate(latest_version=latest_version)
        .filter(application__version=F("latest_version"))
    )
    if exclude_provider_id is not None:
        qs = qs.exclude(application__provider_id=exclude_provider_id)
    return {row["hpr_number"]: row["total"] for row in qs.values("hpr_number").annotate(total=Sum("fte")).order_by()}


def application_rule_input(*, application: Application) -> rules.RuleInput:
    """The rule engine's input for a saved application (staff, documents, and the FTE other
    providers already count for the same HPR numbers)."""
    staff = [s.roster_entry() for s in application.staff.all()]
    kinds = {d.kind for d in application.documents.all()}
    return rules.RuleInput(
        staff=staff,
        documents={kind: kind in kinds for kind in RULE_DOCUMENTS},
        other_fte_by_hpr=other_fte_by_hpr(
            hpr_numbers=[s.hpr_number for s in staff], exclude_provider_id=application.provider_id
        ),
    )


def application_evaluate(*, application: Application) -> rules.Evaluation:
    return rules.evaluate(application_rule_input(application=application))


def document_kinds_present(*, application: Application) -> set[str]:
    return {d.kind for d in application.documents.all()}


# Every kind but the cooperation agreement, which only an approval in special cases calls for.
REQUIRED_DOCUMENT_KINDS = tuple(k for k in DocumentKind.values if k != DocumentKind.COOPERATION_AGREEMENT)
