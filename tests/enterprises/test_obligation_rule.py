"""The pure § 13-1 rule (enterprises/obligation.py) against the whole list, codes just outside
it, higher-level codes, SN2007 codes that split, and list versions. No database."""

import datetime

import pytest

from enterprises import obligation
from enterprises.obligation import Status

from .helpers import ref_from_files, rows, subclasses

REF = ref_from_files()
DAY = datetime.date(2026, 3, 1)
VERSION = obligation.list_in_force(REF.versions, DAY)
ENTRIES = rows("bht_industries_sn2025.csv")


def status_of(code, standard="SN2025"):
    return obligation.assess_codes([code], day=DAY, ref=REF, standard=standard)


def test_the_list_has_108_entries_9_partial_in_57_divisions():
    assert len(VERSION.entries) == 108
    assert sum(e.partial for e in VERSION.entries) == 9
    assert len({e.division for e in VERSION.entries}) == 57
    assert VERSION.reference == "FOR-2025-10-07-1993"
    assert VERSION.valid_from == datetime.date(2025, 10, 7)


@pytest.mark.parametrize("row", ENTRIES, ids=[r["entry_code"] for r in ENTRIES])
def test_every_entry_covers_its_own_code_and_all_its_subclasses(row):
    code, condition = row["entry_code"], row["condition"]
    expected = Status.DEPENDS if condition else Status.OBLIGED
    covered = [c for c in subclasses() if c == code or c.startswith(code + ("." if len(code) == 2 else ""))]
    assert covered, f"entry {code} covers no SN2025 subclass"
    for c in [code, *covered]:
        a = obligation.assess_code(c, version=VERSION, ref=REF)
        assert a.status == expected, c
        assert a.entry is not None and a.entry.code == code, c
        assert a.condition == condition
        assert a.name == REF.name("SN2025", c)


def test_every_sn2025_subclass_not_under_an_entry_is_not_obliged():
    """Independent check over all 737 subclasses: a naive prefix test against the entry codes."""
    codes = [e["entry_code"] for e in ENTRIES]

    def naive(c):
        return any(c.startswith(e + ".") if len(e) == 2 else c.startswith(e) for e in codes)

    outside = [c for c in subclasses() if not naive(c)]
    assert len(outside) > 300
    for c in outside:
        assert obligation.assess_code(c, version=VERSION, ref=REF).status == Status.NOT_OBLIGED, c


@pytest.mark.parametrize(
    "code",
    ["56.210", "56.290", "43.600", "35.240", "96.220", "96.230", "86.970", "26.520", "32.200", "09.100",
     "03.110", "53.300", "80.020", "84.110", "84.210", "95.100", "01.110", "62.100", "68.100", "70.100"],
)  # fmt: skip
def test_codes_just_outside_the_list_are_not_obliged(code):
    a = obligation.assess_code(code, version=VERSION, ref=REF)
    assert a.status == Status.NOT_OBLIGED
    assert a.entry is None


@pytest.mark.parametrize(
    "code,entry,condition",
    [
        ("56.220", "56.22", "Unntatt cateringvirksomhet"),
        ("84.240", "84.24", "Bare for politiet"),
        ("32.300", "32.3", "Kun den del som gjelder gummi- og plastprodukter"),
        ("80.010", "80.01", "Unntatt etterforskningstjenester"),
    ],
)
def test_partial_entries_depend_and_carry_their_condition(code, entry, condition):
    answer = status_of(code)
    assert answer.status == Status.DEPENDS
    assert answer.codes[0].entry.code == entry
    assert answer.codes[0].condition == condition


def test_prefix_is_on_the_dotted_code():
    assert obligation.covers("85.1", "85.100")
    assert obligation.covers("49", "49.410")
    assert obligation.covers("86.91", "86.910")
    assert not obligation.covers("43.1", "43.600")
    assert not obligation.covers("4", "49.410")
    assert obligation.covers("32.990", "32.990") and not obligation.covers("32.990", "32.991")


