"""Pages: the public obligation check ("Må virksomheten ha bedriftshelsetjeneste?") and the
case handler's dispensations."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.access import PUBLIC, access
from accounts.models import Role

from . import obligation
from .forms import DispensationForm, ObligationQueryForm
from .models import Enterprise
from .orgnr import OrgnrError, looks_like_orgnr, parse_orgnr
from .selectors import UnknownCode, dispensation_list, enterprise_search, obligation_for_code, obligation_for_orgnr
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
    try:
        if obligation.is_code(q):
            context["kind"] = "code"
            try:
                context["answer"] = obligation_for_code(q, day=day, standard=request.GET.get("standard"))
            except UnknownCode as exc:
                context["error"] = _("%(code)s is not an industry code in SN2025 or SN2007.") % {"code": exc.args[0]}
        elif looks_like_orgnr(q):
            context["kind"] = "orgnr"
            try:
                number = parse_orgnr(q)
            except OrgnrError as exc:
                context["error"] = _("This is not a valid organisation number: %(reason)s") % {"reason": exc.message}
                context["error_check"] = exc.check
            else:
                try:
                    answer = obligation_for_orgnr(number, day=day)
                except Enterprise.DoesNotExist:
                    context["error"] = _(
                        "No enterprise with organisation number %(orgnr)s in the register. Check the number, or "
                        "search by name or industry code."
                    ) % {"orgnr": number}
                else:
                    context["answer"] = answer
        elif len(q) >= 2:
            context["kind"] = "name"
            page = Paginator(enterprise_search(q), 20).get_page(request.GET.get("page"))
            context["page_obj"] = page
        else:
            context["error"] = _("Type at least two characters of the name.")
    except obligation.NoListInForce:
        context["error"] = _("No industry list was in force on %(date)s.") % {
            "date": date_format(day, "SHORT_DATE_FORMAT")
        }
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
