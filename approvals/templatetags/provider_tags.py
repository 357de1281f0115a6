"""Template tags for the provider's pages (the start page's decisions with letters and appeals)."""

from django import template
from django.utils import timezone

from approvals.selectors.cases import provider_decisions as _decisions

register = template.Library()


@register.inclusion_tag("approvals/provider/_decisions.html", takes_context=True)
def provider_decisions(context):
    """The signed-in provider user's decisions with letter download and appeal links
    (for a provider page: {% load provider_tags %}{% provider_decisions %})."""
    user = context["request"].user
    decisions = _decisions(provider_id=user.provider_id) if getattr(user, "provider_id", None) else []
    today = timezone.localdate()
    for d in decisions:
        d.appealable = d.is_appealable(on=today)
    return {"decisions": decisions}
