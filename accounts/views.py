from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .access import AUTHENTICATED, PUBLIC
from .forms import EmailAuthenticationForm


class PasswordLoginOnly:
    """Local passwords (log in, reset) exist only where settings.PASSWORD_LOGIN is on: the
    demo and development. In production everyone logs in through ID-porten or Entra ID."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN and request.method == "POST":
            raise PermissionDenied("Password login is off")
        return super().dispatch(request, *args, **kwargs)


class LoginView(PasswordLoginOnly, auth_views.LoginView):
    access = (PUBLIC,)
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True
    extra_context = {"title": _("Log in")}

    def get_context_data(self, **kwargs):
        from . import oidc
        from .views_login import demo_users

        return super().get_context_data(
            oidc_providers=oidc.configured(),
            password_login=settings.PASSWORD_LOGIN,
            demo_users=demo_users(),
            **kwargs,
        )


class PasswordChangeView(auth_views.PasswordChangeView):
    access = (AUTHENTICATED,)
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    access = (AUTHENTICATED,)


class PasswordResetView(PasswordLoginOnly, auth_views.PasswordResetView):
    access = (PUBLIC,)
    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    access = (PUBLIC,)


class PasswordResetConfirmView(PasswordLoginOnly, auth_views.PasswordResetConfirmView):
    access = (PUBLIC,)
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    access = (PUBLIC,)
