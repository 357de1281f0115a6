"""Every decision letter the demo data holds passes the same letter checks as the tests' own
letters (tests/approvals/letter_checks.py)."""

import pytest
from django.core.management import call_command

from approvals.models import Decision, OutboxStatus
from tests.approvals.letter_checks import assert_letter_ok

pytestmark = pytest.mark.django_db


def test_every_demo_letter_passes_the_letter_checks_and_old_ones_are_made_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the letters are made on commit
        call_command("load_reference_data", verbosity=0)
        call_command("seed_demo")
    decisions = list(Decision.objects.select_related("case__provider", "letter__notification"))
    assert len(decisions) >= 5
    for decision in decisions:
        assert decision.letter.status == OutboxStatus.DONE, decision
        assert len(decision.assessments) == 7 and all(a["assessment"] for a in decision.assessments)
        with decision.letter.pdf.open("rb") as handle:
            assert_letter_ok(decision, handle.read())

    # A demo database from before: a letter with an empty assessment table is made again.
    decision = decisions[0]
    Decision.objects.filter(pk=decision.pk).update(assessments=[])  # as the demo made them before
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    decision = Decision.objects.select_related("letter__notification").get(pk=decision.pk)
    assert len(decision.assessments) == 7
    with decision.letter.pdf.open("rb") as handle:
        assert_letter_ok(decision, handle.read())
