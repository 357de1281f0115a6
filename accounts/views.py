from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .access import AUTHENTICATED, PUBLIC, access
from .forms import EmailAuthenticationForm
from .models import Role


@access(PUBLIC)
def home(request):
    """Public front page: what the portal is, and the three ways in."""
    return render(request, "home.html")


@access(AUTHENTICATED)
def start(request):
    """The signed-in user's start page, one per role (templates/start/<role>.html)."""
    role = request.user.role if request.user.role in Role.values else "admin"
    return render(request, f"start/{role}.html", {"role_label": Role(role).label})


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
