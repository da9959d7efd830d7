"""A stock import taken in many chunks writes what the one-shot same-work baseline writes, reports exactly the
status changes it wrote, and leaves the garbage collector as it found it (not timed)."""

from __future__ import annotations

import gc
import shutil
import sqlite3

import pytest

from benchmarks.catalog import build
from benchmarks.million import write_stock_file
from desktop_app.csvio import importer
from desktop_app.csvio.importer import ImportRefused, import_file
from desktop_app.db import Database
from tests.integration.test_import_same_work import TABLES, _state, import_beside_baseline


def _without_version(rows: list) -> list:
    from desktop_app.schema import items

    at = [c.name for c in items.columns].index("version")
    return [row[:at] + row[at + 1 :] for row in rows]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("chunks")
    path = folder / "pristine.db"
    build(path, variant_products=40, plain_products=30, seed=7)
    return path


@pytest.mark.parametrize("rows_per_chunk", [1, 7, 64])
def test_an_import_in_many_chunks_writes_and_reports_what_the_baseline_writes(
    tmp_path, pristine, monkeypatch, rows_per_chunk
):
    monkeypatch.setattr(importer, "CHUNK_ROWS", rows_per_chunk)  # a product's variants span chunks
    summary, done, rows, ours, theirs = import_beside_baseline(pristine, tmp_path, seed=rows_per_chunk)
    assert summary.updated == done["updated"] == rows
    expected, actual = _state(ours), _state(theirs)
    for name in TABLES:
        if name == "items":  # a product's version counts each chunk that changed its sums: compared apart
            assert _without_version(actual[name]) == _without_version(expected[name])
            continue
        assert actual[name] == expected[name], name
    con = sqlite3.connect(ours)
    # Each unit is written once (its version up by one); a product once per chunk holding its changed variants.
    assert con.execute(
        "ATTACH ? AS p", (str(pristine),)
    ) and con.execute(
        "SELECT COUNT(*) FROM items i JOIN p.items o ON o.id = i.id WHERE i.use_variant_inventory = 0 "
        "AND i.version <> o.version + 1"
    ).fetchone() == (0,)
    # The report lists each status change the import wrote, in file order, with the unit's item number.
    written = con.execute(
        "SELECT c.unit_id, i.item_number, c.from_status, c.to_status, c.rule FROM status_changes c "
        "JOIN items i ON i.id = c.unit_id WHERE c.event_id = ? ORDER BY c.id",
        (summary.batch,),
    ).fetchall()
    con.close()
    assert len(written) == done["status_changes"] > 0
    reported = [(c.unit_id, c.item_number, c.from_status, c.to_status, c.rule) for c in summary.status_changes]
    assert reported == written


def test_an_import_leaves_the_garbage_collector_as_it_found_it(tmp_path, pristine):
    path = tmp_path / "catalog.db"
    shutil.copyfile(pristine, path)
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    write_stock_file(pristine, good, seed=1)
    bad.write_text("ItemNumber,NumberInStock\nNO-SUCH-ITEM-X,1\nNO-SUCH-ITEM-X,2\n", encoding="utf-8")
    db = Database(str(path))
    before = gc.get_threshold()
    try:
        gc.set_threshold(500, 7, 9)
        import_file(db, good, store="Main Street")
        assert (gc.get_threshold(), gc.get_freeze_count()) == ((500, 7, 9), 0)
        with pytest.raises(ImportRefused):
            import_file(db, bad, store="Main Street", update_only=True)
        assert (gc.get_threshold(), gc.get_freeze_count()) == ((500, 7, 9), 0)
    finally:
        gc.set_threshold(*before)
        db.dispose()
