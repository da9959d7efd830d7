"""Orders and when stock is removed (SPEC section 3)."""

import pytest

from desktop_app.errors import InventoryError
from tests.helpers import committed_mismatches, history_mismatches


def on_hand(inv, item):
    return inv.item(item).on_hand


def test_remove_when_ordered(shop):
    shop.add_product("MUG", on_hand=5)
    shop.place_order("Main", [("MUG", 2)])
    item = shop.item("MUG")
    assert (item.on_hand, item.committed, item.available_to_sell) == (3, 0, 3)


def test_remove_when_paid_commits_until_paid(shop):
    shop.set_store("Main", remove_when="paid")
    shop.add_product("MUG", on_hand=5)
    order = shop.place_order("Main", [("MUG", 2)])
    item = shop.item("MUG")
    assert (item.on_hand, item.committed, item.available_to_sell) == (5, 2, 3)
    shop.pay_order(order)
    item = shop.item("MUG")
    assert (item.on_hand, item.committed) == (3, 0)
    shop.ship_order(order)
    assert on_hand(shop, "MUG") == 3


def test_available_to_sell_counts_other_open_orders(shop):
    shop.set_store("Main", remove_when="shipped")
    shop.add_product("MUG", on_hand=3)
    shop.place_order("Main", [("MUG", 2)])
    with pytest.raises(InventoryError, match="asks for 2 but only 1 is available to sell"):
        shop.place_order("Main", [("MUG", 2)])
    shop.place_order("Main", [("MUG", 1)])
    assert shop.item("MUG").available_to_sell == 0


def test_lines_for_the_same_unit_are_added_together(shop):
    shop.add_product("MUG", on_hand=3)
    with pytest.raises(InventoryError) as refused:
        shop.place_order("Main", [("MUG", 2), ("MUG", 2)])
    assert "lines 1, 2 (MUG): asks for 4 but only 3 are available to sell" in str(refused.value)
    assert on_hand(shop, "MUG") == 3


def test_on_order_counts_as_available(shop):
    shop.add_product("MUG", on_hand=1, on_order=4)
    shop.place_order("Main", [("MUG", 5)])
    assert on_hand(shop, "MUG") == -4


def test_shipping_before_paying_removes_once(shop):
    shop.set_store("Main", remove_when="paid")
    shop.add_product("MUG", on_hand=5)
    order = shop.place_order("Main", [("MUG", 2)])
    shop.ship_order(order)
    assert on_hand(shop, "MUG") == 3
    shop.pay_order(order)
    assert on_hand(shop, "MUG") == 3
    assert shop.order(order).paid and shop.order(order).state == "shipped"


def test_each_line_is_removed_exactly_once_whatever_the_settings_do(shop):
    shop.add_product("MUG", on_hand=10)
    order = shop.place_order("Main", [("MUG", 2)])  # removed now (ordered)
    shop.set_store("Main", remove_when="paid")
    shop.pay_order(order)
    shop.set_store("Main", remove_when="shipped")
    shop.ship_order(order)
    assert on_hand(shop, "MUG") == 8


def test_settings_are_read_when_each_event_happens(inventory):
    inventory.add_store("Shop")  # not tracking yet
    inventory.add_product("MUG", on_hand=10)
    order = inventory.place_order("Shop", [("MUG", 2)])
    assert on_hand(inventory, "MUG") == 10
    inventory.set_store("Shop", track_inventory=True, remove_when="paid")
    assert inventory.item("MUG").committed == 2
    inventory.pay_order(order)
    assert on_hand(inventory, "MUG") == 8


def test_shipping_in_a_store_that_does_not_track_removes_nothing(inventory):
    inventory.add_store("Pop-up")
    inventory.add_product("MUG", on_hand=1)
    order = inventory.place_order("Pop-up", [("MUG", 5)])
    inventory.ship_order(order)
    assert on_hand(inventory, "MUG") == 1


def test_cancel_puts_back_exactly_what_was_removed(shop):
    shop.add_product("CAP", on_hand=1)
    order = shop.place_order("Main", [("CAP", 1)])
    assert shop.item("CAP").status == "Out of Stock"
    shop.cancel_order(order)
    item = shop.item("CAP")
    assert (item.on_hand, item.status, item.committed) == (1, "In Stock", 0)
    with pytest.raises(InventoryError, match="is cancelled and cannot be cancelled"):
        shop.cancel_order(order)
    assert on_hand(shop, "CAP") == 1


def test_cancel_of_an_unremoved_order_puts_nothing_back(shop):
    shop.set_store("Main", remove_when="shipped")
    shop.add_product("CAP", on_hand=4)
    order = shop.place_order("Main", [("CAP", 3)])
    shop.cancel_order(order)
    item = shop.item("CAP")
    assert (item.on_hand, item.committed) == (4, 0)


def test_cancel_after_shipping_is_refused(shop):
    shop.add_product("CAP", on_hand=4)
    order = shop.place_order("Main", [("CAP", 3)])
    shop.ship_order(order)
    with pytest.raises(InventoryError, match="shipped and cannot be cancelled"):
        shop.cancel_order(order)
    assert on_hand(shop, "CAP") == 1


def test_delete_unshipped_puts_back_delete_shipped_does_not(shop):
    shop.add_product("A", on_hand=5)
    open_order = shop.place_order("Main", [("A", 2)])
    shipped = shop.place_order("Main", [("A", 1)])
    shop.ship_order(shipped)
    assert on_hand(shop, "A") == 2
    shop.delete_order(open_order)
    assert on_hand(shop, "A") == 4
    shop.delete_order(shipped)
    assert on_hand(shop, "A") == 4
    with pytest.raises(InventoryError, match="no order"):
        shop.delete_order(open_order)


