"""The database driver's own cursor, for the hot paths (an order event, the ledger's flush).

SQLAlchemy's per-statement work (building the execution context, cache lookup, result wrapping, events)
cost more than SQLite takes to run an order's statements. Here a statement is SQL text written once with
``:name`` parameters (as sqlite3 takes them; psycopg's ``%(name)s`` form is derived once) and run on the
driver connection that the SQLAlchemy ``Connection`` holds, inside its transaction. The few differences
between the drivers are handled here: how a time is stored (SQLAlchemy keeps SQLite's as text), and
booleans (Python ``bool`` works for both).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re

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
        """Execute one statement; returns the cursor (its rows, if any)."""
        text = sql.sqlite if self.sqlite else sql.pg
        cur = self.raw.cursor()
        try:
            cur.execute(text, params or {})
        except self.error as exc:
            raise self._error(text, exc) from exc
        return cur

    def run_many(self, sql: Sql, rows: list[dict]) -> None:
        if rows:
            text = sql.sqlite if self.sqlite else sql.pg
            cur = self.raw.cursor()
            try:
                cur.executemany(text, rows)
            except self.error as exc:
                raise self._error(text, exc) from exc

    @contextlib.contextmanager
    def batch(self):
        """Writes whose results nobody reads, sent to a server together (one round trip; SQLite: nothing)."""
        if self.sqlite:
            yield
            return
        try:
            with self.raw.pipeline():
                yield
        except self.error as exc:  # raised when the pipeline is waited for: as SQLAlchemy's, like the others
            raise self._error("(pipeline)", exc) from exc

    def when(self, value: dt.datetime):
        """A time as the column holds it: SQLAlchemy stores SQLite's as text, without the zone."""
        if self.sqlite:  # SQLAlchemy's form, "%Y-%m-%d %H:%M:%S.%f" (isoformat is the faster way to it)
            return value.replace(tzinfo=None).isoformat(" ", "microseconds")
        return value

    def _error(self, text: str, exc: Exception) -> DBAPIError:
        # A lost server connection is said so, as SQLAlchemy says it of its own statements: the database layer
        # then drops the connection and runs the transaction again on a new one (``pg_session``).
        lost = not self.sqlite and self.raw.broken
        return DBAPIError.instance(text, None, exc, self.error, hide_parameters=True, connection_invalidated=lost)
