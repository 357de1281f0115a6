"""Template helpers shared by every app's pages."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """The current URL's query string with `page` set to `number` (filters and search kept)."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()
