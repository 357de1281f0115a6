"""JSON API of the enterprises app under /api/v1/ (no trailing slashes)."""

from django.urls import path

from .api import ObligationView, PingView

urlpatterns = [
    path("obligation", ObligationView.as_view(), name="obligation"),
    path("ping", PingView.as_view(), name="ping"),
]
