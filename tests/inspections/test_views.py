"""Who sees what (an enterprise user only its own inspections, a provider user none of other
providers', inspectors only inspection pages), bad input kept on the form, and pinned query
counts for the inspector's pages and the party's list."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.models import Inspection
from tests.factories import ProviderFactory, UserFactory, valid_orgnr
from tests.inspections.helpers import ENTERPRISE_ORGNR, answer, enterprise_inspection, ordered, pdf_upload, png_upload

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _provider_inspection(inspector, provider) -> Inspection:
    return services.inspection_start(
        actor=inspector,
        target="provider",
        orgnr=provider.orgnr,
        name=provider.name,
        provider=provider,
        kind="documents",
        inspected_on=TODAY,
        team=[],
    )


# ---------------------------------------------------------------- the inspected party sees its own
def test_enterprise_user_sees_only_its_own_inspections_reports_orders_and_documents(inspector, enterprise_user):
    own, own_order = ordered(inspector)
    other_orgnr = valid_orgnr(901)
    other, other_order = ordered(inspector, orgnr=other_orgnr, name="Annen Bedrift AS")
    services.comment_submit(inspection=other, actor=inspector, text="x", files=[pdf_upload()])
    finding_photo = services.finding_document_add(finding=own.findings.get(), actor=inspector, uploaded=png_upload())
    client = _client(enterprise_user)

    body = client.get(reverse("inspections:party_list")).content.decode()
    assert reverse("inspections:party_detail", args=[own.pk]) in body
    assert reverse("inspections:party_detail", args=[other.pk]) not in body
    assert client.get(reverse("inspections:party_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("inspections:party_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("inspections:letter_download", args=["report", own.report.pk])).status_code == 200
    assert client.get(reverse("inspections:letter_download", args=["report", other.report.pk])).status_code == 404
    assert client.get(reverse("inspections:letter_download", args=["order", own_order.pk])).status_code == 200
    assert client.get(reverse("inspections:letter_download", args=["order", other_order.pk])).status_code == 404
    assert client.get(reverse("inspections:party_compliance_upload", args=[other_order.pk])).status_code == 404
    other_doc = other.documents.get()
    assert client.get(reverse("inspections:document_download", args=[other_doc.pk])).status_code == 404
    # the inspector's evidence photo is not for the party
    assert client.get(reverse("inspections:document_download", args=[finding_photo.pk])).status_code == 404
    assert _client(inspector).get(reverse("inspections:document_download", args=[finding_photo.pk])).status_code == 200


def test_provider_user_sees_none_of_other_providers_inspections(inspector, provider_user):
    own = _provider_inspection(inspector, provider_user.provider)
    other = _provider_inspection(inspector, ProviderFactory(name="Annen BHT AS"))
    enterprise = enterprise_inspection(inspector, orgnr=provider_user.provider.orgnr)  # same number, as an enterprise
    client = _client(provider_user)
    body = client.get(reverse("inspections:party_list")).content.decode()
    assert reverse("inspections:party_detail", args=[own.pk]) in body
    assert reverse("inspections:party_detail", args=[other.pk]) not in body
    assert reverse("inspections:party_detail", args=[enterprise.pk]) not in body
    assert client.get(reverse("inspections:party_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("inspections:party_detail", args=[own.pk])).status_code == 200


@pytest.mark.parametrize(
    "url",
    ["approvals:case_queue", "approvals:followup_list", "approvals:application_list", "enterprises:dispensation_list",
     "inspections:party_list", "jobs"],
)  # fmt: skip
def test_inspectors_only_get_inspection_pages(inspector, url):
    assert _client(inspector).get(reverse(url)).status_code == 403


@pytest.mark.parametrize(
    "name", ["inspections:inspection_list", "inspections:inspection_start", "inspections:order_list"]
)
def test_parties_and_handlers_get_no_inspector_page(enterprise_user, provider_user, case_handler, name):
    for user in (enterprise_user, provider_user, case_handler):
        assert _client(user).get(reverse(name)).status_code == 403


# ---------------------------------------------------------------- bad input is kept
def test_start_form_refuses_an_announced_inspection_without_notice_and_keeps_the_input(inspector):
    from tests.inspections.helpers import register_enterprise

    register_enterprise()
    client = _client(inspector)
    url = reverse("inspections:inspection_start") + f"?orgnr={ENTERPRISE_ORGNR}"
    response = client.post(url, {"kind": "announced", "inspected_on": TODAY.isoformat(), "topics": "Tema X"})
    assert response.status_code == 200
    assert "varselet som sendes på forhånd" in response.context["form"].errors["advance_notice"][0]
    assert "Tema X" in response.content.decode()
    assert not Inspection.objects.exists()


def test_comment_with_a_fake_pdf_is_refused_on_the_field(inspector, enterprise_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    inspection, _order = ordered(inspector)
    fake = SimpleUploadedFile("uttalelse.pdf", b"just text", content_type="application/pdf")
    response = _client(enterprise_user).post(
        reverse("inspections:party_detail", args=[inspection.pk]), {"text": "Vår uttalelse", "files": [fake]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert "Vår uttalelse" in response.content.decode()
    assert not inspection.comments.exists()


def test_checklist_page_saves_answers_and_makes_findings(inspector):
    inspection = enterprise_inspection(inspector)
    data = {"result_0": "not_met", "note_0": "Ingen BHT.", "result_1": "met"}
    response = _client(inspector).post(reverse("inspections:checklist", args=[inspection.pk]), data)
    assert response.status_code == 302
    assert inspection.findings.get().answer.note == "Ingen BHT."
    response = _client(inspector).post(reverse("inspections:checklist", args=[inspection.pk]), {"result_0": "bogus"})
    assert (
        response.status_code == 200
        and "Velg oppfylt, ikke oppfylt eller ikke kontrollert." in response.content.decode()
    )


# ---------------------------------------------------------------- pinned query counts
def _rows(inspector, n: int, start: int = 0) -> None:
    """n inspections of the inspector in every state of the lists: in progress, report
    sent, an order due this week, an overdue order with a coercive fine running."""
    from inspections.models import Order, Reaction, Report

    for i in range(start, start + n):
        status = ["in_progress", "report_sent", "report_sent", "report_sent"][i % 4]
        inspection = Inspection.objects.create(
            target="enterprise",
            orgnr=valid_orgnr(600 + i),
            name=f"Bedrift {i:03d} AS",
            kind="announced",
            inspector=inspector,
            inspected_on=TODAY,
            status=status,
        )
        inspection.team.add(inspector, UserFactory(inspector=True))
        if status == "report_sent":
            Report.objects.create(
                inspection=inspection, comment_deadline=TODAY, pdf="x.pdf", sent_at=timezone.now(), sent_by=inspector
            )
        if i % 4 >= 2:
            order = Order.objects.create(
                inspection=inspection,
                text="Gjør det.",
                issued_on=TODAY - datetime.timedelta(days=30),
                deadline=TODAY + datetime.timedelta(days=2) if i % 4 == 2 else TODAY - datetime.timedelta(days=1),
                status="open" if i % 4 == 2 else "overdue",
            )
            if i % 4 == 3:
                Reaction.objects.create(
                    inspection=inspection,
                    order=order,
                    kind="coercive_fine",
                    text="t",
                    amount=1000,
                    period="day",
                    runs_from=TODAY,
                    decided_by=inspector,
                )


# session + user, then the page's own queries
PINNED = {
    ("inspections:worklist", "in_progress"): 4,
    ("inspections:worklist", "awaiting_comments"): 4,
    ("inspections:worklist", "due_this_week"): 4,
    ("inspections:worklist", "overdue"): 4,
    ("inspections:worklist", "fines_running"): 4,
    ("inspections:inspection_list", None): 4,
    ("inspections:order_list", None): 4,
    ("start", None): 7,
}


@pytest.mark.parametrize(("name", "key"), list(PINNED))
def test_inspector_pages_have_a_pinned_query_count_at_two_sizes(inspector, django_assert_num_queries, name, key):
    client = _client(inspector)
    url = reverse(name, kwargs={"key": key} if key else None)
    client.get(url)  # warm up (session, translations)
    for n in (4, 40):
        _rows(inspector, n if n == 4 else n - 4, start=0 if n == 4 else 4)
        with django_assert_num_queries(PINNED[(name, key)]):
            response = client.get(url)
        assert response.status_code == 200
    if key:
        assert response.context["page"].paginator.count in (10, 30)  # a quarter, or three in four


def test_party_list_has_a_pinned_query_count_at_two_sizes(inspector, enterprise_user, django_assert_num_queries):
    client = _client(enterprise_user)
    client.get(reverse("inspections:party_list"))
    for n in (2, 30):
        for _ in range(n - Inspection.objects.count()):
            enterprise_inspection(inspector)
        with django_assert_num_queries(4):
            response = client.get(reverse("inspections:party_list"))
        assert response.context["page"].paginator.count == n


def test_inspection_page_has_a_pinned_query_count_whatever_its_size(
    inspector, enterprise_user, django_assert_num_queries
):
    small, _order = ordered(inspector)
    services.comment_submit(inspection=small, actor=enterprise_user, text="a")
    large, order = ordered(inspector)
    answer(large, inspector, {"3": "not_met", "4": "not_met", "5": "not_met"})
    services.comment_submit(
        inspection=large, actor=enterprise_user, text="a", files=[pdf_upload(), pdf_upload("b.pdf")]
    )
    services.comment_submit(inspection=large, actor=enterprise_user, text="b")
    services.order_compliance_upload(order=order, actor=enterprise_user, files=[pdf_upload(), pdf_upload("c.pdf")])
    for kind in ("guidance", "police_report"):
        services.reaction_record(inspection=large, actor=inspector, kind=kind, text="x")
    client = _client(inspector)
    client.get(reverse("inspections:inspection_detail", args=[small.pk]))
    counts = []
    for inspection in (small, large):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("inspections:inspection_detail", args=[inspection.pk])).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts == [INSPECTION_PAGE_QUERIES, INSPECTION_PAGE_QUERIES], counts
    with django_assert_num_queries(INSPECTION_PAGE_QUERIES):
        client.get(reverse("inspections:inspection_detail", args=[large.pk]))


INSPECTION_PAGE_QUERIES = 16


def test_party_asks_for_a_later_deadline_and_the_inspector_sees_it_prefilled(inspector, enterprise_user):
    _inspection, order = ordered(inspector, deadline_days=10)
    wished = TODAY + datetime.timedelta(days=40)
    url = reverse("inspections:party_compliance_upload", args=[order.pk])
    response = _client(enterprise_user).post(url, {"wished_deadline": wished.isoformat(), "reason": ""})
    assert response.status_code == 200 and response.context["extension"].errors["reason"]
    response = _client(enterprise_user).post(
        url, {"wished_deadline": wished.isoformat(), "reason": "BHT-en kan først i mars."}
    )
    assert response.status_code == 302
    page = _client(inspector).get(reverse("inspections:order_detail", args=[order.pk]))
    assert "BHT-en kan først i mars." in page.content.decode()
    form = page.context["extension_form"]
    assert form.initial["new_deadline"] == wished.isoformat() and form.initial["reason"] == "BHT-en kan først i mars."
