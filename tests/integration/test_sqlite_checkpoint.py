"""SQLite's WAL checkpointed in the background (``desktop_app/sqlite_checkpoint.py``): what others see of it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading

import pytest

from desktop_app import db as db_module


@pytest.fixture
def sqlite_shop(tmp_path, monkeypatch):
    from desktop_app.service import Inventory

    # A near safety net, so that a few hundred transactions show whether the WAL is kept bounded.
    monkeypatch.setattr(db_module, "FAR_AUTOCHECKPOINT", 64)
    path = tmp_path / "shop.db"
    inv = Inventory(str(path))
    inv.add_store("Main")
    inv.set_store("Main", track_inventory=True, remove_when="paid")
    for n in range(20):
        inv.add_product(f"MUG{n}", on_hand=1000)
    yield inv, path
    inv.db.dispose()


def _orders(inv, count: int) -> list[int]:
    made = []
    for n in range(count):
        order = inv.place_order("Main", [(f"MUG{n % 20}", 1), (f"MUG{(n + 7) % 20}", 2)])
        inv.pay_order(order)
        inv.ship_order(order)
        made.append(order)
    return made


def test_the_wal_stays_bounded_while_orders_keep_coming(sqlite_shop):
    inv, path = sqlite_shop
    wal = f"{path}-wal"
    largest = 0
    for _ in range(20):
        _orders(inv, 10)
        largest = max(largest, os.path.getsize(wal))
    # 600 transactions of ~10 pages each would make a WAL of ~25 MB without checkpoints; the writers' far
    # threshold (64 pages here) restarts it, whatever the background thread managed meanwhile.
    assert largest < 1000 * 4096


def test_another_process_sees_every_committed_order_while_the_editor_is_open(sqlite_shop):
    inv, path = sqlite_shop
    _orders(inv, 30)
    found = subprocess.run(
        [sys.executable, "-c", "import sqlite3, sys; con = sqlite3.connect(sys.argv[1]); "
         "print(*con.execute(\"SELECT (SELECT count(*) FROM orders WHERE state = 'shipped'), "
         "(SELECT sum(on_hand) FROM items)\").fetchone())", str(path)],
        capture_output=True, text=True, check=True,
    )
    assert found.stdout.split() == ["30", str(20 * 1000 - 30 * 3)]


def test_closing_leaves_everything_in_the_database_file_and_no_thread(sqlite_shop, tmp_path):
    inv, path = sqlite_shop
    made = _orders(inv, 30)
    inv.db.dispose()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop.db"]  # no -wal, no -shm left
    # (this database's thread: another test's database may still be checkpointing in this process)
    assert not [t for t in threading.enumerate() if t.name.startswith("sqlite-checkpoint") and str(tmp_path) in t.name]
    alone = tmp_path / "copy" / "alone.db"  # the file by itself holds every order
    alone.parent.mkdir()
    shutil.copyfile(path, alone)
    con = sqlite3.connect(alone)
    try:
        assert con.execute("SELECT max(id), count(*) FROM orders WHERE state = 'shipped'").fetchone() == (
            made[-1], 30,
        )
    finally:
        con.close()