def test_delete_after_cancel_puts_back_nothing_more(shop):
    shop.add_product("A", on_hand=5)
    order = shop.place_order("Main", [("A", 2)])
    shop.cancel_order(order)
    shop.delete_order(order)
    assert on_hand(shop, "A") == 5


def test_returns_put_back_what_was_removed_never_more(shop):
    shop.add_product("A", on_hand=5)
    shop.add_product("B", on_hand=5)
    order = shop.place_order("Main", [("A", 3), ("B", 1)])
    shop.ship_order(order)
    shop.return_order(order, [("A", 2)])
    assert (on_hand(shop, "A"), on_hand(shop, "B")) == (4, 4)
    with pytest.raises(InventoryError, match="only 1 of A can still be returned"):
        shop.return_order(order, [("A", 2)])
    shop.return_order(order)  # the rest
    assert (on_hand(shop, "A"), on_hand(shop, "B")) == (5, 5)
    assert shop.order(order).state == "returned"
    with pytest.raises(InventoryError, match="is returned and cannot be returned"):
        shop.return_order(order)


def test_return_from_a_store_that_never_removed_puts_nothing_back(inventory):
    inventory.add_store("Pop-up")
    inventory.add_product("A", on_hand=5)
    order = inventory.place_order("Pop-up", [("A", 2)])
    inventory.ship_order(order)
    inventory.return_order(order)
    assert on_hand(inventory, "A") == 5


def test_return_before_shipping_is_refused(shop):
    shop.add_product("A", on_hand=5)
    order = shop.place_order("Main", [("A", 1)])
    with pytest.raises(InventoryError, match="placed and cannot be returned"):
        shop.return_order(order)


def test_putting_back_is_triggering(shop):
    shop.add_product("A", on_hand=3)
    order = shop.place_order("Main", [("A", 3)])
    assert shop.item("A").status == "Out of Stock"
    shop.ship_order(order)
    shop.return_order(order)
    assert shop.item("A").status == "In Stock"


@pytest.mark.parametrize(
    "lines,reason",
    [
        ([("A", 0)], "line 1 (A=0): the quantity must be a whole number of at least 1"),
        ([("A", -2)], "at least 1"),
        ([("NOPE", 1)], "line 1 (NOPE=1): there is no item 'NOPE'"),
        ([("A", 1), ("OUT", 1)], "line 2 (OUT=1): OUT is Out of Stock and cannot be ordered"),
        ([("LIM", 1)], "the minimum quantity of LIM is 2"),
        ([("LIM", 11)], "the maximum quantity of LIM is 10"),
        ([("SIX", 4)], "SIX is sold in multiples of 3"),
        ([("A", 6)], "asks for 6 but only 5 are available to sell"),
    ],
)
def test_refused_orders_name_the_line_and_change_nothing(shop, lines, reason):
    shop.add_product("A", on_hand=5)
    shop.add_product("OUT", on_hand=5, status="Out of Stock")
    shop.add_product("LIM", on_hand=50, min_qty=2, max_qty=10)
    shop.add_product("SIX", on_hand=50, multiple_qty=3)
    with pytest.raises(InventoryError) as refused:
        shop.place_order("Main", lines)
    assert reason in str(refused.value)
    assert on_hand(shop, "A") == 5 and shop.orders() == []


def test_back_order_status_may_go_negative_and_ignores_available(shop):
    shop.add_product("TEE", on_hand=1, status="Back Order")
    shop.place_order("Main", [("TEE", 3)])
    item = shop.item("TEE")
    assert (item.on_hand, item.status) == (-2, "Back Order")


def test_non_inventory_is_neither_removed_nor_checked(shop):
    shop.add_product("GIFT", on_hand=0, non_inventory=True)
    order = shop.place_order("Main", [("GIFT", 5)])
    shop.ship_order(order)
    item = shop.item("GIFT")
    assert (item.on_hand, item.status) == (0, "In Stock")


def test_a_product_with_variants_is_ordered_by_variant(shop):
    shop.add_product("TEE", name="Tee")
    shop.add_variant("TEE", "TEE-L", ["Size=L"], on_hand=2)
    with pytest.raises(InventoryError, match="sold by variant"):
        shop.place_order("Main", [("TEE", 1)])
    shop.place_order("Main", [("TEE-L", 2)])
    assert shop.item("TEE-L").status == "Out of Stock"
    assert shop.item("TEE").on_hand == 0


def test_paying_or_shipping_twice_is_refused(shop):
    shop.add_product("A", on_hand=5)
    order = shop.place_order("Main", [("A", 1)])
    shop.pay_order(order)
    with pytest.raises(InventoryError, match="already paid"):
        shop.pay_order(order)
    shop.ship_order(order)
    with pytest.raises(InventoryError, match="shipped and cannot be shipped"):
        shop.ship_order(order)


def test_order_history_and_committed_stay_consistent(shop):
    shop.set_store("Main", remove_when="paid")
    shop.add_product("A", on_hand=10)
    shop.add_product("T", name="Tee")
    shop.add_variant("T", "T-S", ["Size=S"], on_hand=4)
    a = shop.place_order("Main", [("A", 2), ("T-S", 1)])
    b = shop.place_order("Main", [("A", 1), ("T-S", 2)])
    shop.set_store("Main", track_inventory=False)
    shop.set_store("Main", track_inventory=True)
    shop.pay_order(a)
    shop.cancel_order(b)
    assert shop.item("T").committed == 0 and shop.item("T").on_hand == 3
    assert history_mismatches(shop.db) == []
    assert committed_mismatches(shop.db) == []
    causes = [h.cause for h in shop.history("A") if h.kind == "movement"]
    assert causes == ["manual", "order paid"]
