"""Many rows in one driver call: new ids reserved in order, inserts and updates of many rows at once.

SQLAlchemy's executemany builds a parameter dictionary per row (tens of microseconds each), which is most of
the time of writing a hundred thousand small rows; these helpers hand plain tuples to the driver (SQLite), or
one array per column to one statement (PostgreSQL). Nothing here decides what is written: the callers (the
ledger, the one writer of stock and history; the storefront import, of orders and their lines) own that.
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


def insert_many(conn: Connection, table: str, columns: Sequence[str], types: Sequence[str], rows: Sequence[tuple]):
    """``INSERT INTO table (columns)`` every row (``types``: each column's PostgreSQL type).

    SQLite: one ``executemany``. PostgreSQL: one statement over arrays (``unnest``), one per column: every
    statement that writes stock or history runs the server's audit triggers (migration 0004) once, so a
    statement per row costs far more than the rows, and a VALUES list of thousands of rows costs the driver
    more than the server.
    """
    if not rows:
        return
    if conn.dialect.paramstyle == "qmark":
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", list(rows))
        return
    arrays = ", ".join(f"%s::{t}[]" for t in types)
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({arrays})",
        tuple(list(column) for column in zip(*rows, strict=True)),
    )


def update_many(conn: Connection, table: str, sets: str, types: Sequence[str], rows: Sequence[tuple]) -> None:
    """``UPDATE table SET sets WHERE id = ...`` for every row: ``sets`` names each value ``{}`` (``on_hand =
    items.on_hand + {}``), a row holds them in that order, then the row's id; ``types`` are their PostgreSQL
    types (the id's last). SQLite: one ``executemany``; PostgreSQL: one statement over arrays (see
    ``insert_many``)."""
    if not rows:
        return
    count = sets.count("{}")
    if conn.dialect.paramstyle == "qmark":
        conn.exec_driver_sql(f"UPDATE {table} SET {sets.format(*['?'] * count)} WHERE id = ?", list(rows))
        return
    names = [f"c{n}" for n in range(count)]
    arrays = ", ".join(f"%s::{t}[]" for t in types)
    conn.exec_driver_sql(
        f"UPDATE {table} SET {sets.format(*(f'v.{n}' for n in names))} "
        f"FROM unnest({arrays}) AS v({', '.join(names)}, id) WHERE {table}.id = v.id",
        tuple(list(column) for column in zip(*rows, strict=True)),
    )


# A temporary stage's statistics (PostgreSQL): a sample of 3,000 rows (300 x the target) tells the planner its
# size, its NULLs and how many parents it names as well as the default 30,000 (a whole 20,000-row chunk) does,
# for a fifth of the time: three ANALYZEs per chunk took 4% of an import at the default.
STAGE_STATISTICS = 10


def analyse(conn: Connection, table: str) -> None:
    """``ANALYZE`` a temporary stage on a server, sampled (``STAGE_STATISTICS``; for this transaction only, in
    which nothing else is analysed)."""
    conn.exec_driver_sql(f"SET LOCAL default_statistics_target = {STAGE_STATISTICS}")
    conn.exec_driver_sql(f"ANALYZE {table}")


def bind(conn: Connection, column: Column):
    """The function turning a Python value of ``column`` into what the driver stores (identity if none)."""
    process = column.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    return process if process is not None else (lambda value: value)
