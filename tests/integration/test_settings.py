"""Statuses and stores (SPEC section 1)."""

import pytest

from desktop_app.errors import InventoryError


def test_new_database_has_four_default_statuses(inventory):
    statuses = {s.name: s for s in inventory.statuses()}
    assert set(statuses) == {"In Stock", "Back Order", "Out of Stock", "Discontinued"}
    assert statuses["Back Order"].back_order and not statuses["Back Order"].unavailable
    assert statuses["Out of Stock"].unavailable and statuses["Discontinued"].unavailable
    assert not any(
        vars(statuses["In Stock"])[f] for f in ("unavailable", "back_order", "hidden", "show_quantity")
    )


def test_status_names_are_unique_ignoring_case(inventory):
    inventory.add_status("Made to Order", back_order=True, ships_in="Usually ships in 2-3 weeks")
    with pytest.raises(InventoryError, match="already exists"):
        inventory.add_status("made to ORDER")
    with pytest.raises(InventoryError, match="already exists"):
        inventory.edit_status("In Stock", rename="MADE TO ORDER")
    assert len(inventory.statuses()) == 5


def test_status_edit_and_rename(inventory):
    inventory.add_status("Preorder")
    edited = inventory.edit_status(
        "preorder", rename="Pre-order", back_order=True, show_quantity=True, ships_in="Ships in May"
    )
    assert (edited.name, edited.back_order, edited.show_quantity, edited.ships_in) == (
        "Pre-order",
        True,
        True,
        "Ships in May",
    )
    assert not edited.unavailable


def test_deleting_a_status_in_use_names_its_users(shop):
    shop.add_status("Clearance")
    shop.add_product("P1", status="Clearance")
    shop.add_product("T", name="Tee")
    shop.add_variant("T", "T-L", ["Size=L"], status="Clearance")
    shop.add_store("Outlet")
    shop.set_store("Outlet", default_out_of_stock="Clearance")
    with pytest.raises(InventoryError) as refused:
        shop.delete_status("clearance")
    message = str(refused.value)
    assert "store 'Outlet' (default out of stock status)" in message
    assert "2 items (P1, T-L)" in message
    assert "Clearance" in {s.name for s in shop.statuses()}


@pytest.mark.parametrize("few", [10_000, 0], ids=["listed-from-the-status-indexes", "met-walking-item-numbers"])
def test_who_uses_a_status_names_the_first_five_items_by_number_and_counts_the_rest(inventory, monkeypatch, few):
    from desktop_app import settings

    monkeypatch.setattr(settings, "FEW_USERS", few)  # a server lists a rare status's items one way, a common one another
    inventory.add_status("Seasonal")
    for number in ("MUG-7", "MUG-3", "CAP", "MUG-5", "MUG-1", "BAG"):
        inventory.add_product(number, on_hand=2, status="Seasonal")
    inventory.add_product("TEE", status="Seasonal")  # counts as its variants' sums; its status set by hand
    inventory.add_variant("TEE", "TEE-S", ["Size=S"], on_hand=1)
    inventory.add_product("HAT", on_hand=1)
    assert inventory.status_users("Seasonal") == ["7 items (BAG, CAP, MUG-1, MUG-3, MUG-5 and 2 more)"]
    assert inventory.status_users("Out of Stock") == []


def test_unused_status_can_be_deleted(inventory):
    inventory.add_status("Seasonal")
    inventory.delete_status("Seasonal")
    assert "Seasonal" not in {s.name for s in inventory.statuses()}


def test_new_store_settings(inventory):
    store = inventory.add_store("Outlet")
    assert (store.track_inventory, store.remove_when) == (False, "ordered")
    assert (
        store.default_in_stock,
        store.default_out_of_stock,
        store.default_back_order,
        store.default_discontinued,
    ) == ("In Stock", "Out of Stock", "Back Order", "Discontinued")
    with pytest.raises(InventoryError, match="already exists"):
        inventory.add_store("OUTLET")


def test_store_settings_are_saved(inventory):
    inventory.add_status("Gone")
    inventory.add_store("Outlet")
    inventory.set_store("Outlet", track_inventory=True, remove_when="shipped", default_out_of_stock="gone")
    store = inventory.store("outlet")
    assert (store.track_inventory, store.remove_when, store.default_out_of_stock) == (True, "shipped", "Gone")
    with pytest.raises(InventoryError, match="no status named 'Nope'"):
        inventory.set_store("Outlet", default_in_stock="Nope")
    with pytest.raises(InventoryError, match="one of: ordered, paid, shipped"):
        inventory.set_store("Outlet", remove_when="delivered")
    assert inventory.store("Outlet").remove_when == "shipped"
