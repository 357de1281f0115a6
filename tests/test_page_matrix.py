"""The page matrix: every named URL of the project (admin aside) against every role, on the
demo data (`load_reference_data` + `seed_demo`).

The expectations table below is explicit: one row per URL name, one outcome per role. A URL
added to the project without a row here fails `test_every_named_url_has_an_expectation`.
Object-scoped URLs are resolved with provider A's ids, so the `provider_b` column checks that
another provider's user gets 404 for them (never 200 or 403, which would leak existence).

Outcomes: 200 (the page), LOGIN (302 to the login page), 403, 404, 405 (wrong method for an
allowed role), REDIRECT (302 elsewhere, e.g. after a POST step).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.html_checks import inline_code

ROLES = ("anon", "handler", "inspector", "provider_a", "provider_b", "enterprise", "admin")
EMAILS = {
    "handler": "saksbehandler@demo.no",
    "inspector": "inspektor@demo.no",
    "provider_a": "bht-a@demo.no",
    "provider_b": "bht-b@demo.no",
    "enterprise": "virksomhet@demo.no",
    "admin": "admin@demo.no",
}

EMAILS_ORGNR = "923609016"  # the demo enterprise user's enterprise
LOGIN = "login"
REDIRECT = "redirect"


def row(anon, handler, inspector, provider_a, provider_b, enterprise, admin) -> dict:
    return dict(zip(ROLES, (anon, handler, inspector, provider_a, provider_b, enterprise, admin), strict=True))


ALL_200 = row(200, 200, 200, 200, 200, 200, 200)
SIGNED_IN = row(LOGIN, 200, 200, 200, 200, 200, 200)
HANDLERS = row(LOGIN, 200, 403, 403, 403, 403, 200)
INSPECTORS = row(LOGIN, 403, 200, 403, 403, 403, 200)
PROVIDERS = row(LOGIN, 403, 403, 200, 200, 403, 403)
# object of provider A: B gets 404
OWN_PROVIDER = row(LOGIN, 403, 403, 200, 404, 403, 403)
# POST step of provider A's object: A is sent on (302), B gets 404
OWN_PROVIDER_POST = row(LOGIN, 403, 403, REDIRECT, 404, 403, 403)
HANDLERS_POST = row(LOGIN, REDIRECT, 403, 403, 403, 403, REDIRECT)
INSPECTORS_POST = row(LOGIN, 403, REDIRECT, 403, 403, 403, REDIRECT)
OVERSIGHT_INSPECTORS = row(LOGIN, 403, 200, 403, 403, 403, 200)
OVERSIGHT_STAFF = row(LOGIN, 200, 200, 403, 403, 403, 200)
ENTERPRISE_POST = row(LOGIN, 403, 403, 403, 403, REDIRECT, 403)

# name -> (kwargs key in the demo ids or None, method, query string, expected per role)
EXPECTED: dict[str, tuple[str | None, str, str, dict]] = {
    # ------------------------------------------------------------ public, accounts
    "home": (None, "get", "", ALL_200),
    "healthz": (None, "get", "", ALL_200),
    "set_language": (None, "get", "", row(*[REDIRECT] * 7)),
    "accounts:login": (None, "get", "", row(200, *[REDIRECT] * 6)),  # signed in: on to the start page
    "accounts:logout": (None, "get", "", row(*[405] * 7)),  # POST only
    "start": (None, "get", "", SIGNED_IN),
    "notifications": (None, "get", "", SIGNED_IN),
    "accounts:password_change": (None, "get", "", SIGNED_IN),
    "accounts:password_change_done": (None, "get", "", SIGNED_IN),
    "accounts:password_reset": (None, "get", "", ALL_200),
    "accounts:password_reset_done": (None, "get", "", ALL_200),
    "accounts:password_reset_confirm": ("reset", "get", "", ALL_200),  # invalid token: a page saying so
    "accounts:password_reset_complete": (None, "get", "", ALL_200),
    "accounts:logged_out": (None, "get", "", ALL_200),
    # no identity provider configured here (tests/accounts/test_oidc_login.py runs a real one)
    "accounts:oidc_login": ("oidc", "get", "", row(*[404] * 7)),
    "accounts:oidc_callback": ("oidc", "get", "", row(*[404] * 7)),
    # only for people who logged in through ID-porten
    "accounts:choose_organisation": (None, "get", "", row(LOGIN, *[404] * 6)),
    "accounts:no_organisation": (None, "get", "", row(LOGIN, *[404] * 6)),
    "accounts:demo_login": (None, "get", "", row(*[405] * 7)),  # POST only (and only with DEBUG)
    # ------------------------------------------------------------ API (JSON)
    "api:schema": (None, "get", "", ALL_200),
    "api:obligation": (None, "get", "orgnr=923609016", ALL_200),
    "api:ping": (None, "get", "", ALL_200),
    "api:providers": (None, "get", "", ALL_200),
    "api:approvals_rule_check": (None, "get", "", row(*[405] * 7)),  # POST only
    # ------------------------------------------------------------ enterprises
    "enterprises:obligation_check": (None, "get", "q=923609016", ALL_200),
    "enterprises:dispensation_list": (None, "get", "", row(LOGIN, 200, 403, 403, 403, 403, 403)),
    "enterprises:dispensation_create": (None, "get", "", row(LOGIN, 200, 403, 403, 403, 403, 403)),
    # ------------------------------------------------------------ provider side
    "approvals:application_list": (None, "get", "", PROVIDERS),
    "approvals:application_create": (None, "get", "", PROVIDERS),
    "approvals:application_detail": ("submitted", "get", "", OWN_PROVIDER),
    "approvals:application_edit": ("draft", "get", "", OWN_PROVIDER),
    "approvals:application_rule_panel": ("draft", "post", "", OWN_PROVIDER),
    "approvals:application_documents": ("draft", "get", "", OWN_PROVIDER),
    "approvals:application_document_delete": ("draft_document", "post", "", OWN_PROVIDER_POST),
    "approvals:application_submit": ("draft", "get", "", OWN_PROVIDER),
    "approvals:application_receipt": ("submitted", "get", "", OWN_PROVIDER),
    "approvals:application_revise": ("submitted", "post", "", OWN_PROVIDER_POST),
    "approvals:document_download": ("document", "get", "", row(LOGIN, 200, 403, 200, 404, 403, 200)),
    "approvals:change_notice_create": (None, "get", "", PROVIDERS),  # B: no valid approval, says so
    # live rule panel of the change notice: B has no valid approval (404)
    "approvals:change_notice_rule_panel": (None, "post", "", row(LOGIN, 403, 403, 200, 404, 403, 403)),
    # ------------------------------------------------------------ client lists (providers)
    "providers:client_list": (None, "get", "", PROVIDERS),
    "providers:client_add": (None, "post", "", row(LOGIN, 403, 403, 400, 400, 403, 403)),  # empty form
    "providers:client_upload": (None, "post", "", row(LOGIN, 403, 403, 400, 400, 403, 403)),  # no file
    "providers:upload_report": ("upload", "get", "", OWN_PROVIDER),
    "providers:upload_confirm": ("upload", "post", "", OWN_PROVIDER_POST),
    "providers:upload_discard": ("upload", "post", "", OWN_PROVIDER_POST),
    "providers:client_end": ("affiliation", "post", "", OWN_PROVIDER_POST),
    "providers:token_list": (None, "get", "", PROVIDERS),
    "providers:token_revoke": ("token", "post", "", OWN_PROVIDER_POST),
    "api:client_list": (None, "get", "", row(401, 403, 403, 200, 200, 403, 403)),
    # ------------------------------------------------------------ oversight
    "oversight:targeting_list": (None, "get", "", OVERSIGHT_INSPECTORS),
    "oversight:targeting_csv": (None, "get", "county=03", OVERSIGHT_INSPECTORS),
    "oversight:ended_approval_clients": (None, "get", "", OVERSIGHT_INSPECTORS),
    "oversight:as_of": (None, "get", "orgnr=988077917&date=2026-01-01", OVERSIGHT_STAFF),
    "oversight:statistics": (None, "get", "", OVERSIGHT_STAFF),
    "oversight:statistics_csv": ("statistic", "get", "", OVERSIGHT_STAFF),
    "oversight:enterprise_bht": (None, "get", "", row(LOGIN, 403, 403, 403, 403, 200, 403)),
    "oversight:enterprise_declare": (None, "post", "", row(LOGIN, 403, 403, 403, 403, 400, 403)),  # empty form
    "oversight:enterprise_confirm": ("enterprise_affiliation", "post", "", ENTERPRISE_POST),
    "oversight:enterprise_dispute": ("enterprise_affiliation", "post", "", ENTERPRISE_POST),
    "api:as_of_provider": (None, "get", "orgnr=988077917", row(403, 200, 200, 403, 403, 403, 200)),
    "api:as_of_enterprise": (None, "get", "orgnr=923609016", row(403, 200, 200, 403, 403, 200, 200)),
    # ------------------------------------------------------------ case handling, register
    "approvals:case_queue": (None, "get", "", HANDLERS),
    "approvals:case_detail": ("case", "get", "", HANDLERS),
    "approvals:case_assign": ("case", "post", "", HANDLERS_POST),
    "approvals:case_request_information": ("case", "post", "", HANDLERS_POST),
    "approvals:case_note_add": ("case", "post", "", HANDLERS_POST),
    "approvals:case_decide": ("case", "get", "", HANDLERS),
    "approvals:case_revocation_notify": ("case", "post", "", HANDLERS_POST),
    "approvals:case_revocation_drop": ("case", "post", "", HANDLERS_POST),
    "approvals:appeal_late_decide": ("appeal", "post", "", HANDLERS_POST),
    "approvals:appeal_reverse": ("appeal", "post", "", HANDLERS_POST),
    "approvals:appeal_forward": ("appeal", "post", "", HANDLERS_POST),
    "approvals:appeal_directorate": ("appeal", "post", "", HANDLERS_POST),
    "approvals:appeal_letter_download": ("appeal", "get", "", row(LOGIN, 200, 403, 200, 404, 403, 200)),
    "approvals:request_reply": ("request", "get", "", OWN_PROVIDER),
    "approvals:dispensation_apply": (None, "get", "", row(LOGIN, 403, 403, 403, 403, 200, 403)),
    "approvals:dispensation_case_list": (None, "get", "", HANDLERS),
    "approvals:dispensation_case_new": (None, "get", "", HANDLERS),
    "approvals:dispensation_case_detail": ("dispensation_case", "get", "", row(LOGIN, 200, 403, 403, 403, 200, 200)),
    "approvals:dispensation_letter_download": (
        "dispensation_case",
        "get",
        "",
        row(LOGIN, 200, 403, 403, 403, 200, 200),
    ),
    "approvals:request_letter_download": ("notice", "get", "", row(LOGIN, 200, 403, 200, 404, 403, 200)),
    "approvals:case_document_download": ("case_document", "get", "", row(LOGIN, 200, 403, 200, 404, 403, 200)),
    "approvals:letter_download": ("letter_decision", "get", "", row(LOGIN, 200, 403, 200, 404, 403, 200)),
    "approvals:appeal_create": ("rejection", "get", "", OWN_PROVIDER),
    "approvals:register": (None, "get", "", ALL_200),
    "approvals:register_csv": (None, "get", "", ALL_200),
    # ------------------------------------------------------------ inspections
    "inspections:inspection_list": (None, "get", "", INSPECTORS),
    "inspections:inspection_start": (None, "get", "q=923609016", INSPECTORS),
    "inspections:worklist": ("worklist", "get", "", INSPECTORS),
    "inspections:inspection_detail": ("inspection", "get", "", INSPECTORS),
    "inspections:checklist": ("inspection", "get", "", INSPECTORS),
    "inspections:finding_create": ("inspection", "post", "", INSPECTORS_POST),
    "inspections:finding_edit": ("finding", "get", "", INSPECTORS),
    "inspections:report_send": ("inspection", "post", "", INSPECTORS_POST),
    "inspections:order_create": ("inspection", "get", "", INSPECTORS),
    "inspections:reaction_create": ("inspection", "get", "", INSPECTORS),
    "inspections:followup_open": ("inspection", "post", "", INSPECTORS_POST),
    "inspections:inspection_close": ("inspection", "post", "", INSPECTORS_POST),
    "inspections:order_list": (None, "get", "", INSPECTORS),
    "inspections:order_detail": ("order", "get", "", INSPECTORS),
    "inspections:order_extend": ("order", "post", "", INSPECTORS_POST),
    "inspections:order_close": ("order", "post", "", INSPECTORS_POST),
    # the enterprise's (virksomhet@demo.no) report and a document of another enterprise
    "inspections:letter_download": ("enterprise_report", "get", "", row(LOGIN, 403, 200, 404, 404, 200, 200)),
    "inspections:document_download": ("other_document", "get", "", row(LOGIN, 403, 200, 404, 404, 404, 200)),
    "inspections:party_list": (None, "get", "", row(LOGIN, 403, 403, 200, 200, 200, 403)),
    # an inspection of provider A's BHT; an order to the enterprise
    "inspections:party_detail": ("provider_inspection", "get", "", row(LOGIN, 403, 403, 200, 404, 404, 403)),
    "inspections:party_compliance_upload": ("enterprise_order", "get", "", row(LOGIN, 403, 403, 404, 404, 200, 403)),
    # ------------------------------------------------------------ lifecycle
    "approvals:renewal_start": ("approval", "post", "", OWN_PROVIDER_POST),
    "approvals:change_notice_detail": ("change_notice", "get", "", row(LOGIN, 200, 403, 200, 404, 403, 200)),
    "approvals:followup_list": (None, "get", "", HANDLERS),
    "approvals:followup_close": ("followup", "post", "", HANDLERS_POST),
    "jobs": (None, "get", "", row(LOGIN, 403, 403, 403, 403, 403, 200)),
    "job_run_now": ("job", "post", "", row(LOGIN, 403, 403, 403, 403, 403, REDIRECT)),
}


def named_urls(resolver=None, namespace="") -> list[tuple[str, URLPattern]]:
    """Every named URL pattern of the project as `namespace:name`, the admin site left out."""
    resolver = resolver or get_resolver()
    found = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            found.extend(named_urls(p, ns))
        elif isinstance(p, URLPattern) and p.name:
            found.append((f"{namespace}{p.name}", p))
    return found


# ---------------------------------------------------------------- the demo data, once per module
def _extra_objects_for_provider_a(ids: dict) -> None:
    """What the demo lacks for a full matrix: a rejection with its letter and an appeal, a
    change notice and a follow-up task; the submitted case assigned (so it can be decided)."""
    from accounts.models import User
    from approvals.documents import minimal_pdf
    from approvals.models import (
        Appeal,
        Application,
        Approval,
        CaseDocument,
        CaseRequest,
        Decision,
        DecisionLetter,
        DecisionOutcome,
        DispensationCase,
        FollowUpTask,
        OutboxStatus,
    )
    from approvals.selectors.lifecycle import approval_current_roster
    from approvals.services import cases as case_services
    from approvals.services.lifecycle import change_notice_submit
    from inspections.models import Finding, Inspection, InspectionDocument, Order, Report
    from providers.models import Affiliation, ClientListUpload
    from providers.services import CONTACT_FIELDS, api_token_create
    from tests.approvals.factories import CaseFactory

    handler = User.objects.get(email=EMAILS["handler"])
    user_a = User.objects.get(email=EMAILS["provider_a"])
    provider_a = user_a.provider
    submitted = Application.objects.filter(provider=provider_a, status="submitted", case__status="submitted").first()
    case = case_services.case_assign(case=submitted.case, assignee=handler, actor=handler)
    draft = Application.objects.filter(provider=provider_a, status="draft").first()
    approval = Approval.objects.filter(provider=provider_a, status="valid").first()

    rejected_case = CaseFactory(provider=provider_a, status="rejected")
    rejection = Decision.objects.create(
        case=rejected_case,
        outcome=DecisionOutcome.REJECTED,
        decided_by=handler,
        decided_at=timezone.now(),
        valid_from=timezone.localdate(),
        justification="Ikke nok årsverk.",
    )
    letter = DecisionLetter(decision=rejection, status=OutboxStatus.DONE, pages=1, generated_at=timezone.now())
    letter.pdf.save("vedtak.pdf", ContentFile(minimal_pdf("Vedtak")), save=False)
    letter.save()
    # the appeal is on a second rejection, so the first one can still be appealed
    appealed = Decision.objects.create(
        case=CaseFactory(provider=provider_a, status="rejected"),
        outcome=DecisionOutcome.REJECTED,
        decided_by=handler,
        decided_at=timezone.now(),
        valid_from=timezone.localdate(),
        justification="Mangler kvalitetssystem.",
    )
    appeal = Appeal.objects.create(
        case=appealed.case, decision=appealed, submitted_by=user_a, submitted_at=timezone.now(), text="Vi klager."
    )
    appeal.directorate_letter.save("klagevedtak.pdf", ContentFile(minimal_pdf("Klagevedtak")), save=True)
    case_document = CaseDocument(case=appeal.case, appeal=appeal, original_name="vedlegg.pdf", size=1, sha256="0")
    case_document.file.save("vedlegg.pdf", ContentFile(minimal_pdf("Vedlegg")), save=True)
    request = case_services.case_request_information(
        case=CaseFactory(provider=provider_a, status="in_review"), actor=handler, message="Send avtalen."
    )
    notice = CaseRequest.objects.create(
        case=rejected_case,
        kind=CaseRequest.Kind.REVOCATION_NOTICE,
        text="Grunn.",
        intended="Tilbakekall.",
        deadline=timezone.localdate() + datetime.timedelta(days=21),
        sent_by=handler,
        sent_at=timezone.now(),
    )
    notice.letter.save("varsel.pdf", ContentFile(minimal_pdf("Varsel")), save=True)
    dispensation_case = DispensationCase.objects.get(enterprise_id="923609016")
    dispensation_case.letter.save("vedtak.pdf", ContentFile(minimal_pdf("Vedtak")), save=True)
    change_notice = change_notice_submit(
        approval=approval,
        actor=user_a,
        contact={**{f: getattr(provider_a, f) for f in CONTACT_FIELDS}, "phone": "99 99 99 99"},
        departments=[
            {
                "id": d.pk,
                **{f: getattr(d, f) for f in ("name", "street_address", "postcode", "city", "municipality_number")},
            }
            for d in provider_a.departments.all()
        ],
        staff=approval_current_roster(approval),
        comment="Ny telefon.",
    )
    task = FollowUpTask.objects.create(
        case=approval.case,
        approval=approval,
        change_notice=change_notice,
        title="Følg opp endringsmelding",
        failed_rules=[{"id": "total_fte", "message_nb": "x", "message_en": "x"}],
    )
    finding = Finding.objects.order_by("pk").first()
    token, _key = api_token_create(provider=provider_a, name="Demo", actor=user_a)
    ids.update(
        upload={"pk": ClientListUpload.objects.filter(provider=provider_a, status="reported").first().pk},
        affiliation={"pk": Affiliation.objects.filter(provider=provider_a).first().pk},
        token={"pk": token.pk},
        statistic={"name": "approvals-by-status"},
        enterprise_affiliation={"pk": Affiliation.objects.filter(enterprise_id=EMAILS_ORGNR).first().pk},
        case={"pk": case.pk},
        submitted={"pk": submitted.pk},
        draft={"pk": draft.pk},
        draft_document={"pk": draft.pk, "document_pk": draft.documents.first().pk},
        document={"pk": submitted.documents.first().pk},
        letter_decision={"pk": rejection.pk},
        rejection={"pk": rejection.pk},
        appeal={"pk": appeal.pk},
        request={"pk": request.pk},
        notice={"pk": notice.pk},
        dispensation_case={"pk": dispensation_case.pk},
        case_document={"pk": case_document.pk},
        approval={"approval_pk": approval.pk},
        change_notice={"pk": change_notice.pk},
        followup={"pk": task.pk},
        inspection={"pk": Inspection.objects.order_by("pk").first().pk},
        order={"pk": Order.objects.order_by("pk").first().pk},
        worklist={"key": "overdue"},
        finding={"pk": finding.inspection_id, "finding_pk": finding.pk},
        enterprise_report={"kind": "report", "pk": Report.objects.get(inspection__orgnr="923609016").pk},
        other_document={"pk": InspectionDocument.objects.exclude(inspection__orgnr="923609016").first().pk},
        provider_inspection={"pk": Inspection.objects.get(provider=provider_a).pk},
        enterprise_order={"pk": Order.objects.get(inspection__orgnr="923609016").pk},
        job={"name": "decision-letters-sweep"},
        reset={"uidb64": "MQ", "token": "not-a-token"},
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_demo once for the module, in a transaction rolled back at the end; each test runs
    in a savepoint inside it."""
    media = str(tmp_path_factory.mktemp("matrix-private"))
    ids: dict = {"media": media, "oidc": {"provider": "idporten"}}
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_reference_data", verbosity=0, stdout=_Null())
            call_command("seed_demo", stdout=_Null())
            _extra_objects_for_provider_a(ids)
            yield ids
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


