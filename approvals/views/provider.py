"""The provider's pages: applications, the edit form with live rule feedback, documents,
submission and receipt; the access-checked document download. Thin: forms validate,
services write, selectors read (scoped to the user's provider, 404 for others)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import access, needs_acr
from accounts.models import CASE_HANDLER_ROLES, Role
from accounts.oidc import LOA_SUBSTANTIAL
from approvals import rules
from approvals.forms.provider import (
    DepartmentForm,
    DepartmentFormSet,
    DocumentForm,
    OrganisationForm,
    StaffForm,
    StaffFormSet,
    SubmitForm,
    add_row,
    staff_rule_input,
)
from approvals.models import ApplicationStatus, DocumentKind
from approvals.selectors import applications as selectors
from approvals.selectors.applications import REQUIRED_DOCUMENT_KINDS
from approvals.services import applications as services

PAGE_SIZE = 20


def _own_application(request, pk):
    return selectors.application_get_for_user(user=request.user, pk=pk)


def rule_panel_context(evaluation: rules.Evaluation, *, left_out: list[str] = ()) -> dict:
    return {
        "evaluation": evaluation,
        "left_out": list(left_out),
        # (discipline, names, FTE, passed): passed is the rule's verdict, None for a discipline
        # without a minimum (systematic HSE)
        "discipline_rows": [
            (
                d,
                rules.DISCIPLINE_NAMES[d],
                evaluation.discipline_fte[d],
                evaluation.rule(f"{d}_fte").passed if d in rules.MINIMUM_DISCIPLINES else None,
            )
            for d in rules.DISCIPLINES
        ],
        "total_passed": evaluation.rule("total_fte").passed,
    }


def _document_flags(application) -> dict:
    kinds = selectors.document_kinds_present(application=application)
    return {k: k in kinds for k in selectors.RULE_DOCUMENTS}


# ---------------------------------------------------------------- list / create
@access(Role.PROVIDER)
def application_list(request):
    q = request.GET.get("q", "").strip()
    qs = selectors.application_list_for_provider(provider_id=request.user.provider_id, q=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "approvals/provider/application_list.html",
        {
            "page": page,
            "q": q,
            "provider": request.user.provider,
            "pending_refusal": selectors.application_pending_refusal(provider_id=request.user.provider_id),
        },
    )


@access(Role.PROVIDER)
@require_http_methods(["GET", "POST"])
def application_create(request):
    if request.method == "POST":
        try:
            application = services.application_create(provider=request.user.provider)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("approvals:application_list")
        messages.success(request, _("A new draft application has been created."))
        return redirect("approvals:application_edit", pk=application.pk)
    return render(
        request,
        "approvals/provider/application_create.html",
        {
            "provider": request.user.provider,
            "pending_refusal": selectors.application_pending_refusal(provider_id=request.user.provider_id),
        },
    )


# ---------------------------------------------------------------- detail
@access(Role.PROVIDER)
def application_detail(request, pk):
    application = selectors.application_detail_for_user(user=request.user, pk=_own_application(request, pk).pk)
    if application.is_draft:
        evaluation = selectors.application_evaluate(application=application)
        frozen = None
    else:  # the automatic check as it was at submission (recomputed only for old records without it)
        evaluation = None
        frozen = application.evaluation or selectors.application_evaluate(application=application).as_dict()
    versions = list(application.case.applications.order_by("version")) if application.case_id else [application]
    return render(
        request,
        "approvals/provider/application_detail.html",
        {
            "application": application,
            "frozen": frozen,
            "versions": versions,
            "decisions": selectors.application_case_decisions(application=application),
            "can_revise": application.status == ApplicationStatus.SUBMITTED
            and application.case.status in services.REVISABLE_CASE_STATUSES
            and not any(v.is_draft for v in versions),
            **(rule_panel_context(evaluation) if evaluation else {}),
        },
    )


# ---------------------------------------------------------------- edit
def _edit_forms(application, data=None):
    if data is None:
        org = OrganisationForm(instance=application, prefix="org")
        deps = DepartmentFormSet(
            prefix="dep", initial=[DepartmentForm.initial_from(d) for d in application.departments.all()]
        )
        staff = StaffFormSet(
            prefix="staff", initial=[StaffForm.initial_from(s.roster_entry()) for s in application.staff.all()]
        )
    else:
        org = OrganisationForm(data, instance=application, prefix="org")
        deps = DepartmentFormSet(data, prefix="dep")
        staff = StaffFormSet(data, prefix="staff")
    return org, deps, staff


def _live_evaluation(application, staff_formset):
    rule_input, left_out = staff_rule_input(
        staff_formset,
        documents=_document_flags(application),
        other_fte_by_hpr={},
    )
    other = selectors.other_fte_by_hpr(
        hpr_numbers=[s.hpr_number for s in rule_input.staff], exclude_provider_id=application.provider_id
    )
    rule_input = rules.RuleInput(staff=rule_input.staff, documents=rule_input.documents, other_fte_by_hpr=other)
    return rules.evaluate(rule_input), left_out


@access(Role.PROVIDER)
@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    application = _own_application(request, pk)
    if not application.is_draft:
        messages.info(request, _("This version has been submitted and can no longer be changed."))
        return redirect("approvals:application_detail", pk=application.pk)
    if request.method == "POST":
        for prefix in ("dep", "staff"):
            if f"add_{prefix}" in request.POST:
                org, deps, staff = _edit_forms(application, add_row(request.POST, prefix))
                evaluation, left_out = _live_evaluation(application, staff)
                _errors_hidden(org, deps, staff)  # adding a row is not saving: no errors yet
                return _render_edit(request, application, org, deps, staff, evaluation, left_out, focus=prefix)
        org, deps, staff = _edit_forms(application, request.POST)
        valid = all([org.is_valid(), deps.is_valid(), staff.is_valid()])
        evaluation, left_out = _live_evaluation(application, staff)
        if valid:
            try:
                services.application_save_draft(
                    application=application,
                    organisation=org.cleaned_data,
                    departments=[f.row() for f in deps.kept_forms()],
                    staff=[f.row() for f in staff.kept_forms()],
                )
            except (ValidationError, IntegrityError) as exc:
                messages.error(request, _("The draft could not be saved: %(reason)s") % {"reason": _reason(exc)})
            except services.ApplicationFrozen as exc:
                messages.error(request, str(exc))
                return redirect("approvals:application_detail", pk=application.pk)
            else:
                messages.success(request, _("The draft has been saved."))
                if "save_continue" in request.POST:
                    return redirect("approvals:application_documents", pk=application.pk)
                return redirect("approvals:application_edit", pk=application.pk)
        # Invalid: the banner at the top of the form says so, once (no message besides it).
        return _render_edit(request, application, org, deps, staff, evaluation, left_out, status=200)
    org, deps, staff = _edit_forms(application)
    evaluation = selectors.application_evaluate(application=application)
    return _render_edit(request, application, org, deps, staff, evaluation, [])


def _errors_hidden(form, *formsets) -> None:
    """Keep what was typed but show no errors (the rows are checked when the user saves)."""
    form._errors = ErrorDict()
    for formset in formsets:
        for f in formset.forms:
            f._errors = ErrorDict()
        formset._errors = [f._errors for f in formset.forms]
        formset._non_form_errors = formset.error_class()


def _reason(exc) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return _("the data breaks a rule of the register")


def _render_edit(request, application, org, deps, staff, evaluation, left_out, status=200, focus=None):
    return render(
        request,
        "approvals/provider/application_edit.html",
        {
            "application": application,
            "org_form": org,
            "dep_formset": deps,
            "staff_formset": staff,
            "focus": focus,
            "step": "edit",
            **rule_panel_context(evaluation, left_out=left_out),
        },
        status=status,
    )


@access(Role.PROVIDER)
@require_POST
def application_rule_panel(request, pk):
    """The live rule panel (htmx): rules.evaluate on the UNSAVED roster in the POST."""
    application = _own_application(request, pk)
    staff = StaffFormSet(request.POST, prefix="staff")
    evaluation, left_out = _live_evaluation(application, staff)
    return render(request, "approvals/provider/_rule_panel.html", rule_panel_context(evaluation, left_out=left_out))


# ---------------------------------------------------------------- documents
@access(Role.PROVIDER)
@require_http_methods(["GET", "POST"])
def application_documents(request, pk):
    application = _own_application(request, pk)
    if not application.is_draft and request.method == "POST":
        messages.error(request, _("This version has been submitted and can no longer be changed."))
        return redirect("approvals:application_detail", pk=application.pk)
    form = DocumentForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST":
        if form.is_valid():
            try:
                document = services.document_add(
                    application=application,
                    kind=form.cleaned_data["kind"],
                    uploaded=form.cleaned_data["file"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            except services.ApplicationFrozen as exc:  # submitted meanwhile (another tab)
                messages.error(request, str(exc))
                return redirect("approvals:application_detail", pk=application.pk)
            else:
                messages.success(
                    request,
                    _("“%(name)s” has been uploaded as %(kind)s.")
                    % {"name": document.original_name, "kind": document.get_kind_display()},
                )
                return redirect("approvals:application_documents", pk=application.pk)
        messages.error(request, _("The file was not uploaded. See the reason below."))
    documents = list(application.documents.all())
    present = {d.kind for d in documents}
    return render(
        request,
        "approvals/provider/application_documents.html",
        {
            "application": application,
            "form": form,
            "documents": documents,
            "kinds": [(k, label, k in present) for k, label in DocumentKind.choices if k in REQUIRED_DOCUMENT_KINDS],
            "optional_kinds": [
                (k, label, k in present) for k, label in DocumentKind.choices if k not in REQUIRED_DOCUMENT_KINDS
            ],
            "step": "documents",
        },
        status=400 if request.method == "POST" else 200,
    )


@access(Role.PROVIDER)
@require_POST
def document_delete(request, pk, document_pk):
    application = _own_application(request, pk)
    document = selectors.document_get_for_user(user=request.user, pk=document_pk)
    if document.application_id != application.pk:
        raise Http404
    try:
        services.document_remove(document=document)
    except services.ApplicationFrozen as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("“%(name)s” has been removed.") % {"name": document.original_name})
    return redirect("approvals:application_documents", pk=application.pk)


@access(Role.PROVIDER, *CASE_HANDLER_ROLES)
def document_download(request, pk):
    """The stored PDF, as an attachment with its original name; 404 unless the user's
    provider owns it or the user is a case handler or administrator."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    document = selectors.document_get_for_user(user=request.user, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("The stored file is missing") from None
    response = FileResponse(handle, as_attachment=True, filename=document.original_name, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- submit / receipt / revise
@access(Role.PROVIDER)
@needs_acr(LOA_SUBSTANTIAL)
@require_http_methods(["GET", "POST"])
def application_submit(request, pk):
    application = selectors.application_detail_for_user(user=request.user, pk=_own_application(request, pk).pk)
    if not application.is_draft:
        return redirect("approvals:application_detail", pk=application.pk)
    form = SubmitForm(
        request.POST or None,
        initial={
            "special_case_requested": application.special_case_requested,
            "special_case_explanation": application.special_case_explanation,
            "declaration_accepted": application.declaration_accepted,
        },
    )
    problems = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_declare(
                application=application,
                declaration_accepted=form.cleaned_data["declaration_accepted"],
                special_case_requested=form.cleaned_data["special_case_requested"],
                special_case_explanation=form.cleaned_data["special_case_explanation"],
            )
            services.application_submit(application=application, actor=request.user)
        except services.ApplicationIncomplete as exc:
            problems = exc.messages
            status = 400
        except services.ApplicationFrozen as exc:
            messages.error(request, str(exc))
            return redirect("approvals:application_detail", pk=application.pk)
        else:
            return redirect("approvals:application_receipt", pk=application.pk)
    elif request.method == "POST":
        status = 400
    application = selectors.application_detail_for_user(user=request.user, pk=application.pk)
    evaluation = selectors.application_evaluate(application=application)
    if not problems and request.method == "GET":
        # the declaration is ticked on this page: no need to list it before it is shown
        problems = services.application_problems(
            application=application, evaluation=evaluation, include_declaration=False
        )
    return render(
        request,
        "approvals/provider/application_submit.html",
        {
            "application": application,
            "form": form,
            "problems": problems,
            "step": "submit",
            **rule_panel_context(evaluation),
        },
        status=status,
    )


@access(Role.PROVIDER)
def application_receipt(request, pk):
    application = _own_application(request, pk)
    if application.is_draft:
        return redirect("approvals:application_edit", pk=application.pk)
    return render(request, "approvals/provider/application_receipt.html", {"application": application})


@access(Role.PROVIDER)
@require_POST
def application_revise(request, pk):
    application = _own_application(request, pk)
    try:
        draft = services.application_revise(application=application)
    except services.ApplicationFrozen as exc:
        messages.error(request, str(exc))
        return redirect("approvals:application_detail", pk=application.pk)
    messages.success(request, _("Version %(version)s has been created as a draft.") % {"version": draft.version})
    return redirect("approvals:application_edit", pk=draft.pk)
