"""Opening a database: the engine is built at run time from a URL, never at import time.

SQLite (the default, one file) is opened in WAL mode with foreign keys on and a busy timeout, and every
write transaction starts with ``BEGIN IMMEDIATE`` so it takes the write lock before it reads anything:
several processes writing at once then queue instead of losing an update or failing with "database is
locked". PostgreSQL runs the same statements; counts change atomically and the rows a transaction is about
to change are locked (``SELECT … FOR UPDATE``) in id order, and a serialization failure or deadlock is
retried a bounded number of times.
"""

from __future__ import annotations

import getpass
import logging
import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from desktop_app.errors import InventoryError

log = logging.getLogger(__name__)

APP_NAME = "inventory-editor"
ENV_VAR = "INVENTORY_EDITOR_DB"
# The newest migration; a unit test keeps it equal to Alembic's head so opening can skip Alembic entirely.
SCHEMA_REVISION = "0004"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_S = 60
CHANNEL = "inventory_changes"  # PostgreSQL LISTEN/NOTIFY channel for "something changed"
RETRY_ATTEMPTS = 6
# SQLSTATEs worth retrying: serialization failure, deadlock.
_RETRYABLE_SQLSTATES = {"40001", "40P01"}

T = TypeVar("T")


def default_database_path() -> Path:
    """Where the database lives when neither ``--db`` nor ``INVENTORY_EDITOR_DB`` names one."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "inventory.db"


def resolve_url(db: str | os.PathLike | None = None) -> str:
    """Turn ``--db`` (a URL or a plain path), the environment variable or the default into a URL."""
    raw = os.fspath(db) if db else os.environ.get(ENV_VAR) or str(default_database_path())
    if raw.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    if "://" in raw:
        return raw
    path = Path(raw).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): history still needs a "who"
        return "unknown"


class Database:
    """An open database: an engine plus transactions that know whether they write."""

    def __init__(self, url: str | os.PathLike | None = None, *, migrate: bool = True) -> None:
        self.url = resolve_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        self.engine = self._build_engine()
        self._who: str | None = None
        # Transactions retried after a lost race (a serialization failure, a deadlock, a busy database).
        self.retries = 0
        if migrate:
            self.ensure_schema()

    # -- engine -----------------------------------------------------------------------------------
    def _build_engine(self) -> Engine:
        if self.is_sqlite:
            # A small pool: the pragmas run once per connection; WAL gives every transaction a fresh snapshot.
            engine = create_engine(
                self.url, pool_size=4, max_overflow=8, connect_args={"timeout": BUSY_TIMEOUT_S}
            )
            event.listen(engine, "connect", _sqlite_on_connect)
            event.listen(engine, "begin", _sqlite_on_begin)
            return engine
        return create_engine(self.url, pool_pre_ping=True, pool_size=2, max_overflow=4)

    @property
    def who(self) -> str:
        """Who the history names: the database role on a server (what it enforces), the login on a file."""
        if self._who is None:
            if self.is_sqlite:
                self._who = current_user()
            else:
                self._who = self.read(lambda conn: conn.execute(text("SELECT current_user")).scalar_one())
        return self._who

    def dispose(self) -> None:
        self.engine.dispose()

    @property
    def display_name(self) -> str:
        url = make_url(self.url)
        if self.is_sqlite:
            return url.database or ":memory:"
        return url.render_as_string(hide_password=True)

    # -- transactions -----------------------------------------------------------------------------
    @contextmanager
    def connect(self, *, write: bool) -> Iterator[Connection]:
        """One transaction: committed if the block finishes, rolled back if it raises."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(inventory_write=write)
            with conn.begin():
                yield conn

    def read(self, fn: Callable[[Connection], T]) -> T:
        with self.connect(write=False) as conn:
            return fn(conn)

    def write(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn`` in one write transaction, retrying a bounded number of times on a lost race."""
        for attempt in range(1, RETRY_ATTEMPTS + 1):
            try:
                with self.connect(write=True) as conn:
                    result = fn(conn)
                    if not self.is_sqlite:
                        # Delivered at commit: other workstations refresh their open tables.
                        conn.exec_driver_sql(f"NOTIFY {CHANNEL}")
                    return result
            except DBAPIError as exc:
                if _sqlstate(exc) == "42501":
                    raise InventoryError(
                        "The server refused this change: your database role may not make it "
                        f"({str(exc.orig).strip().splitlines()[0]}). Ask an owner.",
                    ) from exc
                if not _retryable(exc):
                    raise
                if attempt == RETRY_ATTEMPTS:
                    raise InventoryError(
                        "The database stayed busy with other workstations' changes; nothing was changed. "
                        "Try again.",
                        details=[str(exc.orig)],
                    ) from exc
                self.retries += 1
                log.info("retrying a write after %s (attempt %d)", exc.orig, attempt)
                time.sleep(random.uniform(0.01, 0.05) * 2**attempt)
        raise AssertionError("unreachable")

    # -- schema -----------------------------------------------------------------------------------
    def schema_revision(self) -> str | None:
        with self.connect(write=False) as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def ensure_schema(self, target: str = "head") -> None:
        """Create the schema, or upgrade it (to ``target``), unless it is already at the newest revision."""
        if self.schema_revision() == (SCHEMA_REVISION if target == "head" else target):
            return
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self.connect(write=True) as conn:
            if not self.is_sqlite:
                # Two workstations opening a new server database at once: one migrates, the other waits.
                conn.execute(text("SELECT pg_advisory_xact_lock(727274)"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)


def _sqlite_on_connect(dbapi_conn, _record) -> None:
    # We issue BEGIN ourselves (see _sqlite_on_begin); the driver must not.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    cur.execute("PRAGMA synchronous=NORMAL")
    # Temporary tables (the import's staging) in memory, and a 32 MB page cache per connection.
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.execute("PRAGMA cache_size=-32768")
    cur.close()


def _sqlite_on_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get("inventory_write", True)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)


def _retryable(exc: DBAPIError) -> bool:
    if _sqlstate(exc) in _RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)
