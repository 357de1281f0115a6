"""Oversight pages: the inspectors' targeting list and its CSV, the clients of ended
approvals, the as-of-date answers, statistics, and the enterprise's own view of its BHT.
Thin: selectors read, services of the owning apps write."""

from __future__ import annotations

import datetime
import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import access
from accounts.models import Role
from approvals.selectors.coverage import enterprise_bht_on, provider_approved_on
from core.csv import csv_stream
from enterprises import obligation
from enterprises.models import Enterprise
from notifications.selectors import notifications_for
from providers import services as provider_services
from providers.models import AffiliationSource, Provider
from providers.selectors import affiliation_get_for_enterprise, enterprise_affiliations

from . import figures, selectors, targeting
from .forms import AsOfForm, DeclarationForm, DisputeForm

PAGE_SIZE = 50
INSPECTION_START_URL = "/tilsyn/"  # inspections has no "new inspection" page in main yet


class TargetingPaginator(Paginator):
    """The targeting list's pages: the count is remembered for a minute (it reads every
    candidate), and a page in the second half is read from the end in reverse order, so the
    last page costs what the first does (OFFSET from the nearer end)."""

    COUNT_SECONDS = 60

    def __init__(self, object_list, per_page, *, count_key: str):
        super().__init__(object_list, per_page)
        digest = hashlib.sha256(count_key.encode()).hexdigest()[:32]
        self.count_key = f"oversight:targeting-count:{digest}"

    @cached_property
    def count(self) -> int:
        count = cache.get(self.count_key)
        if count is None:
            count = self.object_list.count()
            cache.set(self.count_key, count, self.COUNT_SECONDS)
        return count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if bottom > self.count // 2:
            rows = list(self.object_list.reverse()[self.count - top : self.count - bottom])
            rows.reverse()
        else:
            rows = list(self.object_list[bottom:top])
        return self._get_page(rows, number, self)


def _day(raw: str | None) -> datetime.date:
    try:
        return datetime.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


# ---------------------------------------------------------------- targeting
@access(Role.INSPECTOR, Role.ADMIN)
def targeting_list(request):
    day = timezone.localdate()
    filters = targeting.Filters.from_query(request.GET)
    try:
        covered = targeting.covered_codes(day)
    except obligation.NoListInForce:
        messages.error(request, _("No industry list (§ 13-1) is loaded for today, so the list cannot be made."))
        return render(request, "oversight/targeting_list.html", {"rows": [], "filters": filters, "day": day})
    qs = targeting.targeting_list(day=day, filters=filters)
    page = TargetingPaginator(qs, PAGE_SIZE, count_key=f"{day}:{sorted(filters.as_query().items())}").get_page(
        request.GET.get("page")
    )
    rows = [(e, e.depends) for e in page.object_list]
    return render(
        request,
        "oversight/targeting_list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "query": filters.as_query(),
            "counties": selectors.counties(),
            "sizes": list(targeting.SIZES),
            "day": day,
            "version": covered.version,
            "refreshed_at": selectors.candidates_refreshed_at(),
            "inspection_start_url": INSPECTION_START_URL,
        },
    )


@access(Role.INSPECTOR, Role.ADMIN)
def targeting_csv(request):
    day = timezone.localdate()
    filters = targeting.Filters.from_query(request.GET)
    qs = targeting.targeting_list(day=day, filters=filters)
    header = [
        _("Organisation number"), _("Name"), _("Employees"), _("Industry code 1"), _("Industry code 2"),
        _("Industry code 3"), _("Municipality number"), _("Municipality"),
    ]  # fmt: skip
    rows = (
        (e.orgnr, e.name, e.employees, e.nace1, e.nace2, e.nace3, e.municipality_number, e.municipality_name)
        for e in qs.iterator(chunk_size=2000)
    )
    return csv_stream(f"tilsynsutvalg-{day:%Y-%m-%d}.csv", header, rows)


@access(Role.INSPECTOR, Role.ADMIN)
def ended_approval_clients(request):
    """Enterprises whose BHT's approval ended (expired or revoked) in the last year and that
    have no approved provider today: the inspectors' list (issue 13 item 3)."""
    day = timezone.localdate()
    page = Paginator(selectors.ended_approval_clients(day=day), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "oversight/ended_approval_clients.html", {"page": page, "day": day})


