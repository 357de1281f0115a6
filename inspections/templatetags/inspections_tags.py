from django import template

from .. import selectors
from ..views import WORKLIST_TITLES

register = template.Library()


@register.inclusion_tag("inspections/_start_body.html", takes_context=True)
def inspector_start(context):
    user = context.get("user")
    counts = selectors.worklist_counts(user=user)
    return {"lists": [(key, label, counts[key]) for key, label in WORKLIST_TITLES.items()]}


@register.inclusion_tag("inspections/_party_start_body.html", takes_context=True)
def party_start(context):
    user = context.get("user")
    inspections = list(selectors.party_inspections(user=user)[:5])
    return {"inspections": inspections}
