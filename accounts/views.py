from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .access import AUTHENTICATED, PUBLIC
from .forms import EmailAuthenticationForm


class LoginView(auth_views.LoginView):
    access = (PUBLIC,)
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True
    extra_context = {"title": _("Log in")}


class LogoutView(auth_views.LogoutView):
    access = (PUBLIC,)


class PasswordChangeView(auth_views.PasswordChangeView):
    access = (AUTHENTICATED,)
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    access = (AUTHENTICATED,)


class PasswordResetView(auth_views.PasswordResetView):
    access = (PUBLIC,)
    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    access = (PUBLIC,)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    access = (PUBLIC,)
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    access = (PUBLIC,)
