"""An in-memory copy of the register for the obligation lookup, one per web worker (ADR 0003).

The lookup by organisation number is the busiest public path, and on PostgreSQL its cost is
the round trip, not the query. So a web worker may keep, per enterprise, what the answer needs
(the enterprise's own fields, its open sub-units and its dispensations, as one JSON text) and
answer from memory. It stays current through PostgreSQL's LISTEN/NOTIFY: after every statement
that changes an enterprise, a sub-unit or a dispensation, a trigger (migration 0003) notifies
`enterprise_register` with the numbers touched, or `*` for a bulk change. Before each lookup the
worker reads what has arrived (a non-blocking read on its listening connection, no round trip)
and drops those numbers; a dropped or unknown number is answered from the database as before.

Never worse than the database path:
- nothing is served until the whole copy is loaded (in a background thread; the database
  answers meanwhile), and the worker listens before it starts reading, so no change is missed;
- `*` (a register import, a TRUNCATE) drops the copy; it is loaded again once no `*` has come
  for SETTLE seconds (an import commits batch after batch);
- a lost listening connection (PostgreSQL restarted or stopped) drops the copy at once; it is
  loaded again after RETRY_AFTER seconds, so a database outage looks as it did without a copy;
- only PostgreSQL, and only where ENTERPRISE_REGISTER_COPY is on (the web workers in
  docker-compose.yml). Tests, commands, Celery and `make run` (SQLite) use the database.

The one window: a change committed by another process is seen once its notification has
reached this worker's socket (PostgreSQL sends it at commit; on loopback well under a
millisecond). A request that starts later than that sees the change.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import threading
import time

import psycopg2
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from .models import Enterprise

logger = logging.getLogger(__name__)

CHANNEL = "enterprise_register"
RETRY_AFTER = 5.0  # seconds after a failure before the copy is loaded again
SETTLE = 10.0  # seconds without a bulk change (`*`) before the copy is loaded again
FETCH_ROWS = 20_000

MAX_SUBUNITS = 50
SUBUNITS_JSON = f"""COALESCE((SELECT json_agg(json_build_array(s.orgnr, s.name, s.municipality_name, s.nace1, s.nace2,
    s.nace3)) FROM (SELECT * FROM enterprises_subunit s WHERE s.parent_id = enterprises_enterprise.orgnr
    AND s.closed_on IS NULL ORDER BY s.name LIMIT {MAX_SUBUNITS}) s), '[]'::json)"""
DISPENSATIONS_JSON = """COALESCE((SELECT json_agg(json_build_array(d.id, d.scope, d.part, d.valid_from, d.valid_until,
    d.reason, d.decided_by_id, d.created_at) ORDER BY d.valid_from DESC, d.id DESC) FROM enterprises_dispensation d
    WHERE d.enterprise_orgnr = enterprises_enterprise.orgnr), '[]'::json)"""

# What the obligation answer reads of an enterprise, in model order (Model.from_db needs that
# order); the other fields are deferred and, if a page asks for one, loaded from the database.
_ANSWER_FIELDS = {
    "id", "orgnr", "name", "org_form", "nace1", "nace2", "nace3", "nace_standard", "employees",
    "has_registered_employees", "municipality_number", "municipality_name", "bankrupt", "being_wound_up",
    "forced_dissolution", "deleted_on",
}  # fmt: skip
FIELDS = [f.attname for f in Enterprise._meta.concrete_fields if f.attname in _ANSWER_FIELDS]
LOAD_SQL = (
    "SELECT enterprises_enterprise.orgnr, json_build_array("
    + ", ".join(f"enterprises_enterprise.{f}" for f in FIELDS)
    + f", {SUBUNITS_JSON}, {DISPENSATIONS_JSON})::text FROM enterprises_enterprise"
)


class RegisterCopy:
    """The copy of one process. `lookup` is called by the request thread; `_load` runs in a
    background thread; the listening connection is used under `_lock` only."""

    def __init__(self, params: dict):
        self._params = params
        self._lock = threading.Lock()
        self._rows: dict[str, str] | None = None  # None: not (yet) usable
        self._listener = None
        self._loading = False
        self._retry_at = 0.0
        self.load_seconds: float | None = None

    @property
    def state(self) -> str:
        if self._rows is not None:
            return "ready"
        return "loading" if self._loading else "off"

    @property
    def units(self) -> int:
        rows = self._rows
        return len(rows) if rows is not None else 0

    def lookup(self, orgnr: str) -> str | None:
        """The unit's record (JSON text), or None: ask the database."""
        with self._lock:
            if self._rows is not None:
                try:
                    self._poll()
                    self._apply(self._rows)
                except psycopg2.Error:
                    self._lose("the listening connection is lost")
            rows = self._rows
        if rows is None:
            self.start()
            return None
        return rows.get(orgnr)

    def start(self) -> None:
        """Load the copy in the background, unless a load runs or a failure was recent."""
        with self._lock:
            if self._loading or self._rows is not None:
                return
            if self._listener is not None:  # still listening: a bulk change going on delays the load
                try:
                    self._poll()
                    self._apply(None)
                except psycopg2.Error:
                    self._lose("the listening connection is lost")
            if time.monotonic() < self._retry_at:
                return
            self._loading = True
        threading.Thread(target=self._load, name="register-copy", daemon=True).start()

    def close(self) -> None:
        with self._lock:
            self._rows = None
            self._retry_at = float("inf")
            self._close_listener()

    # ------------------------------------------------------------------ internals
    def _poll(self) -> None:
        """Read what has arrived on the listening connection (non-blocking); raise if it is lost."""
        self._listener.poll()
        if self._listener.notices:  # a terminated backend says FATAL before it closes
            fatal = any(n.startswith(("FATAL", "PANIC")) for n in self._listener.notices)
            self._listener.notices.clear()
            if fatal:
                raise psycopg2.OperationalError("the server ended the connection")

    def _apply(self, rows: dict[str, str] | None) -> bool:
        """Drop every notified number from `rows`; False (and the copy dropped) for `*`."""
        notifies, self._listener.notifies[:] = list(self._listener.notifies), []
        for note in notifies:
            if note.payload == "*":  # reload once the bulk change has settled (an import
                self._rows = None  # commits batch after batch)
                self._retry_at = time.monotonic() + SETTLE
                return False
            if rows is not None:
                for orgnr in note.payload.split(","):
                    rows.pop(orgnr, None)
        return True

    def _lose(self, why: str) -> None:
        logger.warning("register copy dropped: %s; the database answers until it is loaded again", why)
        self._rows = None
        self._retry_at = time.monotonic() + RETRY_AFTER
        self._close_listener()

    def _close_listener(self) -> None:
        if self._listener is not None:
            try:
                self._listener.close()
            except psycopg2.Error:
                pass
            self._listener = None

    def _connect(self, *, autocommit: bool = True):
        conn = psycopg2.connect(**self._params)
        conn.autocommit = autocommit
        return conn

    def _load(self) -> None:
        try:
            with self._lock:
                if self._listener is None:
                    self._listener = self._connect()
                    with self._listener.cursor() as cursor:
                        cursor.execute(f"LISTEN {CHANNEL}")
                self._poll()
                self._listener.notifies[:] = []  # the snapshot below is newer than all of these
            started = time.monotonic()
            rows = self._read_all()
            with self._lock:
                if self._listener is None:
                    raise psycopg2.InterfaceError("the listening connection was closed")
                self._poll()
                if not self._apply(rows):  # a bulk change while the copy was read: wait, then again
                    return
                self._rows = rows
                self.load_seconds = time.monotonic() - started
            logger.info("register copy: %d units in %.1f s", len(rows), self.load_seconds)
        except Exception as exc:  # noqa: BLE001 — any failure means: the database answers
            with self._lock:
                self._lose(f"loading failed ({exc})")
        finally:
            self._loading = False

    def _read_all(self) -> dict[str, str]:
        conn = self._connect(autocommit=False)  # a named cursor lives in a transaction
        try:
            rows: dict[str, str] = {}
            with conn, conn.cursor(name="register_copy") as cursor:
                cursor.itersize = FETCH_ROWS
                cursor.execute(LOAD_SQL)
                for orgnr, record in cursor:
                    rows[orgnr] = record
            return rows
        finally:
            conn.close()


