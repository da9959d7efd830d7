"""Products, variants and manual edits (SPEC sections 1 and 2)."""

import datetime as dt

import pytest

from desktop_app.errors import Conflict, InventoryError
from tests.helpers import history_mismatches


def test_new_item_gets_the_status_its_stock_calls_for_unless_one_is_given(shop):
    assert shop.add_product("A", on_hand=0).status == "Out of Stock"
    assert shop.add_product("A2", on_hand=-3).status == "Out of Stock"
    assert shop.add_product("A3", on_hand=2).status == "In Stock"
    assert shop.add_product("GIFT", non_inventory=True).status == "In Stock"
    assert shop.add_product("OLD", discontinued=True, on_order=4).status == "Discontinued"
    assert shop.add_product("B", on_hand=0, status="back order").status == "Back Order"
    assert shop.add_product("C", on_hand=0, status="In Stock").status == "In Stock"  # given: kept
    # A variant follows its product's flags.
    shop.add_product("TEE")
    assert shop.add_variant("TEE", "TEE-S", ["Size=S"]).status == "Out of Stock"
    assert shop.add_variant("TEE", "TEE-M", ["Size=M"], on_hand=4).status == "In Stock"
    assert shop.add_variant("TEE", "TEE-L", ["Size=L"], status="Back Order").status == "Back Order"
    shop.add_product("CAP", discontinued=True)
    assert shop.add_variant("CAP", "CAP-S", ["Size=S"]).status == "Discontinued"
    # Creating is not a status change: the history holds only the starting counts.
    assert [h.kind for h in shop.history("A2")] == ["movement"]


def test_without_its_named_status_a_new_item_uses_the_seeded_one(inventory):
    inventory.edit_status("Out of Stock", rename="Sold out")
    assert inventory.add_product("A").status == "Sold out"


def _import_for(inventory, tmp_path, header, rows, store=None):
    from desktop_app.csvio.importer import import_file
    from tests.helpers import write_csv

    return import_file(inventory.db, write_csv(tmp_path / "new.csv", header, rows), store=store)


def test_an_import_creates_items_with_the_status_their_stock_calls_for(inventory, tmp_path):
    inventory.add_status("Gone", unavailable=True)
    inventory.add_status("Ready")
    inventory.add_store("Shop")
    inventory.set_store(
        "Shop", default_out_of_stock="Gone", default_in_stock="Ready"
    )  # not tracking: still its defaults
    header = ["ItemNumber", "NumberInStock", "Discontinued", "NonInventory", "ProductStatus"]
    rows = [
        ["E", "0", "", "", ""],
        ["N", "-4", "", "", ""],
        ["F", "3", "", "", ""],
        ["D", "0", "yes", "", ""],
        ["G", "0", "", "yes", ""],
        ["K", "0", "", "", "In Stock"],
    ]
    _import_for(inventory, tmp_path, header, rows)  # no store: the statuses of that name
    assert [inventory.item(r[0]).status for r in rows] == [
        "Out of Stock",
        "Out of Stock",
        "In Stock",
        "Discontinued",
        "In Stock",
        "In Stock",
    ]
    _import_for(inventory, tmp_path, header, [[f"S{r[0]}", *r[1:]] for r in rows], store="Shop")
    assert [inventory.item(f"S{r[0]}").status for r in rows] == [
        "Gone",
        "Gone",
        "Ready",
        "Discontinued",
        "Ready",
        "In Stock",  # given in the file: kept
    ]
    # A new variant of an existing product, with no stock: its product's flags, the statuses of that name.
    _import_for(
        inventory, tmp_path, ["ItemNumber", "ParentItemNumber", "VariantOptions"], [["E-S", "E", "Size=S"]]
    )
    assert inventory.item("E-S").status == "Out of Stock"


