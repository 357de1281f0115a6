"""``{% load official %}`` ... ``{{ approval.valid_until|official_date }}`` in letters and e-mails."""

from django import template

from core.official import official_date as _official_date

register = template.Library()


@register.filter
def official_date(value):
    return _official_date(value)
