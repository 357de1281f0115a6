from django import template
from django.utils import timezone

from enterprises.selectors import ORGNR, ObligationQueryError, obligation_answer

register = template.Library()


@register.simple_tag
def own_obligation_answer(user) -> dict:
    """The obligation answer for the signed-in enterprise user's own enterprise."""
    orgnr = getattr(user, "enterprise_orgnr", "")
    if not orgnr:
        return {}
    try:
        return {"answer": obligation_answer(orgnr, day=timezone.localdate(), kind=ORGNR)}
    except ObligationQueryError:
        return {}
