"""The grid's batch: what clearing a cell means, and a preview whose checked work the apply reuses."""

from __future__ import annotations

from PySide6.QtCore import Qt

# The grid test module's fixtures (a 60-product catalog, the open grid) and helpers. A test naming an imported
# fixture as its argument redefines the name, which is how pytest fixtures work:
# ruff: noqa: F811
from tests.ui.test_grid import catalog, grid, row_of, text  # noqa: F401


def test_defect_grid_clears_a_barcode_and_a_supplier_as_the_product_editor_does(
    grid,
    qtbot,
    catalog,
    modal,
):
    catalog.edit_item("P004", {"barcode": "4006381333931", "supplier": "Acme Ceramics"})
    catalog.edit_item("P005", {"barcode": "5012345678900", "supplier": "Bolt & Co"})
    grid.model.refresh()
    model, view = grid.model, grid.view
    # P004: the cells emptied by typing (F2, select all, erase, Enter).
    for key in ("barcode", "supplier"):
        view.setCurrentIndex(model.index(row_of(grid, "P004"), model.column_of(key)))
        view.setFocus()
        qtbot.keyClick(view, Qt.Key.Key_F2)
        editor = view.focusWidget()
        qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(editor, Qt.Key.Key_Backspace)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: view.state() != view.State.EditingState)
    # P005: Delete clears them, as it clears an ETA.
    for key in ("barcode", "supplier"):
        view.setCurrentIndex(model.index(row_of(grid, "P005"), model.column_of(key)))
        qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert len(model.pending) == 4 and not model.invalid
    modal.on_next(lambda dialog: dialog.accept())
    grid.preview_and_apply()
    assert model.pending == {}
    for number in ("P004", "P005"):
        item = catalog.item(number)
        assert (item.barcode, item.supplier) == (None, None), number
        row = row_of(grid, number)
        assert (text(grid, row, "barcode"), text(grid, row, "supplier")) == ("", "")


def test_an_order_placed_while_the_preview_is_read_is_caught_as_a_conflict(grid, qtbot, catalog, modal):
    from desktop_app.service import Inventory
    from tests.ui.conftest import click_ok, message_text

    model = grid.model
    col = model.column_of("on_hand")
    model.edit_cells([(3, col, "9"), (4, col, "8")], "edit")
    grid.store.setCurrentText("Main")
    shown = {}

    def read_the_preview(dialog):
        other = Inventory(catalog.db.url)  # another workstation sells two of P003 meanwhile
        other.place_order("Main", [("P003", 2)])
        other.db.dispose()
        modal.on_next(
            lambda box: (shown.update(title=box.windowTitle(), text=message_text(box)), click_ok(box))
        )
        dialog.accept()

    modal.on_next(read_the_preview)
    grid.preview_and_apply()
    modal.check()
    assert shown["title"] == "Apply"
    assert shown["text"] == (
        "Some rows cannot be applied; nothing was changed.\n"
        "P003: changed by someone else since you loaded it; reload and choose which values to keep"
    )
    assert (catalog.item("P003").on_hand, catalog.item("P004").on_hand) == (3, 5)  # nothing of the batch
    assert len(model.pending) == 2  # the edits stay, to be resolved
