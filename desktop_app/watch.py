"""Noticing other workstations' changes: the PostgreSQL server's snapshot, or SQLite's data_version.

``ChangeWatcher.poll()`` is cheap and never blocks for long; the editor calls it about once a second and refreshes
its open tables when it answers True.

On a server, ``pg_current_snapshot()`` (the transactions in progress, and the next transaction id) changes
whenever a transaction that writes begins or ends, and never for one that only reads; a write committed
between two looks always changes it (it was in progress at the first, or began after it). Writers send
nothing for it (a NOTIFY per transaction cost each order event a round trip, and made the server's notifying
commits wait for each other: ``pg_session``). The snapshot is the whole server's: a write to another database of
the same server refreshes the editor too (at most once a look), which costs a refresh, never a missed change.

The look runs on the GUI thread, so it must never hang: the watch connection gives up on a silent network
within seconds (TCP keepalives, a user timeout, a statement timeout). A watch connection that fails is closed
and opened again half a minute later; the first look on the new one answers True (something may have changed
while nobody was looking).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time

from sqlalchemy.engine import make_url

from desktop_app.db import Database

log = logging.getLogger(__name__)

RETRY_AFTER_S = 30
# Never more than a few seconds on the GUI thread, even when the network goes quiet without closing.
_QUICK = {"connect_timeout": 3, "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
          "keepalives_count": 2, "tcp_user_timeout": 3000, "options": "-c statement_timeout=2000"}


class ChangeWatcher:
    """Tells whether any committed change happened since the last poll (in this or another process)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._sqlite: sqlite3.Connection | None = None
        self._pg = None
        self._version = None
        self._retry_at: float | None = None  # a server's watch connection failed: when to open it again
        try:
            if db.is_sqlite:
                self._sqlite = sqlite3.connect(make_url(db.url).database, check_same_thread=False)
                self._version = self._data_version()
            else:
                self._open_pg()
        except Exception:  # the editor still works; it only misses live refreshes
            log.exception("cannot watch %s for changes", db.display_name)
            self._lost()

    def _open_pg(self) -> None:
        import psycopg

        url = make_url(self.db.url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._pg = psycopg.connect(url, autocommit=True, **_QUICK)
        self._version = self._snapshot()
        self._retry_at = None

    def _lost(self) -> None:
        """A server's watch connection failed: closed, to be opened again in ``RETRY_AFTER_S``."""
        if not self.db.is_sqlite:
            if self._pg is not None:
                with contextlib.suppress(Exception):
                    self._pg.close()
                self._pg = None
            self._retry_at = time.monotonic() + RETRY_AFTER_S

    def _data_version(self) -> int:
        return self._sqlite.execute("PRAGMA data_version").fetchone()[0]

    def _snapshot(self) -> str:
        return self._pg.execute("SELECT pg_current_snapshot()::text").fetchone()[0]

    def poll(self) -> bool:
        if self._retry_at is not None and time.monotonic() >= self._retry_at:
            try:
                self._open_pg()
                return True  # changes made while nobody was looking
            except Exception as exc:
                log.warning("still cannot watch %s for changes: %s", self.db.display_name, type(exc).__name__)
                self._lost()
                return False
        try:
            if self._sqlite is not None or self._pg is not None:
                version = self._data_version() if self._sqlite is not None else self._snapshot()
                changed, self._version = version != self._version, version
                return changed
        except Exception:
            log.exception("watching for changes failed")
            self._lost()
        return False

    def close(self) -> None:
        self._retry_at = None  # closed for good
        for conn in (self._sqlite, self._pg):
            if conn is not None:
                with contextlib.suppress(Exception):  # closing is best effort
                    conn.close()
        self._sqlite = self._pg = None
