"""Writes owned by accounts: users. The demo seeding creates users here, and the identity-provider
login (ID-porten, Entra ID) the accounts behind a login and the organisation acted for; nothing
else writes the user table. Keyword-only, in a transaction."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from .models import Role, User
from .oidc import ENTRA, IDPORTEN, Identity
from .organisations import Acting, Organisation, resolve

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


_STAFF_ROLE_ORDER = (Role.ADMIN, Role.CASE_HANDLER, Role.INSPECTOR)
_STAFF_ROLE_NAMES = {"operator": Role.ADMIN, "case_handler": Role.CASE_HANDLER, "inspector": Role.INSPECTOR}


def staff_role_for_groups(groups) -> str:
    """The role an Entra ID login gets from its groups (settings.OIDC_STAFF_GROUPS maps a role
    name — case_handler, inspector, operator — to group ids); "" for none. A person in several
    groups gets the first of operator, case handler, inspector."""
    held = set(groups)
    roles = {
        _STAFF_ROLE_NAMES[role_name]
        for role_name, group_ids in settings.OIDC_STAFF_GROUPS.items()
        if role_name in _STAFF_ROLE_NAMES and held.intersection(group_ids)
    }
    return next((role for role in _STAFF_ROLE_ORDER if role in roles), "")


def _find(identity: Identity) -> User | None:
    return User.objects.filter(oidc_provider=identity.provider, oidc_sub=identity.sub).first()


@transaction.atomic
def user_login_external(*, identity: Identity) -> User:
    """The account for an ID-porten login, created at the first one. Until the person chooses
    an organisation (user_act_for) the account is a PERSON with no provider or enterprise:
    rights from an earlier login never carry over."""
    assert identity.provider == IDPORTEN
    user = _find(identity)
    if user is None:
        user = User(oidc_provider=IDPORTEN, oidc_sub=identity.sub, email=None)
        user.set_unusable_password()
    user.full_name = identity.name or user.full_name
    user.role, user.provider_id, user.enterprise_orgnr, user.acting_orgnr = Role.PERSON, None, "", ""
    user.save()  # an account deactivated by an administrator stays so (the view refuses it)
    return user


@transaction.atomic
def user_login_staff(*, identity: Identity) -> User | None:
    """The account for an Entra ID login, its role from the groups at this login. No mapped
    group: the account (if any) is deactivated and None returned — no role, no access."""
    assert identity.provider == ENTRA
    role = staff_role_for_groups(identity.groups)
    user = _find(identity)
    if not role:
        if user is not None and user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        return None
    if user is None:
        email = (identity.email or "").lower() or None
        if email and User.objects.filter(email=email).exists():
            email = None  # never take over an existing (e.g. local) account by its address
        user = User(oidc_provider=ENTRA, oidc_sub=identity.sub, email=email)
        user.set_unusable_password()
    user.full_name = identity.name or user.full_name
    user.role = role
    user.is_active = True
    user.is_staff = role == Role.ADMIN
    user.save()
    return user


@transaction.atomic
def user_act_for(*, user: User, organisation: Organisation) -> Acting:
    """Act for `organisation` (one the authorisation source listed for this person): the role
    and provider/enterprise follow from it, resolved by the higher apps (organisations.resolve)."""
    acting = resolve(organisation=organisation, user=user)
    user.role = acting.role
    user.provider_id = acting.provider_id if acting.role == Role.PROVIDER else None
    user.enterprise_orgnr = acting.enterprise_orgnr if acting.role == Role.ENTERPRISE else ""
    user.acting_orgnr = organisation.orgnr
    user.save(update_fields=["role", "provider", "enterprise_orgnr", "acting_orgnr"])
    return acting


@transaction.atomic
def user_act_for_none(*, user: User) -> None:
    """No organisation chosen (or none allowed): a PERSON with no rights."""
    user.role, user.provider_id, user.enterprise_orgnr, user.acting_orgnr = Role.PERSON, None, "", ""
    user.save(update_fields=["role", "provider", "enterprise_orgnr", "acting_orgnr"])
