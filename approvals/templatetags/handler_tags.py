"""Template tags for the case handler's pages (the start page partial)."""

from django import template

from approvals.selectors.cases import handler_start_summary as _summary

register = template.Library()


@register.simple_tag(takes_context=True)
def handler_start_summary(context):
    """My open cases and the unassigned count, for approvals/handler/_start.html."""
    return _summary(user=context["request"].user)