class _Null:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


@pytest.fixture
def demo_db(demo, db, settings, _test_settings):
    settings.MEDIA_ROOT = demo["media"]  # the demo's stored PDFs
    cache.clear()  # throttling counters
    return demo


def _client(role: str) -> Client:
    from accounts.models import User

    c = Client()
    if role != "anon":
        c.force_login(User.objects.get(email=EMAILS[role]))
    return c


def _url(name: str, ids: dict) -> str:
    key, _method, query, _expected = EXPECTED[name]
    url = reverse(name, kwargs=ids[key] if key else None)
    return f"{url}?{query}" if query else url


def _check(response, expected, url: str) -> str | None:
    status = response.status_code
    if expected == LOGIN:
        ok = status == 302 and response["Location"].startswith(reverse("accounts:login") + "?next=")
    elif expected == REDIRECT:
        ok = status == 302 and not response["Location"].startswith(reverse("accounts:login"))
    else:
        ok = status == expected
    if ok:
        return None
    where = f" -> {response['Location']}" if status in (301, 302) else ""
    return f"{url}: expected {expected}, got {status}{where}"


# ---------------------------------------------------------------- tests
def test_every_named_url_has_an_expectation():
    names = {name for name, _p in named_urls()}
    missing = sorted(names - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - names)
    assert not missing, f"URL names without a row in EXPECTED (add one): {missing}"
    assert not stale, f"rows in EXPECTED for URL names that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_page_matrix(demo_db, name, role):
    url = _url(name, demo_db)
    _key, method, _query, expected = EXPECTED[name]
    response = getattr(_client(role), method)(url)
    problem = _check(response, expected[role], url)
    assert problem is None, f"{role}: {problem}"
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        blocked = inline_code(response.content.decode())
        assert not blocked, f"{role}: {url} has what the CSP blocks: {blocked}"


