"""Stock counts and barcodes (SPEC section 7) on a real database (SQLite, and PostgreSQL when set)."""

from __future__ import annotations

import csv
import threading

import pytest
from sqlalchemy import text

from desktop_app.count_lookup import by_barcode, by_item_number
from desktop_app.errors import InventoryError
from tests.helpers import history_mismatches


def test_lookup_by_barcode_then_item_number_in_any_case(inventory):
    inventory.add_product("MUG", on_hand=4, barcode="0012345678905")
    inventory.add_product("CAP", barcode="CAP-CODE")
    assert inventory.counts.lookup("0012345678905").item_number == "MUG"
    assert inventory.counts.lookup("mug").item_number == "MUG"
    assert inventory.counts.lookup("  CAP-CODE ").item_number == "CAP"  # a scanner's stray spaces
    with pytest.raises(InventoryError, match="No item has the barcode or item number 'cap-code'"):
        inventory.counts.lookup("cap-code")  # barcodes match exactly


def test_a_repeated_barcode_is_refused_naming_every_unit(inventory):
    inventory.add_product("OIL-A", barcode="777")
    inventory.add_product("OIL-B", barcode="777")
    with pytest.raises(InventoryError) as refused:
        inventory.counts.lookup("777")
    assert "OIL-A" in refused.value.message and "OIL-B" in refused.value.message
    assert [c.label for c in inventory.counts.candidates("777")] == ["OIL-A", "OIL-B"]


def test_an_item_number_typed_exactly_wins_over_another_case(inventory):
    inventory.add_product("KEY")
    inventory.add_product("key")
    assert inventory.counts.lookup("key").item_number == "key"
    with pytest.raises(InventoryError, match="KEY, key"):
        inventory.counts.lookup("Key")


def test_scans_add_up_and_a_recount_replaces_the_line(inventory):
    inventory.add_product("PEN", on_hand=10, barcode="111")
    count = inventory.counts.start()
    inventory.counts.scan(count.id, [("111", 1), ("pen", 1), ("111", 5)])
    [line] = inventory.counts.get(count.id).lines
    assert (line.label, line.expected, line.counted, line.difference) == ("PEN", 10, 7, -3)
    inventory.counts.set(count.id, [("PEN", 12)])
    [line] = inventory.counts.get(count.id).lines
    assert (line.counted, line.difference) == (12, 2)


def test_a_scan_with_one_bad_code_counts_nothing(inventory):
    inventory.add_product("PEN", on_hand=10)
    inventory.add_product("SET", non_inventory=True)
    count = inventory.counts.start()
    with pytest.raises(InventoryError, match="non-inventory") as refused:
        inventory.counts.scan(count.id, [("PEN", 1), ("SET", 1), ("NOPE", 1)])
    assert any("NOPE" in d for d in refused.value.details)
    assert inventory.counts.get(count.id).lines == []


def test_a_product_with_variants_cannot_be_counted_its_variants_can(inventory):
    inventory.add_product("TEE")
    inventory.add_variant("TEE", "TEE-L", ["Size=L"], on_hand=2, barcode="222")
    count = inventory.counts.start()
    with pytest.raises(InventoryError, match="TEE uses variant inventory: count its variants"):
        inventory.counts.scan(count.id, [("TEE", 1)])
    inventory.counts.scan(count.id, [("222", 3)])
    inventory.counts.post(count.id)
    assert inventory.item("TEE-L").on_hand == 3 and inventory.item("TEE").on_hand == 3


