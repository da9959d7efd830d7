"""Migration 0016 (SQLite): no index of orders by state, and only reverts in the reverts index (the index of every
item by status stays: who uses a status reads it); who uses a status is still counted over products and variants alike, a reverted batch is still refused a
second revert, and the orders list still filters by state."""

from __future__ import annotations

import sqlite3

import pytest

from desktop_app.errors import InventoryError
from desktop_app.service import Inventory


def test_who_uses_a_status_counts_a_product_with_variants_and_a_unit(inventory: Inventory):
    inventory.add_status("Seasonal")
    inventory.add_product("MUG", on_hand=3, status="Seasonal")
    inventory.add_product("TEE", status="Seasonal")  # its own status, set by hand, once it has variants
    inventory.add_variant("TEE", "TEE-S", ["Size=S"], on_hand=2, status="Seasonal")
    inventory.add_product("CAP", on_hand=1)
    users = inventory.status_users("Seasonal")
    assert users == ["3 items (MUG, TEE, TEE-S)"]
    with pytest.raises(InventoryError, match="'Seasonal' is in use.*3 items"):
        inventory.delete_status("Seasonal")


def test_a_reverted_batch_is_still_found_by_the_partial_reverts_index(inventory: Inventory, tmp_path):
    inventory.add_product("MUG", on_hand=3)
    path = tmp_path / "stock.csv"
    path.write_text("ItemNumber,NumberInStock\nMUG,7\n", encoding="utf-8")
    batch = inventory.import_file(path).batch
    inventory.revert_batch(batch)
    assert inventory.item("MUG").on_hand == 3
    with pytest.raises(InventoryError, match="already"):
        inventory.revert_batch(batch)


def test_an_sqlite_catalog_keeps_the_status_index_and_has_no_orders_state_index(tmp_path):
    inventory = Inventory(str(tmp_path / "shop.db"))
    inventory.db.dispose()
    con = sqlite3.connect(tmp_path / "shop.db")
    indexes = dict(con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
    con.close()
    assert "ix_items_status_id" in indexes and "ix_orders_state" not in indexes
    assert indexes["ix_events_reverts_id"].endswith("WHERE reverts_id IS NOT NULL")


def test_the_orders_list_still_filters_by_state(inventory: Inventory):
    inventory.add_store("Main")
    inventory.set_store("Main", track_inventory=True)
    inventory.add_product("MUG", on_hand=9)
    first = inventory.place_order("Main", [("MUG", 1)])
    second = inventory.place_order("Main", [("MUG", 2)])
    inventory.pay_order(second)
    inventory.ship_order(second)
    assert [o.id for o in inventory.orders(states=["placed"])] == [first]
    assert [o.id for o in inventory.orders(states=["shipped"])] == [second]
