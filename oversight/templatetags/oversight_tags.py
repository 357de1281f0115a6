"""Oversight on lower apps' pages (ADR 0001: a template may load a higher app's tag library):
the obligation answer says whether the enterprise has an approved BHT today and which; the
approvals case page shows the provider's capacity against the staffing norm."""

from django import template
from django.utils import timezone

from accounts.models import Role
from approvals.selectors.coverage import enterprise_bht_on

from .. import figures

register = template.Library()


@register.simple_tag(takes_context=True)
def enterprise_bht_today(context, orgnr: str):
    """For signed-in case handlers, inspectors, admins, and the enterprise's own users: the
    affiliations in force today with their approval status. None for anyone else."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not orgnr or user is None or not user.is_authenticated:
        return None
    if user.role not in (Role.CASE_HANDLER, Role.INSPECTOR, Role.ADMIN) and not (
        user.role == Role.ENTERPRISE and user.enterprise_orgnr == orgnr
    ):
        return None
    return enterprise_bht_on(orgnr=orgnr)


@register.inclusion_tag("oversight/_capacity.html")
def provider_capacity(provider_id: int):
    found = figures.capacity(timezone.localdate(), provider_ids=[provider_id])
    capacity = found[0] if found else None
    rows = (
        [
            (figures.discipline_label(d), capacity.fte[d], capacity.per_fte(d))
            for d in figures.StaffMember.DISCIPLINE_FIELDS
        ]
        if capacity
        else []
    )
    return {"capacity": capacity, "rows": rows, "norm_low": figures.NORM_LOW, "norm_high": figures.NORM_HIGH}
