"""History (SPEC section 4): every number explained, nothing rewritten, batches reverted by compensation."""

import pytest

from desktop_app.csvio.importer import import_file
from desktop_app.errors import InventoryError
from tests.helpers import history_mismatches, write_csv


def test_history_explains_why_an_item_is_out_of_stock(shop):
    shop.add_product("CUP", on_hand=3)
    order = shop.place_order("Main", [("CUP", 3)])
    last = shop.history("CUP")[-1]
    assert (last.kind, last.from_status, last.to_status, last.rule) == (
        "status",
        "In Stock",
        "Out of Stock",
        "out_of_stock",
    )
    assert (last.cause, last.store, last.order) == ("order placed", "Main", order)
    movement = shop.history("CUP")[-2]
    assert (movement.quantity, movement.delta, movement.after) == ("on_hand", -3, 0)


def test_history_covers_on_order_too(inventory):
    inventory.add_product("CUP", on_order=4)
    inventory.edit_item("CUP", {"on_order": 1})
    moves = [(h.quantity, h.delta, h.after) for h in inventory.history("CUP")]
    assert moves == [("on_order", 4, 4), ("on_order", -3, 1)]


def test_product_history_includes_its_variants(inventory):
    inventory.add_product("TEE")
    inventory.add_variant("TEE", "TEE-S", ["Size=S"], on_hand=2)
    inventory.edit_item("TEE", {"status": "Back Order"})
    entries = inventory.history("TEE")
    assert [(h.item_number, h.kind) for h in entries] == [("TEE-S", "movement"), ("TEE", "status")]


def test_revert_a_batch_restores_counts_and_statuses(shop, tmp_path):
    shop.add_product("A", on_hand=5)
    shop.add_product("B", on_hand=0, status="Out of Stock")
    f = write_csv(tmp_path / "a.csv", ["ItemNumber", "NumberInStock"], [["A", "0"], ["B", "7"], ["NEW", "2"]])
    summary = import_file(shop.db, f, store="Main")
    assert shop.item("A").status == "Out of Stock"
    shop.revert_batch(summary.batch)
    a, b = shop.item("A"), shop.item("B")
    assert (a.on_hand, a.status, b.on_hand, b.status) == (5, "In Stock", 0, "Out of Stock")
    assert shop.item("NEW").on_hand == 0
    with pytest.raises(InventoryError, match="already reverted"):
        shop.revert_batch(summary.batch)
    assert history_mismatches(shop.db) == []
    # Nothing was rewritten: the import's movements are still there, followed by the compensation.
    assert [h.delta for h in shop.history("A") if h.kind == "movement"] == [5, -5, 5]


def test_revert_keeps_later_changes(shop):
    shop.add_product("A", on_hand=5)
    batch = shop.adjust([("A", +3)]).batch
    shop.place_order("Main", [("A", 2)])
    shop.revert_batch(batch)
    assert shop.item("A").on_hand == 3  # 5 + 3 - 2, then the +3 taken back


def test_orders_are_not_reverted_as_batches(shop):
    shop.add_product("A", on_hand=5)
    shop.place_order("Main", [("A", 2)])
    batch = shop.batches()[0]["batch"]
    with pytest.raises(InventoryError, match="only imports, grid edits and stock adjustments"):
        shop.revert_batch(batch)
