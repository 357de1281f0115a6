"""JSON API of the providers app under /api/v1/ (no trailing slashes)."""

from django.urls import path

from .api import ClientListView

urlpatterns = [
    path("client-list", ClientListView.as_view(), name="client_list"),
]
