"""The one CSV writer for every CSV the portal gives people (register export and any other).

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return
before one) as a formula: `=HYPERLINK("https://evil.example", "Klikk")` from a contact field a
provider typed would become a live link in the case handler's spreadsheet. Such a cell is
written with a leading apostrophe, which spreadsheets show as text (OWASP: CSV injection).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> str:
    """The cell as text, defused if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeWriter:
    """csv.writer with every cell neutralised. Semicolon-separated by default (what
    Norwegian spreadsheets open directly)."""

    def __init__(self, stream, *, delimiter: str = ";"):
        self._writer = csv.writer(stream, delimiter=delimiter)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(v) for v in row])

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
