from .models import Provider


def provider_recipients(*, provider: Provider, extra: tuple[str, ...] = ()) -> list[str]:
    """Who hears from Arbeidstilsynet about a provider's case or approval: the provider's own
    address and every active user of the provider (plus `extra`, e.g. the address given in the
    application), each once."""
    emails = [provider.email, *extra]
    emails += provider.users.filter(is_active=True).values_list("email", flat=True)
    return sorted({e.lower() for e in emails if e})


def provider_search(*, q: str, limit: int = 10) -> list[Provider]:
    """Providers by organisation number (exact) or name (contains)."""
    q = (q or "").strip()
    digits = q.replace(" ", "")
    if digits.isdigit() and len(digits) == 9:
        return list(Provider.objects.filter(orgnr=digits))
    return list(Provider.objects.filter(name__icontains=q).order_by("name")[:limit]) if q else []


def provider_get(*, pk: int) -> Provider | None:
    return Provider.objects.filter(pk=pk).first()


def provider_id_for_orgnr(*, orgnr: str) -> int | None:
    """The id of the provider with this organisation number, or None."""
    return Provider.objects.filter(orgnr=orgnr).values_list("pk", flat=True).first()
