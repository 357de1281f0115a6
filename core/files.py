"""Safe names for files the portal sends back (issue 14, hole 8).

An uploaded file keeps its name for the people who see it, but never its type: whatever it
was called (`report.exe`, `a.pdf.exe`, `..\\..\\x.bat`, a name with quotes or control
characters), the download is `<readable stem>.pdf` and always an attachment."""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;%]+')
MAX_STEM = 100


def safe_download_name(name: str | None, *, extension: str = ".pdf", fallback: str = "dokument") -> str:
    """A file name safe to send: no path, no control or shell characters, its own extension
    dropped and no other dot left (`a.pdf.exe` is `a_pdf.pdf`), ending in `extension`."""
    text = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    text = _UNSAFE.sub("_", text).strip(" .")
    stem = text.rsplit(".", 1)[0] if "." in text else text  # its own extension, whatever it was
    stem = stem.replace(".", "_")[:MAX_STEM].strip(" ._") or fallback  # and none left inside
    return stem + extension
