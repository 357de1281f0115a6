"""The project's own pages: the front page, each role's start page, the health probe and the
operations page for scheduled jobs. They sit on top of every app and may read from all of them."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import AUTHENTICATED, PUBLIC, access
from accounts.models import Role
from core import selectors as core_selectors
from core import services as core_services
from core.models import JobRun
from notifications.selectors import notifications_for

from .beat import BEAT_SCHEDULE


@access(PUBLIC)
def home(request):
    """Public front page: what the portal is, and the three ways in."""
    return render(request, "home.html")


@access(AUTHENTICATED)
def start(request):
    """The signed-in user's start page, one per role (templates/start/<role>.html)."""
    role = request.user.role if request.user.role in Role.values else "admin"
    return render(request, f"start/{role}.html", {"role_label": Role(role).label})


# ---------------------------------------------------------------- administrators
@access(Role.ADMIN)
def jobs(request):
    job = request.GET.get("job", "")
    status = request.GET.get("status", "")
    page = Paginator(core_selectors.job_runs(job=job, status=status), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/jobs.html",
        {
            "overview": core_selectors.jobs_overview(BEAT_SCHEDULE),
            "page": page,
            "job": job,
            "status": status,
            "statuses": JobRun.Status.choices,
        },
    )


@access(Role.ADMIN)
@require_POST
def job_run_now(request, name):
    entry = BEAT_SCHEDULE.get(name)
    if entry is None:
        raise Http404
    queued = core_services.job_enqueue(job=entry["task"], kwargs=entry.get("kwargs") or {})
    if queued is None:
        messages.success(request, _("The job “%(name)s” has been started.") % {"name": name})
    else:
        messages.warning(
            request,
            _(
                "The job “%(name)s” is queued: the task broker cannot be reached just now. It will run "
                "when the broker is back (the queue is checked every minute)."
            )
            % {"name": name},
        )
    return redirect("jobs")


# ---------------------------------------------------------------- everyone signed in
@access(AUTHENTICATED)
def notifications(request):
    """The e-mails the portal sent to the user, or to the user's organisation (provider users):
    each notice with its text and whether it went out (the outbox, notifications app)."""
    user = request.user
    orgnr = user.provider.orgnr if user.provider_id else ""
    q = request.GET.get("q", "").strip()[:200]
    page = Paginator(notifications_for(user=user, orgnr=orgnr, q=q), 20).get_page(request.GET.get("page"))
    return render(request, "portal/notifications.html", {"page": page, "q": q})