OBJECT_SCOPED = sorted(n for n, (key, *_rest) in EXPECTED.items() if key and EXPECTED[n][3]["provider_a"] != 403)


@pytest.mark.parametrize("name", [n for n in OBJECT_SCOPED if EXPECTED[n][3]["provider_b"] == 404])
def test_provider_b_gets_404_for_provider_a_objects_with_either_method(demo_db, name):
    """Whatever the method, another provider's id is a 404 (POST-only views included: the
    object is looked up before any method check answers)."""
    url = _url(name, demo_db)
    client = _client("provider_b")
    statuses = {method: getattr(client, method)(url).status_code for method in ("get", "post")}
    assert set(statuses.values()) <= {404, 405}, f"{url}: {statuses}"
    assert 404 in statuses.values(), f"{url}: {statuses}"


def test_provider_a_objects_are_listed_for_a_and_not_for_b(demo_db):
    """The list pages scope too: B's application list does not show A's applications."""
    from approvals.models import Application

    a_numbers = [
        a.case.case_number
        for a in Application.objects.filter(provider__orgnr="988077917", case__isnull=False).select_related("case")
    ]
    body_a = _client("provider_a").get(reverse("approvals:application_list")).content.decode()
    body_b = _client("provider_b").get(reverse("approvals:application_list")).content.decode()
    assert a_numbers and all(n in body_a for n in a_numbers)
    assert not any(n in body_b for n in a_numbers)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anon"])
