from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    """The BHT as an organisation: provider, departments (and the client lists)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "providers"
    verbose_name = _("Providers (BHT)")
