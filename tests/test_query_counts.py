"""Every list page, the same three checks: a sensible empty state, pagination once there are
more rows than fit on a page (page 2 opens, the search survives the page link), and a query
count that does not grow with the rows (N rows and 3N rows, 3N more than one page).

The area test modules have their own query-count tests for most lists; this module keeps all
nine lists to one standard, with rows that carry their related objects (assignee, inspector,
departments...), so a template that walks a relation per row shows up here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.factories import ProviderFactory, UserFactory, valid_orgnr

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


# ---------------------------------------------------------------- row builders: make(n, start, ctx)
def _cases(n, start, ctx):
    from tests.approvals.factories import CaseFactory

    statuses = ["submitted", "in_review", "awaiting_information"]
    for i in range(start, start + n):
        CaseFactory(
            status=statuses[i % 3],
            _with_application=False,
            assigned_to=ctx["user"] if i % 2 else None,
            provider=ProviderFactory(name=f"Radbedrift {i:03d} AS"),
        )


def _applications(n, start, ctx):
    from tests.approvals.factories import ApplicationFactory, mark_submitted

    for i in range(start, start + n):
        application = ApplicationFactory(provider=ctx["user"].provider)
        if i % 2:
            mark_submitted(application)


def _register(n, start, ctx):
    from providers.models import Department
    from tests.approvals.factories import ApprovalFactory, DecisionFactory

    for i in range(start, start + n):
        p = ProviderFactory(name=f"Radbedrift {i:03d} AS")
        Department.objects.create(provider=p, name=f"Avd {i}", municipality_number="0301")
        ApprovalFactory(decision=DecisionFactory(case__provider=p, case___with_application=False), ends_in_days=400)


def _enterprise(i: int, name: str):
    from enterprises.national_register import ENHETER, enterprise_row, upsert_rows

    orgnr = valid_orgnr(500 + i)
    unit = {
        "organisasjonsnummer": orgnr,
        "navn": name,
        "organisasjonsform": {"kode": "AS", "beskrivelse": "Aksjeselskap"},
        "harRegistrertAntallAnsatte": True,
        "antallAnsatte": 12,
        "naeringskode1": {"kode": "41.000", "beskrivelse": ""},
        "forretningsadresse": {"adresse": ["Storgata 1"], "postnummer": "0155", "poststed": "OSLO",
                               "kommunenummer": "0301", "kommune": "OSLO"},
    }  # fmt: skip
    upsert_rows(ENHETER, [enterprise_row(unit, sn2007_codes=set())])
    from enterprises.models import Enterprise

    return Enterprise.objects.get(orgnr=orgnr)


def _dispensations(n, start, ctx):
    from enterprises.models import Dispensation

    for i in range(start, start + n):
        Dispensation.objects.create(
            enterprise=_enterprise(i, f"RADBEDRIFT {i:03d} AS"),
            scope="whole",
            valid_from=datetime.date(2026, 1, 1),
            reason="Egen ordning.",
            decided_by=UserFactory(case_handler=True),
        )


def _followups(n, start, ctx):
    from approvals.models import FollowUpTask
    from tests.approvals.factories import ApprovalFactory, DecisionFactory

    for i in range(start, start + n):
        p = ProviderFactory(name=f"Radbedrift {i:03d} AS")
        a = ApprovalFactory(decision=DecisionFactory(case__provider=p, case___with_application=False), ends_in_days=400)
        FollowUpTask.objects.create(
            case=a.case,
            approval=a,
            title="t",
            failed_rules=[{"id": "total_fte", "message_nb": "For få årsverk", "message_en": "Too few FTEs"}],
        )


def _inspection(i, inspector):
    from inspections.models import Finding, Inspection, Order

    inspection = Inspection.objects.create(
        target="enterprise",
        orgnr=valid_orgnr(700 + i),
        name=f"Radbedrift {i:03d} AS",
        kind="announced",
        inspector=inspector,
        inspected_on=TODAY - datetime.timedelta(days=i),
    )
    finding = Finding.objects.create(inspection=inspection, kind="nonconformity", description="Ingen BHT.")
    Order.objects.create(
        inspection=inspection,
        finding=finding,
        text="Knytt dere til godkjent BHT.",
        issued_on=TODAY - datetime.timedelta(days=30),
        deadline=TODAY + datetime.timedelta(days=i),
    )


def _inspections(n, start, ctx):
    for i in range(start, start + n):
        _inspection(i, UserFactory(inspector=True))  # a different inspector per row


def _worklist_inspection(i, ctx, *, status="in_progress", orgnr=None, inspector=None):
    from inspections.models import Inspection, Report

    inspection = Inspection.objects.create(
        target="enterprise",
        orgnr=orgnr or valid_orgnr(700 + i),
        name=f"Radbedrift {i:03d} AS",
        kind="announced",
        inspector=inspector or ctx["user"],
        inspected_on=TODAY - datetime.timedelta(days=i),
        status=status,
    )
    if status != "in_progress":
        Report.objects.create(
            inspection=inspection,
            comment_deadline=TODAY + datetime.timedelta(days=i),
            pdf="inspections/x.pdf",
            sent_at=timezone.now(),
            sent_by=inspection.inspector,
        )
    return inspection


def _in_progress(n, start, ctx):
    for i in range(start, start + n):
        inspection = _worklist_inspection(i, ctx)
        inspection.team.add(ctx["user"], UserFactory(inspector=True))


def _awaiting_comments(n, start, ctx):
    for i in range(start, start + n):
        _worklist_inspection(i, ctx, status="report_sent")


def _worklist_orders(n, start, ctx, *, status="open", fine=False):
    from inspections.models import Order, Reaction

    for i in range(start, start + n):
        inspection = _worklist_inspection(i, ctx, status="report_sent")
        order = Order.objects.create(
            inspection=inspection,
            text="Knytt dere til godkjent BHT.",
            issued_on=TODAY - datetime.timedelta(days=30),
            deadline=TODAY + datetime.timedelta(days=i % 7) if status == "open" else TODAY - datetime.timedelta(days=1),
            status=status,
        )
        if fine:
            Reaction.objects.create(
                inspection=inspection,
                order=order,
                kind="coercive_fine",
                text="t",
                amount=1000,
                period="day",
                runs_from=TODAY - datetime.timedelta(days=i),
                decided_by=ctx["user"],
            )


def _due_this_week(n, start, ctx):
    _worklist_orders(n, start, ctx)


def _overdue(n, start, ctx):
    _worklist_orders(n, start, ctx, status="overdue")


def _fines_running(n, start, ctx):
    _worklist_orders(n, start, ctx, status="overdue", fine=True)


def _party_inspections(n, start, ctx):
    inspector = UserFactory(inspector=True)
    for i in range(start, start + n):
        _worklist_inspection(i, ctx, status="report_sent" if i % 2 else "in_progress", orgnr=ctx["user"].enterprise_orgnr,
                             inspector=inspector)  # fmt: skip


def _job_runs(n, start, ctx):
    from bht_portal.beat import BEAT_SCHEDULE
    from core.services import job_run_record

    tasks = [e["task"] for e in BEAT_SCHEDULE.values()]
    for i in range(start, start + n):
        job_run_record(job=tasks[i % len(tasks)], func=lambda: {"n": 1})


def _search_hits(n, start, ctx):
    for i in range(start, start + n):
        _enterprise(i, f"RADBEDRIFT {i:03d} AS")


@dataclass(frozen=True)
class ListPage:
    url_name: str
    role: str  # a UserFactory trait
    make: Callable
    page_size: int
    empty: str  # the English message id of the empty state
    queries: int  # the pinned number of queries for a page, whatever the number of rows
    params: dict | None = None  # the query for a filled page (search pages)
    needs_reference_data: bool = False
    kwargs: dict | None = None  # URL arguments (a work list's key)


LISTS = {
    "queue": ListPage("approvals:case_queue", "case_handler", _cases, 25, "No cases match the filters.", 4),
    "applications": ListPage(
        "approvals:application_list",
        "provider_user",
        _applications,
        20,
        "You have no applications yet. Start one with the button above.",
        6,  # 6: with the check for a pending case (no second application meanwhile)
    ),
    "register": ListPage("approvals:register", "", _register, 25, "No approved providers match the search.", 4),
    "dispensations": ListPage(
        "enterprises:dispensation_list", "case_handler", _dispensations, 25, "No dispensations are recorded.", 4
    ),
    "followups": ListPage("approvals:followup_list", "case_handler", _followups, 25, "No follow-up tasks here.", 4),
    "orders": ListPage("inspections:order_list", "inspector", _inspections, 25, "No orders registered yet.", 4),
    "inspections": ListPage(
        "inspections:inspection_list", "inspector", _inspections, 25, "No inspections registered yet.", 4
    ),
    "jobs": ListPage("jobs", "admin", _job_runs, 25, "No runs recorded yet.", 6),
    "in_progress": ListPage(
        "inspections:worklist", "inspector", _in_progress, 25, "Nothing in this list.", 4, kwargs={"key": "in_progress"}
    ),
    "awaiting_comments": ListPage(
        "inspections:worklist",
        "inspector",
        _awaiting_comments,
        25,
        "Nothing in this list.",
        4,
        kwargs={"key": "awaiting_comments"},
    ),
    "due_this_week": ListPage(
        "inspections:worklist",
        "inspector",
        _due_this_week,
        25,
        "Nothing in this list.",
        4,
        kwargs={"key": "due_this_week"},
    ),
    "overdue": ListPage(
        "inspections:worklist", "inspector", _overdue, 25, "Nothing in this list.", 4, kwargs={"key": "overdue"}
    ),
    "fines_running": ListPage(
        "inspections:worklist",
        "inspector",
        _fines_running,
        25,
        "Nothing in this list.",
        4,
        kwargs={"key": "fines_running"},
    ),
    "party_inspections": ListPage(
        "inspections:party_list",
        "enterprise_user",
        _party_inspections,
        20,
        "Arbeidstilsynet has no inspections of your organisation in the portal.",
        4,
    ),
    "enterprise_search": ListPage(
        "enterprises:obligation_check",
        "",
        _search_hits,
        20,
        "No enterprise in the register has a name containing this. Try an organisation number or an industry code.",
        2,
        params={"q": "radbedrift"},
        needs_reference_data=True,
    ),
}


@pytest.fixture
def list_client(client, request):
    spec: ListPage = LISTS[request.param]
    user = UserFactory(**{spec.role: True}) if spec.role else None
    if user:
        client.force_login(user)
    if spec.needs_reference_data:
        from enterprises import reference

        reference.reference_data_load()
        reference.invalidate()
        request.addfinalizer(reference.invalidate)
    return client, spec, {"user": user}


def _get(client, spec: ListPage, **extra):
    params = {**(spec.params or {}), **extra}
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(spec.url_name, kwargs=spec.kwargs), params)
    assert response.status_code == 200, response.status_code
    return response, len(ctx.captured_queries)


def _page(response):
    return response.context.get("page") or response.context.get("page_obj")


@pytest.mark.parametrize("list_client", sorted(LISTS), indirect=True)
def test_list_page_empty_state(list_client):
    client, spec, _ctx = list_client
    response, _n = _get(client, spec)
    with translation.override("nb"):
        message = gettext(spec.empty)
    assert message != spec.empty or spec.empty.isascii(), "no Norwegian text for the empty state"
    assert message in response.content.decode(), f"empty state missing on {spec.url_name}: {message!r}"


@pytest.mark.parametrize("list_client", sorted(LISTS), indirect=True)
def test_list_page_runs_its_pinned_number_of_queries(list_client, django_assert_num_queries):
    """The exact count, so a page that goes from 4 to 12 constant queries shows as a number."""
    client, spec, ctx = list_client
    spec.make(spec.page_size + 3, 0, ctx)
    params = spec.params or {}
    url = reverse(spec.url_name, kwargs=spec.kwargs)
    with django_assert_num_queries(spec.queries):
        assert client.get(url, params).status_code == 200
    with django_assert_num_queries(spec.queries):
        assert client.get(url, {**params, "page": 2}).status_code == 200


@pytest.mark.parametrize("list_client", sorted(LISTS), indirect=True)
def test_list_page_query_count_is_flat_and_it_paginates(list_client):
    client, spec, ctx = list_client
    n = spec.page_size // 2 + 1  # N fits on one page, 3N does not
    spec.make(n, 0, ctx)
    small_response, small = _get(client, spec)
    assert small == spec.queries, f"{spec.url_name}: {small} queries, pinned at {spec.queries}"
    assert not _page(small_response).has_other_pages()
    spec.make(2 * n, n, ctx)
    large_response, large = _get(client, spec)
    page = _page(large_response)
    assert page.paginator.count == 3 * n
    assert len(page.object_list) == spec.page_size
    assert large == small, f"{spec.url_name}: {small} queries with {n} rows, {large} with {3 * n}"
    body = large_response.content.decode()
    assert "page=2" in body, "no link to page 2"
    second, second_count = _get(client, spec, page=2)
    assert _page(second).number == 2 and len(_page(second).object_list) == 3 * n - spec.page_size
    assert second_count <= small + 1


SEARCHABLE = [
    "dispensations", "enterprise_search", "followups", "inspections", "orders", "queue",
    "in_progress", "awaiting_comments", "due_this_week", "overdue", "fines_running", "party_inspections",
]  # fmt: skip


@pytest.mark.parametrize("list_client", SEARCHABLE, indirect=True)
def test_page_links_keep_a_search_with_special_characters(list_client):
    """The next-page link carries the search term URL-encoded: a term with & or # must
    arrive on page 2 unchanged."""
    import html
    import re
    from urllib.parse import parse_qs, urlsplit

    client, spec, ctx = list_client
    if spec.url_name == "approvals:application_list":
        pytest.skip("applications are searched by case number; no names to rename")
    spec.make(spec.page_size + 2, 0, ctx)
    _rename_all_with_ampersand()
    term = "radbedrift & co #1"
    response, _n = _get(client, spec, q=term)
    page = _page(response)
    assert page.has_next(), f"{spec.url_name}: the search found {page.paginator.count}"
    links = re.findall(r'href="(\?[^"]*page=2[^"]*)"', response.content.decode())
    assert links, "no link to page 2"
    query = parse_qs(urlsplit(html.unescape(links[0])).query)
    assert query.get("q") == [term], f"{spec.url_name}: page link {links[0]!r} loses the search"


def _rename_all_with_ampersand():
    from enterprises.models import Enterprise
    from inspections.models import Inspection
    from providers.models import Provider

    for model in (Provider, Enterprise, Inspection):
        for obj in model.objects.filter(name__icontains="radbedrift"):
            suffix = " & CO #1" if obj.name.isupper() else " & Co #1"
            model.objects.filter(pk=obj.pk).update(name=obj.name.replace(obj.name[:10], obj.name[:10] + suffix, 1))
