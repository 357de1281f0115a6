"""Template tags for the provider's pages (the start page's requests to answer, and its
decisions with letters, appeals and where each appeal stands)."""

from django import template
from django.utils import timezone

from approvals.selectors.cases import provider_decisions as _decisions
from approvals.selectors.cases import provider_open_requests

register = template.Library()


@register.inclusion_tag("approvals/provider/_decisions.html", takes_context=True)
def provider_decisions(context):
    """The signed-in provider user's requests to answer (with deadlines) and decisions with
    letter download, appeal links and appeal status
    (for a provider page: {% load provider_tags %}{% provider_decisions %})."""
    user = context["request"].user
    provider_id = getattr(user, "provider_id", None)
    decisions = _decisions(provider_id=provider_id) if provider_id else []
    today = timezone.localdate()
    for d in decisions:
        d.appealable = d.is_appealable(on=today)
        d.late = d.appeal_deadline_passed(on=today)
    return {"decisions": decisions, "requests": provider_open_requests(provider_id=provider_id) if provider_id else []}
