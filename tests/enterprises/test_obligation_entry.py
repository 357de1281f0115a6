"""One entry point for the obligation check (the page, the API and the enterprise's start page
call enterprises.selectors.obligation_answer), and the unit/sub-unit rule in the pure module."""

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises import obligation
from enterprises.obligation import Status
from enterprises.selectors import ObligationQueryError, obligation_answer


# ---------------------------------------------------------------- one obligation entry point
@pytest.mark.django_db
def test_page_api_and_start_page_answer_through_one_entry_point(client, refdata, make_enterprise):
    make_enterprise(orgnr="923609016", codes=("41.000",))
    day = timezone.localdate()
    with pytest.raises(ObligationQueryError) as bad:
        obligation_answer("923609017", day=day)
    assert bad.value.check == "checksum" and not bad.value.not_found
    api = client.get(reverse("api:obligation"), {"orgnr": "923609017"}).json()
    assert api["error"] == bad.value.message and api["check"] == "checksum"
    page = client.get(reverse("enterprises:obligation_check"), {"q": "923609017"}).content.decode()
    assert bad.value.message.split(":")[0] in page
    assert obligation_answer("923609016", day=day).status == Status.OBLIGED
    assert client.get(reverse("api:obligation"), {"orgnr": "923609016"}).json()["status"] == "obliged"


def test_a_sub_unit_without_codes_is_not_cleared_silently():
    # An enterprise without codes depends on what it does; so does a sub-unit without codes.
    assert obligation.overall([]) == Status.DEPENDS
    assert obligation.enterprise_status(Status.NOT_OBLIGED, [obligation.overall([])]) == Status.DEPENDS
    assert obligation.enterprise_status(Status.NOT_OBLIGED, [Status.NOT_OBLIGED]) == Status.NOT_OBLIGED
    assert obligation.enterprise_status(Status.DEPENDS, [Status.OBLIGED]) == Status.OBLIGED


@pytest.mark.django_db
def test_a_sub_unit_without_codes_makes_the_answer_depend(refdata, make_enterprise):
    from enterprises.national_register import UNDERENHETER, subunit_row, upsert_rows

    make_enterprise(orgnr="916525567", codes=("62.100",))  # software: not listed
    day = timezone.localdate()
    assert obligation_answer("916525567", day=day).status == Status.NOT_OBLIGED
    upsert_rows(
        UNDERENHETER,
        [subunit_row({"organisasjonsnummer": "973116762", "navn": "AVD UTEN KODE", "overordnetEnhet": "916525567"})],
    )
    answer = obligation_answer("916525567", day=day)
    assert [s.status for s in answer.subunits] == [Status.DEPENDS]
    assert answer.status == Status.DEPENDS
