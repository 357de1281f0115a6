"""What people type, made safe before it is validated (issue 14, hole 7).

- Digits: every Unicode decimal digit (full-width `１２３`, Arabic-Indic `١٢٣`, ...) is first
  turned into its ASCII digit, and only then validated against `[0-9]`. So `１２３４` is the
  postcode `1234`, stored as ASCII, and an HPR number typed in other digits cannot escape the
  duplicate check. Python's `\\d` and `str.isdigit()` accept every script's digits: validators
  here use `[0-9]` explicitly.
- Dates people enter are bounded (`DATE_MIN` .. today + `DATE_MAX_YEARS_AHEAD`).
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.orgnr import ascii_digits

__all__ = ["ascii_digits", "DigitsField", "check_date_in_range", "four_digits", "hpr_digits"]

DATE_MIN = datetime.date(1950, 1, 1)
DATE_MAX_YEARS_AHEAD = 5


def only_digits(count: str, message) -> RegexValidator:
    """A validator for ASCII digits only, `count` as in a regex quantifier (`{4}`, `{1,9}`)."""
    return RegexValidator(rf"^[0-9]{count}\Z", message)


four_digits = only_digits("{4}", _("Enter four digits."))
hpr_digits = only_digits("{1,9}", _("The HPR number has digits only (up to nine)."))


class DigitsField(forms.CharField):
    """A code of digits (postcode, municipality number, HPR number): other scripts' digits
    normalised to ASCII before validation."""

    def to_python(self, value):
        return ascii_digits(super().to_python(value))

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "numeric"}


def date_bounds(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    return DATE_MIN, today.replace(year=today.year + DATE_MAX_YEARS_AHEAD, day=min(today.day, 28))


def check_date_in_range(value: datetime.date | None, *, future: bool = True) -> None:
    """ValidationError for a date outside DATE_MIN .. today + DATE_MAX_YEARS_AHEAD (or today
    when future=False, for something that has already happened)."""
    if value is None:
        return
    low, high = date_bounds()
    if not future:
        high = timezone.localdate()
    if not low <= value <= high:
        raise forms.ValidationError(
            _("Enter a date between %(low)s and %(high)s.")
            % {"low": low.strftime("%d.%m.%Y"), "high": high.strftime("%d.%m.%Y")},
            code="date_range",
        )
