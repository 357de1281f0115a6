"""Logging in through a real OpenID Connect provider (npm oidc-provider on loopback, standing in
for ID-porten/Ansattporten and Entra ID): the portal's side of the protocol, forged answers,
a provider that is down, rights taken away at the source, staff roles from groups."""

import logging

import pytest
import requests
from django.test import Client

from accounts import oidc
from accounts.models import Role, User
from approvals.models import Application
from providers.models import Provider
from tests.approvals.factories import ApplicationFactory
from tests.factories import ProviderFactory
from tests.oidc.idp import BHT_RESOURCE, ENTERPRISE_RESOURCE, altinn, through_idp

pytestmark = pytest.mark.django_db

ORG_A = ("988077917", "Demo BHT A AS")
ORG_B = ("974760673", "Demo BHT B AS")
ENTERPRISE = ("923609016", "Vanlig Virksomhet AS")
PID = "05056412345"


def person(sub="kari-sub", name="Kari Nordmann", acr="idporten-loa-substantial", orgs=(ORG_A, ORG_B), extra=()):
    details = [altinn(BHT_RESOURCE, *orgs)] if orgs else []
    if extra:
        details.append(altinn(ENTERPRISE_RESOURCE, *extra))
    return {"sub": sub, "name": name, "pid": PID, "acr": acr, "authorization_details": details}


def staff(sub="sara-sub", groups=("g-case",), email="sara@arbeidstilsynet.no"):
    return {"sub": sub, "name": "Sara Saksbehandler", "email": email, "groups": list(groups)}


@pytest.fixture
def idporten(start_idp):
    idp = start_idp("idporten")
    idp.accounts = {"kari": person(), "ola": person(sub="ola-sub", name="Ola Uten Rett", orgs=())}
    return idp


@pytest.fixture
def entra(start_idp, settings):
    settings.OIDC_STAFF_GROUPS = {"case_handler": ["g-case"], "inspector": ["g-insp"], "operator": ["g-ops"]}
    idp = start_idp("entra")
    idp.accounts = {"sara": staff(), "nils": staff(sub="nils-sub", groups=["g-other"], email="nils@at.no")}
    return idp


class Person:
    """A browser: the portal's test client plus the provider's cookies."""

    def __init__(self):
        self.portal = Client()
        self.at_idp = requests.Session()

    def login(self, provider: str, username: str | None, *, query: str = ""):
        start = self.portal.get(f"/konto/oidc/{provider}/login/{query}")
        if start.status_code != 302:
            return start
        callback = through_idp(self.at_idp, start["Location"], username=username, stop_at="http://testserver/")
        return self.portal.get(callback.removeprefix("http://testserver"))

    def logout(self):
        response = self.portal.post("/konto/logout/")
        if response["Location"].startswith("http"):
            back = through_idp(self.at_idp, response["Location"], username=None, stop_at="http://testserver/")
            return self.portal.get(back.removeprefix("http://testserver"))
        return self.portal.get(response["Location"])


def test_person_logs_in_chooses_organisation_and_acts_for_it(idporten):
    kari = Person()
    response = kari.login("idporten", "kari")
    assert response.status_code == 302 and response["Location"] == "/konto/organisasjon/"
    user = User.objects.get(oidc_sub="kari-sub")
    assert (user.oidc_provider, user.full_name, user.role, user.email) == (
        "idporten",
        "Kari Nordmann",
        Role.PERSON,
        None,
    )

    chooser = kari.portal.get("/konto/organisasjon/")
    assert chooser.status_code == 200
    assert "Demo BHT A AS" in chooser.content.decode() and "974760673" in chooser.content.decode()

    # Not a provider yet, but Altinn gave Kari the BHT service: the application flow starts.
    response = kari.portal.post("/konto/organisasjon/", {"orgnr": ORG_A[0]})
    assert response["Location"] == "/soknader/ny/"
    provider = Provider.objects.get(orgnr=ORG_A[0])
    user.refresh_from_db()
    assert (user.role, user.provider, user.acting_orgnr) == (Role.PROVIDER, provider, ORG_A[0])
    page = kari.portal.get("/soknader/ny/")
    assert page.status_code == 200 and "Demo BHT A AS" in page.content.decode()


def test_the_identity_number_is_never_stored(idporten, caplog):
    caplog.set_level(logging.DEBUG)
    kari = Person()
    kari.login("idporten", "kari")
    kari.portal.post("/konto/organisasjon/", {"orgnr": ORG_A[0]})
    user = User.objects.get(oidc_sub="kari-sub")
    rows = [str(vars(h)) for h in user.history.all()] + [str(vars(user))]
    assert not any(PID in row for row in rows)
    from django.contrib.sessions.models import Session

    assert not any(PID in str(s.get_decoded()) for s in Session.objects.all())
    assert PID not in caplog.text


