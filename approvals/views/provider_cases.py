"""The provider's side of a case after submission: answering a request (more information,
advance notice of revocation) with text and PDFs, appealing an adverse decision, and
downloading the notice letter and the PDFs sent with answers and appeals. Thin: forms in,
services do the work."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import access, needs_acr
from accounts.models import Role
from accounts.oidc import LOA_SUBSTANTIAL
from approvals.forms.handler import AppealForm, RequestReplyForm
from approvals.selectors import cases as selectors
from approvals.services import cases as services
from approvals.services.cases import CaseActionRefused


def _pdf(field_file, filename: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _send_with_pdfs(request, form, send, *, success: str):
    """Run `send` (a service taking the form's text and PDFs); True when it went through.
    A refused PDF is an error on the files field, a refused action one on the form."""
    try:
        send()
    except ValidationError as exc:
        form.add_error("files", exc)
    except CaseActionRefused as exc:
        form.add_error(None, str(exc))
    else:
        messages.success(request, success)
        return True
    return False


@access(Role.PROVIDER)
def request_reply(request, pk: int):
    """Read a request from Arbeidstilsynet and answer it (own provider only; 404 otherwise)."""
    case_request = selectors.request_for_provider(user=request.user, pk=pk)
    form = RequestReplyForm(request.POST or None, request.FILES or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _send_with_pdfs(
            request,
            form,
            lambda: services.case_request_reply(
                request=case_request,
                actor=request.user,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
            ),
            success=_("Your answer has been sent to Arbeidstilsynet."),
        )
    ):
        return redirect("approvals:request_reply", pk=case_request.pk)
    return render(
        request,
        "approvals/provider/request_reply.html",
        {
            "title": _("%(kind)s in case %(number)s")
            % {"kind": case_request.get_kind_display(), "number": case_request.case.case_number},
            "case_request": case_request,
            "case": case_request.case,
            "replies": list(case_request.replies.select_related("submitted_by").prefetch_related("documents")),
            "form": form,
            "can_answer": case_request.status != case_request.Status.CLOSED,
        },
    )


@access(Role.CASE_HANDLER, Role.ADMIN, Role.PROVIDER)
def request_letter_download(request, pk: int):
    """The advance notice letter (PDF): the provider's users and case handlers; 404 otherwise."""
    case_request = selectors.request_for_letter(user=request.user, pk=pk)
    return _pdf(case_request.letter, case_request.download_name)


@access(Role.CASE_HANDLER, Role.ADMIN, Role.PROVIDER)
def case_document_download(request, pk: int):
    """A PDF sent with an answer or an appeal: the provider's users and case handlers."""
    document = selectors.case_document_for_user(user=request.user, pk=pk)
    return _pdf(document.file, document.original_name)


@access(Role.CASE_HANDLER, Role.ADMIN, Role.PROVIDER)
def appeal_letter_download(request, pk: int):
    """The appeal body's letter (PDF): the provider's users and case handlers; 404 otherwise."""
    appeal = selectors.appeal_for_user(user=request.user, pk=pk)
    if not appeal.directorate_letter:
        raise Http404
    return _pdf(appeal.directorate_letter, f"klagevedtak-{appeal.case.case_number.replace('/', '-')}.pdf")


@access(Role.PROVIDER)
@needs_acr(LOA_SUBSTANTIAL)
def appeal_create(request, pk: int):
    """The provider appeals an adverse decision (own provider only; 404 otherwise), with PDFs,
    and follows where its appeal stands."""
    decision = selectors.decision_for_appeal(user=request.user, pk=pk)
    existing = decision.appeals.first()
    form = AppealForm(request.POST or None, request.FILES or None)
    if (
        request.method == "POST"
        and existing is None
        and form.is_valid()
        and _send_with_pdfs(
            request,
            form,
            lambda: services.appeal_create(
                decision=decision, actor=request.user, text=form.cleaned_data["text"], files=form.cleaned_data["files"]
            ),
            success=_("Your appeal has been received."),
        )
    ):
        return redirect("approvals:appeal_create", pk=decision.pk)
    return render(
        request,
        "approvals/handler/appeal_form.html",
        {
            "title": _("Appeal the decision in case %(number)s") % {"number": decision.case.case_number},
            "decision": decision,
            "case": decision.case,
            "appeal": existing,
            "form": form,
            "deadline_passed": decision.appeal_deadline_passed(on=timezone.localdate()),
            "events": selectors.appeal_events(appeal=existing) if existing else [],
        },
    )
