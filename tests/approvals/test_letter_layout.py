"""Issue 11 item 11: the letter's assessment rows are not split across pages and its column
headers do not break inside a word ("Årsve rk", "Oppfyl t")."""

import io
import re

import pytest
from pypdf import PdfReader

from approvals import letters
from approvals.selectors.cases import assessments_prefill
from approvals.services.cases import case_decide
from tests.approvals.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_decision(case_handler):
    case = CaseFactory(status="in_review")
    assessments = assessments_prefill(evaluation=None)
    for i, a in enumerate(assessments):
        words = " ".join(f"vurderingsord{i}x{n}" for n in range(45))
        a["assessment"] = f"START{i} {words} SLUTT{i}"
    return case_decide(case=case, actor=case_handler, outcome="approved", assessments=assessments)


def test_assessment_rows_stay_on_one_page_and_headers_keep_their_words(long_decision):
    pdf = letters.letter_render(decision=long_decision).pdf
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) >= 2
    for i in range(len(long_decision.assessments)):
        start = next(n for n, text in enumerate(pages) if f"START{i}" in text)
        end = next(n for n, text in enumerate(pages) if f"SLUTT{i}" in text)
        assert start == end, f"assessment {i} is split over pages {start + 1} and {end + 1}"
    text = "\n".join(pages)
    for word in ("Årsverk", "Oppfylt", "Vurdering"):
        broken = [m.group(0) for m in re.finditer(rf"{word[:3]}\w*\s+\w+", text) if word not in m.group(0)]
        assert word in text or f"{word[:3]}-" in text, word
        assert not any(re.fullmatch(rf"{word[:k]}\s+{word[k:]}", b) for b in broken for k in range(2, len(word)))
