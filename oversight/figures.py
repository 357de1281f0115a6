"""Statistics for case handlers and inspectors (issue 13 item 5): each figure is one aggregate
query in the database, returned as a Chart (a table: header and rows) that the page draws as an
SVG (oversight/charts.py) with the table beside it and offers as CSV.

The shares of obliged enterprises with a provider read the whole register (a million units):
they and the capacity of every provider are cached for an hour (SHARE_CACHE_SECONDS); everything
else is computed per request.
Coercive fines are not in the inspections models yet, so they are not counted here."""

from __future__ import annotations

import datetime
import statistics as pystats
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear, Substr, TruncMonth
from django.utils.translation import gettext as _

from approvals.models import Approval, Case, StaffMember
from approvals.selectors.coverage import approval_covering_q
from core import dbguard
from enterprises.models import Enterprise
from enterprises.municipalities import counties
from inspections.models import Finding, Inspection, Order
from providers.models import Affiliation, AffiliationStatus, Provider
from providers.selectors import in_force_on

from . import charts
from .models import TargetingCandidate
from .targeting import approved_bht_exists

SHARE_CACHE_SECONDS = 3600


def discipline_label(discipline: str) -> str:
    return str(StaffMember._meta.get_field(StaffMember.DISCIPLINE_FIELDS[discipline]).verbose_name)


# The staffing norm BHTs themselves proposed in the consultation (the "Bærum" reply): one
# adviser per 500–750 covered employees. A yardstick for the case handler, not a legal requirement.
NORM_LOW, NORM_HIGH = 500, 750


@dataclass
class Chart:
    name: str
    title: str
    header: list[str]
    rows: list[list]
    kind: str = "bar"  # bar | line | none
    note: str = ""
    value_column: int = 1
    series: list[int] = field(default_factory=list)  # more value columns drawn (grouped bars)

    @property
    def svg(self) -> str:
        if self.kind == "none" or not self.rows:
            return ""
        labels = [str(r[0]) for r in self.rows]
        columns = self.series or [self.value_column]
        values = [[float(r[c] or 0) for r in self.rows] for c in columns]
        names = [self.header[c] for c in columns]
        if self.kind == "line":
            return charts.line_chart(labels, values[0], title=self.title)
        return charts.bar_chart(labels, values, series_names=names, title=self.title)


def _status_label(choices, value) -> str:
    return str(dict(choices).get(value, value))


# ---------------------------------------------------------------- approvals and cases
def approvals_by_status(day: datetime.date) -> Chart:
    from approvals.models import ApprovalStatus

    counts = dict(Approval.objects.values_list("status").annotate(n=Count("id")).order_by())
    rows = [[_status_label(ApprovalStatus.choices, s), counts.get(s, 0)] for s in ApprovalStatus.values]
    return Chart("approvals-by-status", _("Approvals by status"), [_("Status"), _("Approvals")], rows)


def approvals_over_time(day: datetime.date) -> Chart:
    rows = (
        Approval.objects.annotate(year=ExtractYear("valid_from"))
        .values_list("year")
        .annotate(n=Count("id"))
        .order_by("year")
    )
    return Chart(
        "approvals-over-time", _("Approvals granted per year"), [_("Year"), _("Approvals")], [list(r) for r in rows],
        kind="line",
    )  # fmt: skip


def case_processing_times(day: datetime.date) -> Chart:
    """Days from received to decided, per year of decision: cases decided, median, average."""
    by_year: dict[int, list[float]] = {}
    for received, decided in Case.objects.filter(decided_at__isnull=False).values_list("received_at", "decided_at"):
        by_year.setdefault(decided.year, []).append((decided - received).total_seconds() / 86400)
    rows = [
        [year, len(days), round(pystats.median(days), 1), round(sum(days) / len(days), 1)]
        for year, days in sorted(by_year.items())
    ]
    return Chart(
        "case-processing-times",
        _("Case processing time (days from received to decided)"),
        [_("Year decided"), _("Cases decided"), _("Median days"), _("Average days")],
        rows,
        value_column=2,
    )


def _valid_approvals(day: datetime.date):
    return Approval.objects.filter(approval_covering_q(day))


def approved_fte_by_county(day: datetime.date) -> Chart:
    """The FTE per discipline of the providers approved today, by the county of the provider's
    address (from the staff of the approved application)."""
    fields = StaffMember.DISCIPLINE_FIELDS
    qs = (
        StaffMember.objects.filter(application_id__in=_valid_approvals(day).values("decision__application_id"))
        .annotate(county=Substr("application__provider__municipality_number", 1, 2))
        .values("county")
        .annotate(**{d: Sum(f) for d, f in fields.items()})
        .order_by("county")
    )
    names = counties()
    rows = [[names.get(r["county"], r["county"] or "–"), *[r[d] or Decimal(0) for d in fields]] for r in qs]
    header = [_("County"), *[discipline_label(d) for d in fields]]
    return Chart(
        "approved-fte-by-county", _("Approved FTE per discipline by county"), header, rows,
        series=list(range(1, len(fields) + 1)),
    )  # fmt: skip


