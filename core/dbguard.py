"""A client-side deadline on every PostgreSQL round trip (psycopg2), so that a database that
stops answering (frozen, half-open network) fails a request instead of hanging the worker.

PostgreSQL's own `statement_timeout` (set per connection in settings) stops slow statements
on a server that is alive; `connect_timeout` bounds connecting. Neither helps when the server
process does not answer at all (SIGSTOP, a frozen VM): the kernel still acknowledges TCP, and
libpq waits for ever. So every call that waits for the server — execute, commit, rollback, a
fetch from a server-side cursor, COPY — is registered with a small watchdog thread while it
runs; a call that outlives its deadline has its socket shut down, libpq returns an error,
psycopg2 raises OperationalError and Django answers 503 (bht_portal.middleware). The next
request opens a new connection, so the portal recovers by itself when the database is back.

Used through DATABASES["default"]["OPTIONS"]: `connection_factory=guarded_connection(seconds)`
and `cursor_factory=GuardedCursor` (settings.py). Cost: two dictionary operations per call.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time

import psycopg2
import psycopg2.extensions

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_busy: dict[int, tuple[float, object]] = {}  # id(connection) -> (deadline, connection)
_tripped: set[int] = set()
_local = threading.local()
_watchdog: threading.Thread | None = None
_watchdog_pid = 0
_TICK = 0.2
# After the server failed to answer in time, new connections in this process fail at once for
# a short while instead of each waiting out connect_timeout: under load a frozen database then
# costs a request milliseconds, not seconds (one request per cool-down probes it again).
COOLDOWN = 2.0
MAINTENANCE_DATABASES = {"postgres", "template1"}
_circuit: dict[str, float] = {}  # server (host, port, database) -> until when new connections fail


def _server(dsn: str) -> str:
    params = psycopg2.extensions.parse_dsn(dsn)
    return f"{params.get('host', '')}:{params.get('port', '')}/{params.get('dbname', '')}"


def _open_circuit(dsn: str) -> None:
    _circuit[_server(dsn)] = time.monotonic() + COOLDOWN


def _watch() -> None:
    while True:
        time.sleep(_TICK)
        now = time.monotonic()
        with _lock:
            late = [(key, conn) for key, (deadline, conn) in _busy.items() if deadline <= now]
            for key, conn in late:
                del _busy[key]
                _tripped.add(key)
                _shut(conn)


def _shut(conn) -> None:
    """Shut the connection's socket down (both ways): the blocked libpq call returns at once."""
    try:
        fd = conn.fileno()
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except (OSError, psycopg2.Error):  # already closed
        pass


def _ensure_watchdog() -> None:
    """One watchdog per process (started on first use, again in a forked child)."""
    global _watchdog, _watchdog_pid
    if _watchdog_pid != os.getpid():
        with _lock:
            if _watchdog_pid != os.getpid():
                _watchdog = threading.Thread(target=_watch, name="db-deadline", daemon=True)
                _watchdog.start()
                _watchdog_pid = os.getpid()


@contextlib.contextmanager
def _deadline(conn, seconds: float):
    if seconds <= 0 or getattr(_local, "unbounded", False):
        yield
        return
    seconds = min(seconds, getattr(_local, "limit", seconds))
    _ensure_watchdog()
    key = id(conn)
    with _lock:
        _busy[key] = (time.monotonic() + seconds, conn)
    try:
        yield
    except psycopg2.Error as exc:
        with _lock:
            tripped = key in _tripped
            _tripped.discard(key)
        if tripped:
            _open_circuit(conn.dsn)
            raise psycopg2.OperationalError(f"the database did not answer within {seconds:g} s") from exc
        raise
    finally:
        with _lock:
            _busy.pop(key, None)
            _tripped.discard(key)


@contextlib.contextmanager
def at_most(seconds: float):
    """A shorter client deadline for this thread's calls in the block (the health check)."""
    previous = getattr(_local, "limit", None)
    _local.limit = seconds
    try:
        yield
    finally:
        if previous is None:
            del _local.limit
        else:
            _local.limit = previous


@contextlib.contextmanager
def unbounded(connection=None):
    """For the few long statements (a batch of the bulk register import): no client deadline
    and no statement_timeout on this thread's connection until the block ends."""
    from django.db import connection as default

    db = connection or default
    previous = getattr(_local, "unbounded", False)
    _local.unbounded = True
    limit = None
    try:
        if db.vendor == "postgresql":
            with db.cursor() as cursor:
                cursor.execute("SELECT current_setting('statement_timeout')")
                limit = cursor.fetchone()[0]
                cursor.execute("SET statement_timeout = 0")
        yield
    finally:
        _local.unbounded = previous
        if limit is not None and db.connection is not None and not db.connection.closed:
            with contextlib.suppress(Exception), db.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, false)", [limit])


class GuardedCursor(psycopg2.extensions.cursor):
    """psycopg2 cursor whose server round trips run under the connection's deadline."""

    def _guard(self):
        conn = self.connection
        return _deadline(conn, getattr(conn, "deadline", 0))

    def execute(self, query, vars=None):
        with self._guard():
            return super().execute(query, vars)

    def executemany(self, query, vars_list):
        with self._guard():
            return super().executemany(query, vars_list)

    def callproc(self, procname, parameters=None):
        with self._guard():
            return super().callproc(procname, parameters)

    def copy_expert(self, sql, file, size=8192):
        with self._guard():
            return super().copy_expert(sql, file, size)

    # A named (server-side) cursor fetches from the server; a client cursor has its rows.
    def fetchone(self):
        if self.name is None:
            return super().fetchone()
        with self._guard():
            return super().fetchone()

    def fetchmany(self, size=None):
        if self.name is None:
            return super().fetchmany(size) if size is not None else super().fetchmany()
        with self._guard():
            return super().fetchmany(size) if size is not None else super().fetchmany()

    def fetchall(self):
        if self.name is None:
            return super().fetchall()
        with self._guard():
            return super().fetchall()


def guarded_connection(seconds: float) -> type:
    """A psycopg2 connection class whose commit and rollback (and, with GuardedCursor, every
    statement) give up after `seconds` without an answer from the server."""

    class GuardedConnection(psycopg2.extensions.connection):
        deadline = float(seconds)

        def __init__(self, dsn, *args, **kwargs):
            if _circuit and time.monotonic() < _circuit.get(_server(dsn), 0):
                raise psycopg2.OperationalError("the database did not answer a moment ago (not retried for a second)")
            try:
                super().__init__(dsn, *args, **kwargs)
            except psycopg2.OperationalError as exc:
                if "timeout expired" in str(exc):  # connect_timeout: the server does not answer
                    _open_circuit(dsn)
                raise
            if self.info.dbname in MAINTENANCE_DATABASES:
                # Django's maintenance connection (creating and dropping the test database,
                # which waits for other sessions): no limit.
                self.deadline = 0.0
                with _deadline(self, 0), self.cursor() as cursor:
                    cursor.execute("SET statement_timeout = 0")
                self.commit()

        def commit(self):
            with _deadline(self, self.deadline):
                return super().commit()

        def rollback(self):
            with _deadline(self, self.deadline):
                return super().rollback()

    GuardedConnection.__qualname__ = GuardedConnection.__name__ = f"GuardedConnection{int(seconds * 1000)}ms"
    return GuardedConnection
