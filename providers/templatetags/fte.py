"""{{ value|fte }}: an FTE (årsverk) as the portal shows it everywhere, with at most two
decimals, no trailing zeros and the language's decimal mark (0,33; 1; 3,6). One filter for
every page and letter."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def fte(value) -> str:
    if value in (None, ""):
        return ""
    try:
        rounded = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return str(value)
    return number_format(Decimal(f"{rounded.normalize():f}"))
