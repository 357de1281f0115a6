from django.contrib import admin
from django.urls import include, path

from . import views
from .api import SchemaView
from .health import healthz

# Each app exposes `urls` (pages) and `api_urls` (JSON under /api/v1/).
api_patterns = [
    path("schema", SchemaView.as_view(), name="schema"),
    path("", include("enterprises.api_urls")),
    path("", include("approvals.api_urls")),
    path("", include("providers.api_urls")),
    path("", include("oversight.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("konto/start/", views.start, name="start"),
    path("konto/meldinger/", views.notifications, name="notifications"),
    path("drift/jobber/", views.jobs, name="jobs"),
    path("drift/jobber/<str:name>/kjor/", views.job_run_now, name="job_run_now"),
    path("konto/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_patterns, "api"), namespace="api")),
    path("admin/", admin.site.urls),
    path("", include("enterprises.urls")),
    path("", include("providers.urls")),
    path("", include("approvals.urls")),
    path("", include("inspections.urls")),
    path("", include("oversight.urls")),
]
