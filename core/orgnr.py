"""Organisation numbers (organisasjonsnummer): normalise what people type and say which
check failed. The checksum is python-stdnum's `stdnum.no.orgnr` (mod 11, weights 3,2,7,6,5,4,3,2)."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.no import orgnr as stdnum_orgnr

_PREFIX_SUFFIX = re.compile(r"^(?:NO)?(?P<body>.*?)(?:MVA)?$", re.IGNORECASE)


class OrgnrError(ValueError):
    """An invalid organisation number; `check` is `length`, `digits` or `checksum`."""

    def __init__(self, check: str, message: str):
        super().__init__(message)
        self.check = check
        self.message = message


# An organisation number as an API parameter, for the OpenAPI schema: nine digits with the
# spaces, dots or dashes people write, a `NO` prefix and an `MVA` suffix (what `compact` reads;
# the check digit is checked by parse_orgnr).
ORGNR_PATTERN = r"^\s*(?:[Nn][Oo])?\s*(?:[0-9][\s.\-]*){9}(?:[Mm][Vv][Aa])?\s*$"


def ascii_digits(value: str) -> str:
    """Every script's decimal digits (full-width, Arabic-Indic, ...) as ASCII digits."""
    if value.isascii():
        return value
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in value)


def compact(raw: str) -> str:
    """Strip spaces, dots and dashes, a leading `NO` and a trailing `MVA`; digits as ASCII."""
    cleaned = ascii_digits(re.sub(r"[\s.\-]", "", raw or ""))
    match = _PREFIX_SUFFIX.match(cleaned)
    return match.group("body") if match else cleaned


def looks_like_orgnr(raw: str) -> bool:
    """Mostly digits after normalising: an attempt at an organisation number (maybe mistyped)."""
    body = compact(raw)
    digits = sum(ch.isdigit() for ch in body)
    return bool(body) and digits >= 6 and digits >= len(body) - 2


def parse_orgnr(raw: str) -> str:
    """The nine digits of a valid organisation number, or OrgnrError saying which check failed."""
    body = compact(raw)
    if not (body.isascii() and body.isdigit()):
        raise OrgnrError("digits", str(_("An organisation number has only digits.")))
    if len(body) != 9:
        raise OrgnrError(
            "length",
            str(_("An organisation number has nine digits; this has %(count)d.") % {"count": len(body)}),
        )
    if body[0] not in "89":
        # The Brønnøysund registers give out numbers from 800 000 000 up (000000000 passes the checksum).
        raise OrgnrError("range", str(_("An organisation number begins with 8 or 9.")))
    try:
        return stdnum_orgnr.validate(body)
    except stdnum_exceptions.InvalidChecksum:
        raise OrgnrError(
            "checksum",
            str(_("The check digit (the last digit) does not match: please check the number for typing errors.")),
        )
    except stdnum_exceptions.ValidationError:
        raise OrgnrError("digits", str(_("An organisation number has only digits.")))


def is_valid(orgnr: str) -> bool:
    return stdnum_orgnr.is_valid(orgnr)


def validate_orgnr(value: str) -> None:
    """Django validator for a stored organisation number: exactly what parse_orgnr accepts,
    already normalised (nine digits, valid check digit)."""
    from django.core.exceptions import ValidationError

    try:
        number = parse_orgnr(value)
    except OrgnrError as exc:
        raise ValidationError(exc.message, code=exc.check) from None
    if number != value:
        raise ValidationError(_("Write the organisation number as nine digits."), code="format")
