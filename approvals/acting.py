"""What acting for an organisation means for BHTs (registered with accounts.organisations at
app-ready time; accounts imports no domain app).

- The organisation is a provider we know: the person acts as that provider's user.
- It is not, but Altinn gave the person the rights for the BHT approval service: this is a BHT's
  first login — the provider record is created from the organisation's name and the person is
  sent to start an application.
- Otherwise: none of ours; the next resolver (or the default: enterprise) decides.
"""

from django.db import transaction
from django.urls import reverse

from accounts.models import Role
from accounts.organisations import Acting, Organisation

from .models import Provider


def resolve_provider(*, organisation: Organisation, user) -> Acting | None:
    provider = Provider.objects.filter(orgnr=organisation.orgnr).only("pk").first()
    if provider is not None:
        return Acting(role=Role.PROVIDER, provider_id=provider.pk)
    if not organisation.may_apply:
        return None
    with transaction.atomic():
        provider, _ = Provider.objects.get_or_create(orgnr=organisation.orgnr, defaults={"name": organisation.name})
    return Acting(role=Role.PROVIDER, provider_id=provider.pk, next_url=reverse("approvals:application_create"))
