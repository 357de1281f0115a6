"""Logging in through ID-porten / Entra ID, choosing the organisation to act for, logging out,
and the demo's one-click logins."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import oidc, services
from .access import AUTHENTICATED, PUBLIC, access
from .models import Role, User
from .organisations import Organisation, organisations_from_claims

log = logging.getLogger(__name__)

BACKEND = "accounts.backends.OIDCBackend"
S_PROVIDER = "oidc.provider"
S_ID_TOKEN = "oidc.id_token"
S_ACR = "oidc.acr"
S_ORGS = "oidc.organisations"
S_ACTING = "oidc.acting"
S_NEXT = "oidc.next"


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}, require_https=request.is_secure()):
        return value
    return ""


def _provider_or_404(name: str) -> str:
    if name not in oidc.PROVIDERS or not oidc.is_configured(name):
        raise Http404
    return name


def _unavailable(request, name: str):
    return render(request, "accounts/oidc_unavailable.html", {"provider_name": _provider_label(name)}, status=503)


def _provider_label(name: str) -> str:
    return "ID-porten" if name == oidc.IDPORTEN else "Entra ID"


@access(PUBLIC)
def oidc_login(request, provider):
    """Send the browser to the identity provider (acr=substantial asks for a higher level)."""
    name = _provider_or_404(provider)
    request.session[S_NEXT] = _safe_next(request, request.GET.get("next", ""))
    acr = oidc.LOA_SUBSTANTIAL if request.GET.get("acr") == "substantial" and name == oidc.IDPORTEN else ""
    redirect_uri = request.build_absolute_uri(reverse("accounts:oidc_callback", args=[name]))
    try:
        return oidc.authorize_redirect(request, name, redirect_uri=redirect_uri, acr_values=acr)
    except oidc.ProviderUnavailable:
        return _unavailable(request, name)


@access(PUBLIC)
def oidc_callback(request, provider):
    """The provider's answer: check it, log the person in, then the organisation or the role."""
    name = _provider_or_404(provider)
    next_url = request.session.get(S_NEXT, "")
    try:
        identity = oidc.complete_login(request, name)
    except oidc.ProviderUnavailable:
        return _unavailable(request, name)
    except oidc.LoginRejected:
        return render(request, "accounts/oidc_rejected.html", {"provider": name}, status=400)

    if name == oidc.ENTRA:
        user = services.user_login_staff(identity=identity)
        if user is None:
            return render(request, "accounts/staff_no_role.html", status=403)
    else:
        user = services.user_login_external(identity=identity)
        if not user.is_active:
            return render(request, "accounts/oidc_rejected.html", {"provider": name}, status=403)

    auth_login(request, user, backend=BACKEND)  # new session key: nothing from before survives
    request.session[S_PROVIDER] = name
    request.session[S_ID_TOKEN] = oidc.seal(identity.id_token)
    request.session[S_ACR] = identity.acr
    if name == oidc.ENTRA:
        return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))

    organisations = organisations_from_claims(identity.authorization_details)
    request.session[S_ORGS] = [o.as_session() for o in organisations]
    if not organisations:
        return redirect("accounts:no_organisation")
    if len(organisations) == 1:
        return _act_for(request, user, organisations[0], next_url)
    if next_url:
        request.session[S_NEXT] = next_url
    return redirect("accounts:choose_organisation")


def session_organisations(request) -> list[Organisation]:
    return [Organisation.from_session(o) for o in request.session.get(S_ORGS, [])]


def _act_for(request, user: User, organisation: Organisation, next_url: str = ""):
    acting = services.user_act_for(user=user, organisation=organisation)
    request.session[S_ACTING] = organisation.orgnr
    request.session.pop(S_NEXT, None)
    messages.success(request, _("You are acting for %(name)s.") % {"name": organisation.name})
    return HttpResponseRedirect(acting.next_url or next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


@access(AUTHENTICATED)
def choose_organisation(request):
    """The organisations this person may act for (from the login); POST orgnr to choose one."""
    if not request.user.acts_through_organisation:
        raise Http404
    organisations = session_organisations(request)
    if not organisations:
        return redirect("accounts:no_organisation")
    if request.method == "POST":
        chosen = next((o for o in organisations if o.orgnr == request.POST.get("orgnr")), None)
        if chosen is None:
            messages.error(request, _("Choose one of the organisations in the list."))
        else:
            return _act_for(request, request.user, chosen, request.session.get(S_NEXT, ""))
    return render(
        request,
        "accounts/choose_organisation.html",
        {"organisations": organisations, "acting_orgnr": request.session.get(S_ACTING, "")},
    )


@access(AUTHENTICATED)
def no_organisation(request):
    """Logged in, but the authorisation source lists no organisation for this service."""
    if not request.user.acts_through_organisation:
        raise Http404
    services.user_act_for_none(user=request.user)
    return render(request, "accounts/no_organisation.html", status=403)


@access(PUBLIC)
@require_POST
def logout(request):
    """End the portal's session, then the identity provider's (end_session_endpoint)."""
    name = request.session.get(S_PROVIDER, "")
    id_token = oidc.unseal(request.session.get(S_ID_TOKEN, ""))
    auth_logout(request)
    url = ""
    if name and oidc.is_configured(name):
        url = oidc.logout_url(
            name, id_token=id_token, post_logout_redirect_uri=request.build_absolute_uri(reverse("accounts:logged_out"))
        )
    return HttpResponseRedirect(url or reverse("accounts:logged_out"))


@access(PUBLIC)
def logged_out(request):
    return render(request, "registration/logged_out.html")


def demo_login_enabled() -> bool:
    return bool(settings.DEBUG and settings.DEMO_LOGIN)


def demo_users():
    if not demo_login_enabled():
        return User.objects.none()
    return (
        User.objects.filter(is_active=True, email__endswith="@" + settings.DEMO_EMAIL_DOMAIN)
        .exclude(role=Role.PERSON)
        .select_related("provider")
        .order_by("role", "email")
    )


@access(PUBLIC)
@require_POST
def demo_login(request):
    """One click = logged in as a demo user. Only with DEBUG on (refused otherwise)."""
    if not demo_login_enabled():
        raise Http404
    user = demo_users().filter(pk=request.POST.get("user")).first()
    if user is None:
        raise Http404
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(settings.LOGIN_REDIRECT_URL)


def acting_organisation(request):
    """Template context: the organisation this session acts for (header), and whether there are
    others to switch to."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and getattr(user, "acts_through_organisation", False)):
        return {}
    organisations = session_organisations(request)
    acting = request.session.get(S_ACTING, "")
    return {
        "acting_organisation": next((o for o in organisations if o.orgnr == acting), None),
        "can_switch_organisation": len(organisations) > 1,
    }
