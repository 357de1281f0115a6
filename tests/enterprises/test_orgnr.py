import pytest

from core.orgnr import OrgnrError, looks_like_orgnr, parse_orgnr


@pytest.mark.parametrize("raw", ["988077917", "988 077 917", "NO 988 077 917 MVA", "no988077917mva", "988.077.917"])
def test_accepts_spaces_prefix_and_suffix(raw):
    assert parse_orgnr(raw) == "988077917"


@pytest.mark.parametrize(
    "raw,check",
    [("988 077 918", "checksum"), ("98807791", "length"), ("9880779170", "length"), ("98807791O", "digits")],
)
def test_says_which_check_failed(raw, check):
    with pytest.raises(OrgnrError) as exc:
        parse_orgnr(raw)
    assert exc.value.check == check
    assert exc.value.message


def test_what_looks_like_a_number():
    assert looks_like_orgnr("988 077 917")
    assert looks_like_orgnr("98807791O")
    assert not looks_like_orgnr("Demo Bygg")
    assert not looks_like_orgnr("Bygg 12 AS")
