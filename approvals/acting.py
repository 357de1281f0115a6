"""What acting for an organisation means for BHTs (registered with accounts.organisations at
app-ready time; accounts imports no domain app).

- The organisation is a provider we know: the person acts as that provider's user.
- It is not, but Altinn gave the person the rights for the BHT approval service: this is a BHT's
  first login — the provider record is created from the organisation's name and the person is
  sent to start an application.
- Otherwise: none of ours; the next resolver (or the default: enterprise) decides.
"""

from django.urls import reverse

from accounts.models import Role
from accounts.organisations import Acting, Organisation
from providers import selectors as provider_selectors
from providers.services import provider_get_or_create


def resolve_provider(*, organisation: Organisation, user) -> Acting | None:
    provider_id = provider_selectors.provider_id_for_orgnr(orgnr=organisation.orgnr)
    if provider_id is not None:
        return Acting(role=Role.PROVIDER, provider_id=provider_id)
    if not organisation.may_apply:
        return None
    provider, _created = provider_get_or_create(orgnr=organisation.orgnr, defaults={"name": organisation.name})
    return Acting(role=Role.PROVIDER, provider_id=provider.pk, next_url=reverse("approvals:application_create"))
