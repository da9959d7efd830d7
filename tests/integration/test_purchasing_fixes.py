"""Defects of the last round in purchasing (SQLite, and PostgreSQL when INVENTORY_EDITOR_TEST_PG is set):
two workstations saving one draft, formulas in the PO's CSV, and a product's ETA edit against its variants'."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from desktop_app.errors import Conflict

JULY, AUGUST, SEPTEMBER = dt.date(2026, 7, 1), dt.date(2026, 8, 1), dt.date(2026, 9, 1)


# -- two people editing one draft ------------------------------------------------------------------------
def test_the_second_save_of_a_draft_opened_before_the_first_save_is_refused_naming_the_po(inventory):
    inventory.add_product("MUG")
    inventory.add_product("CAP")
    po = inventory.purchasing.create("Acme", [("MUG", 1)])
    here = inventory.purchasing.get(po)  # both workstations opened the draft
    there = inventory.purchasing.get(po)
    inventory.purchasing.update_draft(
        po, supplier="Acme", store=None, expected=None, lines=[("MUG", 5)], version=here.version
    )
    with pytest.raises(Conflict, match=rf"PO {po} \(Acme\) was changed on another workstation") as refused:
        inventory.purchasing.update_draft(
            po, supplier="Acme Ltd", store=None, expected=JULY, lines=[("CAP", 2)], version=there.version
        )
    assert "reload" in refused.value.message.lower() and "nothing was saved" in refused.value.message
    kept = inventory.purchasing.get(po)  # the first save stands, untouched by the refused one
    assert (kept.supplier, kept.expected, [(ln.label, ln.quantity) for ln in kept.lines]) == (
        "Acme",
        None,
        [("MUG", 5)],
    )
    # Reloaded, the second workstation saves on top of the first.
    fresh = inventory.purchasing.get(po)
    inventory.purchasing.update_draft(
        po, supplier="Acme Ltd", store=None, expected=JULY, lines=[("CAP", 2)], version=fresh.version
    )
    assert inventory.purchasing.get(po).supplier == "Acme Ltd"


def test_ordering_a_draft_changed_since_it_was_opened_is_refused_too(inventory):
    inventory.add_product("MUG")
    po = inventory.purchasing.create("Acme", [("MUG", 1)])
    seen = inventory.purchasing.get(po)  # what the editor shows
    inventory.purchasing.update_draft(
        po, supplier="Acme", store=None, expected=None, lines=[("MUG", 50)], version=seen.version
    )
    with pytest.raises(Conflict, match=rf"PO {po} \(Acme\) was changed on another workstation"):
        inventory.purchasing.order(po, version=seen.version)
    assert inventory.purchasing.get(po).state == "draft" and inventory.item("MUG").on_order == 0
    inventory.purchasing.order(po, version=inventory.purchasing.get(po).version)
    assert inventory.item("MUG").on_order == 50


# -- formulas in the CSV --------------------------------------------------------------------------------
def test_the_po_csv_guards_cells_a_spreadsheet_would_take_for_a_formula(inventory, tmp_path):
    inventory.add_store("=HYPERLINK(\"http://x\")")
    inventory.add_product("=1+1", name="+SUM(A1:A9)", barcode="-2")
    inventory.add_product("SAFE", name="@cmd", barcode="+49 30 1234")  # (text is stored trimmed: no tab)
    po = inventory.purchasing.create(
        "=cmd|' /C calc'!A0", [("=1+1", 3), ("SAFE", 1)], store="=HYPERLINK(\"http://x\")"
    )
    inventory.purchasing.export_csv(po, tmp_path / "po.csv")
    with open(tmp_path / "po.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[1][1:3] == ["'=cmd|' /C calc'!A0", "'=HYPERLINK(\"http://x\")"]
    assert rows[4][:3] == ["'=1+1", "'+SUM(A1:A9)", "'-2"]
    assert rows[5][:3] == ["SAFE", "'@cmd", "'+49 30 1234"]
    assert rows[4][3:] == ["3", "0", "3", ""]  # numbers are numbers


# -- a product's ETA and its variants' --------------------------------------------------------------------
def _shirt(inventory):
    inventory.add_product("SHIRT", name="Shirt")
    for size in ("S", "M", "L"):
        inventory.add_variant("SHIRT", f"SHIRT-{size}", [f"Size={size}"])


def test_a_product_eta_edit_keeps_a_variant_eta_that_comes_from_an_ordered_po(inventory):
    _shirt(inventory)
    po = inventory.purchasing.create("Acme", [("SHIRT-M", 4)], expected=JULY)
    inventory.purchasing.order(po)
    assert inventory.item("SHIRT-M").eta_date == JULY
    inventory.edit_item("SHIRT", {"eta_date": AUGUST})
    etas = {v: inventory.item(v).eta_date for v in ("SHIRT", "SHIRT-S", "SHIRT-M", "SHIRT-L")}
    # The variant on order keeps its PO's date; the others follow the product.
    assert etas == {"SHIRT": AUGUST, "SHIRT-S": AUGUST, "SHIRT-M": JULY, "SHIRT-L": AUGUST}
    inventory.edit_item("SHIRT", {"eta_date": None})  # clearing it leaves the PO's date too
    assert inventory.item("SHIRT-M").eta_date == JULY and inventory.item("SHIRT-S").eta_date is None
    # Once its PO is received the variant follows the product again.
    inventory.purchasing.receive(po, [("SHIRT-M", 4)])
    inventory.edit_item("SHIRT", {"eta_date": SEPTEMBER})
    assert inventory.item("SHIRT-M").eta_date == SEPTEMBER
