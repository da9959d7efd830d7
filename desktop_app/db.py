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
import sqlite3
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from desktop_app import pg_session
from desktop_app.db_errors import disk_full_message, explain, read_only_message  # noqa: F401  (re-exported)
from desktop_app.errors import InventoryError
from desktop_app.logs import mask_secrets
from desktop_app.sqlite_checkpoint import FAR_AUTOCHECKPOINT, Checkpointer
from desktop_app.sqlite_read_only import read_only_creator, read_only_on_connect, sqlite_read_only

log = logging.getLogger(__name__)

APP_NAME = "inventory-editor"
ENV_VAR = "INVENTORY_EDITOR_DB"
# The newest migration; a unit test keeps it equal to Alembic's head so opening can skip Alembic entirely.
SCHEMA_REVISION = "0016"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_S = 60
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

    def __init__(
        self, url: str | os.PathLike | None = None, *, migrate: bool = True, read_only: bool | None = None
    ) -> None:
        try:
            self.url = resolve_url(url)
        except OSError as exc:  # the folder for a new file cannot be made
            raise explain(exc, os.fspath(url or "")) or InventoryError(str(exc)) from exc
        self.is_sqlite = self.url.startswith("sqlite")
        # A SQLite file (or its folder) we may not write is opened read-only: reading works, writing is
        # refused with one sentence before any SQL runs, and nothing (no -wal, no -shm) is left beside it.
        self.read_only = bool(read_only) or (
            read_only is None and self.is_sqlite and sqlite_read_only(self.url)
        )
        self.engine = self._build_engine()
        # SQLite: the WAL checkpointed in the background after writes (``sqlite_checkpoint.py``).
        path = make_url(self.url).database if self.is_sqlite and not self.read_only else None
        self._checkpointer = Checkpointer(path) if path and path != ":memory:" else None
        self._spare: dict[str, Connection] = {}  # SQLite: the connection kept between transactions
        self._disposed = False
        self._who: str | None = None
        # Transactions retried after a lost race (a serialization failure, a deadlock, a busy database).
        self.retries = 0
        if migrate:
            self.ensure_schema()

    # -- engine -----------------------------------------------------------------------------------
    def _build_engine(self) -> Engine:
        if self.is_sqlite and self.read_only:
            creator = read_only_creator(make_url(self.url).database, BUSY_TIMEOUT_S)
            engine = create_engine(self.url, creator=creator, pool_size=2, max_overflow=4)
            event.listen(engine, "connect", read_only_on_connect)
            event.listen(engine, "begin", _sqlite_on_begin)
            return engine
        if self.is_sqlite:
            # A small pool: the pragmas run once per connection; WAL gives every transaction a fresh snapshot.
            engine = create_engine(
                self.url, pool_size=4, max_overflow=8, connect_args={"timeout": BUSY_TIMEOUT_S}
            )
            event.listen(engine, "connect", _sqlite_on_connect)
            event.listen(engine, "begin", _sqlite_on_begin)
            return engine
        return pg_session.server_engine(self.url)  # no ping per transaction (see pg_session)

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
        self._disposed = True  # a connection still in use is closed when it comes back
        if self._checkpointer is not None:  # first, so that the last connection to close removes the WAL
            self._checkpointer.stop()
        spare = self._spare.pop("conn", None)
        if spare is not None:
            spare.close()
        self.engine.dispose()

    @property
    def display_name(self) -> str:
        url = make_url(self.url)
        if self.is_sqlite:
            return url.database or ":memory:"
        return url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)

    # -- transactions -----------------------------------------------------------------------------
    @contextmanager
    def connect(self, *, write: bool) -> Iterator[Connection]:
        """One transaction: committed if the block finishes, rolled back if it raises.

        A database problem the person can act on (not a database, damaged, read-only, disk full, server
        unreachable) comes out as an ``InventoryError`` of one sentence; its details go to the log.
        """
        try:
            with self._transaction(write) as conn:
                yield conn
        except (DBAPIError, sqlite3.Error, OSError) as exc:
            raise self._explained(exc) from exc

    def _explained(self, exc: BaseException) -> BaseException:
        """The sentence for a database problem (``explain``), logged; or ``exc`` itself if there is none."""
        problem = explain(exc, self.display_name)
        if problem is None:
            return exc
        code = getattr(getattr(exc, "orig", exc), "sqlite_errorname", "")
        log.warning("%s: %s %s", self.display_name, code, mask_secrets(str(exc)))
        return problem

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[Connection]:
        """``connect`` without the explaining: a lost server connection is raised as a ``DBAPIError`` whose
        ``connection_invalidated`` is set (and the connection dropped), to be run again by ``read``/``write``.
        On a server, the COMMIT is ``pg_session.commit``'s (a lost connection during it is not run again)."""
        if write and self.read_only:
            raise InventoryError(read_only_message(self.display_name))
        conn = self._checkout()
        try:
            if conn.get_execution_options().get("inventory_write") is not write:  # setting it re-joins events
                conn.execution_options(inventory_write=write)
            with conn.begin():
                try:
                    yield conn
                    if not self.is_sqlite:
                        pg_session.commit(conn, write=write, name=self.display_name)
                except BaseException:
                    pg_session.drop_if_lost(conn)
                    raise
            if write and self._checkpointer is not None:
                self._checkpointer.wrote()
        finally:
            self._checkin(conn)

    def _sqlite_write(self, fn: Callable[[Connection], T]) -> T:
        """``write``'s transaction on a SQLite file, begun and committed on the driver connection: SQLAlchemy's
        transaction (its objects, events and pool bookkeeping) cost about a fifth of a short write (an order
        event). Should ``fn`` use SQLAlchemy's own transaction calls, SQLAlchemy's transaction starts inside this
        one (``_sqlite_on_begin`` sees it is open) and is what commits it."""
        conn = self._checkout()
        raw = None
        try:
            raw = conn.connection.driver_connection
            _sqlite_run(raw, "BEGIN IMMEDIATE")
            try:
                result = fn(conn)
                if conn.in_transaction():
                    conn.commit()
                else:
                    _sqlite_run(raw, "COMMIT")
            except BaseException as exc:
                if conn.in_transaction():
                    conn.rollback()
                elif raw.in_transaction:
                    raw.rollback()
                if isinstance(exc, sqlite3.Error):  # a statement on the driver connection: as SQLAlchemy's
                    raise DBAPIError.instance("(driver connection)", None, exc, sqlite3.Error) from exc
                raise
        finally:
            if raw is not None and raw.in_transaction:  # a rollback that failed: not kept for the next one
                conn.invalidate()
            self._checkin(conn)
        if self._checkpointer is not None:
            self._checkpointer.wrote()
        return result

    def _checkout(self) -> Connection:
        # SQLite: one connection is kept open between transactions (taking it is one atomic dict pop): checking
        # one out of the pool and wrapping it cost more than a short transaction's own statements (an order's
        # events). A server's connections go back to the pool (unpinged: see ``_build_engine``).
        if self.is_sqlite:
            conn = self._spare.pop("conn", None)
            if conn is not None and not conn.closed and not conn.invalidated:
                return conn
        return self.engine.connect()

    def _checkin(self, conn: Connection) -> None:
        keep = self.is_sqlite and not self._disposed and not conn.invalidated and not conn.in_transaction()
        if keep and self._spare.setdefault("conn", conn) is conn:
            return
        conn.close()

    def read(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn`` in one read transaction (run again if the server had dropped the connection)."""
        for attempt in range(1, RETRY_ATTEMPTS + 1):
            try:
                with self._transaction(False) as conn:
                    return fn(conn)
            except (DBAPIError, sqlite3.Error, OSError) as exc:
                if not (pg_session.connection_lost(exc) and attempt < RETRY_ATTEMPTS):
                    raise self._explained(exc) from exc
                self._reconnecting(exc, attempt)
        raise AssertionError("unreachable")

    def write(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn`` in one write transaction, retrying a bounded number of times on a lost race, and on a
        server connection that was found dropped before the COMMIT (nothing of the change was saved)."""
        for attempt in range(1, RETRY_ATTEMPTS + 1):
            try:
                if self.is_sqlite and not self.read_only:
                    return self._sqlite_write(fn)
                with self._transaction(True) as conn:
                    return fn(conn)
            except (DBAPIError, sqlite3.Error, OSError) as exc:
                if pg_session.connection_lost(exc) and attempt < RETRY_ATTEMPTS:
                    self._reconnecting(exc, attempt)
                    continue
                if not isinstance(exc, DBAPIError):
                    raise self._explained(exc) from exc
                if _sqlstate(exc) == "42501":
                    raise InventoryError(
                        "The server refused this change: your database role may not make it "
                        f"({str(exc.orig).strip().splitlines()[0]}). Ask an owner.",
                    ) from exc
                if not _retryable(exc):
                    raise self._explained(exc) from exc
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

    def _reconnecting(self, exc: DBAPIError, attempt: int) -> None:
        """At once the first time (the pool's other connections may be stale too), then after a growing pause
        (a restarting server takes a few seconds to accept connections again): 3 s in all."""
        self.retries += 1
        log.info("%s: connection lost (%s); running it again", self.display_name, mask_secrets(str(exc.orig)))
        if attempt > 1:
            time.sleep(0.1 * 2 ** (attempt - 1))

    # -- schema -----------------------------------------------------------------------------------
    def schema_revision(self) -> str | None:
        with self.connect(write=False) as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def ensure_schema(self, target: str = "head") -> None:
        """Create the schema, or upgrade it (to ``target``), unless it is already at the newest revision."""
        current = self.schema_revision()
        if current == (SCHEMA_REVISION if target == "head" else target):
            return
        from alembic import command
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        known = {script.revision for script in ScriptDirectory.from_config(cfg).walk_revisions()}
        if current is not None and current not in known:
            from desktop_app import __version__

            raise InventoryError(
                f"{self.display_name} was made by a newer version of inventory-editor (schema {current}; "
                f"this is version {__version__}): install the newer version to open it."
            )
        if current is None:
            with self.connect(write=False) as conn:
                others = [t for t in inspect(conn).get_table_names() if not t.startswith("sqlite_")]
            if others:
                raise InventoryError(
                    f"{self.display_name} is not an inventory database (it holds other tables, such as "
                    f"{others[0]}): open another one, or give a new name to start a new database."
                )
        if self.read_only:
            made = "holds no inventory yet" if current is None else "was made by an older version"
            raise InventoryError(
                f"{self.display_name} is read-only and {made}: open it once where it may be written, "
                "so that its tables are brought up to date."
            )
        with self.connect(write=True) as conn:
            if not self.is_sqlite:
                # Two workstations opening a new server database at once: one migrates, the other waits.
                conn.execute(text("SELECT pg_advisory_xact_lock(727274)"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
        _tables_of.pop(self.engine, None)


# Whether a database has an optional table (PostgreSQL's item_search, item_counts): asked once per engine, and
# forgotten when ensure_schema migrates that database.
_tables_of: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def has_table(conn: Connection, name: str) -> bool:
    known = _tables_of.setdefault(conn.engine, {})
    if name not in known:
        known[name] = inspect(conn).has_table(name)
    return known[name]


def _sqlite_on_connect(dbapi_conn, _record) -> None:
    # We issue BEGIN ourselves (see _sqlite_on_begin); the driver must not.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    # Another program's database is refused by ensure_schema: leave its journal mode (its header) alone.
    tables, ours = cur.execute(
        "SELECT count(*), count(CASE WHEN name = 'alembic_version' THEN 1 END) FROM sqlite_master "
        "WHERE type = 'table'"
    ).fetchone()
    if ours or not tables:
        cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    cur.execute("PRAGMA synchronous=NORMAL")
    # The checkpoints run in the background (``sqlite_checkpoint.py``); a writer's own is the far safety net.
    cur.execute(f"PRAGMA wal_autocheckpoint={FAR_AUTOCHECKPOINT}")
    # Temporary tables (the import's staging) in memory, and a 32 MB page cache per connection.
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.execute("PRAGMA cache_size=-32768")
    cur.close()


def _sqlite_on_begin(conn: Connection) -> None:
    raw = conn.connection.driver_connection
    if raw.in_transaction:  # begun on the driver connection (``Database._sqlite_write``): SQLAlchemy's joins it
        return
    write = conn.get_execution_options().get("inventory_write", True)
    # On the driver connection: through SQLAlchemy this statement cost more than a short transaction's work.
    _sqlite_run(raw, "BEGIN IMMEDIATE" if write else "BEGIN")


def _sqlite_run(raw: sqlite3.Connection, statement: str) -> None:
    """BEGIN or COMMIT on the driver connection; its error raised as SQLAlchemy's, as every other statement's
    is (so a write that found the database locked is retried)."""
    try:
        raw.execute(statement)
    except sqlite3.Error as exc:
        raise DBAPIError.instance(statement, None, exc, sqlite3.Error) from exc


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)


def _retryable(exc: DBAPIError) -> bool:
    if _sqlstate(exc) in _RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)