def test_a_post_for_a_tracking_store_triggers_and_can_be_reverted(shop):
    shop.add_product("CAP")  # 0 on hand: Out of Stock
    shop.add_product("HAT", on_hand=2)
    count = shop.counts.start("Main")
    shop.counts.scan(count.id, [("CAP", 4), ("HAT", 2)])  # HAT: no difference, no change
    preview = shop.counts.post(count.id, dry_run=True)
    assert preview.changes == [("CAP", 0, 4, "Out of Stock", "In Stock")]
    assert shop.item("CAP").on_hand == 0 and shop.counts.get(count.id).state == "open"  # nothing written
    posted = shop.counts.post(count.id)
    assert posted.changed == 1 and [(c.item_number, c.to_status) for c in posted.status_changes] == [
        ("CAP", "In Stock")
    ]
    cap = shop.item("CAP")
    assert (cap.on_hand, cap.status) == (4, "In Stock")
    assert shop.counts.get(count.id).state == "posted" and shop.counts.get(count.id).batch == posted.batch
    assert [h.cause for h in shop.history("CAP") if h.kind == "movement"][-1] == "count"
    shop.revert_batch(posted.batch)
    cap = shop.item("CAP")
    assert (cap.on_hand, cap.status) == (0, "Out of Stock")
    assert history_mismatches(shop.db) == []


def test_a_post_without_a_store_is_manual(shop):
    shop.add_product("CAP")
    count = shop.counts.start()
    shop.counts.scan(count.id, [("CAP", 4)])
    shop.counts.post(count.id)
    cap = shop.item("CAP")
    assert (cap.on_hand, cap.status) == (4, "Out of Stock")  # no store: never triggering


def test_stock_sold_during_the_count_is_kept(shop):
    shop.add_product("PEN", on_hand=10)
    count = shop.counts.start("Main")
    shop.counts.scan(count.id, [("PEN", 9)])  # expected 10, counted 9
    shop.place_order("Main", [("PEN", 1)])  # 10 -> 9 while the count is open
    shop.counts.post(count.id)
    assert shop.item("PEN").on_hand == 8


def test_posting_or_cancelling_twice_and_scanning_a_closed_count_are_refused(inventory):
    inventory.add_product("PEN", on_hand=1)
    posted = inventory.counts.start()
    inventory.counts.post(posted.id)
    with pytest.raises(InventoryError, match=f"Count {posted.id} is posted: you cannot post it"):
        inventory.counts.post(posted.id)
    with pytest.raises(InventoryError, match="is posted: you cannot scan into it"):
        inventory.counts.scan(posted.id, [("PEN", 1)])
    cancelled = inventory.counts.cancel(inventory.counts.start().id)
    assert cancelled.state == "cancelled"
    with pytest.raises(InventoryError, match="is cancelled: you cannot cancel it"):
        inventory.counts.cancel(cancelled.id)
    with pytest.raises(InventoryError, match="is cancelled: you cannot scan into it"):
        inventory.counts.scan_one(cancelled.id, "PEN")
    with pytest.raises(InventoryError, match="There is no count 999"):
        inventory.counts.get(999)


def test_unknown_and_ambiguous_scans_are_kept_then_assigned_or_dropped(inventory):
    inventory.add_product("OIL-A", barcode="777")
    inventory.add_product("OIL-B", barcode="777")
    count = inventory.counts.start()
    unknown = inventory.counts.scan_one(count.id, "NEW-CODE", 2)
    assert unknown.line is None and "No item has" in unknown.problem
    ambiguous = inventory.counts.scan_one(count.id, "777")
    assert [c.label for c in ambiguous.candidates] == ["OIL-A", "OIL-B"]
    kept = inventory.counts.get(count.id).unresolved
    assert [(u.code, u.quantity) for u in kept] == [("NEW-CODE", 2), ("777", 1)]
    line = inventory.counts.assign(count.id, unknown.unresolved_id, "OIL-A")
    assert (line.label, line.counted) == ("OIL-A", 2)
    inventory.counts.drop(count.id, ambiguous.unresolved_id)
    shown = inventory.counts.get(count.id)
    assert shown.unresolved == [] and [(li.label, li.counted) for li in shown.lines] == [("OIL-A", 2)]


