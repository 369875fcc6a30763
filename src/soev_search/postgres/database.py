"""Connections: writes go to the primary, reads to a replica that answers, else the primary.

Each read runs in one REPEATABLE READ, READ ONLY transaction, so every statement of a search
sees the same snapshot (one build, one version of it). A server that refuses or drops a
connection, or cancels a query because of replay (a replica dropping an old build), is skipped
for a few seconds and the read is retried on the next; when none answers the caller gets
IndexUnavailable (a 503 on the web, one line on the CLI).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from soev_search.errors import IndexUnavailable, SoevError

CONNECT_TIMEOUT_S = 3
# A server that just failed is tried last for this long.
BACKOFF_S = 2.0
# Idle connections kept per server (one per busy thread is what a web server needs).
MAX_IDLE = 16
REBUILD_HINT = "soev-index rebuild --backend postgres"

T = TypeVar("T")

# Failures of the server or the link, not of our SQL: try the next server.
RETRYABLE = (psycopg.OperationalError, pg_errors.SerializationFailure,
             pg_errors.QueryCanceled, pg_errors.AdminShutdown)


class DatabaseUnavailable(IndexUnavailable):
    """No database server answered."""


def describe(url: str) -> str:
    """host:port/dbname of a URL, never its password."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "an unparsable database URL"
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


def connect(url: str, **options) -> psycopg.Connection:
    try:
        return psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, **options)
    except psycopg.ProgrammingError as exc:
        raise SoevError(f"bad database URL ({exc})") from None


class _Server:
    def __init__(self, url: str) -> None:
        self.url = url
        self.failed_at = 0.0
        self._idle: list[psycopg.Connection] = []
        self._lock = threading.Lock()

    def recently_failed(self) -> bool:
        return time.monotonic() - self.failed_at < BACKOFF_S

    def take(self) -> psycopg.Connection:
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None or conn.closed:
            conn = connect(self.url, autocommit=False)
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
        return conn

    def give_back(self, conn: psycopg.Connection) -> None:
        with self._lock:
            if len(self._idle) < MAX_IDLE:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


class Router:
    """The primary and the replicas of one database; thread-safe."""

    def __init__(self, primary_url: str | None, read_urls: Sequence[str] = ()) -> None:
        if not primary_url and not read_urls:
            raise SoevError("no database given: set SOEV_DATABASE_URL or --database-url")
        self.primary_url = primary_url
        self.replicas = [_Server(url) for url in read_urls]
        self.primary = _Server(primary_url) if primary_url else None
        self._turn = 0

    def _order(self) -> list[_Server]:
        """Replicas first (taking turns), the primary last; recently failed ones after."""
        self._turn += 1
        count = len(self.replicas)
        replicas = [self.replicas[(self._turn + i) % count] for i in range(count)]
        servers = [*replicas, *([self.primary] if self.primary else [])]
        return sorted(servers, key=_Server.recently_failed)

    def read(self, work: Callable[[psycopg.Connection], T]) -> T:
        """Run `work` in a read-only snapshot on the first server that answers."""
        failures = []
        for server in self._order():
            try:
                conn = server.take()
            except psycopg.OperationalError as exc:
                server.failed_at = time.monotonic()
                failures.append((server.url, exc))
                continue
            try:
                result = work(conn)
                conn.rollback()
            except RETRYABLE as exc:
                server.failed_at = time.monotonic()
                failures.append((server.url, exc))
                conn.close()
                continue
            except pg_errors.UndefinedTable:
                conn.close()
                raise IndexUnavailable(
                    f"the database {describe(server.url)} holds no search index; build it "
                    f"with: {REBUILD_HINT}") from None
            except BaseException:
                conn.close()
                raise
            server.give_back(conn)
            return result
        raise _unavailable(failures)

    @contextlib.contextmanager
    def write(self) -> Iterator[psycopg.Connection]:
        """An autocommit connection to the primary (callers open their transactions)."""
        if not self.primary_url:
            raise SoevError("writing needs the primary: set SOEV_DATABASE_URL or --database-url")
        try:
            conn = connect(self.primary_url, autocommit=True)
        except psycopg.OperationalError as exc:
            raise _unavailable([(self.primary_url, exc)]) from None
        with conn:
            yield conn

    def close(self) -> None:
        for server in (*self.replicas, *([self.primary] if self.primary else [])):
            server.close()


def _unavailable(failures: list[tuple[str, Exception]]) -> DatabaseUnavailable:
    named = "; ".join(f"{describe(url)}: {_first_line(exc)}" for url, exc in failures)
    return DatabaseUnavailable(f"the search database cannot be reached ({named})")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
