"""Issue 11 item 13: a sub-unit's own number (bedriftsnummer) is answered for the sub-unit
and its parent, on the page and in the API; a "depends" answer says what decides it and
what to do either way."""

import pytest
from django.urls import reverse

from enterprises.demo import SHOWCASE, SHOWCASE_SUBUNITS
from enterprises.national_register import ENHETER, UNDERENHETER, enterprise_row, subunit_row, upsert_rows
from enterprises.selectors import obligation_for_orgnr

pytestmark = pytest.mark.django_db
SUB, PARENT = "973116762", "923609016"


@pytest.fixture
def showcase(refdata):
    upsert_rows(ENHETER, [enterprise_row(u) for u in SHOWCASE])
    upsert_rows(UNDERENHETER, [subunit_row(s) for s in SHOWCASE_SUBUNITS])


def test_selector_answers_a_subunit_number_for_the_subunit_and_its_parent(showcase):
    import datetime

    answer = obligation_for_orgnr(SUB, day=datetime.date(2026, 12, 1))
    assert answer.enterprise.orgnr == PARENT
    assert answer.queried_subunit.orgnr == SUB
    assert answer.queried_subunit.name.endswith("AVD BERGEN")
    assert answer.queried_subunit.status == "obliged"  # 43.120 is listed
    assert any(SUB in str(n) and PARENT in str(n) for n in answer.notes)


def test_page_answers_a_subunit_number(client, showcase):
    html = client.get(reverse("enterprises:obligation_check"), {"q": SUB}).content.decode()
    assert "ikke i registeret" not in html.lower() and "Ingen virksomhet" not in html
    assert "AVD BERGEN" in html and "DEMO BYGG OG ANLEGG AS" in html
    assert "underenhet" in html.lower()


def test_api_answers_a_subunit_number(client, showcase):
    response = client.get("/api/v1/obligation", {"orgnr": SUB})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["enterprise"]["orgnr"] == PARENT
    assert data["subunit"]["orgnr"] == SUB and data["subunit"]["parent_orgnr"] == PARENT
    assert data["subunit"]["status"] == "obliged"
    # asked by the parent's number, there is no queried sub-unit
    assert client.get("/api/v1/obligation", {"orgnr": PARENT}).json()["subunit"] is None


YES_STEP = "Knytt virksomheten til en godkjent bedriftshelsetjeneste og dokumenter det."


def test_a_depends_answer_says_what_decides_it_and_what_to_do_either_way(client, refdata):
    html = client.get(reverse("enterprises:obligation_check"), {"q": "56.22"}).content.decode()
    steps = html.split("Hva gjør dere nå")[1]
    assert YES_STEP not in steps
    assert "Unntatt cateringvirksomhet" in steps  # what decides it
    assert "Hvis " in steps and "Hvis ikke" in steps  # what to do either way
    yes = client.get(reverse("enterprises:obligation_check"), {"q": "41.000"}).content.decode()
    assert YES_STEP in yes.split("Hva gjør dere nå")[1]