def test_a_count_exports_its_lines(inventory, tmp_path):
    inventory.add_product("=PEN", on_hand=10, barcode="111")
    count = inventory.counts.start()
    inventory.counts.scan(count.id, [("111", 9)])
    inventory.counts.scan_one(count.id, "??")
    path = tmp_path / "count.csv"
    assert inventory.counts.export_csv(count.id, path) == 2
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0][:6] == ["ItemNumber", "Name", "Barcode", "Expected", "Counted", "Difference"]
    assert rows[1][:6] == ["'=PEN", "", "111", "10", "9", "-1"]  # the formula guard of the product export
    assert rows[2][2] == "??"


def _scan_many(db_url: str, count_id: int, n: int, errors: list) -> None:
    from desktop_app.service import Inventory

    inventory = Inventory(db_url)  # its own connections: another workstation
    try:
        for _ in range(n):
            inventory.counts.scan_one(count_id, "HOT")
    except Exception as exc:  # noqa: BLE001 - reported to the test
        errors.append(repr(exc))
    finally:
        inventory.db.dispose()


def test_two_workstations_scanning_one_line_add_up_exactly(inventory, db_url):
    inventory.add_product("HOT", on_hand=5)
    count = inventory.counts.start()
    errors: list = []
    threads = [threading.Thread(target=_scan_many, args=(db_url, count.id, 150, errors)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    [line] = inventory.counts.get(count.id).lines
    assert line.counted == 300


def _plan(conn, stmt) -> str:
    """The plan of ``stmt`` as the application runs it: with bound parameters, not literals."""
    compiled = stmt.compile(dialect=conn.dialect)
    params = compiled.params
    if compiled.positiontup is not None:
        params = tuple(params[name] for name in compiled.positiontup)
    if conn.dialect.name == "sqlite":
        return "\n".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params))
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a tiny table: ask whether an index *can* serve
    return "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {compiled}", params))


def test_the_scan_lookup_uses_indexes(inventory):
    inventory.add_product("MUG", barcode="123")
    with inventory.db.connect(write=False) as conn:
        barcode = _plan(conn, by_barcode("123"))
        number = _plan(conn, by_item_number("mug"))
    assert "ix_items_barcode" in barcode
    assert "ix_units_item_number" in number and "ix_products_item_number" in number
    assert "SCAN items" not in number + barcode and "Seq Scan" not in number + barcode


def test_barcode_supplier_and_reorder_level_round_trip_through_the_storefront_export(inventory, tmp_path):
    from desktop_app.csvio.exporter import export_file
    from desktop_app.csvio.importer import import_file

    inventory.add_product("MUG", barcode="'0012", supplier="Acme", reorder_to=12, on_hand=1)
    path = tmp_path / "out.csv"
    export_file(inventory.db, path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert (rows[0]["GTIN"], rows[0]["Supplier"], rows[0]["ReorderTo"]) == ("''0012", "Acme", "12")
    inventory.edit_item("MUG", {"barcode": None, "supplier": None, "reorder_to": 0})
    summary = import_file(inventory.db, path)
    assert summary.updated == 1
    mug = inventory.item("MUG")
    assert (mug.barcode, mug.supplier, mug.reorder_to) == ("'0012", "Acme", 12)
    assert import_file(inventory.db, path).unchanged == 1


def test_the_shopify_export_writes_variant_barcodes(inventory, tmp_path):
    from desktop_app.csvio.exporter import export_file

    inventory.add_product("TEE")
    inventory.add_variant("TEE", "TEE-L", ["Size=L"], barcode="791154095683")
    path = tmp_path / "out.csv"
    export_file(inventory.db, path, format="shopify")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [(r["Variant SKU"], r["Variant Barcode"]) for r in rows] == [("TEE-L", "791154095683")]


def test_the_storefront_fixture_brings_its_gtins(inventory):
    from desktop_app.csvio.importer import import_file
    from tests.conftest import fixture_path

    import_file(inventory.db, fixture_path("americommerce-product-export.csv"))
    with inventory.db.connect(write=False) as conn:
        codes = conn.execute(text("SELECT barcode FROM items WHERE barcode IS NOT NULL")).scalars().all()
    assert codes and len(codes) > len(set(codes))  # the real export repeats one GTIN
