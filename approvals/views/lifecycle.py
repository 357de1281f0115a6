"""Lifecycle pages: renewal start, change notices (provider), follow-up tasks (case
handlers), scheduled jobs (administrators). Thin: forms in, services and selectors out."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access, needs_acr
from accounts.models import CASE_HANDLER_ROLES, Role
from accounts.oidc import LOA_SUBSTANTIAL
from approvals import rules
from approvals.forms.lifecycle import (
    ChangeDepartmentFormSet,
    ChangeNoticeCommentForm,
    ChangeStaffFormSet,
    ContactForm,
    FollowUpCloseForm,
    department_initial,
    staff_initial,
    staff_rows,
)
from approvals.forms.provider import staff_rule_input
from approvals.models import FollowUpTask
from approvals.selectors import lifecycle as selectors
from approvals.services import lifecycle as services
from approvals.views.provider import rule_panel_context
from providers.services import CONTACT_FIELDS


# ---------------------------------------------------------------- provider
@access(Role.PROVIDER)
@require_POST
def renewal_start(request, approval_pk):
    approval = selectors.approval_for_provider_user(user=request.user, pk=approval_pk)
    try:
        application = services.application_renewal_start(approval=approval, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("start")
    messages.success(
        request,
        _(
            "Your renewal application is pre-filled from your last approval. Check it, change what is new and submit it."
        ),
    )
    return redirect("approvals:application_edit", pk=application.pk)


def _change_forms(provider, approval, data=None):
    if data is None:
        contact = ContactForm(prefix="contact", initial={f: getattr(provider, f) for f in CONTACT_FIELDS})
        deps = ChangeDepartmentFormSet(
            prefix="dep", initial=department_initial(selectors.approval_current_departments(approval))
        )
        staff = ChangeStaffFormSet(prefix="staff", initial=staff_initial(selectors.approval_current_roster(approval)))
        comment = ChangeNoticeCommentForm(prefix="cn", initial={"token": uuid.uuid4()})
    else:
        contact = ContactForm(data, prefix="contact")
        deps = ChangeDepartmentFormSet(data, prefix="dep")
        staff = ChangeStaffFormSet(data, prefix="staff")
        comment = ChangeNoticeCommentForm(data, prefix="cn")
    return contact, deps, staff, comment


@access(Role.PROVIDER)
@needs_acr(LOA_SUBSTANTIAL)
def change_notice_create(request):
    """Endringsmelding: the provider's register data and roster as they are now, to change."""
    provider = request.user.provider
    approval = selectors.provider_valid_approval(provider_id=provider.pk)
    if approval is None:
        return render(request, "approvals/lifecycle/change_notice_form.html", {"provider": provider, "approval": None})
    if request.method == "POST":
        contact, deps, staff, comment = _change_forms(provider, approval, request.POST)
        if all([contact.is_valid(), deps.is_valid(), staff.is_valid(), comment.is_valid()]):
            try:
                notice = services.change_notice_submit(
                    approval=approval,
                    actor=request.user,
                    contact=contact.cleaned_data,
                    departments=[f.row() for f in deps.kept_forms()],
                    staff=staff_rows(staff),
                    comment=comment.cleaned_data["comment"],
                    token=comment.cleaned_data["token"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                if getattr(notice, "duplicate", False):
                    messages.info(request, _("This change notice had already been received; it was not sent again."))
                else:
                    messages.success(request, _("Your change notice has been received."))
                return redirect("approvals:change_notice_detail", pk=notice.pk)
        evaluation, left_out = _change_evaluation(approval, staff)
    else:
        contact, deps, staff, comment = _change_forms(provider, approval)
        evaluation, left_out = _change_evaluation(approval, staff)
    return render(
        request,
        "approvals/lifecycle/change_notice_form.html",
        {
            "provider": provider,
            "approval": approval,
            "contact_form": contact,
            "dep_formset": deps,
            "staff_formset": staff,
            "comment_form": comment,
            **rule_panel_context(evaluation, left_out=left_out),
        },
    )


def _change_evaluation(approval, staff_formset):
    """rules.evaluate on the roster in the form (unsaved; the current roster before anything
    is typed), with the approval's documents."""
    documents = selectors.approval_documents_present(approval)
    if not staff_formset.is_bound:
        return rules.evaluate(selectors.roster_rule_input(selectors.approval_current_roster(approval), documents)), []
    rule_input, left_out = staff_rule_input(staff_formset, documents=documents, other_fte_by_hpr={})
    return rules.evaluate(rule_input), left_out


@access(Role.PROVIDER)
@require_POST
def change_notice_rule_panel(request):
    """The live rule panel (htmx) for the roster being changed, as on the application."""
    approval = selectors.provider_valid_approval(provider_id=request.user.provider_id)
    if approval is None:
        raise Http404
    evaluation, left_out = _change_evaluation(approval, ChangeStaffFormSet(request.POST, prefix="staff"))
    return render(request, "approvals/provider/_rule_panel.html", rule_panel_context(evaluation, left_out=left_out))


@access(Role.PROVIDER, *CASE_HANDLER_ROLES)
def change_notice_detail(request, pk):
    notice = selectors.change_notice_for_user(user=request.user, pk=pk)
    labels = {name: field.label for name, field in ContactForm.base_fields.items()}
    contact_rows = [
        (labels.get(name, name), values[0], values[1]) for name, values in (notice.changes.get("contact") or {}).items()
    ]
    return render(
        request, "approvals/lifecycle/change_notice_detail.html", {"notice": notice, "contact_rows": contact_rows}
    )


# ---------------------------------------------------------------- case handlers
@access(*CASE_HANDLER_ROLES)
def followup_list(request):
    status = request.GET.get("status", "open")
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.followup_tasks(status=status, q=q), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "approvals/lifecycle/followup_list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "close_form": FollowUpCloseForm(),
        },
    )


@access(*CASE_HANDLER_ROLES)
@require_POST
def followup_close(request, pk):
    task = get_object_or_404(FollowUpTask, pk=pk)
    form = FollowUpCloseForm(request.POST)
    if form.is_valid():
        services.followup_task_close(task=task, actor=request.user, resolution=form.cleaned_data["resolution"])
        messages.success(request, _("The follow-up task is marked as done."))
    else:
        messages.error(request, _("Describe what was done before closing the task."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("approvals:followup_list")  # never off-site (open redirect)
    return redirect(target)
