"""OpenID Connect clients for the two identity providers (Authlib, see docs/adr/0002).

`idporten`  external users: ID-porten / Ansattporten (pid, acr, authorization_details)
`entra`     Arbeidstilsynet's staff: Microsoft Entra ID (groups)

Each is configured from settings only (settings.OIDC_PROVIDERS, filled from the environment).
Authlib does the protocol: authorization code flow with PKCE (S256), `state` and `nonce` kept
in the session and checked once, the ID token's signature checked against the provider's
published keys (fetched again when a token names a key id it does not know: key rotation),
issuer, audience and expiry. This module adds what is ours: the `acr` level, the claims we
keep (never `pid`), and errors turned into exceptions the views show as a page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from joserfc.errors import JoseError

log = logging.getLogger(__name__)

IDPORTEN = "idporten"
ENTRA = "entra"
PROVIDERS = (IDPORTEN, ENTRA)

# ID-porten's levels of assurance, lowest first (eIDAS low / substantial / high).
ACR_LEVELS = ("idporten-loa-low", "idporten-loa-substantial", "idporten-loa-high")
LOA_SUBSTANTIAL = "idporten-loa-substantial"


class ProviderUnavailable(Exception):
    """The identity provider could not be reached (or answered nonsense)."""


class LoginRejected(Exception):
    """The answer from the identity provider is not acceptable (forged, expired, replayed...)."""


@dataclass(frozen=True)
class Identity:
    """What we keep from a login: the stable subject, the name and the facts the portal needs."""

    provider: str
    sub: str
    name: str
    email: str = ""
    acr: str = ""
    groups: tuple[str, ...] = ()
    authorization_details: list = field(default_factory=list)
    id_token: str = field(default="", repr=False)


def acr_rank(acr: str) -> int:
    """0 for an unknown level, then 1.. from low to high."""
    return ACR_LEVELS.index(acr) + 1 if acr in ACR_LEVELS else 0


def acr_satisfies(acr: str, needed: str) -> bool:
    return acr_rank(acr) >= acr_rank(needed) > 0


def config(name: str) -> dict:
    return settings.OIDC_PROVIDERS.get(name) or {}


def is_configured(name: str) -> bool:
    conf = config(name)
    return bool(conf.get("metadata_url") and conf.get("client_id"))


def configured() -> list[str]:
    return [name for name in PROVIDERS if is_configured(name)]


_registry: dict[tuple, object] = {}


def client(name: str):
    """The Authlib client for a provider; one per configuration, so published keys are cached
    between logins and fetched again only for a key id the cache does not know."""
    conf = config(name)
    if not is_configured(name):
        raise ProviderUnavailable(f"{name} is not configured")
    key = (name, conf["metadata_url"], conf["client_id"], conf.get("client_secret", ""))
    if key not in _registry:
        oauth = OAuth()
        _registry[key] = oauth.register(
            name=name,
            client_id=conf["client_id"],
            client_secret=conf.get("client_secret", ""),
            server_metadata_url=conf["metadata_url"],
            client_kwargs={
                "scope": conf.get("scope", "openid profile"),
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": conf.get("token_endpoint_auth_method", "client_secret_basic"),
                "default_timeout": settings.OIDC_TIMEOUT_SECONDS,
            },
        )
    return _registry[key]


def forget_clients() -> None:
    """Drop cached clients (and their cached keys); for tests and configuration changes."""
    _registry.clear()


def authorize_redirect(request, name: str, *, redirect_uri: str, acr_values: str = ""):
    """The redirect to the provider's login page (state, nonce and PKCE verifier in the session)."""
    conf = config(name)
    extra = {}
    if acr_values:  # step-up: a new login at the provider, not its existing session
        extra["prompt"] = "login"
    acr_values = acr_values or conf.get("acr_values", "")
    if acr_values:
        extra["acr_values"] = acr_values
    if conf.get("authorization_details"):
        import json

        extra["authorization_details"] = json.dumps(conf["authorization_details"], separators=(",", ":"))
    try:
        return client(name).authorize_redirect(request, redirect_uri, **extra)
    except (requests.RequestException, ValueError) as exc:
        log.warning("OIDC %s: metadata not reachable: %s", name, exc.__class__.__name__)
        raise ProviderUnavailable(name) from exc


def complete_login(request, name: str) -> Identity:
    """Check the provider's answer on the callback and return the identity.

    Raises LoginRejected for anything not acceptable (the log names the reason, never a claim
    value), ProviderUnavailable when the provider cannot be reached for the token.
    """
    oauth_client = client(name)
    try:
        token = oauth_client.authorize_access_token(request, leeway=settings.OIDC_LEEWAY_SECONDS)
    except requests.RequestException as exc:
        log.warning("OIDC %s: token endpoint not reachable: %s", name, exc.__class__.__name__)
        raise ProviderUnavailable(name) from exc
    except (OAuthError, JoseError, KeyError, ValueError, TypeError) as exc:
        log.warning("OIDC %s: login rejected: %s %s", name, exc.__class__.__name__, getattr(exc, "error", ""))
        raise LoginRejected(exc.__class__.__name__) from exc
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        log.warning("OIDC %s: login rejected: no ID token", name)
        raise LoginRejected("no id_token")
    groups = claims.get("groups") or claims.get("roles") or []
    details = token.get("authorization_details") or claims.get("authorization_details") or []
    acr = str(claims.get("acr") or "")
    if name == IDPORTEN and not acr_satisfies(acr, settings.OIDC_MIN_ACR):
        log.warning("OIDC %s: login rejected: level of assurance below the minimum", name)
        raise LoginRejected("acr")
    name_claim = claims.get("name") or " ".join(p for p in (claims.get("given_name"), claims.get("family_name")) if p)
    return Identity(
        provider=name,
        sub=str(claims["sub"]),
        name=str(name_claim or "")[:200],
        email=str(claims.get("email") or claims.get("preferred_username") or "") if name == ENTRA else "",
        acr=acr,
        groups=tuple(str(g) for g in groups if isinstance(g, str)),
        authorization_details=details if isinstance(details, list) else [],
        id_token=token.get("id_token", ""),
    )


def logout_url(name: str, *, id_token: str, post_logout_redirect_uri: str) -> str:
    """The provider's end_session_endpoint with the ID token as hint; "" when it has none."""
    try:
        metadata = client(name).load_server_metadata()
    except (requests.RequestException, ValueError, ProviderUnavailable):
        return ""
    endpoint = metadata.get("end_session_endpoint")
    if not endpoint:
        return ""
    from urllib.parse import urlencode

    params = {"post_logout_redirect_uri": post_logout_redirect_uri, "client_id": config(name)["client_id"]}
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(params)}"


def _fernet():
    import base64
    import hashlib

    from cryptography.fernet import Fernet

    key = hashlib.sha256(b"bht-portal-oidc-session:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(text: str) -> str:
    """Encrypt the ID token kept in the session for logout (it carries `pid`): not in clear text."""
    return _fernet().encrypt(text.encode()).decode() if text else ""


def unseal(text: str) -> str:
    from cryptography.fernet import InvalidToken

    if not text:
        return ""
    try:
        return _fernet().decrypt(text.encode()).decode()
    except InvalidToken:
        return ""
