"""The one vocabulary of BHT staff: disciplines (fagområder, forskrift om administrative
ordninger § 2-2 første ledd bokstav d and e), professions and employment types. Models, forms,
serializers, rules and templates are built from these."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Profession(models.TextChoices):
    OCCUPATIONAL_PHYSICIAN = "occupational_physician", _("Occupational physician")
    PHYSICIAN = "physician", _("Other physician")
    OCCUPATIONAL_HYGIENIST = "occupational_hygienist", _("Occupational hygienist")
    PHYSIOTHERAPIST = "physiotherapist", _("Physiotherapist/ergonomist")
    NURSE = "nurse", _("Nurse")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    HSE_ADVISER = "hse_adviser", _("HSE adviser")
    OTHER = "other", _("Other")


class EmploymentType(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    HIRED = "hired", _("Hired-in")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
