"""The stock import's own work on PostgreSQL, written as plain psycopg: the ceiling beside our PostgreSQL import.

    python benchmarks/pg_import_same_work.py URL STOCK_FILE STORE [--no-triggers]

The PostgreSQL twin of benchmarks/import_same_work.py (SQLite): no project code, one transaction, the same
checks and the same rows written as the import writes for a stock file (an ``ItemNumber`` and a
``NumberInStock`` column) and a store: every cell read and checked, the file COPYed into a temporary table,
unknown item numbers, duplicated keys and counts set on a product using variant inventory refused, each status
decided by the rules of SPEC section 2, then one ``UPDATE items … FROM`` the stage (on hand, the status where it
changes, the version), the parents' sums, one event, a movement per changed unit and a status change per status
that changed, in file order (``INSERT … SELECT``). It runs on the same schema as the editor: the server's
history audit (migrations 0004/0013), the ``item_counts`` mirror (0015) and the foreign keys run for it too, as
they would for any client. With ``triggers=False`` (``session_replication_role = replica``: a superuser only)
none of them runs: the SQL's own cost, which no client of this schema can reach.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import psycopg

from benchmarks import import_same_work as sqlite_same_work
from benchmarks.import_same_work import REFUSALS, Refused, _rows

# The SQLite twin's rule text, with psycopg's parameter marks.
_RULE, _NEW_STATUS = (re.sub(r":(\w+)", r"%(\1)s", sql) for sql in (sqlite_same_work._RULE, sqlite_same_work._NEW_STATUS))


def _dsn(url: str) -> str:
    """A libpq URL from a SQLAlchemy one (``postgresql+psycopg://`` → ``postgresql://``)."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest if scheme.startswith("postgresql") else url


def pg_same_work_import(url: str, stock: str | Path, store: str, *, triggers: bool = True,
                        note: str | None = None) -> dict:
    """Import ``stock`` for ``store`` into the PostgreSQL database ``url`` with plain psycopg; what it did."""
    started = time.perf_counter()
    with psycopg.connect(_dsn(url)) as con:  # one transaction: committed on leaving, rolled back on a raise
        if not triggers:
            con.execute("SET LOCAL session_replication_role = replica")
        con.execute("CREATE TEMPORARY TABLE s (line integer PRIMARY KEY, num text NOT NULL, hand integer NOT NULL)"
                    " ON COMMIT DROP")
        with con.cursor() as cur, cur.copy("COPY s (line, num, hand) FROM STDIN") as copy:
            for row in _rows(Path(stock)):
                copy.write_row(row)
        found = con.execute(
            "SELECT id, track_inventory, default_in_stock_id, default_out_of_stock_id, default_back_order_id, "
            "default_discontinued_id FROM stores WHERE lower(name) = lower(%s)",
            (store,),
        ).fetchone()
        if found is None:
            raise Refused(f"no store named {store}")
        store_id, track, in_id, out_id, back_id, disc_id = found
        params = {"track": bool(track), "in_id": in_id, "out_id": out_id, "back_id": back_id, "disc_id": disc_id}
        # Every unit the file names, with what the rules need; then the refusals the import makes.
        con.execute(
            """CREATE TEMPORARY TABLE w ON COMMIT DROP AS
               SELECT s.line, i.id AS item, i.parent_id AS parent, i.on_hand AS old_hand, s.hand AS new_hand,
                      i.status_id AS old_status, i.status_id AS new_status, NULL::text AS rule,
                      i.discontinued AS disc, i.non_inventory AS noninv, st.back_order AS back,
                      i.use_variant_inventory AS uvi
               FROM s LEFT JOIN items i ON i.item_number = s.num LEFT JOIN statuses st ON st.id = i.status_id"""
        )
        for question, reason in REFUSALS:
            if (bad := con.execute(question).fetchone()) is not None:
                raise Refused(f"line {bad[0]}: {reason}")
        con.execute("DELETE FROM w WHERE new_hand = old_hand")
        con.execute(f"UPDATE w SET new_status = {_NEW_STATUS}, rule = {_RULE}", params)
        con.execute("UPDATE w SET rule = NULL WHERE new_status = old_status")
        con.execute("SET LOCAL default_statistics_target = 10")  # as the import's stage is analysed
        con.execute("ANALYZE w")
        # Each unit written once: its count, its status where that changes, its version; then the parents' sums.
        con.execute(
            """UPDATE items SET on_hand = w.new_hand, status_id = w.new_status, version = items.version + 1
               FROM w WHERE items.id = w.item"""
        )
        con.execute(
            """UPDATE items SET on_hand = items.on_hand + d.delta, version = items.version + 1
               FROM (SELECT parent, SUM(new_hand - old_hand) AS delta FROM w WHERE parent IS NOT NULL
                     GROUP BY parent) d WHERE items.id = d.parent AND d.delta <> 0"""
        )
        event = con.execute(
            "INSERT INTO events (cause, store_id, who, at, note) VALUES ('import', %s, current_user, now(), %s) "
            "RETURNING id",
            (store_id, note or f"import of {Path(stock).name}"),
        ).fetchone()[0]
        moved = con.execute(
            """INSERT INTO movements (event_id, unit_id, quantity, delta, after)
               SELECT %s, item, 'on_hand', new_hand - old_hand, new_hand FROM w ORDER BY line""",
            (event,),
        ).rowcount
        changed = con.execute(
            """INSERT INTO status_changes (event_id, unit_id, from_status, to_status, rule)
               SELECT %s, w.item, f.name, t.name, w.rule FROM w JOIN statuses f ON f.id = w.old_status
               JOIN statuses t ON t.id = w.new_status WHERE w.rule IS NOT NULL ORDER BY w.line""",
            (event,),
        ).rowcount
        rows = con.execute("SELECT COUNT(*) FROM s").fetchone()[0]
        before_commit = time.perf_counter()
    ended = time.perf_counter()
    return {
        "seconds": ended - started,
        "commit_seconds": ended - before_commit,  # the audit's commit-time check, when triggers run
        "rows": rows,
        "updated": moved,
        "status_changes": changed,
        "event": event,
    }


SAME_WORK = "import: same-work plain psycopg baseline"
NO_TRIGGERS = "import: same-work plain psycopg, the server's triggers off"
_COPIES = {SAME_WORK: "bench_same_work", NO_TRIGGERS: "bench_same_work_bare"}


def _on(url: str, database: str) -> str:
    """``url`` naming another database of the same server (query options such as sslmode kept)."""
    from sqlalchemy.engine import make_url

    return _dsn(make_url(url).set(database=database).render_as_string(hide_password=False))


def _admin(url: str) -> psycopg.Connection:
    return psycopg.connect(_on(url, "postgres"), autocommit=True)


def copy_catalog(url: str) -> None:
    """Before anything changes the benchmark's database: a copy of it per baseline run (``TEMPLATE``, file by
    file: copied through the WAL instead, the checkpoints it sets off would fall into the editor's timings)."""
    from sqlalchemy.engine import make_url

    source = make_url(url).database
    with _admin(url) as admin:
        strategy = " STRATEGY FILE_COPY" if admin.info.server_version >= 150000 else ""
        for name in _COPIES.values():
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"{strategy}')


def drop_copies(url: str) -> None:
    """The baselines' copies gone (a run that stopped early leaves none behind on the server)."""
    with _admin(url) as admin:
        for name in _COPIES.values():
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure(url: str, stock: Path, store: str) -> dict:
    """Both baselines, each on its own copy (then dropped): the figures for benchmarks/million.py."""
    figures: dict[str, float | str] = {}
    with _admin(url) as admin:
        # What the server's settings give the import's index writes and WAL (its caches and checkpoints).
        figures["server settings: shared_buffers, max_wal_size, work_mem"] = ", ".join(
            str(admin.execute(f"SHOW {setting}").fetchone()[0]) for setting in ("shared_buffers", "max_wal_size", "work_mem"))
        for figure, name in _COPIES.items():
            try:
                done = pg_same_work_import(_on(url, name), stock, store, triggers=figure == SAME_WORK)
            except psycopg.errors.InsufficientPrivilege:  # triggers off needs a superuser
                figures[figure] = "not measured (needs a superuser)"
                continue
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            figures[figure] = done["seconds"]
            if figure == SAME_WORK:
                figures["import: same-work baseline's COMMIT (the history check)"] = done["commit_seconds"]
    return figures


def goal_rows(pg: dict, sqlite_import: float | None) -> list[tuple[str, str, str, str]]:
    """The ceiling rows of the goals table: our PostgreSQL import beside the baseline, the baseline beside
    SQLite's import (is 2x within what the server does at all?)."""
    ours, same, bare = (
        figure if isinstance(figure, float) else None  # "not measured (…)" stays out of the ratios
        for figure in (pg.get("import in the editor process"), pg.get(SAME_WORK), pg.get(NO_TRIGGERS))
    )
    rows = []
    if ours and same:
        rows.append(("PostgreSQL: import / same-work plain psycopg baseline", "reported (the ceiling)",
                     f"{ours / same:.2f}x ({ours:.1f} s / {same:.1f} s)", ""))
    if same and sqlite_import:
        rows.append(("PostgreSQL: same-work baseline / SQLite import", "reported (2x possible at all?)",
                     f"{same / sqlite_import:.2f}x ({same:.1f} s / {sqlite_import:.1f} s)", ""))
    if bare and sqlite_import:
        rows.append(("PostgreSQL: same-work baseline, triggers off / SQLite import", "reported (the SQL alone)",
                     f"{bare / sqlite_import:.2f}x ({bare:.1f} s / {sqlite_import:.1f} s)", ""))
    return rows


if __name__ == "__main__":
    print(pg_same_work_import(sys.argv[1], sys.argv[2], sys.argv[3], triggers="--no-triggers" not in sys.argv))
