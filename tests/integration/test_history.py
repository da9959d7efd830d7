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


FIELDS = (
    "name",
    "min_qty",
    "max_qty",
    "multiple_qty",
    "eta_date",
    "low_stock_qty",
    "low_stock_warning",
    "discontinued",
    "non_inventory",
    "item_id",
)


def _fields(item) -> dict:
    return {f: getattr(item, f) for f in FIELDS}


def test_an_import_records_every_field_it_changes_and_revert_puts_each_back(shop, tmp_path):
    shop.add_product("A", name="Mug", on_hand=5, max_qty=24, low_stock_qty=2)
    shop.add_product("B", name="Cup", on_hand=3, eta_date=__import__("datetime").date(2027, 1, 5))
    before = {n: _fields(shop.item(n)) for n in ("A", "B")}
    f = write_csv(
        tmp_path / "a.csv",
        [
            "ItemID",
            "ItemNumber",
            "ItemName",
            "MaximumOrderQuantity",
            "MultiplesOfQuantity",
            "ETADate",
            "LowStockQuantity",
            "LowStockWarningsEnabled",
            "Discontinued",
            "NonInventory",
            "NumberInStock",
        ],
        [
            ["", "A", "Big mug", "0", "2", "2027-03-01", "", "yes", "True", "", "0"],
            ["77", "B", "", "", "", "none", "4", "", "", "yes", ""],
        ],
    )
    summary = import_file(shop.db, f, store="Main")
    a = shop.item("A")
    assert (a.name, a.max_qty, a.multiple_qty, a.discontinued, a.status) == (
        "Big mug",
        0,
        2,
        True,
        "Discontinued",
    )
    edits = sorted(
        (h.item_number, h.field, h.from_status, h.to_status)
        for h in shop.batch_history(summary.batch)
        if h.kind == "field"
    )
    assert edits == [
        ("A", "discontinued", "no", "yes"),
        ("A", "eta_date", None, "2027-03-01"),
        ("A", "low_stock_warning", "no", "yes"),
        ("A", "max_qty", "24", "0"),
        ("A", "multiple_qty", "1", "2"),
        ("A", "name", "Mug", "Big mug"),
        ("B", "eta_date", "2027-01-05", None),
        ("B", "item_id", None, "77"),
        ("B", "low_stock_qty", "0", "4"),
        ("B", "non_inventory", "no", "yes"),
    ]
    assert [b["field_changes"] for b in shop.batches()[:1]] == [10]
    # The item's own history shows them too, and as JSON with the field named.
    shown = [h.as_json() for h in shop.history("A") if h.kind == "field"]
    assert {"field": "max_qty", "from": "24", "to": "0"}.items() <= next(
        h for h in shown if h["field"] == "max_qty"
    ).items()

    result = shop.revert_batch(summary.batch)
    assert {n: _fields(shop.item(n)) for n in ("A", "B")} == before
    a = shop.item("A")
    assert (a.on_hand, a.status) == (5, "In Stock")
    undone = sorted(
        (h.item_number, h.field, h.to_status, h.from_status)
        for h in shop.batch_history(result.batch)
        if h.kind == "field"
    )
    assert undone == edits
    assert history_mismatches(shop.db) == []


def test_revert_keeps_a_field_changed_again_since(shop, tmp_path):
    shop.add_product("A", on_hand=5, max_qty=24, min_qty=1)
    f = write_csv(
        tmp_path / "a.csv", ["ItemNumber", "MaximumOrderQuantity", "MinimumOrderQuantity"], [["A", "10", "2"]]
    )
    batch = import_file(shop.db, f).batch
    shop.edit_item("A", {"max_qty": 12})
    shop.revert_batch(batch)
    a = shop.item("A")
    assert (a.max_qty, a.min_qty) == (12, 1)  # the later hand edit stands; the rest goes back


def test_revert_gives_a_product_and_its_variants_their_fields_back(shop, tmp_path):
    shop.add_product("TEE", max_qty=6)
    shop.add_variant("TEE", "TEE-S", ["Size=S"], on_hand=2)
    f = write_csv(tmp_path / "a.csv", ["ItemNumber", "MaximumOrderQuantity"], [["TEE", "3"]])
    batch = import_file(shop.db, f).batch
    assert shop.item("TEE-S").max_qty == 3
    shop.revert_batch(batch)
    assert (shop.item("TEE").max_qty, shop.item("TEE-S").max_qty) == (6, 6)


def test_revert_refuses_to_give_back_an_item_id_another_item_took(shop, tmp_path):
    shop.add_product("A", item_id=5)
    shop.add_product("B")
    f = write_csv(tmp_path / "a.csv", ["ItemID", "ItemNumber"], [["9", "A"]])
    batch = import_file(shop.db, f).batch
    assert shop.item("A").item_id == 9
    shop.edit_item("B", {"item_id": 5})
    with pytest.raises(InventoryError, match="ItemID 5 is now used by another item \\(B\\)"):
        shop.revert_batch(batch)
    assert (shop.item("A").item_id, shop.item("B").item_id) == (9, 5)
    assert not any(b["reverts"] == batch for b in shop.batches())


def test_revert_gives_item_numbers_passed_between_items_back(shop, tmp_path):
    shop.add_product("OLD", item_id=1)
    shop.add_product("X", item_id=2)
    # OLD is renamed away, and X takes its name, in one file.
    f = write_csv(tmp_path / "a.csv", ["ItemID", "ItemNumber"], [["1", "NEWER"], ["2", "OLD"]])
    batch = import_file(shop.db, f).batch
    assert (shop.item("#1").item_number, shop.item("#2").item_number) == ("NEWER", "OLD")
    shop.revert_batch(batch)
    assert (shop.item("#1").item_number, shop.item("#2").item_number) == ("OLD", "X")


def test_a_unit_adjusted_twice_in_one_batch_has_history_that_adds_up(inventory):
    # Found by the PostgreSQL history check: "A=+3 A=-1" left on hand right (4) but wrote "-1 = 1".
    inventory.add_product("A", on_hand=2)
    inventory.adjust([("A", +3), ("A", -1)])
    moves = [(h.delta, h.after) for h in inventory.history("A") if h.kind == "movement"]
    assert moves == [(2, 2), (3, 5), (-1, 4)]
    assert inventory.item("A").on_hand == 4
    assert history_mismatches(inventory.db) == []