_copy: RegisterCopy | None = None
_copy_pid: int | None = None


def _params() -> dict:
    params = dict(connections[DEFAULT_DB_ALIAS].get_connection_params())
    # Plain psycopg2 connections: the request guard (core.dbguard) is for request queries.
    params.pop("connection_factory", None)
    params.pop("cursor_factory", None)
    return params


def current() -> RegisterCopy | None:
    """This process's copy, created (and its load started) on first use; None where it is off."""
    global _copy, _copy_pid
    if not settings.ENTERPRISE_REGISTER_COPY:
        return None
    if _copy is None or _copy_pid != os.getpid():  # a forked child keeps nothing of its parent's
        if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
            return None
        _copy, _copy_pid = RegisterCopy(_params()), os.getpid()
        _copy.start()
    return _copy


_DELETED_ON = FIELDS.index("deleted_on")


def lookup(orgnr: str) -> tuple[list, list, list] | None:
    """The unit as (FIELDS' values, typed as the model's, its sub-units, its dispensations; the
    last two as the bundle query's JSON gives them), or None: the database must answer (copy
    off, loading, or the unit changed)."""
    copy = current()
    record = copy.lookup(orgnr) if copy is not None else None
    if record is None:
        return None
    *values, subunits, dispensations = json.loads(record)
    if values[_DELETED_ON] is not None:  # the one field JSON does not carry as its Python type
        values[_DELETED_ON] = datetime.date.fromisoformat(values[_DELETED_ON])
    return values, subunits, dispensations


def status() -> dict:
    copy = _copy if _copy_pid == os.getpid() else None
    if copy is None:
        return {"state": "off"}
    return {"state": copy.state, "units": copy.units, "load_seconds": copy.load_seconds}


def reset() -> None:
    """Drop this process's copy (tests; a settings change)."""
    global _copy, _copy_pid
    if _copy is not None:
        _copy.close()
    _copy, _copy_pid = None, None
