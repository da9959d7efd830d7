"""A PostgreSQL server's connections: no ping per transaction, a lost connection run again, one-trip COMMIT.

- The pool does not ping a connection before each transaction (that was a round trip per transaction). A
  connection the server dropped (a restart, an idle timeout) fails at its first statement, before anything
  was committed: ``Database.read``/``write`` then drop it and run the transaction again on a new one
  (``connection_lost``). A connection lost *during* the COMMIT is not run again — the COMMIT may have been
  carried out — and the person is told so (``commit``).
- The COMMIT goes in one round trip with the statements not waited for yet (``driver.py``'s pipeline) and,
  after a write, the NOTIFY that tells other workstations to refresh (``watch.py``).
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError

from desktop_app.driver import close_pipeline, commit_in_pipeline
from desktop_app.errors import InventoryError

CHANNEL = "inventory_changes"  # the LISTEN/NOTIFY channel for "something changed"


def server_engine(url: str) -> Engine:
    engine = create_engine(url, pool_size=2, max_overflow=4)
    event.listen(engine, "before_cursor_execute", _before_execute)
    event.listen(engine, "rollback", _on_rollback)
    return engine


def _before_execute(conn, cursor, statement, parameters, context, executemany) -> None:
    # SQLAlchemy reads a statement's results at once: what the driver's cursor sent is waited for first.
    close_pipeline(cursor.connection)


def _on_rollback(conn: Connection) -> None:
    if not conn.invalidated:
        close_pipeline(conn.connection.driver_connection, quiet=True)


def commit(conn: Connection, *, write: bool, name: str) -> None:
    """COMMIT (and NOTIFY after a write) in one round trip; errors raised as SQLAlchemy's."""
    raw, error = conn.connection.driver_connection, conn.dialect.dbapi.Error
    try:
        commit_in_pipeline(raw, *([f"NOTIFY {CHANNEL}"] if write else []))
    except error as exc:
        lost = bool(raw.broken)
        if lost and write:
            # The server may have carried the COMMIT out before the connection broke: running the change again
            # could make it twice (an order placed twice), so the person is told to look first.
            drop_if_lost(conn)
            raise InventoryError(
                f"The connection to {name} was lost while the change was being saved: it may or may not have "
                "been saved. Look before you try again."
            ) from exc
        raise DBAPIError.instance("COMMIT", None, exc, error, connection_invalidated=lost) from exc


def drop_if_lost(conn: Connection) -> None:
    """Invalidate ``conn`` if its server connection broke (the pool then opens a new one)."""
    if not conn.invalidated and conn.dialect.name != "sqlite" and conn.connection.driver_connection.broken:
        conn.invalidate()


def connection_lost(exc: BaseException) -> bool:
    """A server connection found dropped before the COMMIT was sent: nothing was saved, running again is safe."""
    return isinstance(exc, DBAPIError) and exc.connection_invalidated
