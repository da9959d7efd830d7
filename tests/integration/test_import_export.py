"""Product import and export (SPEC section 5), on the real exports and on hand-made files."""

import csv

import pytest

from desktop_app.csvio.exporter import export_file
from desktop_app.csvio.importer import ImportCancelled, ImportRefused, import_file
from desktop_app.errors import InventoryError
from tests.conftest import fixture_path
from tests.helpers import history_mismatches, write_csv

HEADER = ["ItemNumber", "NumberInStock"]


def test_real_storefront_export(inventory):
    summary = import_file(inventory.db, fixture_path("americommerce-product-export.csv"))
    assert (summary.rows, summary.created, summary.updated, summary.rejected) == (166, 166, 0, [])
    assert summary.created_statuses == ["Made to Order - Ships Separate"]
    assert "BasePrice" in summary.ignored_columns and "NumberInStock" not in summary.ignored_columns
    oil = inventory.item("oil-wb")
    assert (oil.on_hand, oil.status) == (-5, "Out of Stock")
    # Three products have an ItemID and no item number.
    assert inventory.item("#76").name == "1oz Dropper" and inventory.item("#76").item_number is None
    assert history_mismatches(inventory.db) == []


def test_storefront_round_trip_changes_nothing(inventory, tmp_path):
    import_file(inventory.db, fixture_path("americommerce-product-export.csv"))
    out = tmp_path / "export.csv"
    assert export_file(inventory.db, out) == 166
    again = import_file(inventory.db, out)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 166)
    assert again.batch is None  # nothing written: not even an empty batch


