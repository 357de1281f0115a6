"""Is a PDF harmless? A pure check (bytes in, verdict out; no Django), used by every upload.

The check parses the file with pypdf and walks *every* object it holds: each entry of the
cross-reference table and of compressed object streams, and everything nested in them. Names
are compared decoded (`/J#61vaScript` is `/JavaScript`), so neither compression nor escaping
hides anything. Refused:

- active content: JavaScript (`/JS`, `/JavaScript`), additional actions (`/AA`) on the document,
  pages, annotations or form fields, and the actions `/Launch`, `/SubmitForm`, `/ImportData`,
  `/GoToR`, `/GoToE`, `/Rendition`, `/RichMediaExecute`;
- embedded content: embedded files (`/EmbeddedFiles`, `/EmbeddedFile`, `/EF`), file
  attachments (`/FileAttachment`), rich media (`/RichMedia`), XFA forms (`/XFA`);
- a PDF that cannot be parsed, is encrypted, or has no pages;
- a decompression bomb: every stream is decoded with a cap per stream and a cap for the whole
  file, so a tiny upload that inflates to gigabytes is refused after at most
  `MAX_TOTAL_DECODED_BYTES` of work, in bounded memory (pypdf decompresses incrementally and
  stops at the per-stream cap).

A plain `/OpenAction` (open at a page) and `/URI` links are harmless and accepted.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

PDF_MAGIC = b"%PDF-"
MAX_STREAM_DECODED_BYTES = 32 * 1024 * 1024
MAX_TOTAL_DECODED_BYTES = 96 * 1024 * 1024
MAX_OBJECTS = 200_000

# Dictionary keys whose presence is active or embedded content.
FORBIDDEN_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/XFA", "/EmbeddedFiles", "/EF", "/RichMediaContent"})
# Name values (an action's /S, an annotation's /Subtype, a /Type) that are.
FORBIDDEN_VALUES = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/Rendition",
        "/RichMedia",
        "/RichMediaExecute",
        "/FileAttachment",
        "/EmbeddedFile",
    }
)
FORBIDDEN = FORBIDDEN_KEYS | FORBIDDEN_VALUES
# A PDF name token in the raw bytes (also objects the cross-reference table leaves out).
_NAME_TOKEN = re.compile(rb"/[^\s/<>\[\]()%{}\x00]{1,127}")


@dataclass(frozen=True)
class PdfVerdict:
    """`problem` is None for a harmless PDF, else one of: not_pdf, broken, encrypted, no_pages,
    active_content, too_large_decoded. `found` names what was found (PDF names, sorted)."""

    problem: str | None
    pages: int = 0
    found: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.problem is None


class _Bomb(Exception):
    pass


def _unescape(token: bytes) -> str:
    """A raw name token decoded as PDF does it (#xx is the byte xx)."""
    out = bytearray()
    i = 0
    while i < len(token):
        if token[i : i + 1] == b"#" and i + 3 <= len(token):
            try:
                out.append(int(token[i + 1 : i + 3], 16))
                i += 3
                continue
            except ValueError:
                pass
        out.append(token[i])
        i += 1
    return out.decode("latin-1")


def raw_forbidden_names(content: bytes) -> set[str]:
    """Forbidden names written uncompressed anywhere in the file, decoded."""
    return {name for tok in _NAME_TOKEN.findall(content) if (name := _unescape(tok)) in FORBIDDEN}


def _walk(obj, found: set[str], budget: list[int]) -> None:
    """Every name in a (direct) object tree; streams decoded within the budget."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            continue  # walked on its own, as an entry of the cross-reference table
        if isinstance(item, NameObject):
            if item in FORBIDDEN_VALUES:
                found.add(str(item))
        elif isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key in FORBIDDEN_KEYS:
                    found.add(str(key))
                stack.append(value)
            if isinstance(item, StreamObject):
                _decode(item, budget)
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _decode(stream, budget: list[int]) -> None:
    """Decode a stream without keeping the result (pypdf stops at the per-stream cap of the
    configuration `pdf_verdict` sets) and count its size against the total."""
    from pypdf.filters import decode_stream_data
    from pypdf.generic import EncodedStreamObject

    if not isinstance(stream, EncodedStreamObject):
        return  # not compressed: its bytes are already in the file
    try:
        size = len(decode_stream_data(stream))
    except (NotImplementedError, ValueError):
        return  # a filter pypdf cannot decode (an image codec): nothing of ours runs it
    budget[0] -= size
    if budget[0] < 0:
        raise _Bomb


def _limits():
    from pypdf import apply_configuration

    cap = MAX_STREAM_DECODED_BYTES
    return apply_configuration(
        zlib_maximum_output_length=cap,
        lzw_maximum_output_length=cap,
        run_length_maximum_output_length=cap,
        brotli_maximum_output_length=cap,
        array_based_stream_maximum_output_length=cap,
        jbig2_maximum_output_length=cap,
        stream_decoding_work_maximum_length=2 * cap,
        jbig2dec_binary=None,
    )


def pdf_verdict(content: bytes) -> PdfVerdict:
    """The verdict on a PDF's bytes (the caller caps the upload size)."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    if not content.startswith(PDF_MAGIC):
        return PdfVerdict("not_pdf")
    try:
        with _limits():
            return _verdict(PdfReader(io.BytesIO(content), strict=False), content)
    except (_Bomb, LimitReachedError):
        return PdfVerdict("too_large_decoded")
    except Exception:  # noqa: BLE001 - any parse failure (PdfReadError, recursion, ...) is a broken PDF
        return PdfVerdict("broken")


def _verdict(reader, content: bytes) -> PdfVerdict:
    from pypdf.generic import IndirectObject

    if reader.is_encrypted:
        return PdfVerdict("encrypted")
    found = raw_forbidden_names(content)
    budget = [MAX_TOTAL_DECODED_BYTES]
    refs = [(num, gen) for gen, table in reader.xref.items() for num in table]
    refs += [(num, 0) for num in reader.xref_objStm]
    if len(refs) > MAX_OBJECTS:
        return PdfVerdict("broken")
    # streams first (object streams among them: decoded here within the budget before
    # pypdf unpacks the objects they hold), then the rest
    for num, gen in sorted(set(refs), key=lambda r: r[0] in reader.xref_objStm):
        obj = reader.get_object(IndirectObject(num, gen, reader))
        if obj is not None:
            _walk(obj, found, budget)
    _walk(reader.trailer, found, budget)
    pages = len(reader.pages)
    if found:
        return PdfVerdict("active_content", pages=pages, found=tuple(sorted(found)))
    if pages < 1:
        return PdfVerdict("no_pages")
    return PdfVerdict(None, pages=pages)
