"""JSON API of the approvals app under /api/v1/ (no trailing slashes)."""

from django.urls import path

from approvals.api import RuleCheckView
from approvals.views.public_register import ProvidersAPIView

# POST approvals/rule-check (the rules on a roster) and GET providers (the public register).
urlpatterns: list = [
    path("approvals/rule-check", RuleCheckView.as_view(), name="approvals_rule_check"),
    path("providers", ProvidersAPIView.as_view(), name="providers"),
]