def test_the_other_platforms_export_for_a_store_creates_no_in_stock_item_without_stock(inventory):
    """Issue 10: 23 units with on hand -576..-1 and policy `deny` came out "In Stock"."""
    from desktop_app.csvio.importer import import_file
    from tests.conftest import fixture_path

    inventory.add_store("Main")
    inventory.set_store("Main", track_inventory=True)
    summary = import_file(inventory.db, fixture_path("shopify-product-export.csv"), store="Main")
    assert summary.created == 24  # 22 plain products and 2 variants (their product is implied)
    from sqlalchemy import select

    from desktop_app.schema import items

    numbers = inventory.db.read(
        lambda c: (
            c.execute(select(items.c.item_number).where(items.c.use_variant_inventory.is_(False)))
            .scalars()
            .all()
        )
    )
    shown = {n: (inventory.item(n).on_hand, inventory.item(n).status) for n in numbers}
    below = {n: v for n, v in shown.items() if v[0] <= 0}
    assert (
        len(below) == 23
        and min(v[0] for v in below.values()) == -576
        and max(v[0] for v in below.values()) == -1
    )
    assert {status for _, status in below.values()} == {"Out of Stock"}
    assert shown["oil-tw-3oz"] == (1, "In Stock")
    # The product of the two variants has what its variants' sum calls for.
    assert inventory.item("mustache-wax").status == "Out of Stock"


def test_the_continue_policy_creates_back_order_items(inventory, tmp_path):
    header = [
        "Handle",
        "Title",
        "Option1 Name",
        "Option1 Value",
        "Variant SKU",
        "Variant Inventory Qty",
        "Variant Inventory Policy",
    ]
    rows = [
        ["cup", "Cup", "Title", "Default Title", "CUP", "0", "continue"],
        ["bowl", "Bowl", "Title", "Default Title", "BOWL", "0", "deny"],
        ["hat", "Hat", "Size", "S", "HAT-S", "-2", "continue"],
        ["hat", "Hat", "Size", "M", "HAT-M", "5", "continue"],
    ]
    _import_for(inventory, tmp_path, header, rows)
    assert [inventory.item(n).status for n in ("CUP", "BOWL", "HAT-S", "HAT-M", "hat")] == [
        "Back Order",
        "Out of Stock",
        "Back Order",
        "In Stock",
        "In Stock",  # its variants' sum, 3, is above 0
    ]


def test_manual_edit_never_triggers(shop):
    shop.add_product("MUG", on_hand=5)
    item = shop.edit_item("MUG", {"on_hand": 0})
    assert (item.on_hand, item.status) == (0, "In Stock")
    item = shop.edit_item("MUG", {"on_hand": 7, "status": "Out of Stock"})
    assert (item.on_hand, item.status) == (7, "Out of Stock")
    history = shop.history("MUG")
    assert [h.rule for h in history if h.kind == "status"] == ["manual"]


def test_manual_status_sticks_until_the_next_triggering_change(shop):
    shop.add_product("MUG", on_hand=5)
    shop.edit_item("MUG", {"status": "Back Order"})
    shop.place_order("Main", [("MUG", 2)])
    assert shop.item("MUG").status == "Back Order"
    shop.place_order("Main", [("MUG", 3)])
    assert shop.item("MUG").status == "Back Order"  # its status allows back orders: default back order


def test_edit_validates_fields(shop):
    shop.add_product("MUG", on_hand=5)
    with pytest.raises(InventoryError, match="min_qty .5. is above max_qty .2."):
        shop.edit_item("MUG", {"min_qty": 5, "max_qty": 2})
    with pytest.raises(InventoryError, match="multiple_qty is at least 1"):
        shop.edit_item("MUG", {"multiple_qty": 0})
    with pytest.raises(InventoryError, match="no status named"):
        shop.edit_item("MUG", {"status": "Nope", "on_hand": 1})
    item = shop.item("MUG")
    assert (item.on_hand, item.min_qty, item.max_qty) == (5, 0, 0)


def test_eta_and_flags(inventory):
    inventory.add_product("A")
    item = inventory.edit_item(
        "A",
        {
            "eta_date": dt.date(2027, 1, 2),
            "discontinued": True,
            "low_stock_qty": 3,
            "low_stock_warning": True,
        },
    )
    assert (item.eta_date, item.discontinued, item.low_stock) == (dt.date(2027, 1, 2), True, True)
    assert inventory.edit_item("A", {"eta_date": None}).eta_date is None


