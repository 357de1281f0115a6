"""Header navigation that fits the user's role. Items name URL patterns (all must resolve)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

PUBLIC_ITEMS = [
    ("enterprises:obligation_check", _("Must we have BHT?")),
    ("approvals:register", _("Approved providers")),
]
ROLE_ITEMS = {
    Role.PROVIDER: [
        ("start", _("Start")),
        ("approvals:application_list", _("Applications")),
        ("approvals:change_notice_create", _("Change notice")),
        ("providers:client_list", _("Client list")),
        ("inspections:party_list", _("Inspections")),
        ("notifications", _("Messages")),
    ],
    Role.CASE_HANDLER: [
        ("start", _("Start")),
        ("approvals:case_queue", _("Case queue")),
        ("approvals:followup_list", _("Follow-up tasks")),
        ("approvals:dispensation_case_list", _("Dispensations")),
        ("oversight:statistics", _("Statistics")),
        ("oversight:as_of", _("Approved on a date?")),
        ("notifications", _("Messages")),
    ],
    Role.INSPECTOR: [
        ("start", _("Start")),
        ("inspections:inspection_start", _("Start an inspection")),
        ("inspections:inspection_list", _("Inspections")),
        ("inspections:order_list", _("Orders")),
        ("oversight:targeting_list", _("Targeting list")),
        ("oversight:ended_approval_clients", _("Ended approvals")),
        ("oversight:statistics", _("Statistics")),
        ("oversight:as_of", _("Approved on a date?")),
        ("notifications", _("Messages")),
    ],
    Role.ENTERPRISE: [
        ("start", _("Start")),
        ("oversight:enterprise_bht", _("Our BHT")),
        ("inspections:party_list", _("Inspections")),
    ],
    Role.ADMIN: [
        ("start", _("Start")),
        ("approvals:case_queue", _("Case queue")),
        ("jobs", _("Scheduled jobs")),
        ("admin:index", _("Administration")),
    ],
}


def _resolve(items, current_path):
    resolved = []
    for name, label in items:
        url = reverse(name)
        active = current_path == url or (url != "/" and current_path.startswith(url) and name != "start")
        resolved.append({"url": url, "label": label, "active": active})
    return resolved


def navigation(request):
    user = getattr(request, "user", None)
    role_items = ROLE_ITEMS.get(getattr(user, "role", None), []) if user and user.is_authenticated else []
    return {
        "nav_public": _resolve(PUBLIC_ITEMS, request.path),
        "nav_role": _resolve(role_items, request.path),
    }
