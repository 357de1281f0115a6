"""Clients told when an approval ends (issue 13): every enterprise on the provider's client
list gets a notice through the outbox, once per approval and enterprise. Called from the expiry
job (services/lifecycle.py) and from a revocation (services/cases.py), in their transaction."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from approvals.models import Approval, ApprovalStatus
from approvals.selectors import coverage
from core.official import in_official_language, official_date
from enterprises.models import Enterprise
from notifications.services import notification_queue


def _portal_url(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def approval_end_day(approval: Approval) -> datetime.date:
    """The first day the provider is no longer approved by `approval`."""
    if approval.status == ApprovalStatus.EXPIRED or approval.ended_at is None:
        return approval.valid_until + datetime.timedelta(days=1)
    return min(timezone.localdate(approval.ended_at), approval.valid_until + datetime.timedelta(days=1))


@in_official_language
def approval_clients_notify(*, approval: Approval) -> int:
    """Tell every enterprise on the provider's client list on its last approved day that its
    BHT is no longer approved and what to do (issue 13). Through the outbox, keyed per approval
    and enterprise: a second run (the job again, a retry) sends nothing more. Inside the
    caller's transaction; returns the number of enterprises queued now or before."""
    last_day = approval_end_day(approval) - datetime.timedelta(days=1)
    orgnrs = sorted(
        set(
            coverage.affiliated_enterprises_of(provider=approval.provider, day=last_day).values_list(
                "enterprise_id", flat=True
            )
        )
    )
    if not orgnrs:
        return 0
    names = dict(Enterprise.objects.filter(orgnr__in=orgnrs).values_list("orgnr", "name"))
    users: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, email, orgnr in User.objects.filter(
        role=Role.ENTERPRISE, is_active=True, enterprise_orgnr__in=orgnrs
    ).values_list("pk", "email", "enterprise_orgnr"):
        users[orgnr].append((pk, email))
    revoked = approval.status == ApprovalStatus.REVOKED
    ended = official_date(approval_end_day(approval))
    subject = _("Your occupational health service %(provider)s is no longer approved") % {
        "provider": approval.provider.name
    }
    for orgnr in orgnrs:
        body = render_to_string(
            "approvals/lifecycle/email/client_approval_ended.txt",
            {
                "provider": approval.provider,
                "enterprise_name": names.get(orgnr, orgnr),
                "orgnr": orgnr,
                "ended": ended,
                "revoked": revoked,
                "register_url": _portal_url("/godkjente-bht/"),
                "own_url": _portal_url("/virksomhet/var-bht/"),
            },
        )
        notification_queue(
            key=f"approval-ended-client:{approval.pk}:{orgnr}",
            to=[email for _pk, email in users.get(orgnr, [])],
            subject=subject,
            body=body,
            kind="approval_ended_client",
            recipient_org=orgnr,
            recipient_user_ids=[pk for pk, _email in users.get(orgnr, [])],
        )
    return len(orgnrs)
