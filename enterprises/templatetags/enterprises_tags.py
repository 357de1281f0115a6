from django import template
from django.utils import timezone

from enterprises import obligation
from enterprises.models import Enterprise

register = template.Library()


@register.simple_tag
def own_obligation_answer(user) -> dict:
    """The obligation answer for the signed-in enterprise user's own enterprise."""
    from enterprises.selectors import obligation_for_orgnr

    orgnr = getattr(user, "enterprise_orgnr", "")
    if not orgnr:
        return {}
    try:
        answer = obligation_for_orgnr(orgnr, day=timezone.localdate())
    except (Enterprise.DoesNotExist, obligation.NoListInForce):
        return {}
    return {"answer": answer}
