"""The provider's pages: list, edit form (formsets, percent/comma input, errors keep input),
live rule panel, documents (upload checks, download access), submission and receipt."""

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.documents import minimal_pdf
from approvals.models import Application, ApplicationStatus, Case, DocumentKind
from tests.approvals.factories import ApplicationFactory, add_documents, add_roster, mark_submitted
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db

STAFF_KEYS = (
    "name",
    "profession",
    "hpr_number",
    "fte",
    "fte_occupational_medicine",
    "fte_occupational_hygiene",
    "fte_ergonomics",
    "fte_psychosocial",
    "fte_systematic_hse",
    "employment",
    "training_completed_on",
)


def form_data(application, staff=(), departments=None, **org):
    data = {
        "org-orgnr": application.orgnr,
        "org-name": application.name,
        "org-form": "external",
        "org-street_address": "Storgata 1",
        "org-postcode": "0155",
        "org-city": "Oslo",
        "org-municipality_number": "0301",
        "org-contact_person": "Kari Kontakt",
        "org-email": "post@bht.test",
        "org-phone": "22 00 00 00",
        "dep-TOTAL_FORMS": "1",
        "dep-INITIAL_FORMS": "0",
        "dep-0-name": "Oslo",
        "dep-0-municipality_number": "0301",
        "staff-TOTAL_FORMS": str(len(staff)),
        "staff-INITIAL_FORMS": "0",
    }
    data.update({f"org-{k}": v for k, v in org.items()})
    if departments is not None:
        data["dep-TOTAL_FORMS"] = str(len(departments))
        data.pop("dep-0-name")
        data.pop("dep-0-municipality_number")
        for i, dep in enumerate(departments):
            data.update({f"dep-{i}-{k}": v for k, v in dep.items()})
    for i, row in enumerate(staff):
        full = {"employment": "permanent", "profession": "occupational_physician", **row}
        data.update({f"staff-{i}-{k}": v for k, v in full.items()})
    return data


ROSTER = [
    {
        "name": "Lege",
        "fte": "100 %",
        "fte_occupational_medicine": "80",
        "fte_systematic_hse": "0,2",
        "training_completed_on": "2024-01-15",
    },
    {
        "name": "Hygieniker",
        "fte": "1",
        "fte_occupational_hygiene": "0.8",
        "fte_systematic_hse": "20 %",
        "training_completed_on": "15.01.2024",
    },
    {"name": "Fysio", "fte": "0,8", "fte_ergonomics": "80 %", "training_completed_on": "2024-01-15"},
    {
        "name": "Psykolog",
        "fte": "80",
        "fte_psychosocial": "60",
        "fte_systematic_hse": "20",
        "training_completed_on": "2024-01-15",
    },
]


@pytest.fixture
def draft(provider_user):
    return ApplicationFactory(provider=provider_user.provider)


def rule_states(html: str) -> dict:
    return dict(re.findall(r'data-rule="(\w+)" data-passed="(\w+)"', html))


