from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from accounts.organisations import register_resolver

        from .acting import resolve_provider

        register_resolver(resolve_provider)
