"""The one helper for the official language and the one for dates in letters and e-mails."""

import datetime

from django.template import Context, Template
from django.utils import translation

from core.official import in_official_language, official_date


def test_official_language_as_decorator_and_context_manager():
    @in_official_language
    def language():
        return translation.get_language()

    with translation.override("en"):
        assert language() == "nb"
        with in_official_language():
            assert translation.get_language() == "nb"
        assert translation.get_language() == "en"


def test_official_date_is_day_first_whatever_the_language():
    day = datetime.date(2026, 3, 7)
    with translation.override("en"):
        assert official_date(day) == "07.03.2026"
        assert Template("{% load official %}{{ d|official_date }}").render(Context({"d": day})) == "07.03.2026"
    moment = datetime.datetime(2026, 3, 7, 23, 30, tzinfo=datetime.UTC)  # 00:30 on the 8th in Oslo
    assert official_date(moment) == "08.03.2026"
    assert official_date(None) == ""
