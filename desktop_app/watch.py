"""Noticing other workstations' changes: the PostgreSQL server's snapshot, or SQLite's data_version.

``ChangeWatcher.poll()`` is cheap and never blocks for long; the editor calls it about once a second and refreshes
its open tables when it answers True.

On a server, ``pg_current_snapshot()`` (the transactions in progress, and the next transaction id) changes
whenever a transaction that writes begins or ends, and never for one that only reads; a write committed
between two looks always changes it (it was in progress at the first, or began after it). Writers send
nothing for it (a NOTIFY per transaction cost each order event a round trip, and made the server's notifying
commits wait for each other: ``pg_session``). The snapshot is the whole server's: a write to another database of
the same server refreshes the editor too (at most once a look), which costs a refresh, never a missed change.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3

from sqlalchemy.engine import make_url

from desktop_app.db import Database

log = logging.getLogger(__name__)


class ChangeWatcher:
    """Tells whether any committed change happened since the last poll (in this or another process)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._sqlite: sqlite3.Connection | None = None
        self._pg = None
        self._version = None
        try:
            if db.is_sqlite:
                self._sqlite = sqlite3.connect(make_url(db.url).database, check_same_thread=False)
                self._version = self._data_version()
            else:
                import psycopg

                url = make_url(db.url).set(drivername="postgresql").render_as_string(hide_password=False)
                self._pg = psycopg.connect(url, autocommit=True)
                self._version = self._snapshot()
        except Exception:  # the editor still works; it only misses live refreshes
            log.exception("cannot watch %s for changes", db.display_name)

    def _data_version(self) -> int:
        return self._sqlite.execute("PRAGMA data_version").fetchone()[0]

    def _snapshot(self) -> str:
        return self._pg.execute("SELECT pg_current_snapshot()::text").fetchone()[0]

    def poll(self) -> bool:
        try:
            if self._sqlite is not None or self._pg is not None:
                version = self._data_version() if self._sqlite is not None else self._snapshot()
                changed, self._version = version != self._version, version
                return changed
        except Exception:
            log.exception("watching for changes failed")
        return False

    def close(self) -> None:
        for conn in (self._sqlite, self._pg):
            if conn is not None:
                with contextlib.suppress(Exception):  # closing is best effort
                    conn.close()
