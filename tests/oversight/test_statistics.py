"""Statistics against hand-counted fixtures, their CSV and SVG; capacity against the norm."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.models import ApprovalStatus, Case, Decision, StaffMember
from inspections.models import Finding, Inspection, Order
from oversight import figures
from oversight.services import targeting_candidates_refresh
from providers import services
from tests.approvals.factories import ApprovalFactory
from tests.factories import ProviderFactory, UserFactory
from tests.providers.helpers import unit

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 2)


def _rows(chart):
    return {r[0]: r[1:] for r in chart.rows}


def _approval(provider=None, *, status=None, start=datetime.date(2024, 1, 1), years=5):
    a = ApprovalFactory(
        decision__case__provider=provider or ProviderFactory(),
        decision__valid_from=start,
        decision__valid_until=start.replace(year=start.year + years),
        status=status,
    )
    Decision.objects.filter(pk=a.decision_id).update(application=a.case.applications.first())
    return a


def test_approvals_by_status_and_per_year():
    _approval(start=datetime.date(2023, 5, 1))
    _approval(start=datetime.date(2024, 2, 1))
    _approval(start=datetime.date(2024, 3, 1), status=ApprovalStatus.REVOKED)
    _approval(start=datetime.date(2019, 1, 1), status=ApprovalStatus.EXPIRED)
    by_status = _rows(figures.approvals_by_status(TODAY))
    assert [v[0] for v in by_status.values()] == [2, 1, 1]  # valid, expired, revoked
    assert figures.approvals_over_time(TODAY).rows == [[2019, 1], [2023, 1], [2024, 2]]


def test_case_processing_times_median_and_average():
    def decided(days, year=2026):
        received = timezone.make_aware(datetime.datetime(year, 1, 10, 9))
        Case.objects.filter(pk=ApprovalFactory().case_id).update(
            received_at=received, decided_at=received + datetime.timedelta(days=days)
        )

    for days in (10, 20, 60):
        decided(days)
    chart = figures.case_processing_times(TODAY)
    assert chart.rows == [[2026, 3, 20.0, 30.0]]


def test_fte_by_county_and_share_of_obliged_enterprises(refdata):
    oslo = ProviderFactory(municipality_number="0301")
    a = _approval(oslo)
    staff = list(StaffMember.objects.filter(application=a.case.applications.first()))
    fte_medicine = sum(s.fte_occupational_medicine for s in staff)
    county = _rows(figures.approved_fte_by_county(TODAY))
    assert county["Oslo"][0] == fte_medicine

    served = unit(1, nace1="41.000", employees=10)
    unit(2, nace1="41.000", employees=10)  # obliged, no provider
    unit(3, nace1="62.100", employees=10)  # not obliged: not counted
    unit(4, nace1="86.210", employees=10, municipality_number="4601")  # obliged, no provider
    services.affiliation_create(provider=oslo, orgnr=served.orgnr, actor=None, valid_from=TODAY.replace(year=2025))
    targeting_candidates_refresh()
    by_industry = _rows(figures.share_by_industry(timezone.localdate()))
    assert by_industry["41"] == [2, 1, 50.0]
    assert by_industry["86"] == [1, 0, 0]
    assert "62" not in by_industry
    by_county = _rows(figures.share_by_county(timezone.localdate()))
    assert by_county["Oslo"] == [2, 1, 50.0] and by_county["Vestland"] == [1, 0, 0]


def test_inspections_findings_orders():
    inspector = UserFactory(inspector=True)
    today = timezone.localdate()
    month = today.replace(day=1)
    ins = [
        Inspection.objects.create(
            target="enterprise", orgnr="923609016", name="X", kind="announced", inspector=inspector, inspected_on=d
        )
        for d in (month, month, month - datetime.timedelta(days=1))
    ]
    Finding.objects.create(inspection=ins[0], kind="nonconformity", legal_basis="§ 13-1", description="Ingen BHT")
    Finding.objects.create(inspection=ins[1], kind="nonconformity", legal_basis="§ 13-1", description="Ingen BHT")
    Finding.objects.create(inspection=ins[1], kind="remark", legal_basis="§ 13-3", description="Plan mangler")
    Order.objects.create(inspection=ins[0], text="Knytt til BHT", issued_on=today, deadline=today)
    per_month = dict((r[0], r[1]) for r in figures.inspections_per_month(today).rows)
    assert per_month[month.strftime("%Y-%m")] == 2 and sum(per_month.values()) == 3
    assert _rows(figures.findings_by_point(today)) == {"§ 13-1": [2, 0], "§ 13-3": [0, 1]}
    assert [r[1] for r in figures.orders_by_status(today).rows] == [1, 0, 0, 0]  # open, overdue, complied, closed


def test_capacity_per_provider_against_the_norm():
    p = ProviderFactory()
    a = _approval(p, start=timezone.localdate() - datetime.timedelta(days=10))
    total_fte = sum(s.fte for s in StaffMember.objects.filter(application=a.case.applications.first()))
    e1, e2 = unit(1, employees=1000), unit(2, employees=3000)
    services.affiliation_create(provider=p, orgnr=e1.orgnr, actor=None, employees=1200)  # the listed number counts
    services.affiliation_create(provider=p, orgnr=e2.orgnr, actor=None)  # else the register's
    (cap,) = figures.capacity(timezone.localdate(), provider_ids=[p.pk])
    assert cap.covered_employees == 4200 and cap.total_fte == total_fte
    assert cap.per_fte() == int(Decimal(4200) / total_fte)
    assert cap.advisers_at_norm == (round(4200 / 750, 1), round(4200 / 500, 1))


def test_statistics_page_draws_svg_with_tables_and_each_csv(client):
    _approval()
    client.force_login(UserFactory(case_handler=True))
    body = client.get(reverse("oversight:statistics")).content.decode()
    assert body.count("<svg") >= 2 and 'data-chart="approvals-by-status"' in body
    response = client.get(reverse("oversight:statistics_csv", args=["approvals-by-status"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Status", "Godkjenninger"] and rows[1][1] == "1"
    assert client.get(reverse("oversight:statistics_csv", args=["nope"])).status_code == 404


def test_statistics_page_query_count_does_not_grow(client, django_assert_num_queries):
    client.force_login(UserFactory(inspector=True))
    url = reverse("oversight:statistics")
    _approval()
    client.get(url)
    # session, user, one query per figure (the shares and capacity come from the hourly cache)
    with django_assert_num_queries(9):
        client.get(url)
    for _ in range(3):
        _approval()
    with django_assert_num_queries(9):
        client.get(url)


def test_hourly_job_computes_the_register_wide_figures_ahead(refdata):
    from django.core.cache import cache

    from oversight.tasks import figures_refresh_task

    unit(1, nace1="41.000", employees=10)
    targeting_candidates_refresh()
    figures_refresh_task.delay()
    day = timezone.localdate().isoformat()
    assert cache.get(f"oversight:share-industry:{day}") == [["41", 1, 0, 0]]
    assert cache.get(f"oversight:capacity:{day}") == []