def test_real_shopify_export(inventory):
    summary = import_file(inventory.db, fixture_path("shopify-product-export.csv"))
    assert (summary.format, summary.rows, summary.created, summary.rejected) == ("shopify", 24, 24, [])
    wax = inventory.item("mustache-wax")
    assert wax.use_variant_inventory and wax.name == "Texas Beard Company Mustache Wax"
    assert [(v.item_number, v.options, v.on_hand) for v in wax.variants] == [
        ("stache-wax-1", "Size=Small - 0.5oz", -320),
        ("stache-wax-2", "Size=Large - 1oz", -12),
    ]
    assert wax.on_hand == -332
    # A "Default Title" product with no SKU is keyed by its handle.
    assert inventory.item("mint-eucalyptus-beard-oil").on_hand == -451
    assert inventory.item("balm-pump").status == "Out of Stock"  # policy deny, on hand -24 (SPEC section 1)
    again = import_file(inventory.db, fixture_path("shopify-product-export.csv"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 24)


def test_shopify_product_template(inventory, tmp_path):
    summary = import_file(inventory.db, fixture_path("shopify-product-template.csv"))
    assert (summary.rows, summary.created, summary.rejected) == (5, 5, [])
    shirt = inventory.item("example-t-shirt")
    assert [v.options for v in shirt.variants] == [
        'Title=Lithograph - Height: 9" x Width: 12"',
        "Title=Small",
        "Title=Medium",
    ]
    assert shirt.variants[1].item_number == "example-shirt-s"
    assert inventory.item("example-pants").name == "Example Pants"
    assert import_file(inventory.db, fixture_path("shopify-product-template.csv")).unchanged == 5


def test_shopify_policy_continue_makes_back_order(inventory, tmp_path):
    f = write_csv(
        tmp_path / "s.csv",
        ["Handle", "Title", "Variant SKU", "Variant Inventory Qty", "Variant Inventory Policy"],
        [["cap", "Cap", "CAP-1", "0", "continue"]],
    )
    import_file(inventory.db, f)
    assert inventory.item("CAP-1").status == "Back Order"


def test_shopify_export_round_trip(inventory, tmp_path):
    import_file(inventory.db, fixture_path("shopify-product-export.csv"))
    out = tmp_path / "shopify.csv"
    export_file(inventory.db, out, format="shopify")
    again = import_file(inventory.db, out)
    assert (again.format, again.created, again.updated) == ("shopify", 0, 0)


def test_one_bad_row_writes_nothing_and_every_error_is_listed(shop, tmp_path):
    shop.add_product("A1", on_hand=5)
    f = write_csv(
        tmp_path / "a.csv",
        ["ItemNumber", "NumberInStock", "MinimumOrderQuantity", "Discontinued"],
        [["A1", "9", "", ""], ["A2", "5.5", "-1", ""], ["A3", "1e3", "", "maybe"]],
    )
    with pytest.raises(ImportRefused) as refused:
        import_file(shop.db, f)
    errors = [str(e) for e in refused.value.summary.rejected]
    assert errors == [
        "line 3, column NumberInStock: '5.5' is not a whole number",
        "line 3, column MinimumOrderQuantity: -1 is below the lowest allowed value, 0",
        "line 4, column NumberInStock: '1e3' is not a whole number",
        "line 4, column Discontinued: 'maybe' is not a yes/no value (True/False, 1/0, yes/no)",
    ]
    assert shop.item("A1").on_hand == 5
    with pytest.raises(InventoryError):
        shop.item("A2")


def test_line_numbers_count_multi_line_cells(inventory, tmp_path):
    f = write_csv(
        tmp_path / "a.csv",
        ["ItemNumber", "ItemName", "NumberInStock"],
        [["A", "two\nline name", "1"], ["B", "x", "oops"]],
    )
    with pytest.raises(ImportRefused) as refused:
        import_file(inventory.db, f)
    assert [str(e) for e in refused.value.summary.rejected] == [
        "line 4, column NumberInStock: 'oops' is not a whole number"
    ]


def test_duplicate_key_names_both_lines(inventory, tmp_path):
    f = write_csv(tmp_path / "a.csv", ["ItemNumber", "NumberInStock"], [["A", "1"], ["B", "2"], ["A", "3"]])
    with pytest.raises(ImportRefused) as refused:
        import_file(inventory.db, f)
    assert [str(e) for e in refused.value.summary.rejected] == [
        "line 4, column ItemNumber: 'A' is also on line 2"
    ]


def test_skip_invalid_writes_the_valid_rows(inventory, tmp_path):
    f = write_csv(tmp_path / "a.csv", HEADER, [["A", "1"], ["B", "x"], ["C", "3"]])
    summary = import_file(inventory.db, f, skip_invalid=True)
    assert (summary.created, len(summary.rejected)) == (2, 1)
    assert inventory.item("C").on_hand == 3
    with pytest.raises(InventoryError):
        inventory.item("B")


def test_update_only_refuses_new_items_and_statuses(inventory, tmp_path):
    inventory.add_product("A", on_hand=1)
    f = write_csv(
        tmp_path / "a.csv",
        ["ItemNumber", "NumberInStock", "ProductStatus"],
        [["A", "4", "Limited"], ["NEW", "1", ""]],
    )
    with pytest.raises(ImportRefused) as refused:
        import_file(inventory.db, f, update_only=True)
    assert [str(e) for e in refused.value.summary.rejected] == [
        "line 2, column ProductStatus: there is no status 'Limited' (--update-only)",
        "line 3, column ItemNumber: there is no item 'NEW' (--update-only creates nothing)",
    ]
    assert "Limited" not in {s.name for s in inventory.statuses()}


def test_unknown_status_is_created_and_reported(inventory, tmp_path):
    f = write_csv(tmp_path / "a.csv", ["ItemNumber", "ProductStatus"], [["A", "Limited"], ["B", "limited"]])
    summary = import_file(inventory.db, f)
    assert summary.created_statuses == ["Limited"]
    assert inventory.item("B").status == "Limited"


def test_empty_cell_leaves_the_value(inventory, tmp_path):
    inventory.add_product("A", name="Mug", on_hand=5, min_qty=2)
    f = write_csv(
        tmp_path / "a.csv",
        ["ItemNumber", "ItemName", "NumberInStock", "MinimumOrderQuantity"],
        [["A", "", "", ""]],
    )
    summary = import_file(inventory.db, f)
    item = inventory.item("A")
    assert (summary.unchanged, item.name, item.on_hand, item.min_qty) == (1, "Mug", 5, 2)


def test_with_a_store_count_changes_trigger_and_creation_does_not(shop, tmp_path):
    shop.add_product("A1", on_hand=5)
    shop.add_product("A2", on_hand=0, status="Out of Stock")
    f = write_csv(tmp_path / "a.csv", HEADER, [["A1", "0"], ["A2", "8"], ["NEW", "0"]])
    summary = import_file(shop.db, f, store="Main")
    assert [(c.item_number, c.from_status, c.to_status, c.rule) for c in summary.status_changes] == [
        ("A1", "In Stock", "Out of Stock", "out_of_stock"),
        ("A2", "Out of Stock", "In Stock", "in_stock"),
    ]
    assert shop.item("NEW").status == "Out of Stock"  # what its stock calls for, not a status change
    history = shop.history("A1")
    assert (history[-1].cause, history[-1].store, history[-1].rule) == ("import", "Main", "out_of_stock")


def test_without_a_store_nothing_triggers(shop, tmp_path):
    shop.add_product("A1", on_hand=5)
    import_file(shop.db, write_csv(tmp_path / "a.csv", HEADER, [["A1", "0"]]))
    assert shop.item("A1").status == "In Stock"


def test_explicit_status_wins_and_repeated_status_lets_rules_apply(shop, tmp_path):
    shop.add_product("A", on_hand=5)
    shop.add_product("B", on_hand=5)
    f = write_csv(
        tmp_path / "a.csv",
        ["ItemNumber", "NumberInStock", "ProductStatus"],
        [["A", "0", "Back Order"], ["B", "0", "In Stock"]],
    )
    summary = import_file(shop.db, f, store="Main")
    assert shop.item("A").status == "Back Order"
    assert shop.item("B").status == "Out of Stock"
    assert {c.item_number: c.rule for c in summary.status_changes} == {"A": "manual", "B": "out_of_stock"}


def test_dry_run_reports_everything_and_writes_nothing(shop, tmp_path):
    shop.add_product("A", on_hand=5)
    f = write_csv(
        tmp_path / "a.csv",
        ["ItemNumber", "NumberInStock", "ProductStatus"],
        [["A", "0", ""], ["NEW", "2", "Fresh"]],
    )
    preview = import_file(shop.db, f, store="Main", dry_run=True)
    assert (preview.created, preview.updated, preview.created_statuses) == (1, 1, ["Fresh"])
    assert [c.to_status for c in preview.status_changes] == ["Out of Stock"]
    assert shop.item("A").on_hand == 5 and "Fresh" not in {s.name for s in shop.statuses()}
    applied = import_file(shop.db, f, store="Main")
    assert (applied.created, applied.updated) == (preview.created, preview.updated)
    assert [c.as_json() for c in applied.status_changes] == [c.as_json() for c in preview.status_changes]


def test_cancelled_import_changes_nothing(inventory, tmp_path):
    rows = [[f"I{n}", str(n)] for n in range(5000)]
    f = write_csv(tmp_path / "big.csv", HEADER, rows)
    calls = []
    with pytest.raises(ImportCancelled):
        import_file(inventory.db, f, progress=calls.append, cancelled=lambda: len(calls) >= 1)
    from desktop_app.catalog import count_items

    assert inventory.db.read(count_items) == 0


def test_storefront_ids_match_first(inventory, tmp_path):
    f = write_csv(
        tmp_path / "a.csv", ["ItemID", "ItemNumber", "NumberInStock"], [["10", "", "4"], ["11", "B", "1"]]
    )
    import_file(inventory.db, f)
    assert inventory.item("#10").on_hand == 4 and inventory.item("#11").item_number == "B"
    # A known ItemID renames; an unknown ItemID with a known item number is taken by that item.
    inventory.add_product("C")
    f2 = write_csv(tmp_path / "b.csv", ["ItemID", "ItemNumber"], [["11", "B2"], ["12", "C"]])
    summary = import_file(inventory.db, f2)
    assert summary.updated == 2
    assert inventory.item("#11").item_number == "B2" and inventory.item("C").item_id == 12


def test_row_with_neither_key_is_an_error(inventory, tmp_path):
    f = write_csv(tmp_path / "a.csv", ["ItemID", "ItemNumber", "NumberInStock"], [["", "", "4"]])
    with pytest.raises(ImportRefused) as refused:
        import_file(inventory.db, f)
    assert str(refused.value.summary.rejected[0]) == (
        "line 2, column ItemNumber: the row has neither an ItemID nor an ItemNumber"
    )


def test_header_without_keys_is_refused(inventory, tmp_path):
    f = write_csv(tmp_path / "a.csv", ["Name", "Stock"], [["x", "1"]])
    with pytest.raises(InventoryError, match="neither ItemID nor ItemNumber"):
        import_file(inventory.db, f)


def test_variant_rows(inventory, tmp_path):
    f = write_csv(
        tmp_path / "a.csv",
        ["ItemNumber", "ItemName", "NumberInStock", "ParentItemNumber", "VariantOptions"],
        [
            ["TEE", "Tee", "", "", ""],
            ["TEE-S", "", "3", "TEE", "Size=S;Color=Blue"],
            ["TEE-M", "", "4", "TEE", "Size=M;Color=Blue"],
        ],
    )
    assert import_file(inventory.db, f).created == 3
    tee = inventory.item("TEE")
    assert tee.on_hand == 7 and tee.variants[0].name == "Tee"
    bad = write_csv(
        tmp_path / "b.csv",
        ["ItemNumber", "NumberInStock", "ParentItemNumber", "VariantOptions"],
        [["TEE", "9", "", ""], ["TEE-L", "1", "NOPE", "Size=L"], ["TEE-X", "1", "TEE", ""]],
    )
    with pytest.raises(ImportRefused) as refused:
        import_file(inventory.db, bad)
    assert [str(e) for e in refused.value.summary.rejected] == [
        "line 2, column NumberInStock: this product uses variant inventory: its on-hand count is the sum of "
        "its variants' (7); change the variants' rows instead",
        "line 3, column ParentItemNumber: there is no product 'NOPE'",
        "line 4, column VariantOptions: a new variant needs its option values, e.g. Size=L;Color=Blue",
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_encodings_and_delimiters(inventory, tmp_path, encoding, delimiter):
    f = write_csv(
        tmp_path / "a.csv",
        ["ItemNumber", "ItemName", "NumberInStock"],
        [["CAFE", "Café crème", "3"]],
        encoding=encoding,
        delimiter=delimiter,
    )
    summary = import_file(inventory.db, f)
    assert summary.created == 1
    assert inventory.item("CAFE").name == "Café crème"


def test_formula_like_text_round_trips(inventory, tmp_path):
    names = ["=SUM(A1:A2)", "+1 mug", "-dash", "@handle", "'quoted", "\ttab"]
    for n, name in enumerate(names):
        inventory.add_product(f"-P{n}", name=name, on_hand=-n)
    out = tmp_path / "out.csv"
    export_file(inventory.db, out)
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["ItemName"] == "'=SUM(A1:A2)" and rows[0]["ItemNumber"] == "'-P0"
    assert rows[2]["NumberInStock"] == "-2"  # numbers are never quoted
    again = import_file(inventory.db, out)
    assert (again.updated, again.unchanged) == (0, len(names))


def test_xlsx_workbook(inventory, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["ItemNumber", "ItemName", "NumberInStock", "ETADate", "Discontinued"])
    sheet.append(["X1", "From Excel", 12, "2027-02-03", True])
    sheet.append(["X2", "Bad", 2.5, None, None])
    path = tmp_path / "book.xlsx"
    book.save(path)
    with pytest.raises(ImportRefused) as refused:
        import_file(inventory.db, path)
    assert [str(e) for e in refused.value.summary.rejected] == [
        "line 3, column NumberInStock: '2.5' is not a whole number"
    ]
    summary = import_file(inventory.db, path, skip_invalid=True)
    assert summary.created == 1 and inventory.item("X1").discontinued


def test_a_long_chunk_of_new_items_reports_progress_and_answers_cancel_within_it(inventory, tmp_path):
    # Issue 10, defect 8: the bar stood at 0% for 13 s, then showed 97%; Cancel waited for the chunk's end.
    big = write_csv(tmp_path / "new.csv", ["ItemNumber", "NumberInStock"], [[f"N{n:05d}", "2"] for n in range(3000)])
    seen: list[float] = []
    import_file(inventory.db, big, progress=seen.append)
    within = [p for p in seen if 0 < p < 1]
    assert len(within) >= 5 and within == sorted(within), seen[:20]

    asked = []

    def cancel_after_first_report() -> bool:
        asked.append(len(seen))
        return len(asked) > 1

    seen.clear()
    more = write_csv(tmp_path / "more.csv", ["ItemNumber", "NumberInStock"], [[f"M{n:05d}", "2"] for n in range(3000)])
    with pytest.raises(ImportCancelled):
        import_file(inventory.db, more, progress=seen.append, cancelled=cancel_after_first_report)
    assert len(asked) == 2  # answered at the second check-in, 250 rows later, not at the end of the file
    assert inventory.item("N00000").on_hand == 2  # the first import stands; the cancelled one wrote nothing
    with pytest.raises(InventoryError):
        inventory.item("M00000")
