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


# The five competence areas (kompetanseområder, § 2-2 første ledd bokstav d), in the order the
# regulation lists them; the first four have a 0.30 FTE minimum (bokstav e), systematic HSE none.
class Discipline(models.TextChoices):
    OCCUPATIONAL_MEDICINE = "occupational_medicine", _("Occupational medicine")
    OCCUPATIONAL_HYGIENE = "occupational_hygiene", _("Occupational hygiene")
    ERGONOMICS = "ergonomics", _("Ergonomics")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial/organisational")
    SYSTEMATIC_HSE = "systematic_hse", _("Systematic HSE")


DISCIPLINES: tuple[str, ...] = tuple(Discipline.values)
MINIMUM_DISCIPLINES: tuple[str, ...] = DISCIPLINES[:4]
# The model and form field that holds a person's FTE in each discipline.
DISCIPLINE_FIELDS: dict[str, str] = {d: f"fte_{d}" for d in DISCIPLINES}
# The names the rules' messages and the letters use, in bokmål and English (the stored
# evaluation keeps both, whatever language the reader has).
DISCIPLINE_NAMES: dict[str, tuple[str, str]] = {
    "occupational_medicine": ("arbeidsmedisin/arbeidshelse", "occupational medicine"),
    "occupational_hygiene": ("yrkeshygiene", "occupational hygiene"),
    "ergonomics": ("ergonomi", "ergonomics"),
    "psychosocial": (
        "psykososialt og organisatorisk arbeidsmiljø",
        "psychosocial and organisational working environment",
    ),
    "systematic_hse": ("systematisk HMS-arbeid", "systematic HSE work"),
}
EMPLOYMENT_TYPES: tuple[str, ...] = tuple(EmploymentType.values)
