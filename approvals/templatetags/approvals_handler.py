"""Template tags for the case handler's pages (the start page partial)."""

from django import template

from approvals.selectors.cases import handler_start_summary as _summary

register = template.Library()


@register.simple_tag(takes_context=True)
def handler_start_summary(context):
    """My open cases and the unassigned count, for approvals/handler/_start.html."""
    return _summary(user=context["request"].user)


@register.inclusion_tag("approvals/handler/_provider_decisions.html", takes_context=True)
def provider_decisions(context):
    """The signed-in provider user's requests to answer (with deadlines) and decisions with
    letter download, appeal links and where each appeal stands
    (for a provider page: {% load approvals_handler %}{% provider_decisions %})."""
    from django.utils import timezone

    from approvals.selectors.cases import provider_decisions as _decisions
    from approvals.selectors.cases import provider_open_requests

    user = context["request"].user
    provider_id = getattr(user, "provider_id", None)
    decisions = _decisions(provider_id=provider_id) if provider_id else []
    today = timezone.localdate()
    for d in decisions:
        d.appealable = d.is_appealable(on=today)
        d.late = d.appeal_is_late(on=today)
    return {"decisions": decisions, "requests": provider_open_requests(provider_id=provider_id) if provider_id else []}
