"""Checks on uploaded documents: a real, harmless PDF of at most 20 MB.

Checked by content, never by file name: the file must start with `%PDF-`, parse with pypdf,
not be encrypted, and carry no active content (JavaScript, Launch actions, embedded files).
Every refusal says why, in the user's language.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
# Names whose presence anywhere in the file means active content.
ACTIVE_NAMES = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFiles", b"/EmbeddedFile", b"/RichMedia")
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"}


@dataclass(frozen=True)
class CheckedPdf:
    content: bytes
    size: int
    sha256: str
    pages: int


def _read(uploaded) -> bytes:
    size = getattr(uploaded, "size", None)
    if size is not None and size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."), code="too_large")
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    chunks, total = [], 0
    for chunk in uploaded.chunks() if hasattr(uploaded, "chunks") else [uploaded.read()]:
        total += len(chunk)
        if total > MAX_DOCUMENT_BYTES:
            raise ValidationError(_("The file is larger than 20 MB."), code="too_large")
        chunks.append(chunk)
    return b"".join(chunks)


def _has_active_name(content: bytes) -> bool:
    for name in ACTIVE_NAMES:
        start = 0
        while (i := content.find(name, start)) != -1:
            end = i + len(name)
            # a whole PDF name: the next byte must end it (/JS, not /JSomething)
            if end >= len(content) or content[end : end + 1] in b" \t\r\n/<>[]()%{}":
                return True
            start = end
    return False


def _action_is_active(action) -> bool:
    try:
        action = action.get_object()
        if action is None:
            return False
        if action.get("/S") in ACTIVE_ACTIONS:
            return True
        nxt = action.get("/Next")
        if nxt is not None:
            items = nxt.get_object()
            items = items if isinstance(items, list) else [items]
            return any(_action_is_active(a) for a in items)
    except Exception:  # noqa: BLE001 - a malformed action is treated as suspicious
        return True
    return False


def _structure_is_active(reader) -> bool:
    """Active content reachable from the document structure (after decompression, which
    the byte scan cannot see in object streams)."""
    root = reader.trailer["/Root"].get_object()
    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        if "/JavaScript" in names or "/EmbeddedFiles" in names:
            return True
    open_action = root.get("/OpenAction")
    if open_action is not None and not isinstance(open_action.get_object(), list):
        if _action_is_active(open_action):
            return True
    for holder in [root, *reader.pages]:
        aa = holder.get("/AA")
        if aa is not None:
            for action in aa.get_object().values():
                if _action_is_active(action):
                    return True
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/FileAttachment":
                return True
            if annot.get("/A") is not None and _action_is_active(annot["/A"]):
                return True
    return False


def pdf_check(uploaded) -> CheckedPdf:
    """Read and check an uploaded file; return its bytes, size and SHA-256, or raise
    ValidationError with the reason."""
    from pypdf import PdfReader

    content = _read(uploaded)
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    if not content.startswith(PDF_MAGIC):
        raise ValidationError(
            _("The file is not a PDF (its content does not start as a PDF does), whatever its name says."),
            code="not_pdf",
        )
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("The PDF is encrypted or password-protected. Upload a version without protection."),
                code="encrypted",
            )
        pages = len(reader.pages)
        active = _structure_is_active(reader)
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parse failure (PdfReadError or other) is a broken PDF
        logger.info("PDF refused as unreadable: %s", exc)
        raise ValidationError(_("The PDF cannot be read (the file is damaged or not a real PDF)."), code="broken")
    if pages < 1:
        raise ValidationError(_("The PDF has no pages."), code="no_pages")
    if active or _has_active_name(content):
        raise ValidationError(
            _(
                "The PDF contains active content (JavaScript, launch actions or embedded files). Remove it and try again."
            ),
            code="active_content",
        )
    return CheckedPdf(content=content, size=len(content), sha256=hashlib.sha256(content).hexdigest(), pages=pages)


def minimal_pdf(title: str = "BHT-portalen") -> bytes:
    """A small valid one-page PDF with a line of text (demo data and tests)."""
    text = title.encode("latin-1", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 14 Tf 72 770 Td (" + text + b") Tj ET"
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        b"<</Length " + str(len(stream)).encode() + b">>stream\n" + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()
