"""The decision letter: content, fonts, PDF/UA, the idempotent task and the sweep."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from approvals.letters import LocalFontFetcher, letter_render
from approvals.models import CaseEvent, Decision, DecisionLetter, OutboxStatus
from approvals.services.cases import case_decide
from approvals.tasks import decision_letter_generate, decision_letters_sweep
from tests.approvals.factories import CaseFactory, assessed
from tests.approvals.letter_checks import assert_letter_ok

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def approved(case_handler, django_capture_on_commit_callbacks):
    case = CaseFactory(status="in_review", provider__name="Ærlige Øst-Åsen BHT AS", provider__street_address="Gågata 5")
    with django_capture_on_commit_callbacks(execute=True):
        decision = case_decide(case=case, actor=case_handler, outcome="approved", assessments=assessed())
    return decision


def test_letter_is_generated_once_emailed_once_and_readable(approved):
    letter = DecisionLetter.objects.get(decision=approved)
    assert letter.status == OutboxStatus.DONE  # eager task ran on commit
    assert letter.pdf and letter.pages >= 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][2] == "application/pdf"
    approved = Decision.objects.get(pk=approved.pk)
    # The deadline runs from the outbox notice that carried the letter (fvl. § 29).
    assert letter.notification.key == f"decision-letter:{letter.pk}" and letter.notification.sent_at
    assert approved.appeal_deadline == timezone.localdate(letter.notification.sent_at) + datetime.timedelta(days=21)
    text = assert_letter_ok(approved, letter.pdf.read())
    assert "Ærlige Øst-Åsen BHT AS" in text
    assert "Hanne Handler" in text
    assert "klage" in text.lower()
    first_name = letter.pdf.name

    # A retry, a duplicate delivery and the sweep change nothing.
    assert decision_letter_generate.run(approved.pk) == "already done"
    assert decision_letter_generate.delay(approved.pk).get() == "already done"
    assert decision_letters_sweep() == 0
    letter.refresh_from_db()
    assert letter.pdf.name == first_name
    assert len(mail.outbox) == 1
    assert CaseEvent.objects.filter(case=approved.case, kind=CaseEvent.Kind.LETTER_SENT).count() == 1
    # The e-mail is one notification keyed by the letter, with the stored PDF attached.
    from notifications.models import Notification

    notification = Notification.objects.get(kind="decision_letter")
    assert notification.key == f"decision-letter:{letter.pk}" and notification.status == "sent"
    assert notification.recipient_org == approved.case.provider.orgnr
    letter.pdf.open("rb")
    assert mail.outbox[0].attachments[0][1] == letter.pdf.read()
    letter.pdf.close()


def test_pdf_is_tagged_ua_with_embedded_fonts(approved):
    rendered = letter_render(decision=approved)
    reader = PdfReader(io.BytesIO(rendered.pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "nb"
    xmp = reader.xmp_metadata
    assert xmp is not None and "pdfuaid" in str(reader.trailer["/Root"]["/Metadata"].get_object().get_data())
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            desc = font.get_object()
            for f in desc.get("/DescendantFonts", [desc]):
                fd = f.get_object()["/FontDescriptor"].get_object()
                assert "/FontFile2" in fd or "/FontFile3" in fd or "/FontFile" in fd
                fonts.add(str(fd["/FontName"]))
    assert fonts, "no embedded fonts"
    assert any("DejaVu" in f or "Letter" in f for f in fonts), fonts


def test_fetcher_refuses_network_and_files_outside_fonts():
    fetcher = LocalFontFetcher()
    for url in ("https://example.com/x.css", "http://127.0.0.1/font.ttf", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_broker_down_decision_stands_and_sweep_sends_the_letter(
    case_handler, monkeypatch, django_capture_on_commit_callbacks
):
    """The broker is down when the decision commits: .delay raises, the decision stands
    with a pending outbox row, and the periodic sweep produces exactly one letter."""
    from kombu.exceptions import OperationalError

    def broker_down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(decision_letter_generate, "delay", broker_down)
    case = CaseFactory(status="in_review")
    with django_capture_on_commit_callbacks(execute=True):
        decision = case_decide(case=case, actor=case_handler, outcome="approved", assessments=assessed())
    letter = DecisionLetter.objects.get(decision=decision)
    assert letter.status == OutboxStatus.PENDING and not letter.pdf
    assert len(mail.outbox) == 0
    monkeypatch.undo()

    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends on commit
        assert decision_letters_sweep() == 1
    letter.refresh_from_db()
    assert letter.status == OutboxStatus.DONE and letter.pdf and letter.emailed_at
    assert len(mail.outbox) == 1
    assert decision_letters_sweep() == 0
    assert decision_letter_generate.run(decision.pk) == "already done"
    assert len(mail.outbox) == 1


def test_failed_rendering_is_recorded_and_retried(case_handler, monkeypatch, django_capture_on_commit_callbacks):
    import approvals.letters

    def broken(**kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(approvals.letters, "letter_render", broken)
    case = CaseFactory(status="in_review")
    with django_capture_on_commit_callbacks(execute=True):  # the eager task fails; the decision stands
        decision = case_decide(case=case, actor=case_handler, outcome="approved", assessments=assessed())
    letter = DecisionLetter.objects.get(decision=decision)
    assert letter.status == OutboxStatus.PENDING and "renderer crashed" in letter.last_error
    assert letter.attempts == 1
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert decision_letters_sweep() == 1
    letter.refresh_from_db()
    assert letter.status == OutboxStatus.DONE and letter.last_error == ""
    assert letter.attempts == 1  # only failures count towards MAX_ATTEMPTS
    assert len(mail.outbox) == 1


def test_letter_gives_up_after_max_failed_attempts(case_handler, monkeypatch, django_capture_on_commit_callbacks):
    import approvals.letters
    from approvals.tasks import MAX_ATTEMPTS

    monkeypatch.setattr(approvals.letters, "letter_render", lambda **kw: (_ for _ in ()).throw(RuntimeError("down")))
    case = CaseFactory(status="in_review")
    with django_capture_on_commit_callbacks(execute=True):
        decision = case_decide(case=case, actor=case_handler, outcome="approved", assessments=assessed())
    for _ in range(MAX_ATTEMPTS - 1):
        assert DecisionLetter.objects.get(decision=decision).status == OutboxStatus.PENDING
        decision_letters_sweep()
    letter = DecisionLetter.objects.get(decision=decision)
    assert letter.attempts == MAX_ATTEMPTS
    assert letter.status == OutboxStatus.FAILED  # shown to operators; the sweep stops retrying it
    assert decision_letters_sweep() == 0


def test_rejection_letter_states_reasons(case_handler, django_capture_on_commit_callbacks):
    case = CaseFactory(status="in_review")
    assessments = assessed()
    assessments[4] = {**assessments[4], "met": False, "assessment": "Bare 2,1 årsverk fagpersonell."}
    decision = case_decide(
        case=case,
        actor=case_handler,
        outcome="rejected",
        assessments=assessments,
        justification="Søknaden avslås fordi fagpersonellet er for lite til å dekke kravene.",
    )
    text = assert_letter_ok(decision, letter_render(decision=decision).pdf)
    assert "avslås" in text and "Bare 2,1 årsverk fagpersonell." in text
    assert "Begrunnelse for avslaget" in text
    assert "§ 2-2 første ledd bokstav e" in text


def test_a_letter_written_after_midnight_in_oslo_counts_from_the_norwegian_day(case_handler):
    """23:30 UTC on 2 December is 00:30 on 3 December in Oslo: the letter's day and its
    three-week appeal deadline are Norwegian days (the CI of 2 December failed on this)."""
    with time_machine.travel(datetime.datetime(2026, 12, 2, 23, 30, tzinfo=datetime.UTC), tick=False):
        case = CaseFactory(status="in_review")
        assessments = assessed()
        assessments[4] = {**assessments[4], "met": False, "assessment": "For få årsverk."}
        decision = case_decide(
            case=case, actor=case_handler, outcome="rejected", assessments=assessments, justification="For få årsverk."
        )
        text = _text(letter_render(decision=decision).pdf)
        assert decision.is_appealable(on=datetime.date(2026, 12, 3))
    assert "24.12.2026" in text  # 3 December + 21 days
    assert "23.12.2026" not in text