def test_every_navigation_link_opens_for_its_role(demo_db, role):
    """The header offers a role only pages it may open (no link to a 403)."""
    client = _client(role)
    response = client.get(reverse("start"))
    links = [item["url"] for item in response.context["nav_role"] + response.context["nav_public"]]
    assert links
    for url in links:
        status = client.get(url).status_code
        if url.startswith("/admin/"):
            assert status == 200 if role == "admin" else status == 302, url
        else:
            assert status == 200, f"{role}: {url} -> {status}"


# ---------------------------------------------------------------- issue 14: the matrix extended
REFUSED = (LOGIN, 403, 404)
OTHER_METHODS = ("post", "put", "patch", "delete")
REFUSED_PAIRS = sorted(
    (name, role)
    for name, (_key, method, _query, expected) in EXPECTED.items()
    for role in ROLES
    if method == "get" and expected[role] in REFUSED
)


@pytest.mark.parametrize("name, role", REFUSED_PAIRS)
def test_a_refused_role_is_refused_with_every_method(demo_db, name, role):
    """A role refused a page (login, 403, or 404 for another's object) is refused the same
    way whatever the method: no POST, PUT, PATCH or DELETE gets past the access check."""
    url = _url(name, demo_db)
    expected = EXPECTED[name][3][role]
    client = _client(role)
    for method in OTHER_METHODS:
        response = getattr(client, method)(url)
        if expected == 404 and response.status_code == 405:
            continue  # the method is refused before the lookup: says nothing about the object
        problem = _check(response, expected, url)
        assert problem is None, f"{role} {method.upper()}: {problem}"


