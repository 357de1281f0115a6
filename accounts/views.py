from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
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


@access(PUBLIC)
def healthz(request):
    """200 with the state of database and broker; 503 when the database is down."""
    from django.conf import settings

    from bht_portal.celery import app as celery_app

    state = {"database": "ok", "broker": "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok"}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - report, don't crash the probe
        state["database"] = f"error: {exc.__class__.__name__}"
        status = 503
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            with celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:  # noqa: BLE001
            state["broker"] = f"error: {exc.__class__.__name__}"
    state["status"] = "ok" if status == 200 and not state["broker"].startswith("error") else "degraded"
    return JsonResponse(state, status=status)


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