def test_organisation_not_in_the_list_cannot_be_chosen(idporten):
    kari = Person()
    kari.login("idporten", "kari")
    response = kari.portal.post("/konto/organisasjon/", {"orgnr": ENTERPRISE[0]})
    assert response.status_code == 200
    assert User.objects.get(oidc_sub="kari-sub").role == Role.PERSON


def test_switching_organisation_changes_what_the_person_sees(idporten):
    a, b = ProviderFactory(orgnr=ORG_A[0], name=ORG_A[1]), ProviderFactory(orgnr=ORG_B[0], name=ORG_B[1])
    draft_a = ApplicationFactory(provider=a)
    kari = Person()
    kari.login("idporten", "kari")
    assert kari.portal.post("/konto/organisasjon/", {"orgnr": ORG_A[0]})["Location"] == "/konto/start/"
    assert kari.portal.get(f"/soknader/{draft_a.pk}/").status_code == 200
    kari.portal.post("/konto/organisasjon/", {"orgnr": ORG_B[0]})
    assert kari.portal.get(f"/soknader/{draft_a.pk}/").status_code == 404
    assert draft_a.pk not in [a.pk for a in kari.portal.get("/soknader/").context["page"].object_list]
    header = kari.portal.get("/konto/start/").content.decode()
    assert "Demo BHT B AS (974760673)" in header
    assert Application.objects.filter(provider=b).count() == 0


def test_single_organisation_is_chosen_at_once_and_enterprise_acts_as_enterprise(idporten):
    idporten.accounts = {"vera": person(sub="vera-sub", orgs=(), extra=(ENTERPRISE,))}
    vera = Person()
    response = vera.login("idporten", "vera")
    assert response["Location"] == "/konto/start/"
    user = User.objects.get(oidc_sub="vera-sub")
    assert (user.role, user.enterprise_orgnr, user.provider) == (Role.ENTERPRISE, ENTERPRISE[0], None)


def test_person_without_rights_gets_the_altinn_page(idporten):
    ola = Person()
    response = ola.login("idporten", "ola")
    assert response["Location"] == "/konto/organisasjon/ingen/"
    page = ola.portal.get("/konto/organisasjon/ingen/")
    assert page.status_code == 403 and "Altinn" in page.content.decode()
    assert ola.portal.get("/soknader/").status_code in (302, 403)


def test_rights_removed_at_the_source_are_gone_at_next_login(idporten):
    ProviderFactory(orgnr=ORG_A[0], name=ORG_A[1])
    kari = Person()
    kari.login("idporten", "kari")
    kari.portal.post("/konto/organisasjon/", {"orgnr": ORG_A[0]})
    assert User.objects.get(oidc_sub="kari-sub").role == Role.PROVIDER
    kari.logout()

    idporten.accounts = {"kari": person(orgs=(ORG_B,))}  # Altinn: no longer for A
    kari.login("idporten", "kari")
    user = User.objects.get(oidc_sub="kari-sub")
    assert user.acting_orgnr == ORG_B[0] and user.provider.orgnr == ORG_B[0]
    assert kari.portal.post("/konto/organisasjon/", {"orgnr": ORG_A[0]}).status_code == 200  # not offered
    assert User.objects.get(oidc_sub="kari-sub").acting_orgnr == ORG_B[0]


@pytest.mark.parametrize("mode", ["wrong_key", "wrong_audience", "wrong_issuer", "expired", "replay"])
def test_forged_id_token_is_refused(idporten, mode):
    if mode == "replay":  # a real token from an earlier login, with that login's nonce
        first = Person()
        first.login("idporten", "kari")
    idporten.forge(mode)
    response = Person().login("idporten", "kari")
    assert response.status_code == 400
    assert "_auth_user_id" not in response.wsgi_request.session
    if mode != "replay":
        assert not User.objects.filter(oidc_sub="kari-sub").exists()


def test_replayed_callback_is_refused(idporten):
    kari = Person()
    start = kari.portal.get("/konto/oidc/idporten/login/")
    callback = through_idp(kari.at_idp, start["Location"], username="kari", stop_at="http://testserver/")
    path = callback.removeprefix("http://testserver")
    assert kari.portal.get(path).status_code == 302
    kari.portal.logout()
    assert kari.portal.get(path).status_code == 400


def test_key_rotation_is_followed(idporten):
    Person().login("idporten", "kari")  # the portal has fetched and cached the first key
    old_kid = idporten.keys[0]["kid"]
    idporten.rotate_keys()
    assert idporten.keys[0]["kid"] != old_kid
    response = Person().login("idporten", "kari")
    assert response.status_code == 302 and response["Location"] == "/konto/organisasjon/"


