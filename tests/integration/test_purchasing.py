"""Purchase orders, receiving and reorder suggestions (SPEC section 8), on SQLite and PostgreSQL."""

import csv
import datetime as dt

import pytest

from desktop_app.errors import InventoryError
from tests.conftest import PG_URL
from tests.helpers import history_mismatches

JULY, AUGUST = dt.date(2026, 7, 1), dt.date(2026, 8, 1)


def counts(inv, item):
    i = inv.item(item)
    return i.on_hand, i.on_order, i.eta_date


def test_ordering_puts_on_order_and_eta_and_history_explains_both(inventory):
    inventory.add_product("MUG", on_hand=2)
    po = inventory.purchasing.create("Acme", [("MUG", 10)], expected=JULY)
    assert counts(inventory, "MUG") == (2, 0, None)
    inventory.purchasing.order(po)
    assert counts(inventory, "MUG") == (2, 10, JULY)
    entries = inventory.history("MUG")
    assert [
        (e.kind, e.quantity, e.delta, e.cause)
        for e in entries
        if e.cause == "po ordered" and e.kind == "movement"
    ] == [("movement", "on_order", 10, "po ordered")]
    eta = [e for e in entries if e.kind == "field" and e.field == "eta_date"]
    assert [(e.cause, e.from_status, e.to_status, e.note) for e in eta] == [
        ("po ordered", None, "2026-07-01", f"PO {po}")
    ]
    assert history_mismatches(inventory.db) == []


def test_a_receipt_for_a_tracking_store_makes_a_sold_out_unit_in_stock(shop):
    shop.add_product("CAP")
    po = shop.purchasing.create("Acme", [("CAP", 10)], store="Main")
    shop.purchasing.order(po)
    got, changes = shop.purchasing.receive(po, [("CAP", 4)])
    item = shop.item("CAP")
    assert (item.on_hand, item.on_order, item.status) == (4, 6, "In Stock")
    assert [(c.from_status, c.to_status, c.rule) for c in changes] == [
        ("Out of Stock", "In Stock", "in_stock")
    ]
    assert got.state == "ordered" and got.lines[0].outstanding == 6
    status = [e for e in shop.history("CAP") if e.kind == "status"]
    assert status[-1].cause == "po received" and status[-1].store == "Main"
    assert history_mismatches(shop.db) == []


def test_a_receipt_without_a_store_is_manual_and_keeps_the_status(shop):
    shop.add_product("CAP")
    po = shop.purchasing.create("Acme", [("CAP", 10)])
    shop.purchasing.order(po)
    _, changes = shop.purchasing.receive(po, [("CAP", 4)])
    assert changes == [] and shop.item("CAP").status == "Out of Stock"
    assert shop.item("CAP").on_hand == 4


def test_over_receipt_is_refused_with_the_reason_and_changes_nothing(inventory):
    inventory.add_product("INK")
    po = inventory.purchasing.create("Acme", [("INK", 5)])
    inventory.purchasing.order(po)
    inventory.purchasing.receive(po, [("INK", 3)])
    with pytest.raises(InventoryError) as refused:
        inventory.purchasing.receive(po, [("INK", 1), ("INK", 2)])
    assert "receiving 3 is more than the 2 outstanding (5 ordered, 3 received)" in " ".join(
        refused.value.details
    )
    assert f"PO {po} (Acme)" in refused.value.message
    assert counts(inventory, "INK")[:2] == (3, 2)
    assert inventory.purchasing.get(po).lines[0].received == 3


def test_receiving_on_a_draft_or_a_closed_po_is_refused(inventory):
    inventory.add_product("INK")
    po = inventory.purchasing.create("Acme", [("INK", 5)])
    with pytest.raises(InventoryError, match="is draft, not ordered"):
        inventory.purchasing.receive(po, [("INK", 1)])
    inventory.purchasing.order(po)
    inventory.purchasing.close(po)
    with pytest.raises(InventoryError, match="is closed, not ordered"):
        inventory.purchasing.receive(po, [("INK", 1)])
    assert counts(inventory, "INK")[:2] == (0, 0)


def test_on_order_never_goes_below_zero_after_a_manual_edit(inventory):
    inventory.add_product("INK")
    po = inventory.purchasing.create("Acme", [("INK", 10)])
    inventory.purchasing.order(po)
    inventory.edit_item("INK", {"on_order": 3})  # someone knew better
    inventory.purchasing.receive(po, [("INK", 4)])
    assert counts(inventory, "INK")[:2] == (4, 0)
    inventory.purchasing.close(po)
    assert counts(inventory, "INK")[:2] == (4, 0)
    assert history_mismatches(inventory.db) == []


