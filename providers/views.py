"""The provider's pages for its client list (add by organisation number, upload a file, read
the report, confirm it) and its API keys. Thin: forms read, services write, selectors read,
always scoped to the user's own provider (404 for anything else)."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access
from accounts.models import Role

from . import selectors, services
from .client_list import REASON_LABELS
from .forms import AffiliationForm, EndForm, TokenForm, UploadForm
from .models import ApiToken, ClientListUpload, UploadStatus

PAGE_SIZE = 25
REPORT_PAGE_SIZE = 50


def _upload_lines(uploaded):
    """The uploaded file as text lines, read as it streams (UTF-8, with or without BOM;
    Windows-1252 files from spreadsheets are read as such)."""
    head = uploaded.read(4096)
    uploaded.seek(0)
    try:
        head.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "cp1252"
    return io.TextIOWrapper(uploaded.file, encoding=encoding, errors="replace", newline="")


def _list_context(request, **extra) -> dict:
    provider = request.user.provider
    q = (request.GET.get("q") or "").strip()
    page = Paginator(selectors.provider_affiliations(provider=provider, q=q), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return {
        "provider": provider,
        "page": page,
        "q": q,
        "form": AffiliationForm(),
        "upload_form": UploadForm(),
        "pending_uploads": ClientListUpload.objects.filter(provider=provider, status=UploadStatus.REPORTED)[:5],
        **extra,
    }


@access(Role.PROVIDER)
def client_list(request):
    return render(request, "providers/client_list.html", _list_context(request))


@access(Role.PROVIDER)
@require_POST
def client_add(request):
    form = AffiliationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            affiliation = services.affiliation_create(
                provider=request.user.provider,
                orgnr=data["orgnr"],
                actor=request.user,
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                employees=data["employees"],
            )
        except services.ClientListRefused as exc:
            form.add_error(
                "orgnr" if exc.reason.endswith("unit") or exc.reason == "invalid_orgnr" else None, exc.message
            )
        else:
            messages.success(request, _("%(name)s is on your client list.") % {"name": affiliation.enterprise.name})
            return redirect("providers:client_list")
    return render(request, "providers/client_list.html", _list_context(request, form=form), status=400)


@access(Role.PROVIDER)
@require_POST
def client_upload(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "providers/client_list.html", _list_context(request, upload_form=form), status=400)
    uploaded = form.cleaned_data["file"]
    upload = services.client_list_upload_check(
        provider=request.user.provider, lines=_upload_lines(uploaded), actor=request.user, filename=uploaded.name
    )
    return redirect("providers:upload_report", pk=upload.pk)


def _own_upload(request, pk, *, rows: bool = False) -> ClientListUpload:
    qs = ClientListUpload.objects.filter(provider=request.user.provider, pk=pk)
    upload = (qs if rows else qs.defer("accepted")).first()  # the accepted rows are read only to store them
    if upload is None:
        raise Http404
    return upload


@access(Role.PROVIDER)
def upload_report(request, pk):
    upload = _own_upload(request, pk)
    page = Paginator(upload.refused, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    reasons: dict[str, int] = {}
    for r in upload.refused:
        reasons[r["reason"]] = reasons.get(r["reason"], 0) + 1
    return render(
        request,
        "providers/upload_report.html",
        {
            "upload": upload,
            "page": page,
            "reasons": [(REASON_LABELS.get(r, r), n) for r, n in sorted(reasons.items())],
            "preview": upload.preview,
        },
    )


@access(Role.PROVIDER)
@require_POST
def upload_confirm(request, pk):
    upload = _own_upload(request, pk)
    try:
        stored = services.affiliations_import_confirm(upload=upload, actor=request.user)
    except services.ClientListRefused as exc:
        messages.error(request, exc.message)
        return redirect("providers:upload_report", pk=upload.pk)
    messages.success(request, _("%(count)d clients were added to your list.") % {"count": stored})
    return redirect("providers:client_list")


@access(Role.PROVIDER)
@require_POST
def upload_discard(request, pk):
    services.client_list_upload_discard(upload=_own_upload(request, pk))
    messages.info(request, _("The upload was discarded; nothing was added."))
    return redirect("providers:client_list")


@access(Role.PROVIDER)
@require_POST
def client_end(request, pk):
    try:
        affiliation = selectors.affiliation_get_for_provider(provider=request.user.provider, pk=pk)
    except selectors.Affiliation.DoesNotExist:
        raise Http404
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.affiliation_end(affiliation=affiliation, valid_to=form.cleaned_data["valid_to"])
        except services.ClientListRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The end date is recorded."))
    else:
        messages.error(request, _("Give the last day as a date."))
    return redirect("providers:client_list")


@access(Role.PROVIDER)
def token_list(request):
    provider = request.user.provider
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.api_token_create(
                provider=provider, name=form.cleaned_data["name"], actor=request.user
            )
        except services.ClientListRefused as exc:
            form.add_error("name", exc.message)
        else:
            form = TokenForm()
    page = Paginator(selectors.provider_api_tokens(provider=provider), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "providers/token_list.html", {"form": form, "page": page, "new_key": new_key})


@access(Role.PROVIDER)
@require_POST
def token_revoke(request, pk):
    token = ApiToken.objects.filter(provider=request.user.provider, pk=pk).first()
    if token is None:
        raise Http404
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("The key %(name)s is revoked; it no longer works.") % {"name": token.name})
    return redirect("providers:token_list")
