"""The Inventory Editor grid and the Product Import wizard, driven as a user drives them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication

from desktop_app.csvio.importer import import_file
from tests.conftest import fixture_path
from tests.helpers import history_mismatches, write_csv
from tests.ui.conftest import click_ok, message_text


@pytest.fixture
def catalog(inventory, tmp_path):
    """60 plain products P000..P059 with 5 on hand, and a store that tracks inventory."""
    inventory.add_store("Main")
    inventory.set_store("Main", track_inventory=True)
    import_file(
        inventory.db,
        write_csv(
            tmp_path / "c.csv",
            ["ItemNumber", "ItemName", "NumberInStock"],
            [[f"P{n:03d}", f"Product {n}", "5"] for n in range(60)],
        ),
    )
    return inventory


@pytest.fixture
def grid(qtbot, catalog):
    from ui.grid import InventoryGridWindow
    from ui.state import AppState

    win = InventoryGridWindow(AppState(catalog, watch=False))
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.model.forget_pending()  # closing with pending edits asks first; a test has nobody to answer
    win.close()
    win.deleteLater()


def select_block(grid, top, left, bottom, right):
    view, model = grid.view, grid.model
    view.setCurrentIndex(model.index(top, left))
    view.selectionModel().select(
        QItemSelection(model.index(top, left), model.index(bottom, right)),
        QItemSelectionModel.SelectionFlag.ClearAndSelect,
    )


def text(grid, row, key):
    return grid.model.index(row, grid.model.column_of(key)).data()


def test_paste_fill_down_and_apply_for_a_store(grid, qtbot, catalog, modal):
    model, view = grid.model, grid.view
    on_hand = model.column_of("on_hand")
    # A 3-column x 50-row block as a spreadsheet copies it: on hand, on order, min.
    block = "\n".join(f"{0 if r % 2 else r + 10}\t{r}\t1" for r in range(50)) + "\n"
    QGuiApplication.clipboard().setText(block)
    select_block(grid, 0, on_hand, 0, on_hand)
    grid.act_paste.trigger()
    assert len(model.pending) == 149 and not model.invalid  # row 0 on order: 0 is what it already is
    assert text(grid, 1, "on_hand") == "0" and text(grid, 2, "on_order") == "2"
    assert model.index(1, on_hand).data(Qt.ItemDataRole.BackgroundRole) is not None  # highlighted as pending
    # Fill down the max of rows 50..59 from row 50's value.
    max_col = model.column_of("max_qty")
    model.edit_cells([(50, max_col, "9")], "edit")
    select_block(grid, 50, max_col, 59, max_col)
    qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert [text(grid, r, "max_qty") for r in (50, 55, 59)] == ["9", "9", "9"]

    grid.store.setCurrentText("Main")
    summary = grid.preview()
    assert len(summary.status_changes) == 25  # every odd row went to 0
    modal.on_next(lambda dialog: dialog.accept())
    grid.preview_and_apply()
    assert model.pending == {}
    assert catalog.item("P001").status == "Out of Stock" and catalog.item("P001").on_hand == 0
    assert catalog.item("P002").on_hand == 12 and catalog.item("P002").status == "In Stock"
    assert catalog.item("P059").max_qty == 9
    assert text(grid, 1, "status") == "Out of Stock"
    batch = catalog.batches()[0]
    assert (batch["cause"], batch["store"]) == ("grid", "Main")
    assert history_mismatches(catalog.db) == []


def test_invalid_pasted_cell_blocks_applying_and_names_the_reason(grid, qtbot, catalog, modal):
    model = grid.model
    select_block(grid, 3, model.column_of("on_hand"), 3, model.column_of("on_hand"))
    grid.view.paste("7\tlots\n")
    reason = model.index(3, model.column_of("on_order")).data(Qt.ToolTipRole)
    assert reason == "'lots' is not a whole number — this cell blocks applying"
    shown = {}
    modal.on_next(lambda box: (shown.setdefault("text", message_text(box)), click_ok(box)))
    grid.act_apply.trigger()
    assert (
        "1 cells are invalid" in shown["text"]
        and "P003, on order: 'lots' is not a whole number" in shown["text"]
    )
    assert catalog.item("P003").on_hand == 5


def test_one_value_fills_the_selection_and_undo_takes_the_paste_back(grid, qtbot, catalog):
    model = grid.model
    col = model.column_of("low_stock_qty")
    select_block(grid, 0, col, 9, col)
    QGuiApplication.clipboard().setText("4")
    grid.act_paste.trigger()
    assert [text(grid, r, "low_stock_qty") for r in range(10)] == ["4"] * 10
    grid.act_undo.trigger()
    assert [text(grid, r, "low_stock_qty") for r in range(10)] == ["0"] * 10 and not model.pending
    grid.act_redo.trigger()
    assert len(model.pending) == 10


def test_keyboard_edit_enter_moves_down_and_escape_cancels(grid, qtbot):
    model, view = grid.model, grid.view
    col = model.column_of("on_hand")
    view.setCurrentIndex(model.index(0, col))
    view.setFocus()
    qtbot.keyClicks(view, "8")  # typing starts editing
    qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Return)  # the delegate commits on the next event loop turn
    qtbot.waitUntil(lambda: text(grid, 0, "on_hand") == "8")
    assert view.currentIndex().row() == 1  # Enter moved down
    qtbot.keyClick(view, Qt.Key.Key_F2)
    qtbot.keyClicks(view.focusWidget(), "99")
    qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Escape)
    qtbot.wait(20)
    assert text(grid, 1, "on_hand") == "5"
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.currentIndex().column() == col + 1  # Tab moves right
    eta = model.column_of("eta_date")
    view.setCurrentIndex(model.index(2, eta))
    model.edit_cells([(2, eta, "2027-01-05")], "edit")
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert (model.item_id(2), "eta_date") not in model.pending  # cleared back to what is stored: nothing


def test_copy_gives_tab_separated_text(grid):
    model = grid.model
    select_block(grid, 0, model.column_of("item_number"), 1, model.column_of("on_hand"))
    assert grid.view.copy() == "P000\tProduct 0\tIn Stock\t5\nP001\tProduct 1\tIn Stock\t5\n"


def test_find_moves_to_the_matching_row(grid, qtbot):
    grid.find.setText("P042")
    qtbot.keyClick(grid.find, Qt.Key.Key_Return)
    assert grid.view.currentIndex().row() == 42


def test_reverting_a_batch_restores_every_count_and_status(grid, qtbot, catalog, modal):
    model = grid.model
    col = model.column_of("on_hand")
    model.edit_cells([(r, col, "0") for r in range(10)], "paste")
    grid.store.setCurrentText("Main")
    grid.apply()
    assert catalog.item("P005").status == "Out of Stock"
    from ui.batches import BatchesDialog

    dialog = BatchesDialog(grid.state, grid)
    qtbot.addWidget(dialog)
    assert dialog.revert_button.isEnabled()
    modal.on_next(lambda box: box.button(box.StandardButton.Yes).click())
    dialog.revert_button.click()
    for n in range(10):
        item = catalog.item(f"P{n:03d}")
        assert (item.on_hand, item.status) == (5, "In Stock")
    assert text(grid, 5, "on_hand") == "5"


def _run_wizard(qtbot, state, path, store=None):
    from ui.import_wizard import ImportWizard

    wizard = ImportWizard(state, path=path)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.files.isComplete()
    wizard.next()
    if store:
        wizard.options.for_store.setChecked(True)
        wizard.options.store.setCurrentText(store)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.preview.finished, timeout=30000)
    return wizard


@pytest.mark.parametrize("fixture", ["americommerce-product-export.csv", "shopify-product-export.csv"])
def test_wizard_preview_matches_what_applying_does(qtbot, inventory, fixture):
    from ui.state import AppState

    state = AppState(inventory, watch=False)
    wizard = _run_wizard(qtbot, state, fixture_path(fixture))
    preview = wizard.preview.result
    assert preview.dry_run and preview.created > 0 and not preview.rejected
    assert inventory.db.read(lambda c: __import__("desktop_app.catalog").catalog.count_items(c)) == 0
    wizard.next()  # Import
    qtbot.waitUntil(lambda: wizard.run_page.finished, timeout=30000)
    applied = wizard.run_page.result
    assert applied.written
    assert (applied.created, applied.updated, applied.unchanged, applied.created_statuses) == (
        preview.created,
        preview.updated,
        preview.unchanged,
        preview.created_statuses,
    )
    assert [c.as_json() for c in applied.status_changes] == [c.as_json() for c in preview.status_changes]


def test_cancelling_a_large_import_half_way_leaves_nothing_changed(qtbot, catalog, tmp_path):
    from ui.state import AppState

    big = write_csv(
        tmp_path / "big.csv",
        ["ItemNumber", "NumberInStock"],
        [[f"P{n:03d}", "1"] for n in range(60)] + [[f"NEW{n:06d}", "3"] for n in range(20000)],
    )
    wizard = _run_wizard(qtbot, AppState(catalog, watch=False), big)
    wizard.next()
    page = wizard.run_page
    qtbot.waitUntil(lambda: page.progress.value() > 0, timeout=30000)
    page.cancel_button.click()
    qtbot.waitUntil(lambda: page.finished, timeout=60000)
    assert "cancelled" in page.summary_label.text()
    assert catalog.item("P000").on_hand == 5
    assert catalog.view_count(__import__("desktop_app.queries").queries.UnitQuery()) == 60


def test_a_count_an_order_changed_after_loading_is_a_conflict_not_an_overwrite(grid, qtbot, catalog, modal):
    model = grid.model
    col = model.column_of("on_hand")
    model.edit_cells([(3, col, "9"), (4, col, "8")], "edit")
    catalog.place_order("Main", [("P003", 2)])  # another workstation sells two meanwhile
    shown = {}

    def theirs(dialog):
        shown["rows"] = [
            [dialog.table.item(r, c).text() for c in range(4)] for r in range(dialog.table.rowCount())
        ]
        dialog.theirs.click()

    modal.on_next(theirs)
    assert grid.preview() is None
    assert shown["rows"] == [["P003 on hand", "5", "3", "9"]]
    assert (model.item_id(3), "on_hand") not in model.pending and (
        model.item_id(4),
        "on_hand",
    ) in model.pending
    assert catalog.item("P003").on_hand == 3

    model.edit_cells([(3, col, "9")], "edit")
    catalog.place_order("Main", [("P003", 1)])
    modal.on_next(lambda dialog: dialog.mine.click())
    summary = grid.preview()
    assert summary is not None and {(c["item"], c["to"]) for c in summary.changes} == {
        ("P003", 9),
        ("P004", 8),
    }
    grid.apply()
    assert catalog.item("P003").on_hand == 9