def test_cancel_takes_everything_off_and_is_refused_once_goods_came(inventory):
    inventory.add_product("A")
    inventory.add_product("B")
    first = inventory.purchasing.create("Acme", [("A", 5)], expected=JULY)
    second = inventory.purchasing.create("Acme", [("B", 5)], expected=JULY)
    inventory.purchasing.order(first)
    inventory.purchasing.order(second)
    inventory.purchasing.cancel(first)
    assert counts(inventory, "A") == (0, 0, None)
    inventory.purchasing.receive(second, [("B", 1)])
    with pytest.raises(InventoryError, match=r"has goods received \(B 1\): close it instead"):
        inventory.purchasing.cancel(second)
    assert inventory.purchasing.get(second).state == "ordered"


def test_eta_is_the_earliest_open_expected_date_and_a_manual_eta_stands_until_the_next_po_event(inventory):
    inventory.add_product("MUG")
    late = inventory.purchasing.create("Acme", [("MUG", 5)], expected=AUGUST)
    early = inventory.purchasing.create("Bolt", [("MUG", 2)], expected=JULY)
    inventory.purchasing.order(late)
    assert counts(inventory, "MUG")[2] == AUGUST
    inventory.purchasing.order(early)
    assert counts(inventory, "MUG")[2] == JULY
    inventory.edit_item("MUG", {"eta_date": dt.date(2026, 12, 24)})
    assert counts(inventory, "MUG")[2] == dt.date(2026, 12, 24)
    inventory.purchasing.receive(early, [("MUG", 2)])  # the early PO is received in full
    assert inventory.purchasing.get(early).state == "received"
    assert counts(inventory, "MUG") == (2, 5, AUGUST)
    inventory.purchasing.close(late)
    assert counts(inventory, "MUG") == (2, 0, None)


def test_a_po_event_on_another_unit_leaves_a_manual_eta_alone(inventory):
    inventory.add_product("MUG")
    inventory.add_product("CAP")
    inventory.edit_item("MUG", {"eta_date": JULY})
    po = inventory.purchasing.create("Acme", [("CAP", 1)], expected=AUGUST)
    inventory.purchasing.order(po)
    assert counts(inventory, "MUG")[2] == JULY and counts(inventory, "CAP")[2] == AUGUST


def test_lines_are_checked_and_name_the_line(inventory):
    inventory.add_product("MUG")
    inventory.add_product("SHIRT")
    inventory.add_variant("SHIRT", "SHIRT-L", ["Size=L"])
    with pytest.raises(InventoryError) as refused:
        inventory.purchasing.create("Acme", [("MUG", 1), ("NOPE", 2), ("SHIRT", 1), ("MUG", 0)])
    assert refused.value.details == [
        "line 2 (NOPE): There is no item 'NOPE'",
        "line 3 (SHIRT): SHIRT uses variant inventory: order one of its variants",
        "line 4 (MUG): quantity 0 is not a whole number from 1 to 1,000,000,000",
    ]
    with pytest.raises(InventoryError, match="needs a supplier"):
        inventory.purchasing.create("  ", [("MUG", 1)])
    assert inventory.purchasing.list() == []


def test_a_unit_named_twice_gets_one_line_and_a_variant_can_be_ordered(inventory):
    inventory.add_product("SHIRT", supplier="Acme")
    inventory.add_variant("SHIRT", "SHIRT-L", ["Size=L"])
    po = inventory.purchasing.create("Acme", [("SHIRT-L", 2), ("shirt-l".upper(), 3)], expected=JULY)
    inventory.purchasing.order(po)
    assert [(line.label, line.quantity) for line in inventory.purchasing.get(po).lines] == [("SHIRT-L", 5)]
    assert inventory.item("SHIRT").on_order == 5  # the product's sum follows
    inventory.purchasing.receive(po, [("SHIRT-L", 5)])
    assert (inventory.item("SHIRT").on_hand, inventory.item("SHIRT-L").on_order) == (5, 0)
    assert history_mismatches(inventory.db) == []


def test_suggestions_count_what_is_on_order_and_committed(shop):
    shop.add_product("LOW", on_hand=2, low_stock_qty=3, reorder_to=10, supplier="Acme")
    shop.add_product("COVERED", on_hand=1, on_order=9, low_stock_qty=3, reorder_to=10, supplier="Acme")
    shop.add_product("SOLD", on_hand=6, low_stock_qty=3, reorder_to=10, supplier="Bolt")
    shop.add_product("LOOSE", on_hand=0, reorder_to=4)  # no supplier; reorder point 0
    shop.add_product("SERVICE", on_hand=0, reorder_to=4, non_inventory=True, supplier="Acme")
    shop.set_store("Main", remove_when="shipped")
    shop.place_order("Main", [("SOLD", 4)])  # committed 4: projected 2
    got = [(s.label, s.supplier, s.projected, s.suggested) for s in shop.purchasing.suggestions()]
    assert got == [("LOW", "Acme", 2, 8), ("SOLD", "Bolt", 2, 8), ("LOOSE", None, 0, 4)]
    created = shop.purchasing.create_from_suggestions()
    pos = [shop.purchasing.get(i) for i in created]
    assert [(p.supplier, p.state, [(line.label, line.quantity) for line in p.lines]) for p in pos] == [
        ("Acme", "draft", [("LOW", 8)]),
        ("Bolt", "draft", [("SOLD", 8)]),
    ]


