"""Two case handlers decide the same case at the same moment: exactly one decision is
recorded and the other handler gets a clear message. Needs PostgreSQL (row locks)."""

import threading

import pytest
from django.db import connection

from approvals.models import Approval, CaseEvent, Decision, DecisionLetter
from approvals.services.cases import CaseActionRefused, case_decide
from tests.approvals.factories import CaseFactory, assessed
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True)]


def _not_met():
    a = assessed()
    a[4] = {**a[4], "met": False, "assessment": "For lite fagpersonell."}
    return a


@pytest.mark.parametrize("round_", range(3))
def test_two_handlers_decide_at_once_exactly_one_wins(round_):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE) need PostgreSQL; SQLite serialises all writes")
    case = CaseFactory(status="in_review")
    anne = UserFactory(case_handler=True, full_name="Anne Approver")
    rolf = UserFactory(case_handler=True, full_name="Rolf Rejecter")
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def decide(name, user, outcome, assessments):
        # A rejection needs the handler's written reasons (forvaltningsloven § 25).
        reasons = "For lite fagpersonell i fire fagområder." if outcome == "rejected" else ""
        try:
            barrier.wait(timeout=10)
            results[name] = case_decide(
                case=case, actor=user, outcome=outcome, assessments=assessments, justification=reasons
            )
        except CaseActionRefused as exc:
            results[name] = exc
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[name] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=("anne", anne, "approved", assessed())),
        threading.Thread(target=decide, args=("rolf", rolf, "rejected", _not_met())),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    decisions = [r for r in results.values() if isinstance(r, Decision)]
    refusals = [r for r in results.values() if isinstance(r, CaseActionRefused)]
    assert len(decisions) == 1 and len(refusals) == 1, results
    assert Decision.objects.filter(case=case).count() == 1
    assert DecisionLetter.objects.filter(decision__case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.DECIDED).count() == 1
    winner = decisions[0]
    message = str(refusals[0])
    assert case.case_number in message
    assert winner.decided_by.full_name in message  # "already decided ... by <name>; not recorded"
    assert Approval.objects.filter(case=case).count() == (1 if winner.outcome == "approved" else 0)
