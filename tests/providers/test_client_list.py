"""The pure check of a client-list file, one test per refusal reason."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from providers import client_list
from providers.client_list import Accepted, RawRow, Refused, Unit

TODAY = datetime.date(2026, 12, 2)
GOOD = "923609016"  # valid checksum
SUB = "974760673"
UNITS = {
    GOOD: Unit(GOOD, "", deleted=False, bankrupt=False),
    SUB: Unit(GOOD, SUB, deleted=False, bankrupt=False),
    "988077917": Unit("988077917", "", deleted=True, bankrupt=False),
    "914994780": Unit("914994780", "", deleted=False, bankrupt=True),
}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def check(raw: RawRow, stored=None, seen=None):
    return client_list.check_row(
        raw, units=UNITS, stored=stored or {}, seen=seen if seen is not None else {}, today=TODAY
    )


def test_read_rows_header_semicolons_blank_lines():
    lines = ["organisasjonsnummer;fra;til;ansatte\n", "923609016;01.01.2026;;12\n", "\n", " 974 760 673 ;\n"]
    rows = list(client_list.read_rows(lines))
    assert rows == [RawRow(2, GOOD, "01.01.2026", "", "12"), RawRow(4, "974 760 673", "", "", "")]


def test_read_rows_commas_and_no_header():
    rows = list(client_list.read_rows(["923609016,2026-01-01,2026-12-31,3\n"]))
    assert rows == [RawRow(1, GOOD, "2026-01-01", "2026-12-31", "3")]


def test_accepted_row_defaults_to_today_and_reads_both_date_forms():
    result = check(RawRow(1, "923 609 016", "", "31.12.2027", "12"))
    assert result == Accepted(1, GOOD, "", TODAY, datetime.date(2027, 12, 31), 12)


def test_subunit_row_is_stored_against_its_enterprise():
    result = check(RawRow(1, SUB))
    assert isinstance(result, Accepted) and (result.enterprise_orgnr, result.subunit_orgnr) == (GOOD, SUB)


@pytest.mark.parametrize(
    "value,check_word",
    [("923609017", "check digit"), ("12345", "nine digits"), ("ABC", "only digits")],
)
def test_invalid_orgnr_says_which_check_failed(value, check_word):
    result = check(RawRow(3, value))
    assert isinstance(result, Refused) and result.reason == "invalid_orgnr" and result.line == 3
    assert check_word in result.message


def test_unknown_unit():
    assert check(RawRow(1, "889640782")).reason == "unknown_unit"


def test_deleted_unit():
    assert check(RawRow(1, "988077917")).reason == "deleted_unit"


def test_bankrupt_unit():
    assert check(RawRow(1, "914994780")).reason == "bankrupt_unit"


def test_dates_out_of_order():
    assert check(RawRow(1, GOOD, "01.06.2026", "31.05.2026")).reason == "dates_out_of_order"


def test_invalid_date_and_invalid_employees():
    assert check(RawRow(1, GOOD, "2026-13-01")).reason == "invalid_date"
    assert check(RawRow(1, GOOD, "", "", "tolv")).reason == "invalid_employees"
    assert check(RawRow(1, GOOD, "", "", "-3")).reason == "invalid_employees"


def test_duplicate_in_the_file_for_an_overlapping_period_but_not_for_a_later_one():
    seen: dict = {}
    assert isinstance(check(RawRow(1, GOOD, "2026-01-01", "2026-06-30"), seen=seen), Accepted)
    again = check(RawRow(2, GOOD, "2026-06-01"), seen=seen)
    assert again.reason == "duplicate" and "more than once" in again.message
    assert isinstance(check(RawRow(3, GOOD, "2026-07-01"), seen=seen), Accepted)


def test_duplicate_of_a_stored_entry():
    stored = {(GOOD, ""): [(datetime.date(2025, 1, 1), None)]}
    result = check(RawRow(1, GOOD, "2026-01-01"), stored=stored)
    assert result.reason == "duplicate" and "already on your client list" in result.message
    # the sub-unit is another key: not a duplicate of the whole enterprise's entry
    assert isinstance(check(RawRow(2, SUB), stored=stored), Accepted)


def test_every_reason_is_documented():
    assert set(client_list.REASONS) == {
        "invalid_orgnr", "unknown_unit", "deleted_unit", "bankrupt_unit", "duplicate", "dates_out_of_order",
        "invalid_date", "invalid_employees",
    }  # fmt: skip
