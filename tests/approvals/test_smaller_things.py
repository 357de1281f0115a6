"""Issue 11 item 11: the smaller things a user hits on the application pages."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from approvals.forms.provider import DocumentForm
from approvals.models import DocumentKind
from approvals.selectors.applications import REQUIRED_DOCUMENT_KINDS
from tests.approvals.factories import ApplicationFactory, add_roster
from tests.approvals.test_provider_views import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(provider_user):
    return ApplicationFactory(provider=provider_user.provider, street_address="", postcode="")


def test_adding_a_person_shows_no_error_banner(provider_client, draft):
    data = form_data(draft, [], departments=[], name="")  # nothing filled in yet
    data["add_staff"] = "1"
    html = provider_client.post(reverse("approvals:application_edit", args=[draft.pk]), data).content.decode()
    assert 'name="staff-TOTAL_FORMS" value="1"' in html
    assert "Noen felt må rettes" not in html
    assert "alert-danger" not in html and "is-invalid" not in html


def test_the_live_panel_names_the_person_and_the_problem(provider_client, draft):
    rows = [{"name": "Lise Lege", "fte": "30 %", "fte_occupational_medicine": "20", "fte_psychosocial": "20"}]
    html = provider_client.post(
        reverse("approvals:application_rule_panel", args=[draft.pk]), form_data(draft, rows)
    ).content.decode()
    assert "Lise Lege" in html
    assert "mer enn personens årsverk" in html
    assert "rad med feil" not in html


def test_the_error_is_shown_once_at_the_top_on_save(provider_client, draft):
    data = form_data(draft, [], email="ikke-epost")
    html = provider_client.post(reverse("approvals:application_edit", args=[draft.pk]), data).content.decode()
    assert html.count("Utkastet ble ikke lagret") == 1
    assert html.count('class="alert alert-danger') == 1


def test_a_cooperation_agreement_is_a_document_type_but_not_required():
    assert DocumentKind.COOPERATION_AGREEMENT in DocumentKind.values
    assert DocumentKind.COOPERATION_AGREEMENT not in REQUIRED_DOCUMENT_KINDS
    with translation.override("nb"):
        assert "samarbeidsavtale" in str(DocumentKind.COOPERATION_AGREEMENT.label).lower()
    form = DocumentForm(data={"kind": "cooperation_agreement"})
    form.is_valid()
    assert "kind" not in form.errors


def test_fte_is_shown_with_at_most_two_decimals_everywhere(provider_client, provider_user):
    from decimal import Decimal

    draft = ApplicationFactory(provider=provider_user.provider)
    add_roster(draft, roster=[("Tredel", "nurse", "", "0.333", {"systematic_hse": "0.333"})])
    html = provider_client.get(reverse("approvals:application_list")).content.decode()
    assert "0,333" not in html and "0,33" in html
    with translation.override("nb"):
        rendered = Template("{% load fte %}{{ v|fte }} {{ w|fte }}").render(Context({"v": Decimal("1.005"), "w": 3}))
    assert rendered == "1,01 3"


def test_warnings_for_the_case_handler_are_not_shown_to_the_provider(provider_client, provider_user):
    from approvals.selectors.applications import application_evaluate

    other = ApplicationFactory(submitted=True)  # another BHT counts the same HPR numbers
    draft = ApplicationFactory(provider=provider_user.provider)
    add_roster(draft)
    assert other.provider != draft.provider
    assert application_evaluate(application=draft).warnings  # the handler sees them on the case page
    for url in (
        reverse("approvals:application_edit", args=[draft.pk]),
        reverse("approvals:application_submit", args=[draft.pk]),
        reverse("approvals:application_detail", args=[draft.pk]),
    ):
        html = provider_client.get(url, follow=True).content.decode()
        assert "Advarsler til saksbehandleren" not in html, url
        assert "Warnings for the case handler" not in html, url
