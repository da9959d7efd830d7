"""Barcode, supplier and reorder level where a person meets them: product editor, variants dialog, grid."""

from __future__ import annotations

import pytest

from tests.ui.test_grid import catalog, grid, text  # noqa: F401  (the grid's fixtures)


@pytest.fixture
def state(inventory):
    from ui.state import AppState

    s = AppState(inventory, watch=False)
    yield s
    s.close()


def test_the_product_editor_shows_and_edits_barcode_supplier_and_reorder_to(qtbot, state):
    from ui.product_editor import ProductEditorDialog

    inventory = state.inventory
    inventory.add_product("MUG", barcode="0012", supplier="Acme", reorder_to=12)
    dialog = ProductEditorDialog(state, inventory.item("MUG"))
    qtbot.addWidget(dialog)
    assert (dialog.barcode.text(), dialog.supplier.text(), dialog.reorder_to.value()) == ("0012", "Acme", 12)
    dialog.barcode.setText(" 5012345678900 ")
    dialog.supplier.clear()
    dialog.reorder_to.setValue(20)
    changes = dialog.changes()
    assert changes == {"barcode": "5012345678900", "supplier": None, "reorder_to": 20}
    inventory.edit_item("MUG", changes)
    mug = inventory.item("MUG")
    assert (mug.barcode, mug.supplier, mug.reorder_to) == ("5012345678900", None, 20)


def test_a_variant_edits_its_barcode_and_follows_its_products_supplier(qtbot, state):
    from ui.product_editor import ProductEditorDialog

    inventory = state.inventory
    inventory.add_product("TEE", supplier="Acme")
    inventory.add_variant("TEE", "TEE-L", ["Size=L"])
    dialog = ProductEditorDialog(state, inventory.item("TEE-L"))
    qtbot.addWidget(dialog)
    assert dialog.supplier.text() == "Acme" and not dialog.supplier.isEnabled()
    dialog.barcode.setText("222")
    assert dialog.changes() == {"barcode": "222"}


def test_variants_are_created_with_their_barcodes(qtbot, state):
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QTableWidgetItem

    from ui.variants import VariantsDialog

    inventory = state.inventory
    inventory.add_product("CAP")
    dialog = VariantsDialog(state, QUndoStack(), inventory.item("CAP").id)
    qtbot.addWidget(dialog)
    dialog._add_group("Size", "S, M")
    dialog.generate()
    assert dialog.combos.horizontalHeaderItem(3).text() == "Barcode (optional)"
    dialog.combos.setItem(0, 3, QTableWidgetItem("333"))
    dialog.create_variants()
    assert inventory.counts.lookup("333").options == "Size=S"
    assert inventory.item("CAP-M").barcode is None


def test_the_grid_edits_barcodes_and_reorder_levels(grid, catalog, modal):  # noqa: F811
    model = grid.model
    model.edit_cells(
        [(0, model.column_of("barcode"), "9990001"), (0, model.column_of("reorder_to"), "15")], "edit"
    )
    modal.on_next(lambda dialog: dialog.accept())
    grid.preview_and_apply()
    p000 = catalog.item("P000")
    assert (p000.barcode, p000.reorder_to) == ("9990001", 15)
    assert text(grid, 0, "barcode") == "9990001"
    assert catalog.counts.lookup("9990001").item_number == "P000"
