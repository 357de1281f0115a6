"""Acting for an organisation: which organisations a person may represent, and what acting for
one means in the portal.

The list comes from the identity provider (Ansattporten's `authorization_details` of type
`ansattporten:altinn:service`: for each Altinn service resource the portal asked for, the
organisations — "reportees" — for which the person holds the rights). What acting for an
organisation *means* (is it a provider we know, a BHT that still has to apply, or an enterprise)
is decided by the higher apps: accounts imports none of them. They register a resolver at
app-ready time (`register_resolver`), which receives the organisation and answers with an
`Acting`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings

from .models import Role

AUTHORIZATION_TYPE = "ansattporten:altinn:service"
_ORGNR_SCHEME = "0192:"  # ISO 6523 ICD for the Norwegian register of legal entities


@dataclass(frozen=True)
class Organisation:
    """An organisation the person may act for, as the authorisation source gave it."""

    orgnr: str
    name: str
    # The person holds the rights for the BHT approval service (may apply as a BHT).
    may_apply: bool = False

    def as_session(self) -> dict:
        return asdict(self)

    @classmethod
    def from_session(cls, data: dict) -> Organisation:
        return cls(orgnr=data["orgnr"], name=data["name"], may_apply=bool(data.get("may_apply")))


@dataclass(frozen=True)
class Acting:
    """What acting for an organisation means: the role, the provider (if any) and where to go."""

    role: str
    provider_id: int | None = None
    enterprise_orgnr: str = ""
    next_url: str = ""


def _orgnr(identifier: str) -> str:
    value = (identifier or "").strip()
    if value.startswith(_ORGNR_SCHEME):
        value = value[len(_ORGNR_SCHEME) :]
    return value if len(value) == 9 and value.isdigit() else ""


def organisations_from_claims(authorization_details) -> list[Organisation]:
    """The organisations in `authorization_details` (Ansattporten's shape), one per orgnr.

    Entries of another type, or for a resource the portal did not ask for, are ignored; an
    organisation listed under the BHT approval resource `may_apply`.
    """
    resources = settings.OIDC_ALTINN_RESOURCES
    found: dict[str, Organisation] = {}
    for detail in authorization_details or []:
        if not isinstance(detail, dict) or detail.get("type") != AUTHORIZATION_TYPE:
            continue
        resource = detail.get("resource")
        if resource not in resources.values():
            continue
        apply_resource = resource == resources.get("bht_application")
        for reportee in detail.get("reportees") or []:
            if not isinstance(reportee, dict):
                continue
            orgnr = _orgnr(str(reportee.get("ID", "")))
            if not orgnr:
                continue
            earlier = found.get(orgnr)
            found[orgnr] = Organisation(
                orgnr=orgnr,
                name=str(reportee.get("Name") or (earlier.name if earlier else orgnr))[:200],
                may_apply=apply_resource or bool(earlier and earlier.may_apply),
            )
    return sorted(found.values(), key=lambda o: (o.name.lower(), o.orgnr))


Resolver = Callable[..., "Acting | None"]
_resolvers: list[Resolver] = []


def register_resolver(resolver: Resolver) -> None:
    """Higher apps call this from AppConfig.ready(): resolver(organisation=..., user=...) returns
    an Acting, or None to leave the organisation to the next resolver."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def resolve(*, organisation: Organisation, user) -> Acting:
    for resolver in _resolvers:
        acting = resolver(organisation=organisation, user=user)
        if acting is not None:
            return acting
    return Acting(role=Role.ENTERPRISE, enterprise_orgnr=organisation.orgnr)