# ---------------------------------------------------------------- coverage of obliged enterprises
def _share_rows(group_expr, label: Callable[[str], str], day: datetime.date) -> list[list]:
    """Per group: obliged enterprises (the targeting candidates: obliged or depends, with
    employees, active), how many have an approved provider on `day`, and the share."""
    qs = (
        TargetingCandidate.objects.annotate(group=group_expr)
        .values("group")
        .annotate(total=Count("orgnr"), with_provider=Count("orgnr", filter=Q(approved_bht_exists(day))))
        .order_by("group")
    )
    rows = []
    for r in qs:
        share = round(100 * r["with_provider"] / r["total"], 1) if r["total"] else 0
        rows.append([label(r["group"]), r["total"], r["with_provider"], share])
    return rows


def _cached(key: str, day: datetime.date, compute):
    full_key = f"oversight:{key}:{day.isoformat()}"
    rows = cache.get(full_key)
    if rows is None:
        rows = compute()
        cache.set(full_key, rows, SHARE_CACHE_SECONDS)
    return rows


def share_by_industry(day: datetime.date) -> Chart:
    rows = _cached("share-industry", day, lambda: _share_rows(Substr("nace1", 1, 2), lambda g: g or "–", day))
    return Chart(
        "share-by-industry",
        _("Obliged enterprises with an approved provider, by industry (division)"),
        [_("Division"), _("Obliged enterprises"), _("With an approved provider"), _("Share (%)")],
        rows,
        value_column=3,
        note=_("Counted from the register copy and the client lists; updated every hour."),
    )


def share_by_county(day: datetime.date) -> Chart:
    names = counties()
    rows = _cached(
        "share-county",
        day,
        lambda: _share_rows(Substr("municipality_number", 1, 2), lambda g: names.get(g, g or "–"), day),
    )
    return Chart(
        "share-by-county",
        _("Obliged enterprises with an approved provider, by county"),
        [_("County"), _("Obliged enterprises"), _("With an approved provider"), _("Share (%)")],
        rows,
        value_column=3,
        note=_("Counted from the register copy and the client lists; updated every hour."),
    )


