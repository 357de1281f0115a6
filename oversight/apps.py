from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """Oversight (issue 13): the targeting list, statistics, capacity per provider, as-of-date
    answers and the enterprise's own view of its BHT. Reads only: every write goes through the
    services of the app that owns the table."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = _("Oversight")
