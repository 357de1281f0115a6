"""JSON API of the approvals app under /api/v1/ (no trailing slashes)."""

from django.urls import path  # noqa: F401

# POST approvals/rule-check (provider-side work) and GET providers (register) are added here.
urlpatterns: list = []