# ---------------------------------------------------------------- inspections
def inspections_per_month(day: datetime.date) -> Chart:
    since = day.replace(day=1) - datetime.timedelta(days=365)
    qs = (
        Inspection.objects.filter(inspected_on__gte=since)
        .annotate(month=TruncMonth("inspected_on"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    rows = [[m.strftime("%Y-%m"), n] for m, n in qs]
    return Chart("inspections-per-month", _("Inspections per month"), [_("Month"), _("Inspections")], rows, kind="line")


def findings_by_point(day: datetime.date) -> Chart:
    """Findings by the point checked (the legal basis the finding cites) and kind."""
    qs = (
        Finding.objects.values_list("legal_basis")
        .annotate(
            nonconformities=Count("id", filter=Q(kind=Finding.Kind.NONCONFORMITY)),
            remarks=Count("id", filter=Q(kind=Finding.Kind.REMARK)),
        )
        .order_by("-nonconformities", "legal_basis")
    )
    rows = [[basis or _("(no legal basis given)"), nc, rm] for basis, nc, rm in qs]
    return Chart(
        "findings-by-point",
        _("Findings by checklist point"),
        [_("Point (legal basis)"), _("Non-conformities"), _("Remarks")],
        rows,
        series=[1, 2],
    )


def orders_by_status(day: datetime.date) -> Chart:
    from inspections.models import OrderStatus

    counts = dict(Order.objects.values_list("status").annotate(n=Count("id")).order_by())
    labels = {
        OrderStatus.OPEN: _("Open"),
        OrderStatus.OVERDUE: _("Overdue"),
        OrderStatus.COMPLIED: _("Closed (compliance documented)"),
    }
    rows = [[labels.get(s, s), counts.get(s, 0)] for s in OrderStatus.values]
    return Chart(
        "orders-by-status",
        _("Orders open, overdue and closed"),
        [_("Status"), _("Orders")],
        rows,
        note=_("Coercive fines are not recorded in the portal yet, so running fines cannot be counted."),
    )


# ---------------------------------------------------------------- capacity per provider
@dataclass
class Capacity:
    provider_id: int
    name: str
    covered_employees: int
    fte: dict[str, Decimal]
    total_fte: Decimal

    def per_fte(self, discipline: str | None = None) -> int | None:
        fte = self.total_fte if discipline is None else self.fte.get(discipline, Decimal(0))
        return int(self.covered_employees / fte) if fte else None

    @property
    def advisers_at_norm(self) -> tuple[float, float]:
        """How many advisers (FTE) the norm would call for: covered / 750 to covered / 500."""
        return (round(self.covered_employees / NORM_HIGH, 1), round(self.covered_employees / NORM_LOW, 1))

    @property
    def above_norm(self) -> bool:
        per = self.per_fte()
        return per is not None and per > NORM_HIGH


def capacity(day: datetime.date, provider_ids: list[int] | None = None) -> list[Capacity]:
    """Covered employees (the client list in force; the number on the list, else the register's)
    per FTE by discipline, for the providers approved today (or the given ones). Two queries."""
    fields = StaffMember.DISCIPLINE_FIELDS
    approvals = _valid_approvals(day)
    if provider_ids is not None:
        approvals = Approval.objects.filter(approval_covering_q(day), provider_id__in=provider_ids)
    staff = (
        StaffMember.objects.filter(application_id__in=approvals.values("decision__application_id"))
        .values("application__provider_id")
        .annotate(total=Sum("fte"), **{d: Sum(f) for d, f in fields.items()})
    )
    by_provider = {r["application__provider_id"]: r for r in staff}
    # the number on the list, else the register's (looked up only for rows without one)
    register = Subquery(Enterprise.objects.filter(orgnr=OuterRef("enterprise_id")).order_by().values("employees")[:1])
    covered = (
        Affiliation.objects.filter(in_force_on(day), provider_id__in=list(by_provider))
        .exclude(status=AffiliationStatus.DISPUTED)
        .annotate(covered=Coalesce("employees_covered", register))
        .values("provider_id")
        .annotate(n=Sum("covered"))
        .order_by()
    )
    employees = {r["provider_id"]: r["n"] or 0 for r in covered}
    names = dict(Provider.objects.filter(pk__in=list(by_provider)).values_list("pk", "name"))
    result = [
        Capacity(
            provider_id=pk,
            name=names.get(pk, ""),
            covered_employees=employees.get(pk, 0),
            fte={d: r[d] or Decimal(0) for d in fields},
            total_fte=r["total"] or Decimal(0),
        )
        for pk, r in by_provider.items()
    ]
    return sorted(result, key=lambda c: (-(c.per_fte() or 0), c.name))


def capacity_chart(day: datetime.date) -> Chart:
    """Every approved provider's capacity (reads all client lists: cached for an hour)."""

    def compute():
        return [
            [
                c.name,
                c.covered_employees,
                c.total_fte,
                c.per_fte(),
                *[c.per_fte(d) for d in StaffMember.DISCIPLINE_FIELDS],
            ]
            for c in capacity(day)
        ]

    rows = _cached("capacity", day, compute)
    header = [
        _("Provider"), _("Covered employees"), _("FTE"), _("Employees per FTE"),
        *[_("per FTE %(discipline)s") % {"discipline": discipline_label(d)} for d in StaffMember.DISCIPLINE_FIELDS],
    ]  # fmt: skip
    return Chart(
        "capacity",
        _("Capacity: covered employees per FTE"),
        header,
        rows[:30],
        value_column=3,
        note=_(
            "Yardstick: BHTs themselves proposed one adviser per 500–750 covered employees (consultation reply). "
            "Not a legal requirement."
        )
        + " "
        + _("Counted from the register copy and the client lists; updated every hour."),
    )


CHARTS: dict[str, Callable[[datetime.date], Chart]] = {
    "approvals-by-status": approvals_by_status,
    "approvals-over-time": approvals_over_time,
    "case-processing-times": case_processing_times,
    "approved-fte-by-county": approved_fte_by_county,
    "share-by-industry": share_by_industry,
    "share-by-county": share_by_county,
    "capacity": capacity_chart,
    "inspections-per-month": inspections_per_month,
    "findings-by-point": findings_by_point,
    "orders-by-status": orders_by_status,
}


def chart(name: str, *, day: datetime.date) -> Chart | None:
    make = CHARTS.get(name)
    return make(day) if make else None


def all_charts(*, day: datetime.date) -> list[Chart]:
    return [make(day) for make in CHARTS.values()]


def hourly_figures_refresh(*, day: datetime.date | None = None) -> dict:
    """Compute the figures that read the whole register or every client list and keep them for
    the hour (the hourly job), so no visitor waits for them."""
    from django.utils import timezone

    day = day or timezone.localdate()
    for key in ("share-industry", "share-county", "capacity"):
        cache.delete(f"oversight:{key}:{day.isoformat()}")
    with dbguard.unbounded():  # a job that reads the whole register, not a request
        charts = [share_by_industry(day), share_by_county(day), capacity_chart(day)]
    return {c.name: len(c.rows) for c in charts}