def test_edited_suggestions_make_one_draft_per_supplier(inventory):
    inventory.add_product("A", reorder_to=5, supplier="Acme")
    inventory.add_product("B", reorder_to=5, supplier="acme")
    inventory.add_product("C", reorder_to=5, supplier="Bolt")
    ids = {s.label: s.unit_id for s in inventory.purchasing.suggestions()}
    created = inventory.purchasing.create_from_suggestions([(ids["A"], 7), (ids["B"], 1), (ids["C"], 0)])
    assert [
        (p.supplier, [(line.label, line.quantity) for line in p.lines])
        for p in map(inventory.purchasing.get, created)
    ] == [("Acme", [("A", 7), ("B", 1)])]  # one supplier, whatever the case of its name


def test_drafts_can_be_edited_and_others_cannot(inventory):
    inventory.add_product("A")
    inventory.add_store("Main")
    po = inventory.purchasing.create("Acme", [("A", 1)])
    got = inventory.purchasing.update_draft(
        po, supplier="Bolt", store="Main", expected="2026-07-01", lines=[("A", 4, 250)]
    )
    assert (got.supplier, got.store, got.expected, got.lines[0].quantity, got.total_cents) == (
        "Bolt",
        "Main",
        JULY,
        4,
        1000,
    )
    inventory.purchasing.order(po)
    with pytest.raises(InventoryError, match="is ordered: only a draft can be changed"):
        inventory.purchasing.update_draft(po, supplier="Bolt", store=None, expected=None, lines=[("A", 1)])
    assert [p.id for p in inventory.purchasing.list(states=["ordered"], supplier="bolt")] == [po]
    assert inventory.purchasing.list(states=["draft"]) == []


def test_lookup_finds_a_barcode_first_then_an_item_number_in_any_case(inventory):
    inventory.add_product("MUG", barcode="0001")
    inventory.add_product("0001")
    inventory.add_product("CAP", barcode="777")
    inventory.add_product("HAT", barcode="777")
    assert inventory.purchasing.lookup("0001").label == "MUG"
    assert inventory.purchasing.lookup("mug").label == "MUG"
    with pytest.raises(InventoryError, match=r"names several items \(CAP, HAT\)"):
        inventory.purchasing.lookup("777")


def test_export_csv_lists_the_lines(inventory, tmp_path):
    inventory.add_product("MUG", name="Blue mug", barcode="0001")
    po = inventory.purchasing.create("Acme", [("MUG", 3, 1250)], expected=JULY)
    inventory.purchasing.export_csv(po, tmp_path / "po.csv")
    with open(tmp_path / "po.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[1] == [str(po), "Acme", "", "draft", "2026-07-01"]
    assert rows[4] == ["MUG", "Blue mug", "0001", "3", "0", "3", "12.50"]


@pytest.mark.skipif(not PG_URL, reason="roles are a PostgreSQL feature (INVENTORY_EDITOR_TEST_PG)")
def test_staff_may_order_and_receive_purchase_orders_on_a_shared_database(shop, db_url):
    import uuid

    from sqlalchemy.engine import make_url

    from desktop_app.roles import create_roles
    from desktop_app.service import Inventory

    suffix = uuid.uuid4().hex[:8]
    owner, staff = f"owner_{suffix}", f"staff_{suffix}"
    create_roles(shop.db, owner=owner, staff=staff, owner_password="o-pw", staff_password="s-pw")
    shop.add_product("CAP")
    as_staff = Inventory(
        make_url(db_url).set(username=staff, password="s-pw").render_as_string(hide_password=False)
    )
    try:
        po = as_staff.purchasing.create("Acme", [("CAP", 5)], store="Main", expected=JULY)
        as_staff.purchasing.order(po)
        as_staff.purchasing.receive(po, [("CAP", 2)])
        as_staff.purchasing.close(po)
        assert counts(shop, "CAP") == (2, 0, None) and shop.item("CAP").status == "In Stock"
    finally:
        as_staff.db.dispose()
        with shop.db.connect(write=True) as conn:
            for role in (owner, staff):
                conn.exec_driver_sql(f"DROP OWNED BY {role}")
                conn.exec_driver_sql(f"DROP ROLE {role}")