# ---------------------------------------------------------------- edit
def test_save_draft_with_percent_and_comma_input(provider_client, draft):
    response = provider_client.post(
        reverse("approvals:application_edit", args=[draft.pk]), form_data(draft, ROSTER, name="Ny BHT AS")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "Ny BHT AS"
    staff = {s.name: s for s in draft.staff.all()}
    from decimal import Decimal as D

    assert staff["Lege"].fte == D("1") and staff["Lege"].fte_occupational_medicine == D("0.8")
    assert staff["Lege"].fte_systematic_hse == D("0.2")
    assert staff["Hygieniker"].fte_systematic_hse == D("0.2")
    assert staff["Hygieniker"].training_completed_on.isoformat() == "2024-01-15"
    assert staff["Fysio"].fte == D("0.8") and staff["Fysio"].fte_ergonomics == D("0.8")
    assert staff["Psykolog"].fte == D("0.8") and staff["Psykolog"].fte_psychosocial == D("0.6")
    assert sum(s.fte for s in staff.values()) == D("3.6")
    # the page shows the saved values as percentages, and the rules pass except the documents
    page = provider_client.get(reverse("approvals:application_edit", args=[draft.pk])).content.decode()
    assert 'value="80 %"' in page
    states = rule_states(page)
    assert states["total_fte"] == "true" and states["quality_system"] == "false"


def test_validation_error_keeps_everything_typed_with_norwegian_messages(provider_client, draft):
    rows = [
        {
            "name": "Lege",
            "fte": "30 %",
            "fte_occupational_medicine": "0,2",
            "fte_psychosocial": "0,2",
            "hpr_number": "12ab",
        },
        {"name": "", "fte": "abc", "profession": "nurse"},
        {"name": "Ok Person", "fte": "120"},
    ]
    data = form_data(draft, rows, orgnr="123456789", email="ikke-epost")
    response = provider_client.post(reverse("approvals:application_edit", args=[draft.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    for typed in (
        'value="30 %"',
        'value="0,2"',
        'value="12ab"',
        'value="abc"',
        'value="120"',
        'value="123456789"',
        'value="ikke-epost"',
        'value="Ok Person"',
    ):
        assert typed in html, typed
    for message in (
        "Årsverk per fagområde er til sammen 40 %, mer enn personens årsverk i BHT-en (30 %).",
        "HPR-nummeret har bare sifre",
        "Oppgi personens navn.",
        "Oppgi stillingsandel som prosent",
        "En person kan ha høyst 100 % stilling i BHT-en.",
        "Kontrollsifferet (det siste sifferet) stemmer ikke",
        "Oppgi en gyldig e-postadresse",
        "Utkastet ble ikke lagret",
    ):
        assert message in html, message
    assert draft.staff.count() == 0  # nothing half-saved


def test_add_row_keeps_input_and_adds_an_empty_row(provider_client, draft):
    data = form_data(draft, ROSTER[:1])
    data["add_staff"] = "1"
    response = provider_client.post(reverse("approvals:application_edit", args=[draft.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="staff-TOTAL_FORMS" value="2"' in html
    assert 'name="staff-1-name"' in html and 'value="Lege"' in html
    assert draft.staff.count() == 0


def test_remove_a_person(provider_client, draft):
    add_roster(draft)
    data = form_data(draft, ROSTER)
    data["staff-3-DELETE"] = "on"
    provider_client.post(reverse("approvals:application_edit", args=[draft.pk]), data)
    assert sorted(draft.staff.values_list("name", flat=True)) == ["Fysio", "Hygieniker", "Lege"]


def test_at_least_one_department(provider_client, draft):
    response = provider_client.post(
        reverse("approvals:application_edit", args=[draft.pk]), form_data(draft, ROSTER, departments=[])
    )
    assert response.status_code == 200
    assert "Legg til minst én avdeling." in response.content.decode()


def test_rule_panel_evaluates_unsaved_data(provider_client, draft):
    url = reverse("approvals:application_rule_panel", args=[draft.pk])
    add_documents(draft)
    few = provider_client.post(url, form_data(draft, ROSTER[:3])).content.decode()
    assert rule_states(few)["psychosocial_fte"] == "false"
    assert 'id="total-fte">2,8' in few
    full = provider_client.post(url, form_data(draft, ROSTER)).content.decode()
    assert rule_states(full)["psychosocial_fte"] == "true"
    assert "Alle kravene er oppfylt." in full
    assert draft.staff.count() == 0  # the panel never saves
    broken = provider_client.post(url, form_data(draft, [*ROSTER, {"name": "X", "fte": "abc"}])).content.decode()
    assert "Telles ikke med før det er rettet:" in broken and "<li>X: " in broken  # the person, named


def test_edit_page_has_the_live_panel_wired_with_htmx(provider_client, draft):
    html = provider_client.get(reverse("approvals:application_edit", args=[draft.pk])).content.decode()
    assert 'aria-live="polite"' in html and 'id="rule-panel"' in html
    assert f'hx-post="{reverse("approvals:application_rule_panel", args=[draft.pk])}"' in html
    assert "vendor/htmx/htmx.min.js" in html


def test_submitted_version_offers_no_edit(provider_client, provider_user):
    application = mark_submitted(ApplicationFactory(provider=provider_user.provider, approvable=True))
    response = provider_client.get(reverse("approvals:application_edit", args=[application.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "approvals:application_detail", args=[application.pk]
    )
    response = provider_client.post(
        reverse("approvals:application_edit", args=[application.pk]), form_data(application, ROSTER, name="Endret")
    )
    application.refresh_from_db()
    assert application.name != "Endret"
    detail = provider_client.get(reverse("approvals:application_detail", args=[application.pk])).content.decode()
    assert reverse("approvals:application_edit", args=[application.pk]) not in detail
    docs = provider_client.get(reverse("approvals:application_documents", args=[application.pk])).content.decode()
    assert 'enctype="multipart/form-data"' not in docs


# ---------------------------------------------------------------- other providers: 404
@pytest.mark.parametrize(
    "name, method",
    [
        ("approvals:application_detail", "get"),
        ("approvals:application_edit", "get"),
        ("approvals:application_edit", "post"),
        ("approvals:application_documents", "get"),
        ("approvals:application_submit", "get"),
        ("approvals:application_submit", "post"),
        ("approvals:application_receipt", "get"),
        ("approvals:application_rule_panel", "post"),
        ("approvals:application_revise", "post"),
    ],
)
def test_another_providers_application_is_404(other_provider_client, provider_user, name, method):
    theirs = ApplicationFactory(provider=provider_user.provider, approvable=True)
    response = getattr(other_provider_client, method)(reverse(name, args=[theirs.pk]))
    assert response.status_code == 404


def test_another_providers_document_is_404_but_handlers_may_download(
    other_provider_client, provider_client, handler_client, provider_user, client
):
    application = ApplicationFactory(provider=provider_user.provider)
    doc = add_documents(application)[0]
    url = reverse("approvals:document_download", args=[doc.pk])
    assert other_provider_client.get(url).status_code == 404
    assert (
        other_provider_client.post(
            reverse("approvals:application_document_delete", args=[application.pk, doc.pk])
        ).status_code
        == 404
    )
    for c in (provider_client, handler_client):
        response = c.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="quality_system.pdf"'
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert not doc.file.url.startswith("/dokumenter")  # the storage URL is never routed


def test_document_view_in_a_list_uses_the_original_name(provider_client, provider_user):
    application = ApplicationFactory(provider=provider_user.provider)
    response = provider_client.post(
        reverse("approvals:application_documents", args=[application.pk]),
        {
            "kind": "quality_system",
            "file": SimpleUploadedFile("Håndbok for kvalitet.pdf", minimal_pdf(), content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    doc = application.documents.get()
    download = provider_client.get(reverse("approvals:document_download", args=[doc.pk]))
    assert (
        "Håndbok for kvalitet.pdf" in download["Content-Disposition"]
        or "H%C3%A5ndbok" in download["Content-Disposition"]
    )
    html = provider_client.get(reverse("approvals:application_documents", args=[application.pk])).content.decode()
    assert "Håndbok for kvalitet.pdf" in html


# ---------------------------------------------------------------- uploads
def _pdf_with(**kwargs) -> bytes:
    from pypdf import PdfWriter
    from pypdf.actions import JavaScript

    w = PdfWriter()
    w.add_blank_page(200, 200)
    if kwargs.get("javascript"):
        w.add_open_action(JavaScript("app.alert(1)"))
    if kwargs.get("attachment"):
        w.add_attachment("virus.exe", b"MZ")
    if kwargs.get("password"):
        w.encrypt("hemmelig")
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"PK\x03\x04\x14\x00 this is a zip / docx renamed", "Filen er ikke en PDF"),
        (b"\x89PNG\r\n\x1a\n image", "Filen er ikke en PDF"),
        (b"%PDF-1.7\nnot really", "PDF-en kan ikke leses"),
        (b"", "Filen er tom"),
        ("javascript", "aktivt innhold"),
        ("attachment", "aktivt innhold"),
        ("password", "kryptert"),
    ],
    ids=["zip-renamed", "png-renamed", "broken", "empty", "javascript", "embedded-file", "encrypted"],
)
def test_upload_is_refused_with_a_reason(provider_client, provider_user, content, reason):
    if isinstance(content, str):
        content = _pdf_with(**{content: True})
    application = ApplicationFactory(provider=provider_user.provider)
    response = provider_client.post(
        reverse("approvals:application_documents", args=[application.pk]),
        {"kind": "expertise", "file": SimpleUploadedFile("dokumentasjon.pdf", content, content_type="application/pdf")},
    )
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert application.documents.count() == 0


def test_upload_over_twenty_megabytes_is_refused(provider_client, provider_user):
    application = ApplicationFactory(provider=provider_user.provider)
    big = minimal_pdf() + b"%" + b"0" * (20 * 1024 * 1024)
    response = provider_client.post(
        reverse("approvals:application_documents", args=[application.pk]),
        {"kind": "expertise", "file": SimpleUploadedFile("stor.pdf", big, content_type="application/pdf")},
    )
    assert response.status_code == 400
    assert "større enn 20 MB" in response.content.decode()


# ---------------------------------------------------------------- submit and receipt
def test_submit_without_js_shows_problems_then_receipt(
    provider_client, provider_user, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(provider=provider_user.provider, street_address="Storgata 1", postcode="0155")
    url = reverse("approvals:application_submit", args=[application.pk])
    response = provider_client.post(url, {"declaration_accepted": "on"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Søknaden kan ikke sendes inn ennå" in html
    assert "Legg til minst én avdeling." in html and 'data-rule="total_fte" data-passed="false"' in html
    application.departments.create(name="Oslo", municipality_number="0301")
    add_roster(application)
    add_documents(application, kinds=DocumentKind.values)
    with django_capture_on_commit_callbacks(execute=True):
        response = provider_client.post(url, {"declaration_accepted": "on"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    receipt = provider_client.get(response["Location"]).content.decode()
    assert application.case.case_number in receipt
    assert len(mail.outbox) == 1


def test_special_case_needs_an_explanation(provider_client, provider_user):
    application = ApplicationFactory(provider=provider_user.provider, street_address="Storgata 1", postcode="0155")
    response = provider_client.post(
        reverse("approvals:application_submit", args=[application.pk]),
        {"declaration_accepted": "on", "special_case_requested": "on", "special_case_explanation": ""},
    )
    assert response.status_code == 400
    assert "Forklar samarbeidet som dekker det som mangler." in response.content.decode()
    assert not Case.objects.exists()


def test_revise_after_information_request(provider_client, provider_user):
    application = mark_submitted(ApplicationFactory(provider=provider_user.provider, approvable=True))
    Case.objects.filter(pk=application.case_id).update(status="awaiting_information")
    detail = provider_client.get(reverse("approvals:application_detail", args=[application.pk])).content.decode()
    assert reverse("approvals:application_revise", args=[application.pk]) in detail
    response = provider_client.post(reverse("approvals:application_revise", args=[application.pk]))
    draft = Application.objects.get(previous=application)
    assert response["Location"] == reverse("approvals:application_edit", args=[draft.pk])
    assert draft.version == 2 and draft.staff.count() == 4


# ---------------------------------------------------------------- list
def test_list_shows_only_own_applications_and_searches(provider_client, provider_user):
    mine = mark_submitted(ApplicationFactory(provider=provider_user.provider, approvable=True))
    theirs = mark_submitted(ApplicationFactory(provider=ProviderFactory(), approvable=True))
    html = provider_client.get(reverse("approvals:application_list")).content.decode()
    assert mine.case.case_number in html and theirs.case.case_number not in html
    html = provider_client.get(reverse("approvals:application_list"), {"q": "finnes-ikke"}).content.decode()
    assert "Ingen søknader passer søket." in html


def test_empty_list(provider_client):
    html = provider_client.get(reverse("approvals:application_list")).content.decode()
    assert "Dere har ingen søknader ennå." in html


def test_list_query_count_is_bounded(provider_client, provider_user):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert provider_client.get(reverse("approvals:application_list")).status_code == 200
        return len(ctx)

    for _ in range(3):
        mark_submitted(ApplicationFactory(provider=provider_user.provider, approvable=True))
    small = count()
    for _ in range(6):
        mark_submitted(ApplicationFactory(provider=provider_user.provider, approvable=True))
    assert count() == small


def test_start_page_links_to_applications(provider_client):
    html = provider_client.get(reverse("start")).content.decode()
    assert reverse("approvals:application_list") in html


def test_create_draft_from_the_list(provider_client, provider_user):
    response = provider_client.post(reverse("approvals:application_create"))
    application = Application.objects.get(provider=provider_user.provider)
    assert response["Location"] == reverse("approvals:application_edit", args=[application.pk])
    assert application.orgnr == provider_user.provider.orgnr


def test_handlers_cannot_use_provider_pages(handler_client, provider_user):
    application = ApplicationFactory(provider=provider_user.provider)
    assert handler_client.get(reverse("approvals:application_edit", args=[application.pk])).status_code == 403
    assert handler_client.get(reverse("approvals:application_list")).status_code == 403
