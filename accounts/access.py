"""Access policy: denied by default. Every view states who may use it.

Function views:   @access(Role.CASE_HANDLER)  or  @access(PUBLIC)
Class-based views: access = (Role.CASE_HANDLER, Role.INSPECTOR)
DRF views:         access = (PUBLIC,)   (checked by DRFAccessPolicy)

AccessPolicyMiddleware enforces it; a view that states nothing answers 403.
Object-level checks (a provider sees only its own applications) belong in selectors,
which scope querysets by the user's organisation and raise 404 for anything else.
"""

from collections.abc import Iterable

from rest_framework.permissions import BasePermission

PUBLIC = "public"
AUTHENTICATED = "authenticated"


def access(*rules: str):
    """Decorator for function views and classes: who may use this view."""

    def mark(view):
        view.access = tuple(rules)
        return view

    return mark


def is_allowed(user, rules: Iterable[str]) -> bool:
    rules = tuple(rules)
    if PUBLIC in rules:
        return True
    if not (user and user.is_authenticated and user.is_active):
        return False
    if AUTHENTICATED in rules:
        return True
    return user.role in rules


def needs_acr(level: str):
    """The view needs a login at `level` or higher (ID-porten's acr) for people who logged in
    through ID-porten; a lower level gets a page that offers to log in again at that level.
    (Local and demo logins have no acr: they exist only outside production.)"""
    import functools

    from django.shortcuts import render

    from .oidc import acr_satisfies

    def wrap(view):
        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            user = request.user
            if getattr(user, "acts_through_organisation", False):
                if not acr_satisfies(request.session.get("oidc.acr", ""), level):
                    return render(request, "accounts/acr_too_low.html", {"next": request.get_full_path()}, status=403)
            return view(request, *args, **kwargs)

        return checked

    return wrap


def rules_for_view(view_func) -> tuple[str, ...] | None:
    for candidate in (view_func, getattr(view_func, "view_class", None)):
        rules = getattr(candidate, "access", None)
        if rules is not None:
            return tuple(rules)
    return None


class DRFAccessPolicy(BasePermission):
    """Default DRF permission: the view's `access` attribute, denied when absent."""

    def has_permission(self, request, view):
        rules = getattr(view, "access", None)
        if rules is None:
            return False
        return is_allowed(request.user, rules)
