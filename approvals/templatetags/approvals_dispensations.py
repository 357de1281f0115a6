"""The enterprise user's dispensation cases on its start page."""

from django import template

from approvals.selectors.dispensations import enterprise_dispensation_cases, submitted_count

register = template.Library()


@register.inclusion_tag("approvals/dispensations/_enterprise_start.html", takes_context=True)
def enterprise_dispensations(context):
    user = context["request"].user
    orgnr = getattr(user, "enterprise_orgnr", "")
    return {"user": user, "dispensation_cases": enterprise_dispensation_cases(orgnr=orgnr) if orgnr else []}


@register.simple_tag
def dispensations_waiting() -> int:
    return submitted_count()
