"""Many rows in one driver call: new ids reserved in order, and ``executemany`` with plain tuples.

SQLAlchemy's executemany builds a parameter dictionary per row (tens of microseconds each), which is most of
the time of writing a hundred thousand small rows; these helpers hand tuples straight to the driver. Nothing
here decides what is written: callers (the ledger, the storefront import) own their statements.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Column, Connection


def reserve_ids(conn: Connection, table: str, count: int) -> list[int]:
    """``count`` new ids of ``table``'s ``id``, ascending, as inserting the rows one by one would give them.

    PostgreSQL: taken from the column's sequence. SQLite: after the largest id (the rowid rule); the caller's
    write transaction holds the database's only write lock, so nobody else takes them meanwhile.
    """
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        rows = conn.exec_driver_sql(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, {int(count)})"
        )
        return sorted(r[0] for r in rows)
    start = conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) FROM {table}").scalar_one() + 1
    return list(range(start, start + count))


def executemany(conn: Connection, sql: str, rows: Sequence[tuple]) -> None:
    """Run ``sql`` (placeholders written ``?``) once per row, in one driver call."""
    if not rows:
        return
    if conn.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")
    conn.exec_driver_sql(sql, list(rows))


def bind(conn: Connection, column: Column):
    """The function turning a Python value of ``column`` into what the driver stores (identity if none)."""
    process = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return process if process is not None else (lambda value: value)
