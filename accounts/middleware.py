from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .access import is_allowed, rules_for_view

# Views that carry their own access control.
_EXEMPT_NAMESPACES = {"admin"}  # the admin site checks is_staff itself
_EXEMPT_MODULE_PREFIXES = (
    "django.views.i18n",  # set_language: public
    "django.views.static",  # DEBUG static files
    "django.contrib.staticfiles",
)


class AccessPolicyMiddleware:
    """Deny by default: a view that does not state its access rules answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if hasattr(view_func, "cls"):  # Django REST framework: DRFAccessPolicy decides
            return None
        match = getattr(request, "resolver_match", None)
        if match and _EXEMPT_NAMESPACES.intersection(match.namespaces):
            return None
        module = getattr(view_func, "__module__", "") or ""
        if module.startswith(_EXEMPT_MODULE_PREFIXES):
            return None
        rules = rules_for_view(view_func)
        if rules is None:
            raise PermissionDenied("This view states no access rules.")
        if is_allowed(request.user, rules):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied


class DefaultLanguageMiddleware:
    """Norwegian bokmål unless the user chose another language with the switch (cookie).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not used: a Norwegian
    public portal opens in Norwegian for everyone, and English is one click away.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ActingOrganisationMiddleware:
    """For people who logged in through ID-porten the organisation chosen in *this* session is
    what they act for. The account row holds the last choice (role, provider, enterprise);
    when another session of the same person chose another organisation meanwhile, this
    session's choice is applied again before the view runs. A person who has not chosen yet is
    sent to the chooser."""

    _ALLOWED = ("/konto/", "/i18n/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.acts_through_organisation:
            from django.shortcuts import redirect

            from . import services
            from .views_login import S_ACTING, session_organisations

            acting = request.session.get(S_ACTING, "")
            if acting and user.acting_orgnr != acting:
                organisation = next((o for o in session_organisations(request) if o.orgnr == acting), None)
                if organisation is None:
                    request.session.pop(S_ACTING, None)
                    services.user_act_for_none(user=user)
                else:
                    services.user_act_for(user=user, organisation=organisation)
            elif not acting and user.acting_orgnr:
                services.user_act_for_none(user=user)
            if not request.session.get(S_ACTING) and request.path != "/" and not request.path.startswith(self._ALLOWED):
                return redirect("accounts:choose_organisation")
        return self.get_response(request)
