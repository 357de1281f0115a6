from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Bottom-layer utilities every app may use: the record of scheduled job runs, the safe
    CSV writer, the official-language and date helpers for letters and e-mails."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Operations")
