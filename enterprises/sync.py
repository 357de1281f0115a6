"""Keep the copy of the register current from its change feed (`/oppdateringer/enheter`).

The client talks to `settings.ENHETSREGISTERET_BASE_URL` with a timeout and retries (connection
errors, 429 and 5xx, with backoff); when the service cannot be reached it raises
`RegisterUnavailable` with the URL and the cause.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .models import Dispensation, RegisterSyncState
from .national_register import ENHETER, UNDERENHETER, Kind, Rejected, upsert_rows

FEED_KEY = {"enheter": "oppdaterteEnheter", "underenheter": "oppdaterteUnderenheter"}
ACCEPT = "application/json"


class RegisterUnavailable(Exception):
    """The register's API could not be reached or answered with an error."""


class NoStartingPoint(Exception):
    """Nothing says where to start following the feed."""


class RegisterClient:
    def __init__(self, base_url: str | None = None, *, timeout: float | None = None, retries: int = 3):
        self.base_url = (base_url or settings.ENHETSREGISTERET_BASE_URL).rstrip("/")
        self.timeout = timeout if timeout is not None else settings.ENHETSREGISTERET_TIMEOUT
        self.session = requests.Session()
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=0.2,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=("GET",),
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"Accept": ACCEPT, "User-Agent": "BHT-portalen (Arbeidstilsynet)"})

    def get(self, path: str, params: dict | None = None) -> requests.Response:
        url = f"{self.base_url}/{path.lstrip('/')}"
        try:
            response = self.session.get(url, params=params, timeout=self.timeout)
        except requests.RequestException as exc:
            raise RegisterUnavailable(f"Enhetsregisteret is unreachable at {url}: {exc.__class__.__name__}: {exc}")
        if response.status_code >= 500 or response.status_code == 429:
            raise RegisterUnavailable(f"Enhetsregisteret answered {response.status_code} for {url}")
        return response

    def updates(self, kind: Kind, *, from_id: int | None, since: datetime.datetime | None, size: int) -> list[dict]:
        params: dict = {"size": size, "sort": "id,ASC"}
        if from_id is not None:
            params["oppdateringsid"] = from_id
        elif since is not None:
            params["dato"] = since.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        response = self.get(f"oppdateringer/{kind.name}", params)
        if response.status_code != 200:
            raise RegisterUnavailable(f"the update feed answered {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise RegisterUnavailable("the update feed did not answer JSON")
        return (body.get("_embedded") or {}).get(FEED_KEY[kind.name], [])

    def unit(self, kind: Kind, orgnr: str) -> tuple[int, dict | None]:
        response = self.get(f"{kind.name}/{orgnr}")
        if response.status_code in (200, 410):
            return response.status_code, response.json()
        return response.status_code, None


@dataclass
class SyncSummary:
    updates: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    removed: int = 0
    missing: int = 0
    rejected: int = 0
    last_update_id: int | None = None


def _parse_time(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _mark_deleted(kind: Kind, orgnr: str, deleted_on: datetime.date) -> int:
    if kind is ENHETER:
        return kind.model.objects.filter(orgnr=orgnr).update(deleted_on=deleted_on)
    return kind.model.objects.filter(orgnr=orgnr).update(closed_on=deleted_on)


def _remove(kind: Kind, orgnr: str, day: datetime.date) -> int:
    """`Fjernet`: the unit is gone from the register. Keep it (as deleted) when a dispensation
    refers to it, otherwise delete our copy."""
    if kind is ENHETER and Dispensation.objects.filter(enterprise_id=orgnr).exists():
        return _mark_deleted(kind, orgnr, day)
    deleted, _ = kind.model.objects.filter(orgnr=orgnr).delete()
    return deleted


def register_sync(
    *,
    kind: Kind = ENHETER,
    client: RegisterClient | None = None,
    since: datetime.datetime | None = None,
    page_size: int = 500,
    max_pages: int = 1000,
) -> SyncSummary:
    """Follow the change feed from the last seen update id (or `since`, or the time of the
    last bulk import) and re-fetch every changed unit. The position is saved after each page,
    so an interrupted run continues where it stopped."""
    from .reference import reference_data

    client = client or RegisterClient()
    state, _ = RegisterSyncState.objects.get_or_create(feed=kind.name)
    if state.last_update_id is None and since is None and state.bulk_imported_at is None:
        raise NoStartingPoint(f"No position in the {kind.name} feed yet: import the bulk file first or give --since.")
    ref = reference_data()
    sn2007_only = {c for c in ref.names.get("SN2007", {}) if c not in ref.names.get("SN2025", {})} or None
    summary = SyncSummary(last_update_id=state.last_update_id)
    from_id = state.last_update_id + 1 if state.last_update_id is not None else None
    since = since or (state.bulk_imported_at if from_id is None else None)
    for _ in range(max_pages):
        page = client.updates(kind, from_id=from_id, since=since, size=page_size)
        if not page:
            break
        latest: dict[str, dict] = {}
        for update in page:
            latest[str(update.get("organisasjonsnummer"))] = update  # the last change per unit wins
        rows = []
        with transaction.atomic():
            for orgnr, update in latest.items():
                change = update.get("endringstype")
                when = _parse_time(update.get("dato")) or timezone.now()
                day = timezone.localdate(when) if timezone.is_aware(when) else when.date()
                if change == "Fjernet":
                    summary.removed += bool(_remove(kind, orgnr, day))
                    continue
                status, body = client.unit(kind, orgnr)
                if status == 410:
                    deleted_on = datetime.date.fromisoformat((body or {}).get("slettedato") or day.isoformat())
                    summary.deleted += _mark_deleted(kind, orgnr, deleted_on)
                elif status == 200 and body is not None:
                    try:
                        rows.append(kind.to_row(body, updated_at=when, sn2007_codes=sn2007_only))
                    except Rejected:
                        summary.rejected += 1
                else:
                    summary.missing += 1
            created, updated, unchanged = upsert_rows(kind, rows)
            summary.created += created
            summary.updated += updated
            summary.unchanged += unchanged
            summary.updates += len(page)
            last_id = max(int(u["oppdateringsid"]) for u in page)
            state.last_update_id = last_id
            state.synced_at = timezone.now()
            state.save(update_fields=["last_update_id", "synced_at"])
        summary.last_update_id = last_id
        from_id, since = last_id + 1, None
        if len(page) < page_size:
            break
    else:
        return summary
    state.synced_at = timezone.now()
    state.save(update_fields=["synced_at"])
    return summary


KINDS = {"enheter": ENHETER, "underenheter": UNDERENHETER}
