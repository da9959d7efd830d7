"""The SQLite export read in slices by worker threads (csvio/export_slices.py): the same bytes as csv.writer
writes for the same rows, one snapshot of the catalog whatever is committed while it runs, and one reader when
the write lock that lines the readers up cannot be had."""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest

from desktop_app.csvio import export_slices
from desktop_app.csvio.exporter import _STOREFRONT, export_file
from desktop_app.csvio.formats import STOREFRONT_HEADER
from desktop_app.service import Inventory

NAMES = ["Mug", 'Mug, "large"', "=SUM(A1)", "two\nlines", "-5 off", "Ωmega", "plain, again", "@home"]


@pytest.fixture
def catalog(inventory, monkeypatch):
    if not inventory.db.is_sqlite:
        pytest.skip("the sliced reading is SQLite's")
    # Families that straddle many slices of three ids each: a product, then plain products, then variants
    # added later (ids far from their product's), so a slice must hold rows whose own ids lie outside it.
    for n, name in enumerate(NAMES):
        inventory.add_product(f"P{n}", name=name, on_hand=0 if n % 3 == 0 else n, supplier=name.replace("\n", " ") if n % 2 else None)
    for n in range(0, len(NAMES), 3):
        for size in ("S", "M"):
            inventory.add_variant(f"P{n}", f"P{n}-{size}", f"Size={size};Color=Red, dark", on_hand=n + 1)
    monkeypatch.setattr(export_slices, "SLICE_ROWS", 3)
    monkeypatch.setattr(export_slices, "READERS", 2)
    return inventory


def expected_bytes(db_path: str) -> bytes:
    """csv.writer's file for the same rows, read in one statement (the storefront cells, unsliced)."""
    con = sqlite3.connect(db_path)
    try:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(STOREFRONT_HEADER)
        writer.writerows(con.execute(_STOREFRONT[True]))
    finally:
        con.close()
    return buffer.getvalue().encode("utf-8")


def test_sliced_export_is_byte_for_byte_what_csv_writer_writes(catalog, tmp_path):
    out = tmp_path / "out.csv"
    fractions = []
    rows = export_file(catalog.db, out, progress=fractions.append)
    assert rows == len(NAMES) + 3 * 2
    assert out.read_bytes() == expected_bytes(catalog.db.url.removeprefix("sqlite:///"))
    assert len(fractions) > 3 and fractions == sorted(fractions) and fractions[-1] == 1.0
    # Each product is followed by its variants, in the file as in the catalog.
    with open(out, newline="", encoding="utf-8") as f:
        numbers = [row["ItemNumber"] for row in csv.DictReader(f)]
    assert numbers[:4] == ["P0", "P0-S", "P0-M", "P1"]


def test_what_is_committed_during_the_export_is_not_in_the_file(catalog, tmp_path, monkeypatch):
    """All slices come from the snapshot taken when the export began, as one read transaction would: a change
    committed right after the readers took it, before any slice is read, is in none of them."""
    path = catalog.db.url.removeprefix("sqlite:///")
    before = expected_bytes(path)
    other = Inventory(path)
    readers = []
    snapshot = export_slices._snapshot

    def snapshot_then_change(db, wanted):
        connections = snapshot(db, wanted)
        readers.append(len(connections))
        other.edit_item("P7", {"name": "Renamed meanwhile"})  # a family in the last slices
        other.edit_item("P6-M", {"on_hand": 99})
        other.add_product("NEW-1", name="Added meanwhile")
        return connections

    monkeypatch.setattr(export_slices, "_snapshot", snapshot_then_change)
    out = tmp_path / "out.csv"
    try:
        export_file(catalog.db, out)
    finally:
        other.db.dispose()
    assert readers == [2]  # two readers, lined up on one snapshot
    assert out.read_bytes() == before
    assert catalog.item("P7").name == "Renamed meanwhile"  # the change itself was committed


def test_an_export_during_another_write_reads_with_one_connection(catalog, tmp_path):
    """Another workstation's write transaction holds the lock: the export reads on one connection, at once."""
    path = catalog.db.url.removeprefix("sqlite:///")
    expected = expected_bytes(path)
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE items SET name = 'uncommitted' WHERE item_number = 'P1'")
        out = tmp_path / "out.csv"
        export_file(catalog.db, out)
        assert out.read_bytes() == expected
    finally:
        writer.execute("ROLLBACK")
        writer.close()