def test_item_numbers_are_unique_across_products_and_variants(inventory):
    inventory.add_product("TEE")
    inventory.add_variant("TEE", "TEE-L", ["Size=L"])
    with pytest.raises(InventoryError, match="already used"):
        inventory.add_product("TEE-L")
    with pytest.raises(InventoryError, match="already used"):
        inventory.add_variant("TEE", "TEE", ["Size=M"])


def test_first_variant_is_refused_while_the_product_has_stock(inventory):
    inventory.add_product("TEE", on_hand=3)
    with pytest.raises(InventoryError, match="still has its own stock"):
        inventory.add_variant("TEE", "TEE-L", ["Size=L"])
    inventory.edit_item("TEE", {"on_hand": 0})
    inventory.add_variant("TEE", "TEE-L", ["Size=L", "Color=Blue"], on_hand=4)
    product = inventory.item("TEE")
    assert product.use_variant_inventory and product.on_hand == 4
    assert product.variants[0].options == "Size=L;Color=Blue"
    assert inventory.item("TEE-L").parent == "TEE"


def test_product_counts_are_read_only_sums(inventory):
    inventory.add_product("TEE")
    inventory.add_variant("TEE", "TEE-S", ["Size=S"], on_hand=2)
    inventory.add_variant("TEE", "TEE-M", ["Size=M"], on_hand=5, on_order=1)
    with pytest.raises(InventoryError, match="uses variant inventory"):
        inventory.edit_item("TEE", {"on_hand": 3})
    inventory.edit_item("TEE-S", {"on_hand": 10})
    product = inventory.item("TEE")
    assert (product.on_hand, product.on_order) == (15, 1)
    with pytest.raises(InventoryError, match="already has a variant"):
        inventory.add_variant("TEE", "TEE-S2", ["size=s"])
    assert history_mismatches(inventory.db) == []


def test_variants_follow_their_product(shop):
    shop.add_product("TEE", status="In Stock")
    shop.add_variant("TEE", "TEE-S", ["Size=S"], on_hand=2)
    with pytest.raises(InventoryError, match="follow its product TEE"):
        shop.edit_item("TEE-S", {"discontinued": True})
    shop.edit_item("TEE", {"discontinued": True, "max_qty": 1})
    variant = shop.item("TEE-S")
    assert variant.discontinued and variant.max_qty == 1
    shop.place_order("Main", [("TEE-S", 1)])
    shop.place_order("Main", [("TEE-S", 1)])
    assert shop.item("TEE-S").status == "Discontinued"
    assert shop.item("TEE").status == "In Stock"  # the product's own status is only set by hand


def test_stale_edit_is_a_conflict(inventory):
    inventory.add_product("A", on_hand=5)
    loaded = inventory.item("A")
    inventory.edit_item("A", {"on_hand": 6})
    with pytest.raises(Conflict, match="changed by someone else"):
        inventory.edit_item("A", {"on_hand": 9}, expected_version=loaded.version)
    assert inventory.item("A").on_hand == 6


def test_item_by_storefront_id(inventory):
    inventory.add_product(None, item_id=77, name="No item number")
    assert inventory.item("#77").name == "No item number"
    inventory.edit_item("#77", {"on_hand": 2})
    assert inventory.item("#77").on_hand == 2


def test_adjust_is_triggering_only_for_a_store(shop):
    shop.add_product("A", on_hand=2)
    shop.adjust([("A", -2)])
    assert shop.item("A").status == "In Stock"
    shop.adjust([("A", +2)])
    result = shop.adjust([("A", -2)], store="Main")
    assert shop.item("A").status == "Out of Stock"
    assert [(c.item_number, c.to_status, c.rule) for c in result.status_changes] == [
        ("A", "Out of Stock", "out_of_stock")
    ]


def test_adjust_refuses_as_a_whole(shop):
    shop.add_product("A", on_hand=2)
    with pytest.raises(InventoryError) as refused:
        shop.adjust([("A", -1), ("NOPE", 3)])
    assert "line 2 (NOPE): There is no item 'NOPE'" in str(refused.value)
    assert shop.item("A").on_hand == 2
