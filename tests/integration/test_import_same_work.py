"""The same-work baseline (benchmarks/import_same_work.py) does exactly the import's work: after importing the
same stock file for the same store into two identical catalogs, one with the import and one with the plain
sqlite3 baseline, the databases hold the same items, movements and status changes (not timed)."""

from __future__ import annotations

import random
import shutil
import sqlite3

from benchmarks.catalog import build
from benchmarks.import_same_work import same_work_import
from benchmarks.million import write_stock_file
from desktop_app.csvio.importer import import_file
from desktop_app.db import Database

TABLES = {
    "items": "SELECT * FROM items ORDER BY id",
    "movements": "SELECT id, event_id, unit_id, quantity, delta, after FROM movements ORDER BY id",
    "status_changes": "SELECT * FROM status_changes ORDER BY id",
    "events": "SELECT id, cause, store_id, order_id, reverts_id, note FROM events ORDER BY id",
}


def _state(path) -> dict[str, list]:
    con = sqlite3.connect(path)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in TABLES.items()}
    finally:
        con.close()



def import_beside_baseline(pristine, folder, *, seed: int):
    """A stock file imported into one copy of ``pristine`` by the editor and into another by the same-work
    baseline: (the import's summary, the baseline's figures, the file's rows, the two databases)."""
    stock = folder / "stock.csv"
    rows = write_stock_file(pristine, stock, seed=seed)
    ours, theirs = folder / "import.db", folder / "plain.db"
    shutil.copyfile(pristine, ours)
    shutil.copyfile(pristine, theirs)
    db = Database(str(ours))
    summary = import_file(db, stock, store="Main Street")
    db.dispose()
    done = same_work_import(theirs, stock, "Main Street", who=db.who, note=f"import of {stock.name}")
    return summary, done, rows, ours, theirs

def test_the_same_work_baseline_leaves_the_database_the_import_leaves(tmp_path):
    pristine = tmp_path / "pristine.db"
    build(pristine, variant_products=60, plain_products=40, seed=3)
    summary, done, rows, ours, theirs = import_beside_baseline(pristine, tmp_path, seed=5)
    assert summary.updated == done["updated"] == rows
    assert len(summary.status_changes) == done["status_changes"] > 0
    before, expected, actual = _state(pristine), _state(ours), _state(theirs)
    assert len(expected["movements"]) == len(before["movements"]) + rows
    for name in TABLES:
        assert actual[name] == expected[name], name


def test_the_same_work_baseline_refuses_a_duplicated_item_number(tmp_path):
    pristine = tmp_path / "pristine.db"
    build(pristine, variant_products=5, plain_products=5, seed=3)
    number = sqlite3.connect(pristine).execute(
        "SELECT item_number FROM items WHERE use_variant_inventory = 0 LIMIT 1"
    ).fetchone()[0]
    stock = tmp_path / "stock.csv"
    stock.write_text(f"ItemNumber,NumberInStock\n{number},{random.randint(1, 9)}\n{number},3\n", encoding="utf-8")
    before = _state(pristine)
    try:
        same_work_import(pristine, stock, "Main Street")
    except Exception as exc:  # noqa: BLE001 - the baseline's own refusal
        assert "line 3: duplicated item number" in str(exc)
    else:
        raise AssertionError("a duplicated item number was accepted")
    assert _state(pristine) == before