NAMED_KEYS = {"job", "reset", "statistic", "worklist"}  # ids that are names or tokens, not database ids


def _missing_ids(ids: dict) -> dict:
    return {k: (987654321 if isinstance(v, int) else v) for k, v in ids.items()}


MISSING_PAIRS = sorted(
    (name, role)
    for name, (key, _method, _query, _expected) in EXPECTED.items()
    if key and key not in NAMED_KEYS
    for role in ROLES
)


@pytest.mark.parametrize("name, role", MISSING_PAIRS)
def test_an_id_that_does_not_exist_is_404_never_200_or_500(demo_db, name, role):
    """Every object URL with an id nobody has: 404 for a role that may use the page (as for
    another provider's id, so existence never shows), the usual refusal for the others."""
    key, method, query, expected = EXPECTED[name]
    url = reverse(name, kwargs=_missing_ids(demo_db[key]))
    response = getattr(_client(role), method)(f"{url}?{query}" if query else url)
    want = expected[role] if expected[role] in (LOGIN, 403) else 404
    problem = _check(response, want, url)
    assert problem is None, f"{role}: {problem}"


def _admin_urls() -> list[str]:
    from django.contrib import admin

    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    return sorted(urls)


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_site_is_for_administrators_only(demo_db, role):
    """Every page of the admin site (index and each model's list): the administrator gets
    it, everyone else is sent to the admin's own login."""
    client = _client(role)
    for url in _admin_urls():
        response = client.get(url)
        if role == "admin":
            assert response.status_code == 200, f"{url}: {response.status_code}"
        else:
            assert response.status_code == 302, f"{role}: {url}: {response.status_code}"
            assert response["Location"].startswith(reverse("admin:login")), f"{role}: {url}"


def test_matrix_size():
    """The figures of the matrix (reported in issue 14's note)."""
    names = len(EXPECTED)
    print(
        f"page matrix: {names} URL names x {len(ROLES)} roles = {names * len(ROLES)}; "
        f"refused pairs x {len(OTHER_METHODS)} methods = {len(REFUSED_PAIRS) * len(OTHER_METHODS)}; "
        f"missing ids: {len(MISSING_PAIRS)}; admin pages: {len(_admin_urls())} x {len(ROLES)}"
    )
    assert names * len(ROLES) >= 350
