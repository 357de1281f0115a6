"""Writes owned by providers: the BHT's contact details and departments. Approvals (applications,
change notices) and the demo call these; nothing else writes Provider or Department."""

from __future__ import annotations

from django.db import transaction

from .models import DEPARTMENT_FIELDS, Department, Provider

# What a change notice may change about the provider itself (name and orgnr come from the register).
CONTACT_FIELDS = ("contact_person", "email", "phone", "street_address", "postcode", "city", "municipality_number")


def provider_create(*, orgnr: str, name: str, **fields) -> Provider:
    """A provider record (the first application of a new BHT, or demo/bench data)."""
    with transaction.atomic():
        provider = Provider(orgnr=orgnr, name=name, **fields)
        provider.full_clean()
        provider.save()
        return provider


def provider_get_or_create(*, orgnr: str, defaults: dict) -> tuple[Provider, bool]:
    with transaction.atomic():
        existing = Provider.objects.filter(orgnr=orgnr).first()
        if existing is not None:
            return existing, False
        return provider_create(orgnr=orgnr, **defaults), True


def provider_lock(*, provider_id: int) -> Provider:
    """The provider row under SELECT ... FOR UPDATE (call inside the caller's transaction)."""
    return Provider.objects.select_for_update().get(pk=provider_id)


def provider_contact_update(*, provider: Provider, contact: dict) -> dict[str, list[str]]:
    """Set the contact fields to `contact`; returns {field: [old, new]} for what changed."""
    changes: dict[str, list[str]] = {}
    with transaction.atomic():
        for field in CONTACT_FIELDS:
            new = (contact.get(field) or "").strip()
            old = getattr(provider, field)
            if new != old:
                changes[field] = [old, new]
                setattr(provider, field, new)
        if changes:
            provider.save()
    return changes


def provider_departments_replace(*, provider: Provider, departments: list[dict]) -> dict[str, list]:
    """Make the provider's departments the given list (dicts with `id` for existing ones).
    Returns the added, removed and changed departments (empty keys left out)."""
    changes: dict[str, list] = {"added": [], "removed": [], "changed": []}
    with transaction.atomic():
        existing = {d.pk: d for d in provider.departments.all()}
        kept: set[int] = set()
        for d in departments:
            values = {f: (d.get(f) or "").strip() for f in DEPARTMENT_FIELDS}
            pk = d.get("id")
            if pk and pk in existing:
                kept.add(pk)
                obj = existing[pk]
                diff = {f: [getattr(obj, f), v] for f, v in values.items() if getattr(obj, f) != v}
                if diff:
                    for f, v in values.items():
                        setattr(obj, f, v)
                    obj.save()
                    changes["changed"].append({"name": obj.name, "fields": diff})
            else:
                Department.objects.create(provider=provider, **values)
                changes["added"].append(values)
        for pk, obj in existing.items():
            if pk not in kept:
                changes["removed"].append({f: getattr(obj, f) for f in DEPARTMENT_FIELDS})
                obj.delete()
    return {k: v for k, v in changes.items() if v}


def department_create(*, provider: Provider, **values) -> Department:
    with transaction.atomic():
        return Department.objects.create(provider=provider, **values)