def test_too_low_level_of_assurance(idporten, settings):
    ProviderFactory(orgnr=ORG_A[0], name=ORG_A[1])
    idporten.accounts = {"kari": person(acr="idporten-loa-low", orgs=(ORG_A,))}
    kari = Person()
    assert kari.login("idporten", "kari")["Location"] == "/konto/start/"
    draft = ApplicationFactory(provider=Provider.objects.get(orgnr=ORG_A[0]))
    page = kari.portal.get(f"/soknader/{draft.pk}/send-inn/")
    assert page.status_code == 403 and "acr=substantial" in page.content.decode()
    assert kari.portal.post(f"/soknader/{draft.pk}/send-inn/").status_code == 403
    assert kari.portal.post("/endringsmelding/").status_code == 403  # a change notice too
    draft.refresh_from_db()
    assert draft.is_draft

    # Step up: log in again at the provider (not its existing session), now with BankID.
    idporten.accounts = {"kari": person(acr="idporten-loa-high", orgs=(ORG_A,))}
    response = kari.login("idporten", "kari", query=f"?acr=substantial&next=/soknader/{draft.pk}/send-inn/")
    assert response["Location"] == f"/soknader/{draft.pk}/send-inn/"
    assert kari.portal.get(response["Location"]).status_code == 200

    idporten.accounts = {"kari": person(acr="idporten-loa-low", orgs=(ORG_A,))}
    settings.OIDC_MIN_ACR = "idporten-loa-substantial"  # a login below the minimum is refused at once
    assert Person().login("idporten", "kari").status_code == 400


def test_provider_down_gives_a_clear_page(idporten):
    idporten.stop()
    response = Person().portal.get("/konto/oidc/idporten/login/")
    assert response.status_code == 503
    assert "ID-porten" in response.content.decode()


def test_provider_down_during_the_token_exchange(idporten):
    kari = Person()
    start = kari.portal.get("/konto/oidc/idporten/login/")
    callback = through_idp(kari.at_idp, start["Location"], username="kari", stop_at="http://testserver/")
    idporten.stop()
    response = kari.portal.get(callback.removeprefix("http://testserver"))
    assert response.status_code == 503


def test_unconfigured_provider_is_404(settings):
    settings.OIDC_PROVIDERS = {"idporten": {}, "entra": {}}
    assert Client().get("/konto/oidc/idporten/login/").status_code == 404
    assert Client().get("/konto/oidc/nowhere/login/").status_code == 404


def test_logout_ends_the_session_at_the_provider_too(idporten):
    kari = Person()
    kari.login("idporten", "kari")
    page = kari.logout()
    assert page.status_code == 200 and "_auth_user_id" not in kari.portal.session
    # The provider's session is gone as well: the next login asks for the user again.
    start = kari.portal.get("/konto/oidc/idporten/login/")
    with pytest.raises(AssertionError, match="asked for a login"):
        through_idp(kari.at_idp, start["Location"], username=None, stop_at="http://testserver/")


# ---------------------------------------------------------------- staff (Entra ID)
def test_staff_role_comes_from_groups_and_goes_with_them(entra):
    sara = Person()
    assert sara.login("entra", "sara")["Location"] == "/konto/start/"
    user = User.objects.get(oidc_sub="sara-sub")
    assert (user.role, user.email, user.oidc_provider) == (Role.CASE_HANDLER, "sara@arbeidstilsynet.no", "entra")
    assert sara.portal.get("/saker/").status_code == 200
    sara.logout()

    entra.accounts = {"sara": staff(groups=["g-insp"])}
    sara.login("entra", "sara")
    assert User.objects.get(oidc_sub="sara-sub").role == Role.INSPECTOR
    assert sara.portal.get("/saker/").status_code == 403
    sara.logout()

    entra.accounts = {"sara": staff(groups=[])}
    response = sara.login("entra", "sara")
    assert response.status_code == 403
    assert not User.objects.get(oidc_sub="sara-sub").is_active
    assert sara.portal.get("/saker/").status_code == 302  # not logged in


def test_staff_in_no_group_reaches_nothing(entra):
    nils = Person()
    response = nils.login("entra", "nils")
    assert response.status_code == 403
    assert not User.objects.filter(oidc_sub="nils-sub").exists()
    assert nils.portal.get("/konto/start/").status_code == 302


def test_operator_group_gives_the_operator_role(entra):
    entra.accounts = {"olga": staff(sub="olga-sub", groups=["g-ops", "g-case"], email="olga@at.no")}
    Person().login("entra", "olga")
    user = User.objects.get(oidc_sub="olga-sub")
    assert (user.role, user.is_staff, user.is_superuser) == (Role.ADMIN, True, False)


def test_acr_ranks():
    assert oidc.acr_satisfies("idporten-loa-high", oidc.LOA_SUBSTANTIAL)
    assert oidc.acr_satisfies("idporten-loa-substantial", oidc.LOA_SUBSTANTIAL)
    assert not oidc.acr_satisfies("idporten-loa-low", oidc.LOA_SUBSTANTIAL)
    assert not oidc.acr_satisfies("", "")
    assert not oidc.acr_satisfies("Level4", oidc.LOA_SUBSTANTIAL)
