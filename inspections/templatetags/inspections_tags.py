from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("inspections/_start_body.html", takes_context=True)
def inspector_start(context):
    user = context.get("user")
    return {"counts": selectors.order_counts(inspector_id=user.pk if user else None)}
