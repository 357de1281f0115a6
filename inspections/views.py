"""Inspection pages. Inspectors: start an inspection, answer the checklist, record findings,
send the report with advance notice, issue orders and other reactions, follow deadlines.
The inspected party (enterprise or BHT provider users): its own inspections, reports, orders
and deadlines; it answers the advance notice and sends proof of compliance. Views are thin:
reads in selectors, writes in services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import access
from accounts.models import Role
from approvals.selectors.lifecycle import provider_for_inspection
from enterprises import selectors as enterprise_selectors
from enterprises.obligation import NoListInForce
from providers.selectors import provider_get, provider_search

from . import forms, selectors, services
from .models import AnswerResult, InspectionStatus, InspectionTarget, OrderStatus, ReactionKind

INSPECTORS = (Role.INSPECTOR, Role.ADMIN)
PARTIES = (Role.ENTERPRISE, Role.PROVIDER)
PAGE_SIZE = 25


def _page(request, qs, size: int = PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _refused(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _post_step(request, run, success: str, *to):
    """Run one POST step: a refusal is shown as a message, success too; then back to `to`."""
    try:
        run()
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, success)
    return redirect(*to)


def _field_error(form, field: str, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error(field, message)


# ---------------------------------------------------------------- inspector: lists
@access(*INSPECTORS)
def inspection_list(request):
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    target = request.GET.get("target", "")
    page = _page(request, selectors.inspections(q=q, status=status, target=target))
    return render(
        request,
        "inspections/inspection_list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "target": target,
            "statuses": InspectionStatus.choices,
            "targets": InspectionTarget.choices,
        },
    )


WORKLIST_TITLES = {
    "in_progress": gettext_lazy("My inspections in progress"),
    "awaiting_comments": gettext_lazy("Reports awaiting comments"),
    "due_this_week": gettext_lazy("Orders with deadlines this week"),
    "overdue": gettext_lazy("Overdue orders"),
    "fines_running": gettext_lazy("Coercive fines running"),
}


@access(*INSPECTORS)
def worklist(request, key: str):
    if key not in selectors.WORKLISTS:
        raise Http404
    q = request.GET.get("q", "").strip()
    everyone = request.GET.get("scope") == "all"
    page = _page(request, selectors.worklist(key=key, user=request.user, q=q, everyone=everyone))
    if selectors.WORKLISTS[key].kind == "fines":
        selectors.with_accrual(page.object_list)
    return render(
        request,
        "inspections/worklist.html",
        {
            "page": page,
            "q": q,
            "key": key,
            "kind": selectors.WORKLISTS[key].kind,
            "everyone": everyone,
            "title": WORKLIST_TITLES[key],
            "worklists": list(WORKLIST_TITLES.items()),
        },
    )


# ---------------------------------------------------------------- inspector: start
def _target_context(request) -> dict:
    """The search and, once a target is picked, what is known about it: for an enterprise
    the obligation answer and dispensations; for a BHT its approval, staff and open cases."""
    today = timezone.localdate()
    context: dict = {"search": forms.TargetSearchForm(request.GET or None)}
    q = request.GET.get("q", "").strip()
    orgnr = request.GET.get("orgnr", "").strip()
    provider_id = request.GET.get("provider", "").strip()
    if q and not orgnr and not provider_id:
        digits = q.replace(" ", "")
        if digits.isdigit() and len(digits) == 9:
            context["providers"] = provider_search(q=digits)
            orgnr = digits if enterprise_selectors.enterprise_get_by_orgnr(orgnr=digits) else ""
            if not orgnr and not context.get("providers"):
                context["not_found"] = True
        else:
            context["enterprises"] = list(enterprise_selectors.enterprise_search(q)[:10])
            context["providers"] = provider_search(q=q)
            context["not_found"] = not context["enterprises"] and not context["providers"]
    if orgnr:
        enterprise = enterprise_selectors.enterprise_get_by_orgnr(orgnr=orgnr)
        if enterprise is None:
            raise Http404
        try:
            context["answer"] = enterprise_selectors.obligation_answer(orgnr, day=today, kind="orgnr")
        except (enterprise_selectors.ObligationQueryError, NoListInForce):
            context["answer"] = None
        context["target"] = {
            "target": InspectionTarget.ENTERPRISE,
            "orgnr": enterprise.orgnr,
            "name": enterprise.name,
            "address": ", ".join(
                p for p in (enterprise.address, f"{enterprise.postcode} {enterprise.city}".strip()) if p
            ),
        }
    elif provider_id.isdigit():
        provider = provider_get(pk=int(provider_id))
        if provider is None:
            raise Http404
        context["bht"] = provider_for_inspection(provider_id=provider.pk)
        context["provider"] = provider
        approval = context["bht"]["approval"]
        context["target"] = {
            "target": InspectionTarget.PROVIDER,
            "orgnr": provider.orgnr,
            "name": provider.name,
            "address": ", ".join(
                p for p in (provider.street_address, f"{provider.postcode} {provider.city}".strip()) if p
            ),
            "provider": provider,
            "approval_id": approval.pk if approval else None,
            "contact_email": provider.email,
        }
    return context


@access(*INSPECTORS)
def inspection_start(request):
    context = _target_context(request)
    target = context.get("target")
    form = forms.InspectionStartForm(
        request.POST or None,
        user=request.user,
        initial={
            "inspected_on": timezone.localdate(),
            "kind": "announced",
            "contact_email": (target or {}).get("contact_email", ""),
        },
    )
    if request.method == "POST" and target is not None and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.inspection_start(
                actor=request.user,
                team=list(data["team"]),
                kind=data["kind"],
                inspected_on=data["inspected_on"],
                topics=data["topics"],
                advance_notice=data["advance_notice"],
                contact_email=data["contact_email"],
                **{k: v for k, v in target.items() if k != "contact_email"},
            )
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The inspection is started. Answer the checklist next."))
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    context["form"] = form
    return render(request, "inspections/inspection_start.html", context)


# ---------------------------------------------------------------- inspector: one inspection
@access(*INSPECTORS)
def inspection_detail(request, pk: int):
    inspection = selectors.inspection_get(pk=pk)
    data = selectors.inspection_page(inspection=inspection)
    open_orders = [o for o in data["orders"] if o.status in (OrderStatus.OPEN, OrderStatus.OVERDUE)]
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            **data,
            "finding_form": forms.FindingForm(),
            "attachment_form": forms.AttachmentForm(),
            "report_form": forms.ReportForm(),
            "can_order": inspection.status in (InspectionStatus.REPORT_SENT, InspectionStatus.COMMENTED),
            "can_followup": inspection.target == InspectionTarget.PROVIDER
            and inspection.approval_id
            and not inspection.followup_task_id
            and any(f.kind == "nonconformity" for f in data["findings"]),
            "open_orders": open_orders,
        },
    )


def _staff_names(inspection) -> list[str]:
    if inspection.target != InspectionTarget.PROVIDER or not inspection.provider_id:
        return []
    return [s.name for s in provider_for_inspection(provider_id=inspection.provider_id)["roster"]]


@access(*INSPECTORS)
def checklist(request, pk: int):
    inspection = selectors.inspection_get(pk=pk)
    if inspection.checklist is None:
        raise Http404
    rows = selectors.checklist_rows(inspection=inspection, staff_names=_staff_names(inspection))
    errors = False
    if request.method == "POST":
        answers = []
        for i, row in enumerate(rows):
            result = request.POST.get(f"result_{i}", AnswerResult.NOT_CHECKED)
            note = request.POST.get(f"note_{i}", "")
            row["posted"] = {"result": result, "note": note}
            if result not in AnswerResult.values:
                row["error"] = _("Choose met, not met or not checked.")
                errors = True
            answers.append({"point": row["point"], "subject": row["subject"], "result": result, "note": note})
        if not errors:
            try:
                counts = services.checklist_answers_save(inspection=inspection, actor=request.user, answers=answers)
            except ValidationError as exc:
                _refused(request, exc)
            else:
                messages.success(
                    request,
                    _("The checklist is saved: %(n)s answers changed, %(f)s new findings.")
                    % {"n": counts["saved"], "f": counts["findings_created"]},
                )
                return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(
        request,
        "inspections/checklist.html",
        {"inspection": inspection, "rows": rows, "results": AnswerResult.choices},
    )


@access(*INSPECTORS)
@require_POST
def finding_create(request, pk: int):
    inspection = selectors.inspection_get(pk=pk)
    form = forms.FindingForm(request.POST)
    if form.is_valid():
        return _post_step(
            request,
            lambda: services.finding_create(inspection=inspection, actor=request.user, **form.cleaned_data),
            _("The finding is recorded."),
            "inspections:inspection_detail",
            inspection.pk,
        )
    for field, errors in form.errors.items():
        messages.error(request, f"{form.fields[field].label}: {' '.join(errors)}")
    return redirect("inspections:inspection_detail", pk=inspection.pk)


@access(*INSPECTORS)
def finding_edit(request, pk: int, finding_pk: int):
    inspection = selectors.inspection_get(pk=pk)
    finding = selectors.finding_get(inspection=inspection, pk=finding_pk)
    form = forms.FindingEditForm(
        request.POST or None,
        initial={
            "legal_basis": finding.legal_basis,
            "description": finding.description,
            "intended_order": finding.intended_order,
        },
    )
    upload = forms.AttachmentForm(request.POST or None, request.FILES or None, prefix="att")
    if request.method == "POST":
        if "att-file" in request.FILES:
            if upload.is_valid():
                try:
                    services.finding_document_add(
                        finding=finding, actor=request.user, uploaded=upload.cleaned_data["file"]
                    )
                except ValidationError as exc:
                    _field_error(upload, "file", exc)
                else:
                    messages.success(request, _("The attachment is added."))
                    return redirect("inspections:finding_edit", pk=inspection.pk, finding_pk=finding.pk)
        elif form.is_valid():
            try:
                services.finding_update(finding=finding, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _refused(request, exc)
            else:
                messages.success(request, _("The finding is saved."))
                return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(
        request,
        "inspections/finding_edit.html",
        {
            "inspection": inspection,
            "finding": finding,
            "form": form,
            "upload": upload if "att-file" in request.FILES else forms.AttachmentForm(prefix="att"),
            "documents": list(finding.documents.order_by("uploaded_at")),
        },
    )


@access(*INSPECTORS)
@require_POST
def report_send(request, pk: int):
    inspection = selectors.inspection_get(pk=pk)
    form = forms.ReportForm(request.POST)
    if form.is_valid():
        try:
            services.report_send(
                inspection=inspection, actor=request.user, comment_deadline=form.cleaned_data["comment_deadline"]
            )
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The report with advance notice of order is sent."))
    else:
        messages.error(request, _("Give a valid deadline for comments."))
    return redirect("inspections:inspection_detail", pk=inspection.pk)


@access(*INSPECTORS)
def order_create(request, pk: int):
    inspection = selectors.inspection_get(pk=pk)
    finding = None
    finding_pk = request.GET.get("finding") or request.POST.get("finding")
    if finding_pk and str(finding_pk).isdigit():
        finding = selectors.finding_get(inspection=inspection, pk=int(finding_pk))
    initial = {"legal_basis": "arbeidsmiljøloven § 18-6"}
    if finding is not None:
        initial["text"] = finding.intended_order or finding.description
    form = forms.OrderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.order_issue(
                inspection=inspection, actor=request.user, finding=finding, **form.cleaned_data
            )
        except ValidationError as exc:
            _field_error(form, None, exc)
        else:
            messages.success(request, _("The order is issued and its letter sent."))
            return redirect("inspections:order_detail", pk=order.pk)
    return render(request, "inspections/order_form.html", {"inspection": inspection, "finding": finding, "form": form})


@access(*INSPECTORS)
def reaction_create(request, pk: int):
    inspection = selectors.inspection_get(pk=pk)
    orders = list(inspection.orders.filter(status__in=[OrderStatus.OPEN, OrderStatus.OVERDUE]).order_by("id"))
    initial = {"kind": request.GET.get("kind", ReactionKind.COERCIVE_FINE)}
    if request.GET.get("order", "").isdigit():
        initial["order"] = int(request.GET["order"])
    initial["runs_from"] = timezone.localdate()
    form = forms.ReactionForm(request.POST or None, orders=orders, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        order = next((o for o in orders if o.pk == data["order"]), None)
        try:
            services.reaction_record(
                inspection=inspection,
                actor=request.user,
                kind=data["kind"],
                text=data["text"],
                legal_basis=data["legal_basis"],
                order=order,
                amount=data["amount"],
                period=data["period"],
                runs_from=data["runs_from"],
            )
        except ValidationError as exc:
            _field_error(form, None, exc)
        else:
            messages.success(request, _("The reaction is recorded."))
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(request, "inspections/reaction_form.html", {"inspection": inspection, "form": form})


@access(*INSPECTORS)
@require_POST
def followup_open(request, pk: int):
    inspection = selectors.inspection_get(pk=pk)
    return _post_step(
        request,
        lambda: services.followup_open(inspection=inspection, actor=request.user),
        _("The findings are reported to the approval unit as a follow-up on the approval case."),
        "inspections:inspection_detail",
        inspection.pk,
    )


@access(*INSPECTORS)
@require_POST
def inspection_close(request, pk: int):
    inspection = selectors.inspection_get(pk=pk)
    return _post_step(
        request,
        lambda: services.inspection_close(inspection=inspection, actor=request.user),
        _("The inspection is closed."),
        "inspections:inspection_detail",
        inspection.pk,
    )


# ---------------------------------------------------------------- inspector: orders
@access(*INSPECTORS)
def order_list(request):
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    page = _page(request, selectors.orders(status=status, q=q))
    return render(
        request,
        "inspections/order_list.html",
        {"page": page, "status": status, "q": q, "statuses": OrderStatus.choices},
    )


@access(*INSPECTORS)
def order_detail(request, pk: int):
    order = selectors.order_get(pk=pk)
    form = forms.ComplianceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.order_compliance_document(
                order=order, actor=request.user, documentation=form.cleaned_data["documentation"]
            )
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Compliance is documented; any coercive fine has stopped."))
            return redirect("inspections:order_detail", pk=order.pk)
    data = selectors.order_page(order=order)
    latest = data["requests"][0].data if data["requests"] else {}
    extension_form = forms.ExtensionForm(
        initial={"new_deadline": latest.get("wished_deadline"), "reason": latest.get("reason", "")}
    )
    return render(request, "inspections/order_detail.html", {**data, "form": form, "extension_form": extension_form})


@access(*INSPECTORS)
@require_POST
def order_extend(request, pk: int):
    order = selectors.order_get(pk=pk)
    form = forms.ExtensionForm(request.POST)
    if form.is_valid():
        return _post_step(
            request,
            lambda: services.order_deadline_extend(order=order, actor=request.user, **form.cleaned_data),
            _("The deadline is extended."),
            "inspections:order_detail",
            order.pk,
        )
    messages.error(request, _("Give the new deadline and the reason."))
    return redirect("inspections:order_detail", pk=order.pk)


@access(*INSPECTORS)
@require_POST
def order_close(request, pk: int):
    order = selectors.order_get(pk=pk)
    return _post_step(
        request,
        lambda: services.order_close(order=order, actor=request.user),
        _("The order is closed."),
        "inspections:order_detail",
        order.pk,
    )


# ---------------------------------------------------------------- downloads (both sides)
@access(*INSPECTORS, *PARTIES)
def letter_download(request, kind: str, pk: int):
    if kind not in ("report", "order", "reaction"):
        raise Http404
    obj, file = selectors.letter_for_user(user=request.user, kind=kind, pk=pk)
    return FileResponse(file.open("rb"), content_type="application/pdf", filename=obj.download_name)


@access(*INSPECTORS, *PARTIES)
def document_download(request, pk: int):
    document = selectors.document_for_user(user=request.user, pk=pk)
    return FileResponse(document.file.open("rb"), content_type=document.content_type, filename=document.original_name)


# ---------------------------------------------------------------- the inspected party
@access(*PARTIES)
def party_list(request):
    q = request.GET.get("q", "").strip()
    page = _page(request, selectors.party_inspections(user=request.user, q=q), 20)
    return render(request, "inspections/party_list.html", {"page": page, "q": q})


@access(*PARTIES)
def party_detail(request, pk: int):
    inspection = selectors.party_inspection_get(user=request.user, pk=pk)
    form = forms.CommentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_submit(
                inspection=inspection,
                actor=request.user,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            _field_error(form, None if isinstance(exc, services.InspectionActionRefused) else "files", exc)
        else:
            messages.success(request, _("Your comments are sent to the inspector."))
            return redirect("inspections:party_detail", pk=inspection.pk)
    return render(
        request,
        "inspections/party_detail.html",
        {
            **selectors.party_inspection_page(inspection=inspection),
            "form": form,
            "upload_form": forms.ComplianceUploadForm(),
            "can_comment": inspection.status in (InspectionStatus.REPORT_SENT, InspectionStatus.COMMENTED),
        },
    )


@access(*PARTIES)
def party_compliance_upload(request, pk: int):
    order = selectors.party_order_get(user=request.user, pk=pk)
    is_request = request.method == "POST" and "wished_deadline" in request.POST
    form = forms.ComplianceUploadForm(None if is_request else request.POST or None, request.FILES or None)
    extension = forms.ExtensionRequestForm(request.POST if is_request else None)
    if is_request and extension.is_valid():
        try:
            services.order_extension_request(order=order, actor=request.user, **extension.cleaned_data)
        except ValidationError as exc:
            _field_error(extension, None, exc)
        else:
            messages.success(request, _("Your request for a later deadline is sent to the inspector."))
            return redirect("inspections:party_detail", pk=order.inspection_id)
    if request.method == "POST" and not is_request and form.is_valid():
        try:
            services.order_compliance_upload(
                order=order, actor=request.user, files=form.cleaned_data["files"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            _field_error(form, "files", exc)
        else:
            messages.success(request, _("The documents are sent to the inspector."))
            return redirect("inspections:party_detail", pk=order.inspection_id)
    return render(request, "inspections/party_upload.html", {"order": order, "form": form, "extension": extension})
