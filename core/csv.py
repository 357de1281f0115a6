"""The one CSV writer for every CSV the portal gives people (register export and any other).

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return
before one) as a formula: `=HYPERLINK("https://evil.example", "Klikk")` from a contact field a
provider typed would become a live link in the case handler's spreadsheet. Such a cell is
written with a leading apostrophe, which spreadsheets show as text (OWASP: CSV injection).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> str:
    """The cell as text, defused if a spreadsheet would run it (a number, -3 or 2.5, is a
    number, not a formula: it is written as it is)."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeWriter:
    """csv.writer with every cell neutralised. Semicolon-separated by default (what
    Norwegian spreadsheets open directly)."""

    def __init__(self, stream, *, delimiter: str = ";"):
        self._writer = csv.writer(stream, delimiter=delimiter)

    def writerow(self, row: Iterable[Any]):
        """Write the row; returns what the stream's write returned (the line, for csv_stream)."""
        return self._writer.writerow([neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_attachment(filename: str):
    """An HttpResponse ready for SafeWriter: UTF-8 with BOM (spreadsheets then read æøå),
    sent as a download."""
    from django.http import HttpResponse

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response


class _Echo:
    """A stream that hands back what is written (csv.writer then returns each line)."""

    def write(self, value):
        return value


def csv_stream(filename: str, header: Iterable[Any], rows: Iterable[Iterable[Any]]):
    """A streamed CSV download (rows read lazily, so a long list is never held in memory):
    semicolon-separated, UTF-8 with BOM, every cell neutralised, sent as an attachment."""
    from django.http import StreamingHttpResponse

    writer = SafeWriter(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
