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
    """The signed-in provider user's decisions with letter download and appeal links
    (for a provider page: {% load approvals_handler %}{% provider_decisions %})."""
    from django.utils import timezone

    from approvals.selectors.cases import provider_decisions as _decisions

    user = context["request"].user
    decisions = _decisions(provider_id=user.provider_id) if getattr(user, "provider_id", None) else []
    today = timezone.localdate()
    for d in decisions:
        d.appealable = d.is_appealable(on=today)
    return {"decisions": decisions}
