"""As-of-date answers from the approval history, and the clients told (once) when an approval ends."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from approvals import rules
from approvals.models import ApprovalStatus
from approvals.selectors.coverage import enterprise_bht_on, provider_approved_on
from approvals.services import lifecycle
from notifications.models import Notification
from providers import services
from tests.approvals.factories import ApprovalFactory
from tests.factories import ProviderFactory, UserFactory
from tests.providers.helpers import unit

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_rule_by_hand():
    kw = dict(valid_from=D(2020, 1, 1), valid_until=D(2024, 12, 31))
    assert rules.approval_covers(**kw, status="expired", ended_on=D(2025, 1, 1), day=D(2024, 12, 31))
    assert not rules.approval_covers(**kw, status="expired", ended_on=D(2025, 1, 1), day=D(2025, 1, 1))
    assert not rules.approval_covers(**kw, status="valid", ended_on=None, day=D(2019, 12, 31))
    # revoked on 1 March 2023: approved the day before, not on the day
    assert rules.approval_covers(**kw, status="revoked", ended_on=D(2023, 3, 1), day=D(2023, 2, 28))
    assert not rules.approval_covers(**kw, status="revoked", ended_on=D(2023, 3, 1), day=D(2023, 3, 1))


def _approval(provider, start: datetime.date, end: datetime.date, status=None, ended_at=None):
    a = ApprovalFactory(
        decision__case__provider=provider, decision__valid_from=start, decision__valid_until=end, status=status
    )
    if ended_at:
        a.ended_at = ended_at
        a.save(update_fields=["ended_at"])
    return a


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def test_provider_and_enterprise_on_a_date_from_the_history():
    p = ProviderFactory()
    _approval(p, D(2019, 1, 1), D(2023, 12, 31), status=ApprovalStatus.EXPIRED, ended_at=_at(D(2024, 1, 1)))
    _approval(p, D(2024, 3, 1), D(2029, 2, 28), status=ApprovalStatus.REVOKED, ended_at=_at(D(2025, 6, 15)))
    assert provider_approved_on(provider=p, day=D(2023, 12, 31)).approved
    assert not provider_approved_on(provider=p, day=D(2024, 2, 1)).approved  # the gap between approvals
    assert provider_approved_on(provider=p, day=D(2025, 6, 14)).approved
    assert not provider_approved_on(provider=p, day=D(2025, 6, 15)).approved  # revoked that day

    e = unit(1)
    services.affiliation_create(
        provider=p, orgnr=e.orgnr, actor=None, valid_from=D(2022, 1, 1), valid_to=D(2025, 12, 31)
    )
    assert enterprise_bht_on(orgnr=e.orgnr, day=D(2021, 12, 31)).has_approved_bht is False  # not yet listed
    assert enterprise_bht_on(orgnr=e.orgnr, day=D(2023, 6, 1)).approved_providers == [p]
    assert enterprise_bht_on(orgnr=e.orgnr, day=D(2024, 2, 1)).has_approved_bht is False  # listed, not approved
    assert enterprise_bht_on(orgnr=e.orgnr, day=D(2025, 1, 1)).has_approved_bht is True
    assert enterprise_bht_on(orgnr=e.orgnr, day=D(2025, 7, 1)).has_approved_bht is False


def test_as_of_page_and_api(client):
    p = ProviderFactory(orgnr="988077917")
    _approval(p, D(2019, 1, 1), D(2023, 12, 31), status=ApprovalStatus.EXPIRED, ended_at=_at(D(2024, 1, 1)))
    e = unit(1)
    services.affiliation_create(provider=p, orgnr=e.orgnr, actor=None, valid_from=D(2020, 1, 1))
    client.force_login(UserFactory(inspector=True))
    page = client.get(reverse("oversight:as_of"), {"orgnr": p.orgnr, "date": "2023-06-01"})
    assert page.context["provider_answer"].approved and 'data-testid="provider-as-of"' in page.content.decode()
    page = client.get(reverse("oversight:as_of"), {"orgnr": e.orgnr, "date": "2024-06-01"})
    assert page.context["enterprise_answer"].has_approved_bht is False
    api = client.get(reverse("api:as_of_provider"), {"orgnr": p.orgnr, "date": "2024-01-01"}).json()
    assert api["approved"] is False and len(api["approvals"]) == 1
    api = client.get(reverse("api:as_of_enterprise"), {"orgnr": e.orgnr, "date": "2023-01-01"}).json()
    assert api["has_approved_bht"] is True and api["providers"][0]["orgnr"] == p.orgnr
    assert client.get(reverse("api:as_of_enterprise"), {"orgnr": "923609017"}).status_code == 400
    assert client.get(reverse("api:as_of_provider"), {"orgnr": e.orgnr}).status_code == 404
    assert client.get(reverse("oversight:as_of"), {"orgnr": "889640782", "date": "2024-01-01"}).context["form"].errors


def test_an_enterprise_user_asks_the_api_only_about_itself(db):
    e = unit(1)
    user = UserFactory(enterprise_user=True, enterprise_orgnr=e.orgnr)
    c = Client()
    c.force_login(user)
    assert c.get(reverse("api:as_of_enterprise"), {"orgnr": e.orgnr}).json()["has_approved_bht"] is False
    assert c.get(reverse("api:as_of_enterprise"), {"orgnr": unit(2).orgnr}).status_code == 404
    assert c.get(reverse("api:as_of_provider"), {"orgnr": "988077917"}).status_code == 403
    assert Client().get(reverse("api:as_of_enterprise"), {"orgnr": e.orgnr}).status_code == 403


# ---------------------------------------------------------------- told when the approval ends
def _clients(provider, n):
    users = []
    for i in range(n):
        e = unit(i + 1)
        services.affiliation_create(provider=provider, orgnr=e.orgnr, actor=None, valid_from=D(2024, 1, 1))
        users.append(UserFactory(enterprise_user=True, enterprise_orgnr=e.orgnr, email=f"v{i}@virksomhet.test"))
    return users


def test_expiry_tells_every_client_exactly_once(django_capture_on_commit_callbacks, mailoutbox):
    p = ProviderFactory(name="Utløpt BHT AS")
    today = timezone.localdate()
    approval = _approval(p, D(2021, 1, 1), today - datetime.timedelta(days=1))
    users = _clients(p, 3)
    gone = unit(50)  # a former client, ended before: not told
    services.affiliation_create(
        provider=p, orgnr=gone.orgnr, actor=None, valid_from=D(2022, 1, 1), valid_to=D(2022, 12, 31)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert lifecycle.approvals_expire(today=today) == {"expired": 1}
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.approvals_expire(today=today)  # the job again: nothing more
        lifecycle.approval_clients_notify(approval=approval)  # a retry of the hook: nothing more
    notes = Notification.objects.filter(kind="approval_ended_client")
    assert sorted(notes.values_list("recipient_org", flat=True)) == sorted(u.enterprise_orgnr for u in users)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in users)
    assert "Utløpt BHT AS" in mailoutbox[0].subject
    # and the enterprise sees it in the portal
    c = Client()
    c.force_login(users[0])
    assert "Utløpt BHT AS" in c.get(reverse("oversight:enterprise_bht")).content.decode()
    # the inspectors' list has the three (no other approved provider)
    inspector = Client()
    inspector.force_login(UserFactory(inspector=True))
    listed = inspector.get(reverse("oversight:ended_approval_clients")).context["page"].paginator.count
    assert listed == 3


def test_revocation_tells_the_clients(django_capture_on_commit_callbacks):
    from approvals.rules import REQUIREMENTS_BY_ID
    from approvals.services import cases as case_services
    from tests.approvals.factories import CaseFactory

    p = ProviderFactory()
    case = CaseFactory(provider=p, status="revocation_notified")
    start = timezone.localdate() - datetime.timedelta(days=400)
    ApprovalFactory(
        decision__case=case, decision__valid_from=start, decision__valid_until=start.replace(year=start.year + 5)
    )
    _clients(p, 2)
    handler = UserFactory(case_handler=True)
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_revoke(
            case=case, actor=handler, reason="Kravene er ikke oppfylt.",
            assessments=[{"id": rid, "met": False, "assessment": "Ikke oppfylt."} for rid in REQUIREMENTS_BY_ID],
        )  # fmt: skip
    assert Notification.objects.filter(kind="approval_ended_client").count() == 2
    body = Notification.objects.filter(kind="approval_ended_client").first().body
    assert "tilbakekalt" in body
