"""Writes owned by providers: the BHT's contact details and departments. Approvals (applications,
change notices) and the demo call these; nothing else writes Provider or Department."""

from __future__ import annotations

import datetime
import secrets

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from . import client_list, selectors
from .models import (
    DEPARTMENT_FIELDS,
    Affiliation,
    AffiliationSource,
    ApiToken,
    ClientListUpload,
    Department,
    Provider,
    UploadStatus,
)

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


# ---------------------------------------------------------------- client lists (issue 13)
PREVIEW_ROWS = 10


class ClientListRefused(Exception):
    """A write to a client list that cannot be done; the message says why (for the user)."""

    def __init__(self, message: str, *, reason: str = ""):
        super().__init__(message)
        self.message = message
        self.reason = reason


def _single_row_check(*, provider: Provider, orgnr: str, valid_from, valid_to, employees) -> client_list.Accepted:
    raw = client_list.RawRow(
        1,
        orgnr,
        valid_from.isoformat() if valid_from else "",
        valid_to.isoformat() if valid_to else "",
        "" if employees is None else str(employees),
    )
    report = selectors.client_list_check(provider=provider, rows=[raw], today=timezone.localdate())
    if report.refused:
        refused = report.refused[0]
        raise ClientListRefused(refused.message, reason=refused.reason)
    return report.accepted[0]


