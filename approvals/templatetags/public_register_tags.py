"""The public register on other apps' pages (the obligation answer lists approved providers in
the enterprise's county): a template library, so the lower enterprises app needs no import of it."""

from django import template

from approvals.selectors.public_register import providers_approved_in_county

register = template.Library()


@register.simple_tag
def approved_providers_in_county(county_number: str, limit: int = 5) -> list:
    if not county_number:
        return []
    return providers_approved_in_county(county_number=county_number, limit=limit)
