"""Writes owned by accounts: users. The demo seeding (and, later, the identity-provider login)
create users here; nothing else writes the user table."""

from __future__ import annotations

from django.db import transaction

from .models import Role, User

# Every demo user (make run, seed_demo) has this password; the demo is refused in production.
DEMO_PASSWORD = "bht-demo-2026"


def user_create(
    *,
    email: str,
    password: str | None,
    full_name: str = "",
    role: str = Role.PROVIDER,
    provider=None,
    enterprise_orgnr: str = "",
) -> User:
    """A user who logs in by e-mail. Administrators get the Django admin (is_staff, is_superuser)."""
    with transaction.atomic():
        return User.objects.create_user(
            email,
            password,
            full_name=full_name,
            role=role,
            provider=provider,
            enterprise_orgnr=enterprise_orgnr,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )


def user_get_or_create(*, email: str, **fields) -> tuple[User, bool]:
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        if user is not None:
            return user, False
        return user_create(email=email, **fields), True