# ---------------------------------------------------------------- as of a date
@access(Role.CASE_HANDLER, Role.INSPECTOR, Role.ADMIN)
def as_of(request):
    form = AsOfForm(request.GET or None)
    context: dict = {"form": form}
    if request.GET and form.is_valid():
        day = form.cleaned_data["date"]
        number = form.cleaned_data["orgnr"]
        context["day"] = day
        provider = Provider.objects.filter(orgnr=number).first()
        if provider is not None:
            context["provider_answer"] = provider_approved_on(provider=provider, day=day)
        enterprise = Enterprise.objects.filter(orgnr=number).first()
        if enterprise is not None:
            context["enterprise"] = enterprise
            context["enterprise_answer"] = enterprise_bht_on(orgnr=number, day=day)
        if provider is None and enterprise is None:
            form.add_error("orgnr", _("Neither a provider nor an enterprise in the register has this number."))
    return render(request, "oversight/as_of.html", context)


# ---------------------------------------------------------------- statistics
@access(Role.CASE_HANDLER, Role.INSPECTOR, Role.ADMIN)
def statistics_page(request):
    day = timezone.localdate()
    return render(request, "oversight/statistics.html", {"charts": figures.all_charts(day=day), "day": day})


@access(Role.CASE_HANDLER, Role.INSPECTOR, Role.ADMIN)
def statistics_csv(request, name):
    day = timezone.localdate()
    chart = figures.chart(name, day=day)
    if chart is None:
        raise Http404
    return csv_stream(f"statistikk-{name}-{day:%Y-%m-%d}.csv", chart.header, chart.rows)


# ---------------------------------------------------------------- the enterprise's own BHT
def _own_orgnr(request) -> str:
    return request.user.enterprise_orgnr


def _enterprise_context(request, *, declaration_form=None) -> dict:
    orgnr = _own_orgnr(request)
    page = Paginator(enterprise_affiliations(orgnr=orgnr), PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "enterprise": Enterprise.objects.filter(orgnr=orgnr).first(),
        "orgnr": orgnr,
        "answer": enterprise_bht_on(orgnr=orgnr),
        "page": page,
        "declaration_form": declaration_form or DeclarationForm(),
        "dispute_form": DisputeForm(),
        "notices": notifications_for(user=request.user, orgnr=orgnr)[:10],
    }


@access(Role.ENTERPRISE)
def enterprise_bht(request):
    return render(request, "oversight/enterprise_bht.html", _enterprise_context(request))


def _own_affiliation(request, pk):
    try:
        return affiliation_get_for_enterprise(orgnr=_own_orgnr(request), pk=pk)
    except Exception as exc:  # noqa: BLE001 - DoesNotExist of the model
        raise Http404 from exc


@access(Role.ENTERPRISE)
@require_POST
def enterprise_confirm(request, pk):
    affiliation = _own_affiliation(request, pk)
    try:
        provider_services.affiliation_confirm(affiliation=affiliation, actor=request.user)
    except provider_services.ClientListRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("You have confirmed that %(name)s serves you.") % {"name": affiliation.provider.name}
        )
    return redirect("oversight:enterprise_bht")


@access(Role.ENTERPRISE)
@require_POST
def enterprise_dispute(request, pk):
    affiliation = _own_affiliation(request, pk)
    form = DisputeForm(request.POST)
    if form.is_valid():
        try:
            provider_services.affiliation_dispute(
                affiliation=affiliation, actor=request.user, note=form.cleaned_data["note"]
            )
        except provider_services.ClientListRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The entry is marked as disputed; the provider and Arbeidstilsynet see it."))
    else:
        messages.error(request, _("Say what is wrong with the entry."))
    return redirect("oversight:enterprise_bht")


@access(Role.ENTERPRISE)
@require_POST
def enterprise_declare(request):
    form = DeclarationForm(request.POST)
    if form.is_valid():
        provider = form.cleaned_data["provider"]
        try:
            provider_services.affiliation_create(
                provider=provider,
                orgnr=_own_orgnr(request),
                actor=request.user,
                valid_from=form.cleaned_data["valid_from"],
                source=AffiliationSource.ENTERPRISE_DECLARATION,
            )
        except provider_services.ClientListRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your declaration is recorded: %(name)s serves you.") % {"name": provider.name})
        return redirect("oversight:enterprise_bht")
    return render(
        request, "oversight/enterprise_bht.html", _enterprise_context(request, declaration_form=form), status=400
    )
