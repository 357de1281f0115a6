"""JSON API of the oversight app under /api/v1/ (no trailing slashes)."""

from django.urls import path

from .api import EnterpriseAsOfView, ProviderAsOfView

urlpatterns = [
    path("as-of/provider", ProviderAsOfView.as_view(), name="as_of_provider"),
    path("as-of/enterprise", EnterpriseAsOfView.as_view(), name="as_of_enterprise"),
]
