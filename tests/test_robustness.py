"""Odd and hostile input never gives a 500: page numbers, search terms, sort keys and filters,
ids in URLs, very long text, HTML in text that is shown again (autoescape), API bodies.

Runs on the demo data (`seed_demo`), once per module (the fixture from the page matrix).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import test_page_matrix as matrix
from tests.test_page_matrix import _client

demo = matrix.demo  # the module-scoped demo data fixture
demo_db = matrix.demo_db

SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"

# list and search pages, with a role that may open them
LISTS = [
    ("approvals:case_queue", "handler"),
    ("approvals:application_list", "provider_a"),
    ("approvals:register", "anon"),
    ("enterprises:dispensation_list", "handler"),
    ("approvals:followup_list", "handler"),
    ("inspections:order_list", "inspector"),
    ("inspections:inspection_list", "inspector"),
    ("jobs", "admin"),
    ("enterprises:obligation_check", "anon"),  # with q=<name>: the enterprise search results
]
ODD_PAGES = ["-1", "0", "abc", "1.5", "99999999", "9" * 5000, "", "%00", "1e3", "[]"]
ODD_TERMS = [
    "a" * 10_000,
    SCRIPT,
    "' OR 1=1 --",
    '"; DROP TABLE approvals_case; --',
    "%",
    "_",
    "\\",
    "nul\x00byte",
    "Ærlig Øst Å 😀",
    "   ",
]


def _ok(response, *allowed):
    allowed = allowed or (200,)
    assert response.status_code in allowed, f"{response.request['PATH_INFO']}: {response.status_code}"
    return response


@pytest.mark.parametrize(("name", "role"), LISTS)
def test_odd_page_numbers_give_a_page(demo_db, name, role):
    client = _client(role)
    base = {"q": "demo"} if name == "enterprises:obligation_check" else {}
    for page in ODD_PAGES:
        response = _ok(client.get(reverse(name), {**base, "page": page}))
        page_obj = response.context.get("page") or response.context.get("page_obj")
        assert page_obj is not None and page_obj.number >= 1, f"{name} page={page!r}"


@pytest.mark.parametrize(("name", "role"), LISTS)
def test_odd_search_terms_give_a_page_and_are_escaped(demo_db, name, role):
    client = _client(role)
    for term in ODD_TERMS:
        # a NUL character is refused for the whole site (PostgreSQL cannot take it): 400
        response = _ok(client.get(reverse(name), {"q": term}), *((400,) if "\x00" in term else (200,)))
        body = response.content.decode()
        assert SCRIPT not in body, f"{name}: the search term is echoed unescaped"


def test_odd_search_terms_on_csv_and_json(demo_db):
    client = _client("anon")
    for term in ODD_TERMS:
        expected = (400,) if "\x00" in term else (200,)
        _ok(client.get(reverse("approvals:register_csv"), {"q": term}), *expected)
        _ok(client.get(reverse("api:providers"), {"q": term}), *expected)
        _ok(client.get(reverse("api:providers"), {"municipality": term, "county": term}), *expected)


@pytest.mark.parametrize(
    ("name", "role", "params"),
    [
        ("approvals:case_queue", "handler", {"sort": "password"}),
        ("approvals:case_queue", "handler", {"sort": "-provider__users__password"}),
        ("approvals:case_queue", "handler", {"status": "nope", "assigned": "nope", "fails_rule": "maybe"}),
        ("approvals:register", "anon", {"municipality": "9999", "county": "xx", "sort": "nope"}),
        ("approvals:followup_list", "handler", {"status": "nope", "sort": "nope"}),
        ("inspections:order_list", "inspector", {"status": "nope", "sort": "nope"}),
        ("jobs", "admin", {"job": "nope", "status": "nope"}),
        ("enterprises:obligation_check", "anon", {"q": "41.000", "date": "2026-99-99", "standard": "SN1066"}),
        ("enterprises:obligation_check", "anon", {"q": "923609016", "date": "0001-01-01"}),
        ("enterprises:obligation_check", "anon", {"q": "99.999"}),
        ("enterprises:obligation_check", "anon", {"q": "923609017"}),  # checksum fails
        ("enterprises:dispensation_create", "handler", {"orgnr": SCRIPT}),
        ("approvals:application_documents", "provider_a", {"kind": SCRIPT}),
    ],
)
def test_unknown_sort_keys_and_filters_are_ignored(demo_db, name, role, params):
    kwargs = {"pk": demo_db["draft"]["pk"]} if name == "approvals:application_documents" else None
    response = _ok(_client(role).get(reverse(name, kwargs=kwargs), params))
    assert SCRIPT not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("handler", "/saker/abc/"),
        ("handler", "/saker/-1/"),
        ("handler", "/saker/99999999999999999999/"),
        ("handler", "/saker/9223372036854775808/vedtak"),
        ("handler", "/vedtak/99999999999999999999/brev.pdf"),
        ("provider_a", "/soknader/1e3/"),
        ("provider_a", "/soknader/99999999999999999999/"),
        ("provider_a", "/soknader/99999999999999999999/dokumenter/"),
        ("provider_a", "/dokumenter/99999999999999999999/"),
        ("provider_a", "/vedtak/99999999999999999999/klage"),
        ("provider_a", "/endringsmeldinger/99999999999999999999/"),
        ("inspector", "/tilsyn/99999999999999999999/"),
        ("inspector", "/tilsyn/palegg/99999999999999999999/"),
        ("inspector", "/tilsyn/palegg/x/"),
        ("admin", "/drift/jobber/%3Cscript%3E/kjor/"),
        ("anon", "/konto/password/reset/%00/%00/"),
    ],
)
def test_odd_ids_in_urls_are_404(demo_db, role, path):
    client = _client(role)
    method = client.post if path.endswith("/kjor/") else client.get
    _ok(method(path), 404, 400 if "%00" in path else 404)


@pytest.mark.parametrize(
    ("role", "name", "key", "data"),
    [
        ("provider_b", "approvals:renewal_start", "approval", {}),
        ("provider_a", "approvals:application_revise", "submitted", {}),
    ],
)
def test_huge_ids_in_post_urls_are_404(demo_db, role, name, key, data):
    kwargs = {k: 2**70 for k in demo_db[key]}
    _ok(_client(role).post(reverse(name, kwargs=kwargs), data), 404)


# ---------------------------------------------------------------- text shown again: escaped
def test_case_note_with_html_is_escaped_and_long_note_is_handled(demo_db):
    client = _client("handler")
    pk = demo_db["case"]["pk"]
    response = client.post(reverse("approvals:case_note_add", args=[pk]), {"text": SCRIPT})
    assert response.status_code == 302
    body = _ok(client.get(reverse("approvals:case_detail", args=[pk]))).content.decode()
    assert SCRIPT not in body and ESCAPED in body
    response = client.post(reverse("approvals:case_note_add", args=[pk]), {"text": "x" * 200_000})
    assert response.status_code == 302
    _ok(client.get(reverse("approvals:case_detail", args=[pk])))


def test_information_request_with_html_is_escaped_for_the_provider(demo_db):
    handler = _client("handler")
    pk = demo_db["case"]["pk"]
    response = handler.post(reverse("approvals:case_request_information", args=[pk]), {"message": SCRIPT + " Send CV."})
    assert response.status_code == 302
    for client, url in (
        (handler, reverse("approvals:case_detail", args=[pk])),
        (_client("provider_a"), reverse("approvals:application_detail", kwargs=demo_db["submitted"])),
        (_client("provider_a"), reverse("start")),
    ):
        assert SCRIPT not in _ok(client.get(url)).content.decode(), url


def test_appeal_with_html_and_very_long_text(demo_db):
    provider = _client("provider_a")
    url = reverse("approvals:appeal_create", kwargs=demo_db["rejection"])
    response = provider.post(url, {"text": SCRIPT + " " + "Vi er uenige. " * 20_000})
    assert response.status_code in (200, 302)
    assert SCRIPT not in _ok(provider.get(url)).content.decode()
    body = _ok(_client("handler").get(reverse("approvals:case_detail", args=[_case_of_rejection(demo_db)]))).content
    assert SCRIPT not in body.decode()


def _case_of_rejection(ids) -> int:
    from approvals.models import Decision

    return Decision.objects.get(pk=ids["rejection"]["pk"]).case_id


def test_compliance_documentation_and_followup_resolution_escaped(demo_db):
    inspector = _client("inspector")
    url = reverse("inspections:order_detail", kwargs=demo_db["order"])
    _ok(inspector.post(url, {"documentation": SCRIPT}), 302)
    assert SCRIPT not in _ok(inspector.get(url)).content.decode()

    handler = _client("handler")
    close = reverse("approvals:followup_close", kwargs=demo_db["followup"])
    _ok(handler.post(close, {"resolution": SCRIPT}), 302)
    body = _ok(handler.get(reverse("approvals:followup_list"), {"status": "all"})).content.decode()
    assert SCRIPT not in body and ESCAPED in body


def test_followup_close_does_not_redirect_off_site(demo_db):
    handler = _client("handler")
    close = reverse("approvals:followup_close", kwargs=demo_db["followup"])
    for target in ("https://evil.example/phish", "//evil.example/", "javascript:alert(1)"):
        response = handler.post(close, {"resolution": "Ringt.", "next": target})
        assert response.status_code == 302
        assert not response["Location"].startswith(("http", "//", "javascript")), response["Location"]
    response = handler.post(close, {"resolution": "Ringt.", "next": "/oppfolging/?status=all"})
    assert response["Location"] == "/oppfolging/?status=all"


def test_provider_edit_form_with_html_and_overlong_fields(demo_db):
    provider = _client("provider_a")
    url = reverse("approvals:application_edit", kwargs=demo_db["draft"])
    form = provider.get(url).context
    data = {}
    for f in (form["org_form"], form["dep_formset"], form["staff_formset"]):
        data.update(_form_data(f))
    data["org-contact_person"] = SCRIPT
    data["org-city"] = "x" * 10_000
    data["staff-0-name"] = SCRIPT
    data["staff-0-fte"] = "NaN"
    data["staff-1-fte"] = "1e400"
    data["dep-0-postcode"] = "' OR 1=1 --"
    response = provider.post(url, data)
    assert response.status_code in (200, 400)
    body = response.content.decode()
    assert SCRIPT not in body and ESCAPED in body
    # the live rule panel gets the same junk
    _ok(provider.post(reverse("approvals:application_rule_panel", kwargs=demo_db["draft"]), data))


def _form_data(form_or_formset) -> dict:
    from django.forms import BaseFormSet

    if isinstance(form_or_formset, BaseFormSet):
        data = {}
        mgmt = form_or_formset.management_form
        for name in mgmt.fields:
            data[mgmt.add_prefix(name)] = mgmt.initial.get(name, mgmt[name].value())
        for f in form_or_formset.forms:
            data.update(_form_data(f))
        return data
    data = {}
    for name in form_or_formset.fields:
        value = form_or_formset[name].value()
        if value is None or value is False:
            continue
        data[form_or_formset.add_prefix(name)] = "on" if value is True else value
    return data


def test_dispensation_form_with_junk(demo_db):
    client = _client("handler")
    url = reverse("enterprises:dispensation_create")
    for data in (
        {"orgnr": SCRIPT, "scope": "whole", "valid_from": "2026-01-01", "reason": SCRIPT},
        {"orgnr": "923609016", "scope": "nope", "valid_from": "2026-99-01", "reason": "x" * 100_000},
        {"orgnr": "9" * 5000, "scope": "whole", "valid_from": "0000-00-00", "valid_until": "abc", "reason": "r"},
    ):
        response = _ok(client.post(url, data))
        assert SCRIPT not in response.content.decode()


def test_change_notice_comment_with_html_is_escaped(demo_db):
    for client in (_client("provider_a"), _client("handler")):
        url = reverse("approvals:change_notice_detail", kwargs=demo_db["change_notice"])
        assert _ok(client.get(url))
    from approvals.models import ChangeNotice

    ChangeNotice.objects.filter(pk=demo_db["change_notice"]["pk"]).update(comment=SCRIPT)
    for client in (_client("provider_a"), _client("handler")):
        body = client.get(reverse("approvals:change_notice_detail", kwargs=demo_db["change_notice"])).content.decode()
        assert SCRIPT not in body and ESCAPED in body


def test_login_and_password_reset_with_junk(demo_db):
    client = _client("anon")
    for email in (SCRIPT, "a" * 10_000 + "@x.no", "' OR 1=1 --", "nul\x00@x.no"):
        response = _ok(client.post(reverse("accounts:login"), {"username": email, "password": email}))
        assert SCRIPT not in response.content.decode()
        _ok(client.post(reverse("accounts:password_reset"), {"email": email}), 200, 302)


# ---------------------------------------------------------------- APIs
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"orgnr": SCRIPT},
        {"orgnr": "' OR 1=1 --"},
        {"orgnr": "9" * 10_000},
        {"orgnr": "nul\x00"},
        {"nace": "' OR 1=1 --"},
        {"nace": "41.000", "date": "2026-02-30"},
        {"nace": "41.000", "standard": "SN1066"},
        {"nace": "41.000", "orgnr": "923609016"},
        {"nace": "\x00"},
    ],
)
def test_obligation_api_answers_4xx_with_a_message(demo_db, params):
    response = _ok(_client("anon").get(reverse("api:obligation"), params), 200, 400, 404)
    if any("\x00" in v for v in params.values()):
        assert response.status_code == 400  # refused before the API (bht_portal.middleware.MalformedRequestMiddleware)
        return
    assert "application/json" in response["Content-Type"]
    if response.status_code != 200:
        assert response.json()["error"]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        '{"staff": "everyone"}',
        '{"staff": [{"name": "A", "fte": "abc", "employment": "permanent", "training_completed": true}]}',
        '{"staff": [{"name": "A", "fte": "NaN", "employment": "permanent", "training_completed": true}]}',
        '{"staff": [{"name": "A", "fte": 1e400, "employment": "permanent", "training_completed": true}]}',
        '{"staff": [{"name": "A", "fte": -1, "employment": "permanent", "training_completed": true}]}',
        '{"staff": [{"name": "A", "fte": "1", "employment": "x", "training_completed": "yes",'
        ' "disciplines": {"ergonomics": "Infinity"}}]}',
        '{"staff": [{"name": "<script>", "fte": "1", "employment": "permanent", "training_completed": true,'
        ' "disciplines": {"nope": 1}}], "documents": {"quality_system": "maybe"}}',
        '{"staff": [' + ",".join(['{"name": "A"}'] * 2000) + "]}",
        '{"staff": ' + "[" * 500 + "]" * 500 + "}",
    ],
)
def test_rule_check_api_refuses_junk_with_400(demo_db, body):
    response = _client("anon").post(reverse("api:approvals_rule_check"), body, content_type="application/json")
    assert response.status_code == 400, response.status_code
    assert "<script>" not in response.content.decode() or response["Content-Type"].startswith("application/json")
