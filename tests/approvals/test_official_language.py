"""The case record is Norwegian whatever language the acting user reads."""

import pytest
from django.utils import translation

from approvals.models import CaseEvent, CaseStatus
from approvals.services.cases import case_assign
from tests.approvals.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_case_events_are_written_in_norwegian_for_an_english_speaking_handler(case_handler):
    case = CaseFactory(status=CaseStatus.SUBMITTED)
    with translation.override("en"):
        case_assign(case=case, assignee=case_handler, actor=case_handler)
        assert translation.get_language() == "en"  # the user's own language is left as it was
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.ASSIGNED)
    with translation.override("nb"):
        expected = translation.gettext("Assigned to %(name)s.") % {"name": case_handler.get_full_name()}
    assert event.message == expected
    assert not expected.startswith("Assigned")  # the catalogue has it in Norwegian
