from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LifecycleConfig(AppConfig):
    """Scheduled follow-up of approvals: reminders, expiry, change notices, job runs."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "lifecycle"
    verbose_name = _("Approval lifecycle")
