"""Pages: the public obligation check ("Må virksomheten ha bedriftshelsetjeneste?") and the
case handler's dispensations."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import PUBLIC, access
from accounts.models import Role

from .forms import DispensationForm, ObligationQueryForm
from .selectors import (
    ObligationQueryError,
    dispensation_list,
    enterprise_search,
    obligation_answer,
    obligation_query_kind,
)
from .services import dispensation_create


def _day(raw: str | None) -> tuple[datetime.date, str]:
    if not raw:
        return timezone.localdate(), ""
    try:
        return datetime.date.fromisoformat(raw), ""
    except ValueError:
        return timezone.localdate(), _("The date must be written as YYYY-MM-DD; today's list is used.")


@access(PUBLIC)
def obligation_check(request):
    """One field: organisation number, industry code or name. GET, so answers can be linked."""
    q = (request.GET.get("q") or "").strip()
    form = ObligationQueryForm(request.GET if q else None)
    context: dict = {"form": form, "q": q, "kind": None}
    if not q:
        return render(request, "enterprises/obligation_check.html", context)
    day, date_error = _day(request.GET.get("date"))
    context["day"] = day
    if date_error:
        context["date_error"] = date_error
    kind = obligation_query_kind(q)
    context["kind"] = kind or "name"
    if kind is None:
        if len(q) >= 2:
            context["page_obj"] = Paginator(enterprise_search(q), 20).get_page(request.GET.get("page"))
        else:
            context["error"] = _("Type at least two characters of the name.")
        return render(request, "enterprises/obligation_check.html", context)
    try:
        context["answer"] = obligation_answer(q, day=day, kind=kind, standard=request.GET.get("standard"))
    except ObligationQueryError as exc:
        context["error"] = exc.message
        context["error_check"] = exc.check
    return render(request, "enterprises/obligation_check.html", context)


@access(Role.CASE_HANDLER)
def dispensation_list_view(request):
    q = (request.GET.get("q") or "").strip()
    page = Paginator(dispensation_list(q), 25).get_page(request.GET.get("page"))
    return render(request, "enterprises/dispensation_list.html", {"page_obj": page, "q": q})


@access(Role.CASE_HANDLER)
def dispensation_create_view(request):
    form = DispensationForm(request.POST or None, initial={"orgnr": request.GET.get("orgnr", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        dispensation_create(
            enterprise=form.enterprise,
            scope=data["scope"],
            part=data.get("part") or "",
            valid_from=data["valid_from"],
            valid_until=data.get("valid_until"),
            reason=data["reason"],
            decided_by=request.user,
        )
        messages.success(request, _("The dispensation for %(name)s is recorded.") % {"name": form.enterprise.name})
        return redirect("enterprises:dispensation_list")
    return render(request, "enterprises/dispensation_form.html", {"form": form})