def test_a_division_partly_on_the_list_depends_and_names_the_listed_codes():
    a = obligation.assess_code("86", version=VERSION, ref=REF)
    assert a.status == Status.DEPENDS
    assert [e.code for e in a.partial_entries] == [
        "86.1",
        "86.2",
        "86.91",
        "86.92",
        "86.93",
        "86.94",
        "86.95",
        "86.96",
        "86.99",
    ]
    assert obligation.assess_code("49", version=VERSION, ref=REF).status == Status.OBLIGED
    assert obligation.assess_code("62", version=VERSION, ref=REF).status == Status.NOT_OBLIGED


def test_sn2007_hairdresser_splits_into_obliged_and_not_listed():
    a = obligation.assess_code("96.020", standard="SN2007", version=VERSION, ref=REF)
    assert a.standard == "SN2007" and a.name.startswith("Frisering")
    assert [(s.code, s.status) for s in a.successors] == [("96.210", Status.OBLIGED), ("96.220", Status.NOT_OBLIGED)]
    assert a.status == Status.DEPENDS


def test_every_sn2007_subclass_is_assessed_through_its_successors():
    changed = set(REF.successors)
    for code in subclasses("SN2007"):
        a = obligation.assess_code(code, standard="SN2007", version=VERSION, ref=REF)
        expected_successors = REF.successors.get(code, (code,))
        assert tuple(s.code for s in a.successors) == tuple(expected_successors), code
        statuses = {s.status for s in a.successors}
        if statuses == {Status.OBLIGED}:
            assert a.status == Status.OBLIGED
        elif statuses == {Status.NOT_OBLIGED}:
            assert a.status == Status.NOT_OBLIGED
        else:
            assert a.status == Status.DEPENDS
        if code not in changed:
            assert a.successors[0].code == code  # kept its code
    assert len(changed) == 445


def test_an_sn2007_split_where_all_successors_are_listed_is_obliged():
    split_all_obliged = [
        old
        for old, new in REF.successors.items()
        if len(new) > 1
        and all(obligation.assess_code(n, version=VERSION, ref=REF).status == Status.OBLIGED for n in new)
    ]
    assert split_all_obliged
    assert status_of(split_all_obliged[0], "SN2007").status == Status.OBLIGED


def test_enterprise_is_obliged_if_any_code_is():
    ref = REF
    assert obligation.assess_codes(["62.100", "41.000"], day=DAY, ref=ref).status == Status.OBLIGED
    assert obligation.assess_codes(["62.100", "56.220"], day=DAY, ref=ref).status == Status.DEPENDS
    assert obligation.assess_codes(["62.100", "68.100"], day=DAY, ref=ref).status == Status.NOT_OBLIGED
    assert obligation.assess_codes([], day=DAY, ref=ref).status == Status.DEPENDS


def test_the_list_in_force_on_the_date_is_used():
    old = obligation.ListVersion(
        valid_from=datetime.date(2012, 1, 1), reference="FOR-2011-12-06-1355", entries=(obligation.Entry("62", "IT"),)
    )
    ref = obligation.ReferenceData(versions=(old, *REF.versions), names=REF.names, successors=REF.successors)
    assert obligation.assess_codes(["62.100"], day=datetime.date(2024, 6, 1), ref=ref).status == Status.OBLIGED
    later = obligation.assess_codes(["62.100"], day=datetime.date(2025, 10, 7), ref=ref)
    assert later.status == Status.NOT_OBLIGED and later.version.reference == "FOR-2025-10-07-1993"
    with pytest.raises(obligation.NoListInForce):
        obligation.assess_codes(["62.100"], day=datetime.date(2011, 1, 1), ref=ref)


@pytest.mark.parametrize("raw,expected", [("96020", "96.020"), (" 96.02 ", "96.02"), ("49", "49"), ("85,1", "85.1")])
def test_codes_are_normalised(raw, expected):
    assert obligation.normalise_code(raw) == expected
    assert obligation.is_code(raw)


def test_detect_standard():
    assert obligation.detect_standard("96.210", REF) == "SN2025"
    assert obligation.detect_standard("96.020", REF) == "SN2007"
    assert obligation.detect_standard("99.999", REF) is None
