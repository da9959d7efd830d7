"""An order event keeps what it built of the statuses and the store (SQLite: ``order_sqlite``) while their rows read
the same: a status or a store setting changed through another connection (here another ``Database`` on the same
file, as another workstation or the command line would) is what the very next order uses, after orders that
filled those caches."""

from __future__ import annotations

import pytest

from desktop_app.errors import InventoryError
from desktop_app.service import Inventory


@pytest.fixture
def other(db_url):
    """A second workstation: its own ``Database`` (its own connection) on the same database."""
    inv = Inventory(db_url)
    yield inv
    inv.db.dispose()


def _last_status_change(inv: Inventory, ref: str):
    return [e for e in inv.history(ref) if e.kind == "status"][-1]


def test_a_status_renamed_on_another_connection_names_the_next_status_change(shop, other):
    shop.add_product("MUG", on_hand=2)
    shop.pay_order(shop.place_order("Main", [("MUG", 1)]))  # the statuses and the store are read and kept
    other.edit_status("Out of Stock", rename="Sold Out")
    shop.place_order("Main", [("MUG", 1)])  # 1 -> 0: the store's Out of Stock, under its new name
    assert shop.item("MUG").status == "Sold Out"
    change = _last_status_change(shop, "MUG")
    assert (change.from_status, change.to_status, change.rule) == ("In Stock", "Sold Out", "out_of_stock")


def test_status_flags_set_on_another_connection_lets_the_next_order_through(shop, other):
    shop.add_product("MUG", on_hand=1)
    shop.place_order("Main", [("MUG", 1)])  # 0 on hand, Out of Stock
    with pytest.raises(InventoryError) as refused:
        shop.place_order("Main", [("MUG", 2)])
    assert refused.value.details == ["line 1 (MUG=2): MUG is Out of Stock and cannot be ordered"]
    other.edit_status("Out of Stock", unavailable=False, back_order=True)
    shop.place_order("Main", [("MUG", 2)])  # now allowed beyond the stock: on hand goes below 0
    mug = shop.item("MUG")
    assert (mug.on_hand, mug.status) == (-2, "Back Order")
    assert _last_status_change(shop, "MUG").rule == "back_order"


def test_store_settings_changed_on_another_connection_are_what_the_next_order_uses(shop, other):
    shop.add_product("MUG", on_hand=5)
    shop.place_order("Main", [("MUG", 1)])  # removed when ordered
    assert shop.item("MUG").on_hand == 4
    other.set_store("Main", remove_when="paid")
    order = shop.place_order("Main", [("MUG", 1)])
    mug = shop.item("MUG")
    assert (mug.on_hand, mug.committed) == (4, 1)  # not removed yet: committed
    shop.pay_order(order)
    mug = shop.item("MUG")
    assert (mug.on_hand, mug.committed) == (3, 0)
    other.add_status("Sold Out")
    other.set_store("Main", remove_when="ordered", default_out_of_stock="Sold Out")
    shop.place_order("Main", [("MUG", 3)])  # 3 -> 0: the store's new default Out of Stock
    assert (shop.item("MUG").on_hand, shop.item("MUG").status) == (0, "Sold Out")


def test_a_status_changed_on_the_same_connection_is_seen_too(shop):
    shop.add_product("MUG", on_hand=1)
    shop.place_order("Main", [("MUG", 1)])
    shop.edit_status("Out of Stock", unavailable=False, back_order=True)
    shop.place_order("Main", [("MUG", 1)])
    assert (shop.item("MUG").on_hand, shop.item("MUG").status) == (-1, "Back Order")
