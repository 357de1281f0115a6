"""Upload, report, confirm: nothing half-imported; enterprise confirm/dispute; two providers warned."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone, translation

from providers import services
from providers.models import Affiliation, AffiliationSource, AffiliationStatus, ClientListUpload, UploadStatus
from providers.selectors import enterprise_affiliations, provider_affiliations
from tests.factories import ProviderFactory, UserFactory
from tests.providers.helpers import day, subunit, unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _upload(provider, text, actor=None):
    return services.client_list_upload_check(provider=provider, lines=io.StringIO(text), actor=actor, filename="k.csv")


def test_upload_reports_every_row_and_stores_nothing_before_confirmation(provider):
    good, bankrupt, deleted = unit(1), unit(2, bankrupt=True), unit(3, deleted_on=day("2025-01-01"))
    branch = subunit(good, 1)
    text = (
        "orgnr;fra;til;ansatte\n"
        f"{good.orgnr};01.01.2026;;12\n"
        f"{branch.orgnr};01.01.2026;;4\n"
        "923609017;;;\n"  # checksum
        "889640782;;;\n"  # unknown
        f"{bankrupt.orgnr};;;\n"
        f"{deleted.orgnr};;;\n"
        f"{good.orgnr};01.03.2026;;\n"  # duplicate in the file
        f"{unit(4).orgnr};01.06.2026;01.01.2026;\n"  # out of order
    )
    upload = _upload(provider, text)
    assert (upload.rows_total, upload.accepted_count, upload.refused_count) == (8, 2, 6)
    assert [r["reason"] for r in upload.refused] == [
        "invalid_orgnr", "unknown_unit", "bankrupt_unit", "deleted_unit", "duplicate", "dates_out_of_order",
    ]  # fmt: skip
    assert [r["line"] for r in upload.refused] == [4, 5, 6, 7, 8, 9]
    assert "check digit" in upload.refused[0]["message"]
    assert not Affiliation.objects.exists()

    stored = services.affiliations_import_confirm(upload=upload, actor=None)
    assert stored == 2
    rows = Affiliation.objects.order_by("subunit_orgnr")
    assert [(a.enterprise_id, a.subunit_orgnr, a.employees_covered) for a in rows] == [
        (good.orgnr, "", 12),
        (good.orgnr, branch.orgnr, 4),
    ]
    assert all(a.source == AffiliationSource.PROVIDER_LIST and a.status == "unconfirmed" for a in rows)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.CONFIRMED and upload.confirmed_at


def test_confirming_twice_is_refused(provider):
    upload = _upload(provider, f"{unit(1).orgnr}\n")
    services.affiliations_import_confirm(upload=upload, actor=None)
    with pytest.raises(services.ClientListRefused):
        services.affiliations_import_confirm(upload=upload, actor=None)
    assert Affiliation.objects.count() == 1


def test_a_conflict_at_confirmation_stores_nothing_at_all(provider):
    a, b = unit(1), unit(2)
    upload = _upload(provider, f"{a.orgnr};01.01.2026\n{b.orgnr};01.01.2026\n")
    # meanwhile the provider adds b by hand, same start
    services.affiliation_create(provider=provider, orgnr=b.orgnr, actor=None, valid_from=day("2026-01-01"))
    with pytest.raises(services.ClientListRefused) as exc:
        services.affiliations_import_confirm(upload=upload, actor=None)
    assert exc.value.reason == "conflict"
    assert list(Affiliation.objects.values_list("enterprise_id", flat=True)) == [b.orgnr]  # a not half-imported
    upload.refresh_from_db()
    assert upload.status == UploadStatus.REPORTED


def test_discard_keeps_nothing(provider):
    upload = _upload(provider, f"{unit(1).orgnr}\n")
    services.client_list_upload_discard(upload=upload)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.DISCARDED and upload.accepted == []
    with pytest.raises(services.ClientListRefused):
        services.affiliations_import_confirm(upload=upload, actor=None)


def test_add_by_hand_uses_the_same_checks(provider):
    with pytest.raises(services.ClientListRefused) as exc:
        services.affiliation_create(provider=provider, orgnr="923609017", actor=None)
    assert exc.value.reason == "invalid_orgnr"
    a = services.affiliation_create(provider=provider, orgnr=unit(1).orgnr, actor=None, employees=5)
    assert a.valid_from == timezone.localdate() and a.employees_covered == 5
    with pytest.raises(services.ClientListRefused) as exc:
        services.affiliation_create(provider=provider, orgnr=a.enterprise_id, actor=None)
    assert exc.value.reason == "duplicate"


def test_end_date_before_start_refused(provider):
    a = services.affiliation_create(provider=provider, orgnr=unit(1).orgnr, actor=None, valid_from=day("2026-01-01"))
    with pytest.raises(services.ClientListRefused):
        services.affiliation_end(affiliation=a, valid_to=day("2025-12-31"))
    assert services.affiliation_end(affiliation=a, valid_to=day("2026-06-30")).valid_to == day("2026-06-30")


def test_enterprise_confirms_and_disputes(provider, enterprise_user):
    a = services.affiliation_create(provider=provider, orgnr=unit(1).orgnr, actor=None)
    a = services.affiliation_confirm(affiliation=a, actor=enterprise_user)
    assert a.status == AffiliationStatus.CONFIRMED and a.status_changed_by == enterprise_user
    with pytest.raises(services.ClientListRefused):
        services.affiliation_dispute(affiliation=a, actor=enterprise_user, note="  ")
    a = services.affiliation_dispute(affiliation=a, actor=enterprise_user, note="Vi sa opp avtalen i fjor.")
    assert a.status == AffiliationStatus.DISPUTED and a.status_note == "Vi sa opp avtalen i fjor."
    assert a.history.count() == 3


def test_two_providers_listing_one_unit_for_the_same_period_are_both_warned(provider):
    other = ProviderFactory()
    e, later = unit(1), unit(2)
    mine = services.affiliation_create(provider=provider, orgnr=e.orgnr, actor=None, valid_from=day("2026-01-01"))
    services.affiliation_create(provider=other, orgnr=e.orgnr, actor=None, valid_from=day("2026-06-01"))
    # no overlap: the other provider takes over after mine ends
    services.affiliation_create(
        provider=provider, orgnr=later.orgnr, actor=None, valid_from=day("2025-01-01"), valid_to=day("2025-12-31")
    )
    services.affiliation_create(provider=other, orgnr=later.orgnr, actor=None, valid_from=day("2026-01-01"))
    warned = {a.enterprise_id: a.overlap for a in provider_affiliations(provider=provider)}
    assert warned == {e.orgnr: True, later.orgnr: False}
    assert {a.overlap for a in provider_affiliations(provider=other) if a.enterprise_id == e.orgnr} == {True}
    assert all(a.overlap for a in enterprise_affiliations(orgnr=e.orgnr))
    # a disputed entry no longer warns the other side
    services.affiliation_dispute(affiliation=mine, actor=UserFactory(enterprise_user=True), note="Feil")
    assert not [a for a in provider_affiliations(provider=other) if a.overlap]


def test_declaration_by_the_enterprise_is_confirmed(provider, enterprise_user):
    e = unit(1)
    a = services.affiliation_create(
        provider=provider, orgnr=e.orgnr, actor=enterprise_user, source=AffiliationSource.ENTERPRISE_DECLARATION
    )
    assert a.status == AffiliationStatus.CONFIRMED
    assert ClientListUpload.objects.count() == 0
