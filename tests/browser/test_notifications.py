"""Browser: a provider user opens Messages from the header, reads a notice, at desktop width
and at 390 px (no horizontal scroll), with axe on the page."""

import pytest

from notifications.services import notification_queue
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_provider_reads_a_notice(page, login, axe_check):
    user = UserFactory(provider_user=True, email="leser@test.no")
    notification_queue(
        key="information-request:1",
        kind="information_request",
        to=[user.email],
        subject="Sak 2026/0001: mer informasjon trengs",
        body="Arbeidstilsynet trenger mer informasjon.\n\n" + "Svært-langt-ord-uten-mellomrom-" * 8,
        recipient_org=user.provider.orgnr,
    )
    login(user.email, PASSWORD)
    page.get_by_role("link", name="Meldinger").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Meldinger"
    page.get_by_text("Sak 2026/0001: mer informasjon trengs").click()
    assert page.get_by_text("Arbeidstilsynet trenger mer informasjon.").is_visible()
    assert "Sendt på e-post til leser@test.no" in page.inner_text("#notifications")
    axe_check("messages page")
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe_check("messages page at 390 px")
