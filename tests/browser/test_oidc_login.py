"""Browser journeys through a real OpenID Connect provider (npm oidc-provider on loopback):
a person logs in with "ID-porten", picks one of two organisations, submits as that provider,
switches to the other and cannot see the first one's drafts; staff log in with "Entra ID" and
their group decides what they reach; logout ends both sessions. axe on every new page."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from approvals.models import ApplicationStatus, DocumentKind
from tests.accounts.test_oidc_login import ORG_A, ORG_B, person, staff
from tests.approvals.factories import ApplicationFactory, add_documents, add_roster
from tests.factories import ProviderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def idporten(start_idp, live_server):
    idp = start_idp("idporten", base_url=live_server.url)
    idp.accounts = {"kari": person(), "ola": person(sub="ola-sub", name="Ola Uten Rett", orgs=())}
    return idp


@pytest.fixture
def entra(start_idp, live_server, settings):
    settings.OIDC_STAFF_GROUPS = {"case_handler": ["g-case"], "inspector": ["g-insp"], "operator": ["g-ops"]}
    idp = start_idp("entra", base_url=live_server.url)
    idp.accounts = {"sara": staff(), "nils": staff(sub="nils-sub", groups=["g-other"], email="nils@at.no")}
    return idp


def sign_in_at_idp(page, username):
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Test user").fill(username)
    page.get_by_role("button", name="Sign in").click()


def test_person_acts_for_one_organisation_then_the_other(page, idporten, axe_check):
    a = ProviderFactory(orgnr=ORG_A[0], name=ORG_A[1])
    ProviderFactory(orgnr=ORG_B[0], name=ORG_B[1])
    to_submit = ApplicationFactory(provider=a, street_address="Storgata 1", postcode="0155")
    to_submit.departments.create(name="Oslo", municipality_number="0301")
    add_roster(to_submit)
    add_documents(to_submit, kinds=DocumentKind.values)
    draft_a = ApplicationFactory(provider=a, street_address="Hemmelig gate 7")

    page.goto("/konto/login/")
    axe_check("login page with identity providers")
    page.get_by_role("link", name="Logg inn med ID-porten").click()
    sign_in_at_idp(page, "kari")

    expect(page.get_by_role("heading", level=1)).to_have_text("Hvem handler du på vegne av?")
    axe_check("organisation chooser")
    page.get_by_role("button", name=re.compile(ORG_A[1])).click()
    expect(page.get_by_test_id("acting-organisation")).to_contain_text(f"{ORG_A[1]} ({ORG_A[0]})")

    page.goto(f"/soknader/{to_submit.pk}/send-inn/")
    page.get_by_label("Vi erklærer at opplysningene er riktige", exact=False).check()
    page.get_by_role("button", name="Send inn søknaden").click()
    page.wait_for_url("**/kvittering/")
    to_submit.refresh_from_db()
    assert to_submit.status == ApplicationStatus.SUBMITTED
    assert to_submit.submitted_by == User.objects.get(oidc_sub="kari-sub")

    page.goto("/soknader/")
    expect(page.get_by_role("link", name=re.compile(str(draft_a.pk))).first).to_be_visible()

    page.get_by_role("link", name="Bytt virksomhet").click()
    page.get_by_role("button", name=re.compile(ORG_B[1])).click()
    expect(page.get_by_test_id("acting-organisation")).to_contain_text(ORG_B[1])
    page.goto("/soknader/")
    expect(page.locator("main")).not_to_contain_text(ORG_A[1])
    assert page.goto(f"/soknader/{draft_a.pk}/").status == 404


def test_person_without_rights_sees_how_to_get_them(page, idporten, axe_check):
    page.goto("/konto/oidc/idporten/login/")
    sign_in_at_idp(page, "ola")
    expect(page.get_by_role("heading", level=1)).to_have_text("Du har ikke tilgang for en virksomhet ennå")
    expect(page.locator("main")).to_contain_text("Altinn")
    axe_check("no organisation page")


def test_logout_ends_both_sessions(page, idporten):
    page.goto("/konto/oidc/idporten/login/")
    sign_in_at_idp(page, "kari")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hvem handler du på vegne av?")
    page.get_by_role("button", name="Logg ut").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du er logget ut")
    assert page.goto("/konto/organisasjon/").url.startswith(page.url.split("/konto/")[0] + "/konto/login/")
    # The provider forgot Kari too: logging in again asks who she is.
    page.goto("/konto/oidc/idporten/login/")
    expect(page.get_by_label("Test user")).to_be_visible()


def test_case_handler_group_reaches_the_queue(page, entra):
    page.goto("/konto/login/")
    page.get_by_role("link", name="Logg inn som ansatt i Arbeidstilsynet").click()
    sign_in_at_idp(page, "sara")
    page.goto("/saker/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Saksliste")


def test_staff_in_no_group_reaches_nothing(page, entra, axe_check):
    page.goto("/konto/oidc/entra/login/")
    sign_in_at_idp(page, "nils")
    expect(page.get_by_role("heading", level=1)).to_have_text("Du har ingen rolle i BHT-portalen")
    axe_check("staff without role")
    page.goto("/saker/")
    assert "/konto/login/" in page.url


def test_provider_down_page(page, idporten, axe_check):
    idporten.stop()
    page.goto("/konto/oidc/idporten/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Innlogging er ikke tilgjengelig akkurat nå")
    axe_check("provider down")


def test_demo_login_buttons_under_debug(page, settings, axe_check):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo")
    page.goto("/konto/login/")
    expect(page.get_by_role("heading", name="Demo: logg inn med ett klikk")).to_be_visible()
    axe_check("login page with demo buttons")
    page.get_by_role("button", name=re.compile("Demo: Sara Saksbehandler")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Saksbehandler")
