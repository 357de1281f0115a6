"""The messages page (/konto/meldinger/): each recipient sees the notices sent to them or to
their organisation, never another's; search, pagination, empty state, a pinned query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.services import notification_queue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("notifications")


def _notice(key, *, org="", users=(), subject="Sak 2026/0001: mer informasjon trengs", body="Tekst", to=("x@test.no",)):
    return notification_queue(
        key=key, kind="test", to=list(to), subject=subject, body=body, recipient_org=org, recipient_user_ids=users
    )


def _get(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


def test_provider_user_sees_the_organisation_and_own_notices_only(provider_client, provider_user, other_provider_user):
    mine = _notice("a", org=provider_user.provider.orgnr, subject="Til vår BHT")
    personal = _notice("b", users=[provider_user.pk], subject="Kvittering til meg")
    _notice("c", org=other_provider_user.provider.orgnr, subject="Til en annen BHT")
    _notice("d", users=[other_provider_user.pk], subject="Til en annen bruker")
    response, _n = _get(provider_client)
    assert list(response.context["page"].object_list) == [personal, mine]
    html = response.content.decode()
    assert "Til vår BHT" in html and "Kvittering til meg" in html and "annen" not in html


def test_handler_sees_what_was_sent_to_them(handler_client, case_handler):
    _notice("a", users=[case_handler.pk], subject="Klage mottatt", to=())
    _notice("b", org="974760673", subject="Til en BHT")
    html = _get(handler_client)[0].content.decode()
    assert "Klage mottatt" in html and "Til en BHT" not in html
    assert "Kunne ikke sendes på e-post" in html  # no address: the portal copy is the notice


def test_signed_out_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_empty_state_and_no_match(provider_client, provider_user):
    assert "Ingen meldinger ennå." in _get(provider_client)[0].content.decode()
    _notice("a", org=provider_user.provider.orgnr)
    assert "Ingen meldinger passer til søket." in _get(provider_client, q="finnes ikke")[0].content.decode()


def test_search_subject_and_text(provider_client, provider_user):
    org = provider_user.provider.orgnr
    _notice("a", org=org, subject="Sak 2026/0007: varsel om tilbakekall")
    _notice("b", org=org, subject="Kvittering", body="Saksnummeret er 2026/0042.")
    _notice("c", org=org, subject="Noe annet")
    assert [n.key for n in _get(provider_client, q="2026/00")[0].context["page"].object_list] == ["b", "a"]
    assert [n.key for n in _get(provider_client, q="TILBAKEKALL")[0].context["page"].object_list] == ["a"]


def test_body_is_escaped(provider_client, provider_user):
    _notice("a", org=provider_user.provider.orgnr, body="<script>alert(1)</script>")
    html = _get(provider_client)[0].content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


PINNED = 5  # session, user, provider, count, page rows


def test_query_count_is_pinned_and_flat_and_it_paginates(client):
    user = UserFactory(provider_user=True)
    client.force_login(user)
    org = user.provider.orgnr
    for i in range(11):
        _notice(f"n{i}", org=org if i % 2 else "", users=[] if i % 2 else [user.pk], to=[f"p{i}@test.no", "b@test.no"])
    small_response, small = _get(client)
    assert not small_response.context["page"].has_other_pages()
    for i in range(11, 33):
        _notice(f"n{i}", org=org if i % 2 else "", users=[] if i % 2 else [user.pk])
    large_response, large = _get(client)
    assert (small, large) == (PINNED, PINNED)
    page = large_response.context["page"]
    assert page.paginator.count == 33 and len(page.object_list) == 20
    assert "page=2" in large_response.content.decode()
    second, _n = _get(client, page=2)
    assert len(second.context["page"].object_list) == 13
