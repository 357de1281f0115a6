"""Issue 11 item 7: a dispensation is an individual decision. The enterprise applies (or a
case handler on its behalf), the handler decides with reasons, a letter with the appeal text
goes out exactly once through the outbox, and a dispensation is changed or ended by a new
decision."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from approvals.models import DispensationCase
from approvals.services.cases import CaseActionRefused
from approvals.services.dispensations import dispensation_apply, dispensation_decide, dispensation_letter_send
from approvals.tasks import dispensation_letters_sweep
from enterprises.models import Dispensation, Enterprise
from notifications.models import Notification
from tests.approvals.letter_checks import pdf_text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprise(db):
    return Enterprise.objects.create(orgnr="923609016", name="Fjellheisen Drift AS", employees=3)


def test_enterprise_applies_handler_grants_with_reasons_and_the_letter_goes_once(
    enterprise, enterprise_user, handler_client, case_handler, client, django_capture_on_commit_callbacks
):
    client.force_login(enterprise_user)
    url = reverse("approvals:dispensation_apply")
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "new", "scope": "whole", "grounds": ""})
    assert response.status_code == 200 and not DispensationCase.objects.exists()  # grounds required
    response = client.post(
        url, {"kind": "new", "scope": "whole", "grounds": "Tre ansatte i kontorarbeid uten særlig risiko."}
    )
    assert response.status_code == 302
    case = DispensationCase.objects.get()
    assert case.status == "submitted" and case.case_number
    assert (
        reverse("approvals:dispensation_case_detail", args=[case.pk]) in client.get(reverse("start")).content.decode()
    )

    listing = handler_client.get(reverse("approvals:dispensation_case_list") + "?status=submitted").content.decode()
    assert case.case_number in listing
    detail = reverse("approvals:dispensation_case_detail", args=[case.pk])
    assert handler_client.post(detail, {"grant": "yes", "reasons": ""}).status_code == 200  # reasons required
    mail.outbox.clear()
    reasons = "Virksomheten har lav risiko og et eget HMS-system som dekker behovet."
    with django_capture_on_commit_callbacks(execute=True):
        assert handler_client.post(detail, {"grant": "yes", "reasons": reasons}).status_code == 302
    case.refresh_from_db()
    assert case.status == "granted" and case.dispensation.enterprise_id == enterprise.orgnr
    assert case.dispensation.in_force_on(timezone.localdate())
    assert Notification.objects.filter(key=f"dispensation-decision:{case.pk}").count() == 1
    assert any(m.attachments and m.to == [enterprise_user.email] for m in mail.outbox)
    text = pdf_text(case.letter.read())
    for fragment in (
        reasons,
        "Direktoratet for arbeidstilsynet",
        "sendt eller postlagt før fristen går ut",
        case.case_number,
    ):
        assert fragment in text, fragment
    # The job running again sends nothing more.
    assert dispensation_letter_send(case_id=case.pk) is False
    assert dispensation_letters_sweep() == {"sent": 0}
    assert client.get(reverse("approvals:dispensation_letter_download", args=[case.pk])).status_code == 200


def test_change_and_end_are_new_decisions(enterprise, case_handler, django_capture_on_commit_callbacks):
    first = dispensation_apply(enterprise=enterprise, actor=case_handler, grounds="Søknad per post.")
    dispensation_decide(case=first, actor=case_handler, grant=True, reasons="Lav risiko.")
    dispensation = Dispensation.objects.get()
    end_on = timezone.localdate() + datetime.timedelta(days=30)
    ending = dispensation_apply(
        enterprise=enterprise,
        actor=case_handler,
        grounds="Virksomheten har ansatt flere i produksjon.",
        kind="end",
        dispensation=dispensation,
        valid_until=end_on,
    )
    with django_capture_on_commit_callbacks(execute=True):
        dispensation_decide(case=ending, actor=case_handler, grant=True, reasons="Risikoen har økt.")
    dispensation.refresh_from_db()
    assert dispensation.valid_until == end_on
    assert "opphører" in pdf_text(DispensationCase.objects.get(pk=ending.pk).letter.read())
    with pytest.raises(CaseActionRefused):
        dispensation_decide(case=ending, actor=case_handler, grant=False, reasons="x")


def test_refusal_has_reasons_and_other_enterprises_see_nothing(enterprise, enterprise_user, case_handler, client):
    case = dispensation_apply(enterprise=enterprise, actor=enterprise_user, grounds="Vi ønsker fritak.")
    with pytest.raises(CaseActionRefused):
        dispensation_decide(case=case, actor=case_handler, grant=False, reasons=" ")
    with pytest.raises(CaseActionRefused):
        dispensation_decide(case=case, actor=enterprise_user, grant=True, reasons="selv")
    dispensation_decide(case=case, actor=case_handler, grant=False, reasons="Virksomheten har risikofylt arbeid.")
    assert not Dispensation.objects.exists()
    other = UserFactory(role="enterprise", enterprise_orgnr="974760673", email="annen@test.no")
    client.force_login(other)
    assert client.get(reverse("approvals:dispensation_case_detail", args=[case.pk])).status_code == 404
    with pytest.raises(CaseActionRefused):
        dispensation_apply(enterprise=enterprise, actor=other, grounds="ikke vår")
