"""Detail pages run a pinned number of queries however many staff, documents, events and notes a
case or an application has (no N+1; a new constant query shows as a changed number here)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.models import CaseEvent
from approvals.services.cases import case_note_add
from tests.approvals.factories import APPROVABLE_ROSTER, ApplicationFactory, CaseFactory, add_documents, add_roster

pytestmark = pytest.mark.django_db

# 21: with the current staffing (the latest change notice's roster check, issue 11 item 9), the
# capacity panel (oversight_tags.provider_capacity) and the requests to the provider (issue 11
# item 6; their replies and attachments prefetched)
CASE_PAGE_QUERIES = 21
# the application page, its edit form, documents, submission page (16: the check that no other
# case of the provider is pending, issue 11 item 10)
APPLICATION_PAGE_QUERIES = [9, 8, 4, 16]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_case_page_queries_do_not_grow(handler_client, case_handler):
    case = CaseFactory(status="in_review")
    url = f"/saker/{case.pk}/"
    small = _queries(handler_client, url)
    assert small == CASE_PAGE_QUERIES
    add_roster(case.applications.get(), APPROVABLE_ROSTER * 5)
    for i in range(10):
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.OTHER, actor=case_handler, message=str(i))
        case_note_add(case=case, author=case_handler, text=f"Notat {i}")
    assert _queries(handler_client, url) == small


def test_application_pages_queries_do_not_grow(provider_client, provider):
    application = ApplicationFactory(provider=provider, approvable=True)
    urls = [f"/soknader/{application.pk}/{suffix}" for suffix in ("", "rediger/", "dokumenter/", "send-inn/")]
    small = [_queries(provider_client, u) for u in urls]
    assert small == APPLICATION_PAGE_QUERIES
    add_roster(application, APPROVABLE_ROSTER * 5)
    add_documents(application, kinds=("expertise", "training_evidence", "client_cooperation") * 3)
    assert [_queries(provider_client, u) for u in urls] == small
