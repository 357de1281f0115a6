"""Reads of users for other apps (who may be told, who may be picked)."""

from django.db.models import QuerySet

from .models import Role, User


def enterprise_users(*, orgnr: str) -> QuerySet[User]:
    """The active portal users of an enterprise (by organisation number)."""
    return User.objects.filter(role=Role.ENTERPRISE, enterprise_orgnr=orgnr, is_active=True).order_by("id")


def inspectors() -> QuerySet[User]:
    """Active users with the inspector role (the only ones who can take part in an inspection)."""
    return User.objects.filter(role=Role.INSPECTOR, is_active=True).order_by("full_name", "email")
