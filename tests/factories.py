"""factory_boy factories with named states. Apps add theirs in tests/<app>/factories.py."""

import factory
from stdnum.no import orgnr as stdnum_orgnr

from accounts.models import Role, User
from providers.models import Provider

PASSWORD = "test-pass-2026"


def valid_orgnr(n: int) -> str:
    """The n-th valid organisation number from 800000000 up (checksum per stdnum)."""
    base = 80000000 + n * 13
    while True:
        for check in "0123456789":
            candidate = f"{base:08d}{check}"
            if stdnum_orgnr.is_valid(candidate):
                return candidate
        base += 1  # a body whose check digit would be 10 has no valid number


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ("orgnr",)

    orgnr = factory.Sequence(valid_orgnr)
    name = factory.Sequence(lambda n: f"Test BHT {n} AS")
    city = "Oslo"
    municipality_number = "0301"
    contact_person = "Kari Kontakt"
    email = factory.Sequence(lambda n: f"post{n}@bht.test")
    phone = "22 00 00 00"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@test.no")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    role = Role.CASE_HANDLER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    class Params:
        case_handler = factory.Trait(role=Role.CASE_HANDLER)
        inspector = factory.Trait(role=Role.INSPECTOR)
        admin = factory.Trait(role=Role.ADMIN, is_staff=True, is_superuser=True)
        provider_user = factory.Trait(role=Role.PROVIDER, provider=factory.SubFactory(ProviderFactory))
        enterprise_user = factory.Trait(role=Role.ENTERPRISE, enterprise_orgnr="923609016")
