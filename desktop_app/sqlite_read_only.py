"""SQLite files the user may not write: opened read-only, leaving nothing beside the file."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable

from sqlalchemy.engine import make_url


def sqlite_path(url: str) -> str | None:
    database = make_url(url).database
    return database if database and database != ":memory:" else None


def sqlite_read_only(url: str) -> bool:
    """An existing file we may not write, or whose folder we may not write (SQLite needs both)."""
    path = sqlite_path(url)
    if path is None or not os.path.exists(path):
        return False
    return not os.access(path, os.W_OK) or not os.access(os.path.dirname(path) or ".", os.W_OK)


def read_only_creator(path: str, timeout: float) -> Callable[[], sqlite3.Connection]:
    """Connections that never write and never create a file beside the database.

    With no ``-wal`` file beside it, the file is opened ``immutable`` (no locks, no ``-shm``): nobody can be
    writing it, since nobody may. With a ``-wal`` left there (a copy taken while it was in use), the
    committed changes in it must be read, so the file is opened ``mode=ro`` instead.
    """
    from urllib.parse import quote

    mode = "mode=ro" if os.path.exists(path + "-wal") else "immutable=1"
    uri = f"file:{quote(os.path.abspath(path))}?{mode}"

    def create() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)

    return create


def read_only_on_connect(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA query_only=ON")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.execute("PRAGMA cache_size=-32768")
    cur.close()
