"""PostgreSQL: the same-work baseline (benchmarks/pg_import_same_work.py) does exactly the import's work.

The same stock file is imported for the same store into two identical catalogs on the server, one by the
editor's import and one by the plain psycopg baseline (through the server's audit, as any client); the two
databases then hold the same items, movements and status changes, and the audit accepted both (not timed).
"""

from __future__ import annotations

import psycopg
import pytest

from benchmarks.catalog import build, build_at
from benchmarks.million import write_stock_file
from benchmarks.pg_import_same_work import Refused, pg_same_work_import
from desktop_app.csvio.importer import import_file
from desktop_app.db import Database
from tests.conftest import PG_URL, _pg_database

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="a PostgreSQL baseline (INVENTORY_EDITOR_TEST_PG)"),
]

TABLES = {
    "items": "SELECT * FROM items ORDER BY id",
    "movements": "SELECT id, event_id, unit_id, quantity, delta, after FROM movements ORDER BY id",
    "status_changes": "SELECT * FROM status_changes ORDER BY id",
    "events": "SELECT id, cause, store_id, order_id, reverts_id, who, note FROM events ORDER BY id",
}


def _state(url: str) -> dict[str, list]:
    with psycopg.connect(url) as con:
        return {name: con.execute(sql).fetchall() for name, sql in TABLES.items()}


@pytest.fixture
def two_catalogs(tmp_path):
    pristine = tmp_path / "pristine.db"
    build(pristine, variant_products=60, plain_products=40, seed=3)
    ours, theirs = _pg_database(), _pg_database()
    urls = next(ours), next(theirs)
    for url in urls:
        build_at(url, pristine)
    yield pristine, *urls
    for made in (ours, theirs):
        made.close()


def test_the_postgresql_baseline_leaves_the_database_the_import_leaves(two_catalogs, tmp_path):
    pristine, ours, theirs = two_catalogs
    stock = tmp_path / "stock.csv"
    rows = write_stock_file(pristine, stock, seed=5)
    before = _state(ours)
    db = Database(ours)
    summary = import_file(db, stock, store="Main Street")
    db.dispose()
    done = pg_same_work_import(theirs, stock, "Main Street", note=f"import of {stock.name}")
    assert summary.updated == done["updated"] == rows
    assert len(summary.status_changes) == done["status_changes"] > 0
    expected, actual = _state(ours), _state(theirs)
    assert len(expected["movements"]) == len(before["movements"]) + rows
    for name in TABLES:
        assert actual[name] == expected[name], name


def test_the_postgresql_baseline_refuses_a_duplicated_item_number_and_changes_nothing(two_catalogs, tmp_path):
    _, _, theirs = two_catalogs
    with psycopg.connect(theirs) as con:
        number = con.execute("SELECT item_number FROM items WHERE NOT use_variant_inventory LIMIT 1").fetchone()[0]
    stock = tmp_path / "stock.csv"
    stock.write_text(f"ItemNumber,NumberInStock\n{number},7\n{number},3\n", encoding="utf-8")
    before = _state(theirs)
    with pytest.raises(Refused, match="line 3: duplicated item number"):
        pg_same_work_import(theirs, stock, "Main Street")
    assert _state(theirs) == before
