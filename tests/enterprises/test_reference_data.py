"""Loading the reference data: idempotent, versioned list as data, fast."""

import datetime
import shutil
import time

import pytest
from django.core.management import call_command

from enterprises import reference
from enterprises.models import CodeCorrespondence, IndustryCode, Municipality, ObligationList, ObligationListEntry
from enterprises.obligation import Status
from enterprises.selectors import obligation_for_code

pytestmark = pytest.mark.django_db


def _counts():
    return (
        IndustryCode.objects.count(),
        CodeCorrespondence.objects.count(),
        Municipality.objects.count(),
        ObligationList.objects.count(),
        ObligationListEntry.objects.count(),
    )


def test_loading_twice_changes_nothing(capsys):
    started = time.monotonic()
    call_command("load_reference_data")
    assert time.monotonic() - started < 10
    assert _counts() == (1785 + 1813, 876, 357, 1, 108)
    first = list(ObligationListEntry.objects.values_list("id", "code", "name", "condition"))
    capsys.readouterr()
    call_command("load_reference_data")
    out = capsys.readouterr().out
    assert _counts() == (1785 + 1813, 876, 357, 1, 108)
    assert list(ObligationListEntry.objects.values_list("id", "code", "name", "condition")) == first
    assert out.count("0 created, 0 updated, 0 deleted") == 5


def test_the_list_keeps_code_name_and_condition():
    reference.reference_data_load()
    olist = ObligationList.objects.get()
    assert (olist.valid_from, olist.reference) == (datetime.date(2025, 10, 7), "FOR-2025-10-07-1993")
    canteen = olist.entries.get(code="56.22")
    assert canteen.name == "Kantinedrift og annen cateringvirksomhet"
    assert canteen.condition == "Unntatt cateringvirksomhet"
    assert olist.entries.exclude(condition="").count() == 9


def test_a_new_list_is_data_only_and_the_answer_uses_the_list_in_force(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(reference.DATA_DIR, data)
    with (data / "obligation_lists.csv").open("a", encoding="utf-8") as fh:
        fh.write("2031-10-07,FOR-2031-10-07-0001,Ny liste,bht_industries_2031.csv\n")
    (data / "bht_industries_2031.csv").write_text(
        "division,entry_code,entry_name,condition\n62,62,Programmering,\n", encoding="utf-8"
    )
    reference.reference_data_load(data_dir=data)
    assert ObligationList.objects.count() == 2
    assert obligation_for_code("62.100", day=datetime.date(2026, 1, 1)).status == Status.NOT_OBLIGED
    later = obligation_for_code("62.100", day=datetime.date(2032, 1, 1))
    assert later.status == Status.OBLIGED and later.version.reference == "FOR-2031-10-07-0001"
    assert obligation_for_code("41.000", day=datetime.date(2032, 1, 1)).status == Status.NOT_OBLIGED
    # A changed condition text is updated in place.
    entries = (data / "bht_industries_sn2025.csv").read_text(encoding="utf-8")
    (data / "bht_industries_sn2025.csv").write_text(
        entries.replace("Unntatt cateringvirksomhet", "Unntatt catering"), encoding="utf-8"
    )
    report = reference.reference_data_load(data_dir=data)
    assert report["list entries"] == {"created": 0, "updated": 1, "deleted": 0}
    assert obligation_for_code("56.220", day=datetime.date(2026, 1, 1)).assessment.codes[0].condition == (
        "Unntatt catering"
    )
