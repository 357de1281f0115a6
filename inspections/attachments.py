"""Checks on photos and PDFs uploaded to an inspection, by content, never by file name.

A PDF goes through the same check as application documents (approvals.documents.pdf_check:
a real, unencrypted PDF without active content, at most 20 MB). A photo must be a JPEG or PNG
that Pillow can open and fully decode, at most 20 MB and 40 megapixels.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from approvals.documents import MAX_DOCUMENT_BYTES, PDF_MAGIC, _read, pdf_check

MAX_PIXELS = 40_000_000
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    size: int
    sha256: str


def _image_check(content: bytes) -> str:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = image.format
            if kind not in IMAGE_TYPES:
                raise ValidationError(_("Photos must be JPEG or PNG."), code="image_type")
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(_("The photo is too large (more than 40 megapixels)."), code="image_pixels")
            image.load()  # decode it all: a truncated or corrupt file fails here
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - any decoding failure is a damaged or fake image
        raise ValidationError(
            _("The file is neither a PDF nor a photo we can read (JPEG or PNG), whatever its name says."),
            code="not_image",
        )
    return IMAGE_TYPES[kind]


def upload_check(uploaded) -> CheckedUpload:
    """Check an uploaded PDF or photo; return its bytes and type, or raise ValidationError."""
    content = _read(uploaded)
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."), code="too_large")
    if content.startswith(PDF_MAGIC):
        checked = pdf_check(io.BytesIO(content))
        return CheckedUpload(content=content, content_type="application/pdf", size=checked.size, sha256=checked.sha256)
    content_type = _image_check(content)
    return CheckedUpload(
        content=content, content_type=content_type, size=len(content), sha256=hashlib.sha256(content).hexdigest()
    )
