"""Case handler pages: the queue, the case page, the workflow steps, decision letters. Thin:
forms in, services do the work. (The provider's appeal is in provider_cases.)"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access
from accounts.models import CASE_HANDLER_ROLES, Role
from approvals.forms.handler import (
    AppealDirectorateForm,
    AppealForwardForm,
    AppealLateForm,
    AppealReverseForm,
    AssignForm,
    DecisionForm,
    InformationRequestForm,
    NoteForm,
    QueueFilterForm,
    RevocationDropForm,
    RevocationNoticeForm,
)
from approvals.models import CASE_OPEN_STATUSES, Appeal
from approvals.selectors import cases as selectors
from approvals.selectors import lifecycle as lifecycle_selectors
from approvals.services import cases as services
from approvals.services.cases import CaseActionRefused
from core.files import safe_download_name

PAGE_SIZE = 25


@access(*CASE_HANDLER_ROLES)
def case_queue(request):
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.case_queue(
        user=request.user,
        status=filters.get("status", ""),
        assigned=filters.get("assigned", ""),
        fails_rule=filters.get("fails_rule", False),
        has_warnings=filters.get("has_warnings", False),
        appeals=filters.get("appeals", False),
        q=filters.get("q", ""),
        sort=filters.get("sort") or "-received",
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for case in page.object_list:
        case.days = selectors.days_in_treatment(case)
    return render(
        request,
        "approvals/handler/queue.html",
        {"title": _("Case queue"), "form": form, "page": page, "open_statuses": CASE_OPEN_STATUSES},
    )


def _actions(case) -> set[str]:
    """Names of the transitions valid now: only these are offered on the page."""
    return {t.name for t in case.get_available_status_transitions()}


@access(*CASE_HANDLER_ROLES)
def case_detail(request, pk: int):
    case = selectors.case_get_for_handler(pk=pk)
    data = selectors.case_page_data(case=case)
    actions = _actions(case)
    context = {
        "title": _("Case %(number)s") % {"number": case.case_number},
        "case": case,
        "actions": actions,
        "can_assign": "assign" in actions,
        "can_decide": bool(actions & {"approve", "approve_special", "reject", "revoke"}),
        "assign_form": AssignForm(user=request.user),
        "info_form": InformationRequestForm(),
        "note_form": NoteForm(),
        "revocation_form": RevocationNoticeForm(
            initial={
                "reason": lifecycle_selectors.followup_revocation_reason(case=case, pk=request.GET.get("followup"))
            }
        ),
        "drop_form": RevocationDropForm(),
        "late_form": AppealLateForm(),
        "reverse_form": AppealReverseForm(),
        "forward_form": AppealForwardForm(),
        "directorate_form": AppealDirectorateForm(),
        **data,
    }
    return render(request, "approvals/handler/case_detail.html", context)


def _post_step(request, pk: int, form_class, run, success: str, **form_kwargs):
    case = selectors.case_get_for_handler(pk=pk)
    form = form_class(request.POST, **form_kwargs)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("approvals:case_detail", pk=case.pk)
    try:
        run(case, form.cleaned_data)
    except CaseActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("approvals:case_detail", pk=case.pk)


@require_POST
@access(*CASE_HANDLER_ROLES)
def case_assign(request, pk: int):
    return _post_step(
        request,
        pk,
        AssignForm,
        lambda case, d: services.case_assign(case=case, assignee=d["assignee"], actor=request.user),
        _("The case is assigned."),
    )


@require_POST
@access(*CASE_HANDLER_ROLES)
def case_request_information(request, pk: int):
    return _post_step(
        request,
        pk,
        InformationRequestForm,
        lambda case, d: services.case_request_information(
            case=case, actor=request.user, message=d["message"], deadline=d["deadline"]
        ),
        _("The provider has been asked for more information."),
    )


@require_POST
@access(*CASE_HANDLER_ROLES)
def case_note_add(request, pk: int):
    return _post_step(
        request,
        pk,
        NoteForm,
        lambda case, d: services.case_note_add(case=case, author=request.user, text=d["text"]),
        _("The note is saved."),
    )


@require_POST
@access(*CASE_HANDLER_ROLES)
def case_revocation_notify(request, pk: int):
    return _post_step(
        request,
        pk,
        RevocationNoticeForm,
        lambda case, d: services.case_revocation_notify(
            case=case, actor=request.user, reason=d["reason"], deadline=d["deadline"], intended=d["intended"]
        ),
        _("The notice of revocation is sent."),
    )


@require_POST
@access(*CASE_HANDLER_ROLES)
def case_revocation_drop(request, pk: int):
    return _post_step(
        request,
        pk,
        RevocationDropForm,
        lambda case, d: services.case_revocation_drop(case=case, actor=request.user, reason=d["reason"]),
        _("The revocation is dropped."),
    )


@access(*CASE_HANDLER_ROLES)
def case_decide(request, pk: int):
    """The decision form: the assessment per requirement (rule-decided ones pre-filled from the
    rule results, judgements left for the handler's own words),
    then approve / approve in special cases / reject; or revoke after a notice."""
    case = selectors.case_get_for_handler(pk=pk)
    actions = _actions(case)
    revocation = "revoke" in actions
    if not (revocation or actions & {"approve", "approve_special", "reject"}):
        messages.error(
            request,
            _("Case %(number)s cannot be decided now: it is “%(status)s”.")
            % {"number": case.case_number, "status": case.get_status_display()},
        )
        return redirect("approvals:case_detail", pk=case.pk)
    data = selectors.case_page_data(case=case)
    prefill = selectors.assessments_prefill(evaluation=data["evaluation"])
    form = DecisionForm(request.POST or None, prefill=prefill, revocation=revocation)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if revocation:
                services.case_revoke(
                    case=case, actor=request.user, assessments=form.assessments(), reason=d["justification"]
                )
            else:
                services.case_decide(
                    case=case,
                    actor=request.user,
                    outcome=d["outcome"],
                    assessments=form.assessments(),
                    valid_until=d.get("valid_until"),
                    shorter_period_reason=d.get("shorter_period_reason", ""),
                    conditions=d.get("conditions", ""),
                    justification=d["justification"],
                )
        except services.AssessmentRefused as exc:
            form.add_assessment_errors(exc.errors)
        except CaseActionRefused as exc:
            case.refresh_from_db()
            if not (_actions(case) & {"approve", "approve_special", "reject", "revoke"}):
                messages.error(request, str(exc))  # decided by someone else meanwhile
                return redirect("approvals:case_detail", pk=case.pk)
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The decision is recorded. The letter is being produced and sent."))
            return redirect("approvals:case_detail", pk=case.pk)
    return render(
        request,
        "approvals/handler/decide.html",
        {
            "title": _("Decision in case %(number)s") % {"number": case.case_number},
            "case": case,
            "form": form,
            "revocation": revocation,
            **data,
        },
    )


def _appeal_step(request, pk: int, form_class, run, success: str):
    appeal = get_object_or_404(Appeal.objects.select_related("case"), pk=pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            run(appeal, form.cleaned_data)
        except CaseActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
    return redirect(f"{reverse('approvals:case_detail', args=[appeal.case_id])}#appeal-{appeal.pk}")


@require_POST
@access(*CASE_HANDLER_ROLES)
def appeal_late_decide(request, pk: int):
    return _appeal_step(
        request,
        pk,
        AppealLateForm,
        lambda a, d: services.appeal_late_decide(
            appeal=a, actor=request.user, consider=d["consider"], reason=d["reason"]
        ),
        _("The decision on the late appeal is recorded and the provider is told."),
    )


@require_POST
@access(*CASE_HANDLER_ROLES)
def appeal_reverse(request, pk: int):
    return _appeal_step(
        request,
        pk,
        AppealReverseForm,
        lambda a, d: services.appeal_reverse(
            appeal=a,
            actor=request.user,
            reason=d["reason"],
            valid_until=d.get("valid_until"),
            conditions=d.get("conditions", ""),
        ),
        _("The decision is reversed and the provider is told."),
    )


@require_POST
@access(*CASE_HANDLER_ROLES)
def appeal_forward(request, pk: int):
    return _appeal_step(
        request,
        pk,
        AppealForwardForm,
        lambda a, d: services.appeal_forward(appeal=a, actor=request.user, reason=d["reason"]),
        _("The decision is upheld and the appeal sent to Direktoratet for arbeidstilsynet; the provider is told."),
    )


@require_POST
@access(*CASE_HANDLER_ROLES)
def appeal_directorate(request, pk: int):
    return _appeal_step(
        request,
        pk,
        AppealDirectorateForm,
        lambda a, d: services.appeal_directorate_record(
            appeal=a,
            actor=request.user,
            outcome=d["outcome"],
            decided_on=d["decided_on"],
            reason=d["reason"],
            letter=d["letter"],
        ),
        _("The directorate's decision is recorded and the provider is told."),
    )


@access(*CASE_HANDLER_ROLES, Role.PROVIDER)
def letter_download(request, pk: int):
    """The decision letter PDF: the owning provider's users and case handlers; 404 otherwise."""
    decision = selectors.decision_for_letter_download(user=request.user, pk=pk)
    letter = decision.letter
    try:
        handle = letter.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, content_type="application/pdf", as_attachment=True, filename=safe_download_name(letter.download_name)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
