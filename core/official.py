"""The portal's official language and date format for what it writes on the record: letters,
e-mails, case history, notices. They are in Norwegian bokmål (settings.LANGUAGE_CODE) whatever
language the acting user reads, with dates written day first (d.m.Y) as Norwegians write them."""

from __future__ import annotations

import datetime
import functools

from django.conf import settings
from django.utils import dateformat, timezone, translation

OFFICIAL_DATE_FORMAT = "d.m.Y"


def in_official_language(func=None):
    """Run in the official language (bokmål). As a decorator (``@in_official_language``) for a
    service whose texts all go on the record, or as a context manager
    (``with in_official_language():``) around the part that does."""
    if func is None:
        return translation.override(settings.LANGUAGE_CODE)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper


def official_date(value: datetime.date | datetime.datetime | None) -> str:
    """A date as written in letters and e-mails: 02.12.2026 (a datetime in local time)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return dateformat.format(value, OFFICIAL_DATE_FORMAT)
