"""The one table oversight owns: the targeting candidates, refreshed from the register copy."""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class TargetingCandidate(models.Model):
    """An enterprise that is obliged (or where it depends) by the § 13-1 list in force, has
    employees and is neither bankrupt nor deleted: the part of the targeting list that depends
    only on the register and the list. Refreshed in the database by
    oversight.services.targeting_candidates_refresh (nightly after the register sync, and when a
    new list is loaded); whether an approved provider serves it and dispensations are checked
    live when the list is read."""

    orgnr = models.CharField(_("organisation number"), max_length=9, primary_key=True)
    name = models.CharField(_("name"), max_length=500)
    nace1 = models.CharField(_("industry code 1"), max_length=6, blank=True)
    nace2 = models.CharField(_("industry code 2"), max_length=6, blank=True)
    nace3 = models.CharField(_("industry code 3"), max_length=6, blank=True)
    employees = models.IntegerField(_("employees"), null=True, blank=True)
    # the order of the list: the number of employees, 1 for "1–4, not given by the register"
    employees_sort = models.IntegerField(_("employees (for sorting)"))
    municipality_number = models.CharField(_("municipality number"), max_length=4, blank=True)
    municipality_name = models.CharField(_("municipality"), max_length=100, blank=True)
    depends = models.BooleanField(_("depends"), default=False)
    list_valid_from = models.DateField(_("list in force from"))
    refreshed_at = models.DateTimeField(_("refreshed"))

    class Meta:
        verbose_name = _("targeting candidate")
        verbose_name_plural = _("targeting candidates")
        indexes = [
            models.Index(F("employees_sort").desc(), "nace1", "orgnr", name="candidate_order"),
            models.Index(fields=["municipality_number"], name="candidate_municipality"),
            models.Index(fields=["nace1"], name="candidate_nace1"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.orgnr})"

    @property
    def codes(self) -> list[str]:
        return [c for c in (self.nace1, self.nace2, self.nace3) if c]
