"""Checks on uploaded documents: a real, harmless PDF of at most 20 MB.

Checked by content, never by file name: the file must start with `%PDF-`, parse with pypdf,
not be encrypted, and carry no active content or embedded files (the pure check is
`approvals.pdf_safety`). Every refusal says why, in the user's language.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from approvals.pdf_safety import PDF_MAGIC, pdf_verdict

__all__ = ["PDF_MAGIC", "CheckedPdf", "minimal_pdf", "pdf_check", "pdf_store", "upload_name"]

logger = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


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


def pdf_check(uploaded) -> CheckedPdf:
    """Read and check an uploaded file; return its bytes, size and SHA-256, or raise
    ValidationError with the reason (what the check found, for active content)."""
    content = _read(uploaded)
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    verdict = pdf_verdict(content)
    if verdict.problem == "active_content":
        raise ValidationError(
            _(
                "The PDF contains active content or embedded files (found: %(found)s). "
                "Remove it (for example by printing the document to a new PDF) and try again."
            )
            % {"found": ", ".join(verdict.found)},
            code="active_content",
        )
    if verdict.problem:
        logger.info("PDF refused: %s", verdict.problem)
        raise ValidationError(_MESSAGES[verdict.problem](), code=verdict.problem)
    return CheckedPdf(
        content=content, size=len(content), sha256=hashlib.sha256(content).hexdigest(), pages=verdict.pages
    )


_MESSAGES = {
    "not_pdf": lambda: _("The file is not a PDF (its content does not start as a PDF does), whatever its name says."),
    "broken": lambda: _("The PDF cannot be read (the file is damaged or not a real PDF)."),
    "encrypted": lambda: _("The PDF is encrypted or password-protected. Upload a version without protection."),
    "no_pages": lambda: _("The PDF has no pages."),
    "too_large_decoded": lambda: _(
        "The PDF unpacks to far more data than a document of this size can hold (a compression bomb)."
    ),
}


def upload_name(uploaded) -> str:
    """The name the uploaded file had, without any folder part, at most 255 characters."""
    return (getattr(uploaded, "name", "") or "dokument.pdf").replace("\\", "/").rsplit("/", 1)[-1][:255]


def pdf_store(*, document, checked: CheckedPdf) -> None:
    """Store a checked PDF privately under a random name and save its document row; if the
    row cannot be saved, the stored file is deleted again."""
    document.file.save("upload.pdf", ContentFile(checked.content), save=False)
    stored = document.file.name
    try:
        document.save()
    except Exception:
        document.file.storage.delete(stored)
        raise


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
