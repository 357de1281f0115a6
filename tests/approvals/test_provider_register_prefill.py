"""A new application is pre-filled from our copy of the enterprise register (Enhetsregisteret)."""

import pytest

from approvals.services.applications import application_create
from enterprises.models import Enterprise
from providers.models import Provider

pytestmark = pytest.mark.django_db


def test_new_application_takes_name_and_address_from_the_register():
    provider = Provider.objects.create(orgnr="988077917", name="", municipality_number="")
    Enterprise.objects.create(
        orgnr="988077917",
        name="REGISTERBHT AS",
        address="Kongens gate 2",
        postcode="0153",
        city="OSLO",
        municipality_number="0301",
    )
    application = application_create(provider=provider)
    assert (application.name, application.street_address, application.postcode, application.city) == (
        "REGISTERBHT AS",
        "Kongens gate 2",
        "0153",
        "OSLO",
    )
    assert application.municipality_number == "0301"


def test_what_the_provider_already_gave_wins_over_the_register():
    provider = Provider.objects.create(orgnr="988077917", name="Vår BHT", city="Bergen")
    Enterprise.objects.create(orgnr="988077917", name="REGISTERBHT AS", city="OSLO")
    application = application_create(provider=provider)
    assert (application.name, application.city) == ("Vår BHT", "Bergen")


def test_unknown_or_deleted_unit_leaves_the_draft_as_it_was():
    provider = Provider.objects.create(orgnr="988077917", name="Vår BHT")
    Enterprise.objects.create(orgnr="988077917", name="SLETTET AS", city="OSLO", deleted_on="2025-01-01")
    assert application_create(provider=provider).city == ""