def affiliation_create(
    *,
    provider: Provider,
    orgnr: str,
    actor: AbstractBaseUser | None,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    employees: int | None = None,
    source: str = AffiliationSource.PROVIDER_LIST,
) -> Affiliation:
    """One client added by organisation number (the enterprise or one of its sub-units), with
    the same checks as a row of an uploaded file. Raises ClientListRefused."""
    with transaction.atomic():
        provider_lock(provider_id=provider.pk)
        row = _single_row_check(
            provider=provider, orgnr=orgnr, valid_from=valid_from, valid_to=valid_to, employees=employees
        )
        affiliation = Affiliation(
            provider=provider,
            enterprise_id=row.enterprise_orgnr,
            subunit_orgnr=row.subunit_orgnr,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            employees_covered=row.employees,
            source=source,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if source != AffiliationSource.PROVIDER_LIST:
            affiliation.confirm()  # the enterprise (or an inspector) says so itself
            affiliation.status_changed_at = timezone.now()
            affiliation.status_changed_by = affiliation.created_by
        affiliation.save()
        return affiliation


def client_list_upload_check(
    *, provider: Provider, lines, actor: AbstractBaseUser | None, filename: str = "", via_api: bool = False
) -> ClientListUpload:
    """Check an uploaded file (an iterable of text lines, streamed) and keep the report.
    Nothing is added to the list until the report is confirmed (affiliations_import_confirm)."""
    report = selectors.client_list_check(
        provider=provider, rows=client_list.read_rows(lines), today=timezone.localdate()
    )
    return client_list_upload_store(provider=provider, report=report, actor=actor, filename=filename, via_api=via_api)


def client_list_upload_store(
    *,
    provider: Provider,
    report: selectors.Report,
    actor: AbstractBaseUser | None,
    filename: str = "",
    via_api: bool = False,
) -> ClientListUpload:
    """Keep the report of a checked list (the accepted rows wait for confirmation)."""
    with transaction.atomic():
        return ClientListUpload.objects.create(
            provider=provider,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
            via_api=via_api,
            filename=filename[:200],
            rows_total=report.rows_total,
            accepted_count=len(report.accepted),
            refused_count=report.refused_count,
            accepted=[a.as_json() for a in report.accepted],
            preview=[a.as_json() for a in report.accepted[:PREVIEW_ROWS]],
            refused=[r.as_json() for r in report.refused],
        )


def affiliations_import_confirm(*, upload: ClientListUpload, actor: AbstractBaseUser | None) -> int:
    """Store the accepted rows of a checked upload, all in one transaction or none. A row
    another upload stored meanwhile makes the whole import fail (upload again). Returns the
    number of rows stored."""
    with transaction.atomic():
        provider_lock(provider_id=upload.provider_id)
        upload = ClientListUpload.objects.select_for_update().get(pk=upload.pk)
        if upload.status != UploadStatus.REPORTED:
            raise ClientListRefused(_("This upload has already been confirmed or discarded."), reason="not_pending")
        by = actor if getattr(actor, "pk", None) else None
        rows = [
            Affiliation(
                provider_id=upload.provider_id,
                enterprise_id=enterprise,
                subunit_orgnr=sub,
                valid_from=datetime.date.fromisoformat(start),
                valid_to=datetime.date.fromisoformat(end) if end else None,
                employees_covered=employees,
                source=AffiliationSource.PROVIDER_LIST,
                created_by=by,
                upload=upload,
            )
            for enterprise, sub, start, end, employees in upload.accepted
        ]
        try:
            with transaction.atomic():
                Affiliation.objects.bulk_create(rows, batch_size=2_000)
        except IntegrityError:
            raise ClientListRefused(
                _("Some of these clients were added to your list after the file was checked. Upload the file again."),
                reason="conflict",
            )
        upload.status = UploadStatus.CONFIRMED
        upload.confirmed_at = timezone.now()
        upload.accepted = []  # stored now: the rows are in the list
        upload.save(update_fields=["status", "confirmed_at", "accepted"])
        return len(rows)


def client_list_upload_discard(*, upload: ClientListUpload) -> None:
    with transaction.atomic():
        upload = ClientListUpload.objects.select_for_update().get(pk=upload.pk)
        if upload.status == UploadStatus.REPORTED:
            upload.status = UploadStatus.DISCARDED
            upload.accepted = []
            upload.save(update_fields=["status", "accepted"])


def affiliation_end(*, affiliation: Affiliation, valid_to: datetime.date) -> Affiliation:
    """The provider no longer serves this client after `valid_to`."""
    if valid_to < affiliation.valid_from:
        raise ClientListRefused(_("The end date is before the start date."), reason="dates_out_of_order")
    with transaction.atomic():
        affiliation = Affiliation.objects.select_for_update().get(pk=affiliation.pk)
        affiliation.valid_to = valid_to
        affiliation.save(update_fields=["valid_to"])
        return affiliation


def _status_change(affiliation: Affiliation, method: str, *, actor: AbstractBaseUser, note: str) -> Affiliation:
    with transaction.atomic():
        affiliation = Affiliation.objects.select_for_update().get(pk=affiliation.pk)
        step = getattr(affiliation, method)
        if not can_proceed(step):
            raise ClientListRefused(_("This entry cannot be changed that way now."), reason="status")
        step()
        affiliation.status_note = (note or "").strip()
        affiliation.status_changed_at = timezone.now()
        affiliation.status_changed_by = actor
        affiliation.save()
        return affiliation


def affiliation_confirm(*, affiliation: Affiliation, actor: AbstractBaseUser, note: str = "") -> Affiliation:
    """The enterprise confirms the provider's entry."""
    return _status_change(affiliation, "confirm", actor=actor, note=note)


def affiliation_dispute(*, affiliation: Affiliation, actor: AbstractBaseUser, note: str) -> Affiliation:
    """The enterprise says the entry is wrong; the reason is required."""
    if not (note or "").strip():
        raise ClientListRefused(_("Say what is wrong with the entry."), reason="note_required")
    return _status_change(affiliation, "dispute", actor=actor, note=note)


# ---------------------------------------------------------------- API keys
def api_token_create(*, provider: Provider, name: str, actor: AbstractBaseUser) -> tuple[ApiToken, str]:
    """A new key for the provider's own system. Returns the token and the key (shown once;
    only its hash is stored)."""
    name = (name or "").strip()
    if not name:
        raise ClientListRefused(_("Give the key a name (e.g. the system that uses it)."), reason="name_required")
    key = "bht_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            provider=provider, name=name[:100], prefix=key[:10], key_hash=selectors.token_hash(key), created_by=actor
        )
    return token, key


def api_token_revoke(*, token: ApiToken, actor: AbstractBaseUser) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_by = actor
            token.save(update_fields=["revoked_at", "revoked_by"])
        return token


def api_token_touch(*, token: ApiToken) -> None:
    """Record that the key was used (at most once a minute per key)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
