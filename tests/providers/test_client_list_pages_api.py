"""The provider's client-list pages and the client-list API with per-provider keys."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from providers import services
from providers.models import Affiliation, ApiToken, ClientListUpload
from tests.factories import ProviderFactory, UserFactory
from tests.providers.helpers import unit

pytestmark = pytest.mark.django_db


def test_upload_report_confirm_through_the_pages(provider_client, provider):
    good, bankrupt = unit(1), unit(2, bankrupt=True)
    csv = f"{good.orgnr};01.01.2026;;12\n{bankrupt.orgnr}\n923609017\n".encode()
    response = provider_client.post(
        reverse("providers:client_upload"), {"file": SimpleUploadedFile("klienter.csv", csv, "text/csv")}
    )
    upload = ClientListUpload.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("providers:upload_report", args=[upload.pk])
    page = provider_client.get(response["Location"]).content.decode()
    assert 'data-reason="bankrupt_unit"' in page and 'data-reason="invalid_orgnr"' in page
    assert not Affiliation.objects.exists()
    provider_client.post(reverse("providers:upload_confirm", args=[upload.pk]))
    assert list(Affiliation.objects.values_list("enterprise_id", flat=True)) == [good.orgnr]
    listing = provider_client.get(reverse("providers:client_list")).content.decode()
    assert good.name in listing


def test_windows_1252_file_is_read(provider_client):
    good = unit(1)
    csv = f"Organisasjonsnummer;Fra\n{good.orgnr};01.01.2026\n".encode("cp1252")
    provider_client.post(reverse("providers:client_upload"), {"file": SimpleUploadedFile("k.csv", csv)})
    assert ClientListUpload.objects.get().accepted_count == 1


def test_add_by_hand_shows_the_reason_on_the_field(provider_client):
    response = provider_client.post(reverse("providers:client_add"), {"orgnr": "923609017"})
    assert response.status_code == 400
    assert "orgnr" in response.context["form"].errors


def test_another_providers_upload_is_404(provider, other_provider_client):
    upload = services.client_list_upload_check(provider=provider, lines=[f"{unit(1).orgnr}\n"], actor=None)
    for name in ("providers:upload_report",):
        assert other_provider_client.get(reverse(name, args=[upload.pk])).status_code == 404
    assert other_provider_client.post(reverse("providers:upload_confirm", args=[upload.pk])).status_code == 404
    assert not Affiliation.objects.exists()


# ---------------------------------------------------------------- API keys
def _api(key=None) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}") if key else Client()


def test_key_created_in_the_portal_is_stored_as_a_hash_only(provider_client, provider):
    response = provider_client.post(reverse("providers:token_list"), {"name": "Fagsystem"})
    key = response.context["new_key"]
    assert key.startswith("bht_") and len(key) > 40
    token = ApiToken.objects.get()
    assert token.provider == provider and key not in (token.key_hash, token.prefix) and token.prefix == key[:10]
    assert key not in provider_client.get(reverse("providers:token_list")).content.decode()  # shown once


def test_key_sends_checks_and_stores_the_list_then_revoked_it_no_longer_works(provider, provider_user):
    token, key = services.api_token_create(provider=provider, name="Fagsystem", actor=provider_user)
    good = unit(1)
    url = reverse("api:client_list")
    rows = {"rows": [{"orgnr": good.orgnr, "valid_from": "2026-01-01", "employees": 7}, {"orgnr": "923609017"}]}
    checked = _api(key).post(url, json.dumps(rows), content_type="application/json")
    assert checked.status_code == 200, checked.content
    assert (checked.json()["accepted"], checked.json()["refused"], checked.json()["stored"]) == (1, 1, None)
    assert checked.json()["refused_rows"][0]["reason"] == "invalid_orgnr"
    assert not Affiliation.objects.exists()
    stored = _api(key).post(url + "?confirm=true", json.dumps(rows), content_type="application/json")
    assert stored.json()["stored"] == 1
    listed = _api(key).get(url).json()
    assert listed["count"] == 1 and listed["results"][0]["orgnr"] == good.orgnr
    token.refresh_from_db()
    assert token.last_used_at is not None

    services.api_token_revoke(token=token, actor=provider_user)
    assert _api(key).get(url).status_code == 401
    assert _api("bht_not-a-key").get(url).status_code == 401


def test_csv_body_through_the_api(provider, provider_user):
    _token, key = services.api_token_create(provider=provider, name="x", actor=provider_user)
    good = unit(1)
    response = _api(key).post(
        reverse("api:client_list") + "?confirm=1", f"{good.orgnr};01.01.2026\n", content_type="text/csv"
    )
    assert response.json()["stored"] == 1


def test_another_providers_key_cannot_touch_this_list(provider, provider_user):
    mine = unit(1)
    services.affiliation_create(provider=provider, orgnr=mine.orgnr, actor=None)
    other = ProviderFactory()
    _t, other_key = services.api_token_create(
        provider=other, name="x", actor=UserFactory(role="provider", provider=other)
    )
    url = reverse("api:client_list")
    assert _api(other_key).get(url).json()["count"] == 0  # does not see this list
    rows = {"rows": [{"orgnr": unit(2).orgnr}]}
    _api(other_key).post(url + "?confirm=true", json.dumps(rows), content_type="application/json")
    assert list(Affiliation.objects.filter(provider=provider).values_list("enterprise_id", flat=True)) == [mine.orgnr]
    assert Affiliation.objects.filter(provider=other).count() == 1


def test_only_providers_may_use_the_client_list_api(provider_client, handler_client):
    url = reverse("api:client_list")
    assert provider_client.get(url).status_code == 200  # a provider user's session works too
    assert handler_client.get(url).status_code == 403
    assert Client().get(url).status_code in (401, 403)


def test_revoke_in_the_portal_is_own_provider_only(provider, provider_client, other_provider_client, provider_user):
    token, _key = services.api_token_create(provider=provider, name="x", actor=provider_user)
    assert other_provider_client.post(reverse("providers:token_revoke", args=[token.pk])).status_code == 404
    provider_client.post(reverse("providers:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
