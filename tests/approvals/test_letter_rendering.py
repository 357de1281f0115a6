"""Rendering letters in a warm worker: the kept font configuration and the deferred garbage
collection give the same letter, leave the collector as they found it, and leak nothing."""

import gc
import io

import pytest
from pypdf import PdfReader

from approvals import letters
from approvals.services.cases import case_decide
from tests.approvals.factories import CaseFactory, assessed

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(case_handler):
    case = CaseFactory(status="in_review", provider__name="Ærlige Øst-Åsen BHT AS")
    return case_decide(case=case, actor=case_handler, outcome="approved", assessments=assessed())


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_repeated_letters_are_the_same_and_fonts_embedded(decision):
    first, second = letters.letter_render(decision=decision), letters.letter_render(decision=decision)
    assert first.pages == second.pages
    assert _text(first.pdf) == _text(second.pdf)
    assert "Ærlige Øst-Åsen BHT AS" in _text(second.pdf)
    for page in PdfReader(io.BytesIO(second.pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            for descendant in font.get_object().get("/DescendantFonts", [font]):
                assert "/FontFile2" in descendant.get_object()["/FontDescriptor"].get_object()


def test_collector_state_is_restored(decision):
    assert gc.isenabled()
    letters.letter_render(decision=decision)
    assert gc.isenabled()
    gc.disable()
    try:
        letters.letter_render(decision=decision)
        assert not gc.isenabled()  # a caller's choice is left alone
    finally:
        gc.enable()


def test_no_objects_pile_up_across_letters(decision):
    for _ in range(3):
        letters.letter_render(decision=decision)
    before = len(gc.get_objects())
    for _ in range(6):
        letters.letter_render(decision=decision)
    # A letter makes ~100,000 objects; without collecting them it would grow by that much each time.
    assert len(gc.get_objects()) - before < 20_000
