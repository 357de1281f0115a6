"""Template tags for the lifecycle partials included on other apps' pages (the provider's
start page, the case page): they load their own data through the selectors."""

from django import template

from approvals import rules
from approvals.selectors import lifecycle as selectors

register = template.Library()


@register.inclusion_tag("approvals/lifecycle/_provider_notices_body.html", takes_context=True)
def provider_notices(context):
    user = context.get("user") or getattr(context.get("request"), "user", None)
    notices = selectors.provider_notices(provider_id=user.provider_id) if user and user.provider_id else []
    seen = set()
    for n in notices:  # the renewal action on the newest reminder/expiry notice per approval only
        n.show_renewal_action = (
            n.kind in ("reminder", "expired") and n.approval_id not in seen and not n.renewal_submitted
        )
        if n.kind in ("reminder", "expired"):
            seen.add(n.approval_id)
    return {"notices": notices, "csrf_token": context.get("csrf_token"), "request": context.get("request")}


@register.inclusion_tag("approvals/lifecycle/_case_lifecycle_body.html", takes_context=True)
def case_lifecycle(context, case):
    return {**selectors.case_lifecycle(case), "user": context.get("user")}


@register.simple_tag
def rule_message(rule: dict) -> str:
    """A stored rule result (dict) in the current language."""
    return rules.in_language(rule.get("message_nb", ""), rule.get("message_en", ""))
