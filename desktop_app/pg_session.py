"""A PostgreSQL server's connections: no ping per transaction, a connection found lost runs the work again.

- The pool does not ping a connection before each transaction (that was a round trip per transaction). A
  connection the server dropped (a restart, an idle timeout) fails at its first statement, before anything
  was committed: ``Database.read``/``write`` then drop it and run the transaction again on a new one
  (``connection_lost``). A connection lost *during* the COMMIT is not run again — the COMMIT may have been
  carried out — and the person is told so (``commit``).
- A write sends no NOTIFY: other workstations see that something changed by the server's snapshot moving
  (``watch.py``). A NOTIFY before each COMMIT cost a round trip and the server's notification queue, and a
  notifying COMMIT holds a lock that every other notifying COMMIT of the server waits for, WAL flush included,
  so workstations' commits went one at a time (measured: ``benchmarks/pg_orders_same_work.py`` and the README).
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.exc import DBAPIError

from desktop_app.errors import InventoryError


def server_engine(url: str) -> Engine:
    return create_engine(url, pool_size=2, max_overflow=4)


def commit(conn: Connection, *, write: bool, name: str) -> None:
    """COMMIT; errors raised as SQLAlchemy's."""
    raw, error = conn.connection.driver_connection, conn.dialect.dbapi.Error
    try:
        raw.commit()
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
