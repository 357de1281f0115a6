"""Dispensation cases: the enterprise applies (or a case handler on its behalf), the handler
decides with reasons, the letter downloads. Thin: forms in, services do the work."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.access import access
from accounts.models import Role
from approvals.forms.dispensations import DispensationApplyForm, DispensationDecideForm
from approvals.selectors import dispensations as selectors
from approvals.services import dispensations as services
from approvals.services.cases import CaseActionRefused
from enterprises.models import Enterprise

HANDLERS = (Role.CASE_HANDLER, Role.ADMIN)


def _apply(request, form, success_redirect):
    d = form.cleaned_data
    try:
        case = services.dispensation_apply(
            enterprise=form.enterprise,
            actor=request.user,
            grounds=d["grounds"],
            kind=d["kind"],
            dispensation=d.get("dispensation"),
            scope=d["scope"],
            part=d.get("part", ""),
            valid_from=d.get("valid_from"),
            valid_until=d.get("valid_until"),
        )
    except CaseActionRefused as exc:
        form.add_error(None, str(exc))
        return None
    messages.success(request, _("The application is registered as case %(number)s.") % {"number": case.case_number})
    return redirect(success_redirect(case))


@access(Role.ENTERPRISE)
def dispensation_apply(request):
    """The enterprise's own application for a dispensation, its change or its end."""
    enterprise = Enterprise.objects.filter(orgnr=request.user.enterprise_orgnr).first()
    if enterprise is None:
        raise Http404
    form = DispensationApplyForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        response = _apply(request, form, lambda case: "start")
        if response is not None:
            return response
    return render(
        request,
        "approvals/dispensations/apply.html",
        {"title": _("Apply for a dispensation"), "form": form, "enterprise": enterprise},
    )


@access(*HANDLERS)
def dispensation_case_new(request):
    """A case handler registers an enterprise's application (e.g. one that came by post)."""
    form = DispensationApplyForm(request.POST or None, on_behalf=True)
    if request.method == "POST" and form.is_valid():
        response = _apply(request, form, lambda case: ("approvals:dispensation_case_detail", case.pk))
        if response is not None:
            return response
    return render(
        request,
        "approvals/dispensations/apply.html",
        {"title": _("Register an application for a dispensation"), "form": form, "on_behalf": True},
    )


@access(*HANDLERS)
def dispensation_case_list(request):
    q = request.GET.get("q", "")
    status = request.GET.get("status", "")
    page = Paginator(selectors.dispensation_cases(q=q, status=status), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "approvals/dispensations/list.html",
        {"title": _("Dispensation cases"), "page": page, "q": q, "status": status},
    )


@access(*HANDLERS, Role.ENTERPRISE)
def dispensation_case_detail(request, pk: int):
    """The case; a handler decides it here. An enterprise user sees its own (404 otherwise)."""
    case = selectors.dispensation_case_for_user(user=request.user, pk=pk)
    is_handler = request.user.role in HANDLERS
    form = DispensationDecideForm(request.POST or None) if is_handler else None
    if request.method == "POST":
        if not is_handler:
            raise Http404
        if form.is_valid():
            try:
                services.dispensation_decide(
                    case=case,
                    actor=request.user,
                    grant=form.cleaned_data["grant"],
                    reasons=form.cleaned_data["reasons"],
                )
            except CaseActionRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The decision is recorded. The letter is being produced and sent."))
                return redirect("approvals:dispensation_case_detail", pk=case.pk)
    return render(
        request,
        "approvals/dispensations/detail.html",
        {
            "title": _("Dispensation case %(number)s") % {"number": case.case_number},
            "case": case,
            "form": form,
            "is_handler": is_handler,
        },
    )


@access(*HANDLERS, Role.ENTERPRISE)
def dispensation_letter_download(request, pk: int):
    case = selectors.dispensation_case_for_user(user=request.user, pk=pk)
    if not case.letter:
        raise Http404
    try:
        handle = case.letter.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=case.download_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
