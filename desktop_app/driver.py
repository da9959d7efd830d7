"""The database driver's own cursor, for the hot paths (an order event, the ledger's flush).

SQLAlchemy's per-statement work (building the execution context, cache lookup, result wrapping, events)
cost more than SQLite takes to run an order's statements. Here a statement is SQL text written once with
``:name`` parameters (as sqlite3 takes them; psycopg's ``%(name)s`` form is derived once) and run on the
driver connection that the SQLAlchemy ``Connection`` holds, inside its transaction. The few differences
between the drivers are handled here: how a time is stored (SQLAlchemy keeps SQLite's as text), and
booleans (Python ``bool`` works for both).

On a server, round trips cost more than the statements: from its first statement on this cursor a
transaction runs in psycopg's pipeline mode (``open_pipeline``). A statement is sent at once but nobody waits
for it; the wait comes when a result is read (``fetchone``, ``fetchall``, ``rowcount``), and it brings back
everything sent before it, the transaction's BEGIN included. The writes whose results nobody reads go with
the COMMIT (``Database``'s ``commit_in_pipeline``: the writes, NOTIFY and COMMIT in one round trip). A
statement through SQLAlchemy first waits for what was sent (``close_pipeline``): SQLAlchemy reads its results
as soon as it runs a statement. An error in a statement nobody waited for comes out at the next wait, raised
as SQLAlchemy's like the others; the transaction is lost either way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import weakref

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


class Sql:
    """One statement's text for each driver: ``sqlite`` (``:name``) and ``pg`` (``%(name)s``)."""

    __slots__ = ("pg", "sqlite")

    def __init__(self, text: str, *, pg_suffix: str = "", pg: str | None = None) -> None:
        self.sqlite = text
        self.pg = _NAMED.sub(r"%(\1)s", (text if pg is None else pg).replace("%", "%%")) + pg_suffix


class Driver:
    """The driver connection under a SQLAlchemy ``Connection`` (same transaction).

    A driver's error is raised as SQLAlchemy's (``DBAPIError`` and its kinds, the driver's own as ``.orig``),
    as every other statement's is: the database layer retries a lost race and explains the rest by them.
    """

    __slots__ = ("raw", "sqlite", "error")

    def __init__(self, conn: Connection) -> None:
        self.raw = conn.connection.driver_connection
        self.sqlite = conn.dialect.name == "sqlite"
        self.error = conn.dialect.dbapi.Error

    def run(self, sql: Sql, params: dict | None = None):
        """Execute one statement; returns the cursor (its rows, if any: on a server, read them to wait)."""
        if self.sqlite:
            cur = self.raw.cursor()
            try:
                cur.execute(sql.sqlite, params or {})
            except self.error as exc:
                raise DBAPIError.instance(sql.sqlite, params, exc, self.error, hide_parameters=True) from exc
            return cur
        open_pipeline(self.raw)
        cur = self.raw.cursor()
        try:
            cur.execute(sql.pg, params or {})
        except self.error as exc:
            raise self._error(sql.pg, exc) from exc
        return Pending(cur, self, sql.pg)

    def run_many(self, sql: Sql, rows: list[dict]) -> None:
        if not rows:
            return
        text = sql.sqlite if self.sqlite else sql.pg
        if not self.sqlite:
            open_pipeline(self.raw)
        cur = self.raw.cursor()
        try:
            cur.executemany(text, rows)
        except self.error as exc:
            raise self._error(text, exc) from exc

    def batch(self):
        """Writes whose results nobody reads, sent together: a server's transaction is already in pipeline
        mode (they go with the next read, or the COMMIT); SQLite has no round trips to save."""
        return contextlib.nullcontext()

    def when(self, value: dt.datetime):
        """A time as the column holds it: SQLAlchemy stores SQLite's as text, without the zone."""
        if self.sqlite:  # SQLAlchemy's form, "%Y-%m-%d %H:%M:%S.%f" (isoformat is the faster way to it)
            return value.replace(tzinfo=None).isoformat(" ", "microseconds")
        return value

    def _error(self, text: str, exc: Exception) -> DBAPIError:
        # A lost connection is said so, as SQLAlchemy says it of its own statements: the database layer then
        # drops the connection and runs the transaction again on a new one.
        return DBAPIError.instance(
            text, None, exc, self.error, hide_parameters=True, connection_invalidated=bool(self.raw.broken)
        )


class Pending:
    """A server's cursor whose results may not have come back yet: reading them waits for them."""

    __slots__ = ("cur", "drv", "text")

    def __init__(self, cur, drv: Driver, text: str) -> None:
        self.cur, self.drv, self.text = cur, drv, text

    def _wait(self, read):
        try:
            return read()
        except self.drv.error as exc:
            raise self.drv._error(self.text, exc) from exc

    def fetchone(self):
        return self._wait(self.cur.fetchone)

    def fetchall(self):
        return self._wait(self.cur.fetchall)

    def __iter__(self):
        return iter(self.fetchall())

    @property
    def rowcount(self) -> int:
        self._wait(lambda: close_pipeline(self.drv.raw))  # the count comes with the wait
        return self.cur.rowcount


# -- a server transaction's pipeline ---------------------------------------------------------------------
# Each psycopg connection's open pipeline (the context manager to leave it by). A connection is used by one
# thread at a time; one that is dropped takes its entry with it.
_OPEN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def open_pipeline(raw) -> None:
    """Put the transaction of psycopg connection ``raw`` in pipeline mode until it is waited for."""
    if raw not in _OPEN:
        manager = raw.pipeline()
        manager.__enter__()
        _OPEN[raw] = manager


def close_pipeline(raw, *, quiet: bool = False) -> None:
    """Wait for everything sent in pipeline mode on ``raw`` and leave it: its first error is raised (as the
    driver raises it), unless ``quiet`` (the transaction is being rolled back: its errors are known)."""
    manager = _OPEN.pop(raw, None)
    if manager is None:
        return
    if not quiet:
        manager.__exit__(None, None, None)
        return
    with contextlib.suppress(Exception):
        rolled_back = RuntimeError("rolled back")
        manager.__exit__(RuntimeError, rolled_back, None)


def commit_in_pipeline(raw, *extra: str) -> None:
    """COMMIT the transaction of ``raw`` after the ``extra`` statements (a NOTIFY), in one round trip with
    every statement not waited for yet. Errors are raised as the driver raises them."""
    open_pipeline(raw)
    for statement in (*extra, "COMMIT"):
        raw.execute(statement, prepare=False)
    close_pipeline(raw)
