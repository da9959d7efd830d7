"""The stock import's own work, written as plain sqlite3: the fair baseline of ``import / same-work baseline``.

    python benchmarks/import_same_work.py DATABASE STOCK_FILE STORE

The plain csv + executemany baseline (benchmarks/million.py) only sets counts. This one does what the import
does for a stock file (an ``ItemNumber`` and a ``NumberInStock`` column) for a selected store, in one
transaction: reads and checks every cell, refuses unknown item numbers, duplicated keys and counts set on a
product that uses variant inventory, decides each status by the rules of SPEC section 2, and writes the same
rows: on hand (and the status where it changes) of every changed unit, the parents' sums, one event, a movement
per changed unit and a status change per status that changed, in file order. Its database after the run equals
the import's (tests/integration/test_import_same_work.py compares them).
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
import sys
import time
from pathlib import Path

# SPEC 2's rules as SQL over ``w`` (truth values as both SQLite and PostgreSQL read them: the PostgreSQL twin
# uses this text with its own parameter marks).
_RULE = """CASE
    WHEN NOT :track OR noninv THEN NULL
    WHEN new_hand <= 0 AND new_hand < old_hand THEN
        CASE WHEN disc THEN 'discontinued' WHEN back THEN 'back_order' ELSE 'out_of_stock' END
    WHEN old_hand <= 0 AND new_hand > 0 THEN 'in_stock'
    ELSE NULL END"""
_TARGET = {"discontinued": ":disc_id", "back_order": ":back_id", "out_of_stock": ":out_id", "in_stock": ":in_id"}
_NEW_STATUS = (
    f"CASE {_RULE} " + " ".join(f"WHEN '{rule}' THEN {param}" for rule, param in _TARGET.items())
    + " ELSE old_status END"
)


class Refused(Exception):
    """The file cannot be imported (the import would refuse it too)."""


# The refusals the import makes, asked of the table ``w`` (every row of the file with its unit): the first line
# that breaks each rule. The same questions for the PostgreSQL twin (``pg_import_same_work.py``).
REFUSALS = (
    ("SELECT line FROM w WHERE item IS NULL LIMIT 1", "unknown item number (the import would create it)"),
    ("SELECT MAX(line) FROM w GROUP BY item HAVING COUNT(*) > 1 LIMIT 1", "duplicated item number"),
    ("SELECT line FROM w WHERE uvi AND new_hand <> old_hand LIMIT 1", "a product's count is a sum"),
)


def _rows(stock: Path):
    with open(stock, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = [h.strip().lower() for h in next(reader)]
        key = header.index("itemnumber") if "itemnumber" in header else header.index("sku")
        count = header.index("numberinstock")
        for line, cells in enumerate(reader, start=2):
            number = cells[key].strip()
            if number.startswith("'"):
                number = number[1:]
            text = cells[count].strip()
            if not number or len(number) > 100 or not text.lstrip("-").isdigit() or not text.isascii():
                raise Refused(f"line {line}: not a plain stock row")
            hand = int(text)
            if not -2_147_483_648 <= hand <= 2_147_483_647:
                raise Refused(f"line {line}: count out of range")
            yield line, number, hand


def same_work_import(db: str | Path, stock: str | Path, store: str, *, who: str = "", note: str | None = None) -> dict:
    """Import ``stock`` for ``store`` into the SQLite file ``db`` with plain sqlite3; returns what it did."""
    started = time.perf_counter()
    con = sqlite3.connect(db, isolation_level=None)
    try:
        # The pragmas the editor's connections set (desktop_app/db.py): the same work on the same terms.
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "temp_store=MEMORY", "cache_size=-32768"):
            con.execute(f"PRAGMA {pragma}")
        con.execute("BEGIN IMMEDIATE")
        con.execute("CREATE TEMPORARY TABLE s (line INTEGER PRIMARY KEY, num TEXT NOT NULL, hand INTEGER NOT NULL)")
        con.executemany("INSERT INTO s VALUES (?, ?, ?)", _rows(Path(stock)))
        found = con.execute(
            "SELECT id, track_inventory, default_in_stock_id, default_out_of_stock_id, default_back_order_id, "
            "default_discontinued_id FROM stores WHERE lower(name) = lower(?)",
            (store,),
        ).fetchone()
        if found is None:
            raise Refused(f"no store named {store}")
        store_id, track, in_id, out_id, back_id, disc_id = found
        params = {"track": int(track), "in_id": in_id, "out_id": out_id, "back_id": back_id, "disc_id": disc_id}
        # Every unit the file names, with what the rules need; then the refusals the import makes.
        con.execute(
            """CREATE TEMPORARY TABLE w AS SELECT s.line, i.id AS item, i.parent_id AS parent, i.on_hand AS old_hand,
               s.hand AS new_hand, i.status_id AS old_status, i.status_id AS new_status, NULL AS rule,
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
        # Each unit written once: its count, and its status only where that changes.
        con.execute(
            """UPDATE items SET on_hand = w.new_hand, version = items.version + 1
               FROM w WHERE items.id = w.item AND w.rule IS NULL"""
        )
        con.execute(
            """UPDATE items SET on_hand = w.new_hand, status_id = w.new_status, version = items.version + 1
               FROM w WHERE items.id = w.item AND w.rule IS NOT NULL"""
        )
        con.execute(
            """UPDATE items SET on_hand = items.on_hand + d.delta, version = items.version + 1
               FROM (SELECT parent, SUM(new_hand - old_hand) AS delta FROM w WHERE parent IS NOT NULL
                     GROUP BY parent) d WHERE items.id = d.parent AND d.delta <> 0"""
        )
        at = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
        event = con.execute(
            "INSERT INTO events (cause, store_id, who, at, note) VALUES ('import', ?, ?, ?, ?)",
            (store_id, who, at, note or f"import of {Path(stock).name}"),
        ).lastrowid
        moved = con.execute(
            """INSERT INTO movements (event_id, unit_id, quantity, delta, after)
               SELECT ?, item, 'on_hand', new_hand - old_hand, new_hand FROM w ORDER BY line""",
            (event,),
        ).rowcount
        changed = con.execute(
            """INSERT INTO status_changes (event_id, unit_id, from_status, to_status, rule)
               SELECT ?, w.item, f.name, t.name, w.rule FROM w JOIN statuses f ON f.id = w.old_status
               JOIN statuses t ON t.id = w.new_status WHERE w.rule IS NOT NULL ORDER BY w.line""",
            (event,),
        ).rowcount
        rows = con.execute("SELECT COUNT(*) FROM s").fetchone()[0]
        con.execute("DROP TABLE w")
        con.execute("DROP TABLE s")
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return {
        "seconds": time.perf_counter() - started,
        "rows": rows,
        "updated": moved,
        "status_changes": changed,
        "event": event,
    }


if __name__ == "__main__":
    print(same_work_import(sys.argv[1], sys.argv[2], sys.argv[3]))
