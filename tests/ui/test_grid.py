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
    # A wait, not a timing claim: the preview of a big file on a loaded 2-core machine can take a while.
    qtbot.waitUntil(lambda: wizard.preview.finished, timeout=180000)
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


@pytest.mark.slow
def test_cancelling_a_large_import_half_way_leaves_nothing_changed(qtbot, catalog, tmp_path):
    from ui.state import AppState

    big = write_csv(
        tmp_path / "big.csv",
        ["ItemNumber", "NumberInStock"],
        # New items go row by row, which reports progress and looks for Cancel every 250 rows.
        [[f"P{n:03d}", "1"] for n in range(60)] + [[f"NEW{n:06d}", "3"] for n in range(6000)],
    )
    wizard = _run_wizard(qtbot, AppState(catalog, watch=False), big)
    wizard.next()
    page = wizard.run_page
    qtbot.waitUntil(lambda: page.progress.value() > 0, timeout=60000)
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


# -- issue 10: nothing changes by accident ----------------------------------------------------------------------
def row_of(grid, item_number: str) -> int:
    model = grid.model
    return next(r for r in range(model.rowCount()) if text(grid, r, "item_number") == item_number)


def type_into(grid, qtbot, row: int, key: str, typed: str) -> None:
    """Go to a cell, type, press Enter: as a person does."""
    view = grid.view
    view.setCurrentIndex(grid.model.index(row, grid.model.column_of(key)))
    view.setFocus()
    qtbot.keyClicks(view, typed[0])  # the first key opens the editor, which takes the rest
    editor = view.focusWidget()
    qtbot.keyClicks(editor, typed[1:])
    if editor is not view:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: view.state() != view.State.EditingState)


def test_defect_3_typing_into_a_read_only_cell_is_swallowed_with_a_reason(grid, qtbot, catalog):
    catalog.add_product("APRON", name="Apron")
    catalog.add_variant("APRON", "APRON-DENIM", "Size=L", on_hand=2)
    catalog.edit_item("P007", {"max_qty": 10})  # its Max starts with "1": a keyboard search would go there
    grid.model.refresh()
    view, model = grid.view, grid.model
    row = row_of(grid, "APRON-DENIM")
    for key in ("max_qty", "name"):
        here = model.index(row, model.column_of(key))
        view.setCurrentIndex(here)
        view.setFocus()
        qtbot.keyClicks(view, "12")
        assert view.currentIndex() == here, f"typing in {key} moved to another item"
        assert view.state() != view.State.EditingState and model.pending == {}
        assert text(grid, row_of(grid, "P007"), "max_qty") == "10"
    view.setCurrentIndex(model.index(row, model.column_of("max_qty")))
    qtbot.keyClicks(view, "3")
    assert "product" in grid.statusBar().currentMessage().lower()


def test_defect_5_undo_then_redo_keeps_invalid_edits_invalid(grid, qtbot, catalog, modal):
    model = grid.model
    type_into(grid, qtbot, 1, "on_hand", "abc")
    type_into(grid, qtbot, 2, "min_qty", "-5")
    assert len(model.invalid) == 2
    for _ in range(2):
        grid.act_undo.trigger()
    assert not model.pending and not model.invalid
    for _ in range(2):
        grid.act_redo.trigger()
    assert len(model.pending) == 2 and len(model.invalid) == 2
    assert "2 invalid" in grid.counts.text()
    reason = model.index(1, model.column_of("on_hand")).data(Qt.ItemDataRole.ToolTipRole)
    assert "'abc' is not a whole number" in reason
    shown = {}
    modal.on_next(lambda box: (shown.setdefault("text", message_text(box)), click_ok(box)))
    grid.act_apply.trigger()
    modal.check()
    assert "P001, on hand" in shown["text"] and "item " not in shown["text"]
    assert catalog.item("P001").on_hand == 5 and catalog.item("P002").min_qty == 0


def hue_distance(a, b) -> int:
    d = abs(a.hslHue() - b.hslHue()) % 360
    return min(d, 360 - d)


def test_defect_11_pending_invalid_preview_and_frozen_item_numbers_read_clearly(grid, qtbot, catalog):
    import re

    from PySide6.QtGui import QColor

    from ui import look
    from ui.grid import GridPreviewDialog

    model, view = grid.model, grid.view
    # Pending cells do not look like selected ones.
    type_into(grid, qtbot, 4, "low_stock_qty", "3")
    pending = model.index(4, model.column_of("low_stock_qty")).data(Qt.ItemDataRole.BackgroundRole)
    selection = QColor(re.search(r"selection-background-color: (#\w+)", look.STYLE_SHEET).group(1))
    assert (
        hue_distance(QColor(pending), selection) > 60 or abs(pending.lightness() - selection.lightness()) > 60
    )

    # An invalid cell's reason shows in the window when the cell is current, not only in a tooltip.
    type_into(grid, qtbot, 6, "on_order", "lots")
    view.setCurrentIndex(model.index(6, model.column_of("on_order")))
    assert grid.problem_line.isVisible()
    assert "P006" in grid.problem_line.text() and "'lots' is not a whole number" in grid.problem_line.text()
    grid.act_undo.trigger()

    # The preview lists items by item number (any case) and shows status changes in their own column.
    catalog.add_product("a-late", name="Added late", on_hand=4)
    catalog.add_product("B-LATE", name="Added late too", on_hand=4)
    model.refresh()
    model.edit_cells(
        [
            (row_of(grid, "P003"), model.column_of("on_hand"), "0"),
            (row_of(grid, "B-LATE"), model.column_of("on_hand"), "0"),
            (row_of(grid, "a-late"), model.column_of("on_hand"), "9"),
        ],
        "edit",
    )
    grid.store.setCurrentText("Main")
    summary = grid.preview()
    dialog = GridPreviewDialog(summary, "Main", grid)
    table = dialog.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    items = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert items == sorted(items, key=str.lower) and items[0] == "a-late"
    status_column = next(c for c, h in enumerate(headers) if "status" in h.lower())
    marks = {
        (table.item(r, 0).text(), table.item(r, 1).text()): table.item(r, status_column).text()
        for r in range(table.rowCount())
    }
    assert marks[("P003", "status")] and marks[("B-LATE", "status")] and not marks[("P003", "on hand")]
    dialog.deleteLater()

    # Ctrl+End goes to the far corner and the item numbers stay in sight.
    grid.resize(640, 420)
    view.setFocus()
    view.setCurrentIndex(model.index(0, 1))
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    last = view.currentIndex()
    assert last.row() == model.rowCount() - 1 and last.column() == model.columnCount() - 1
    assert view.horizontalScrollBar().value() > 0
    frozen = view.frozen
    assert frozen.isVisible() and not frozen.isColumnHidden(model.column_of("item_number"))
    shown = frozen.visualRect(model.index(last.row(), model.column_of("item_number")))
    assert frozen.viewport().rect().intersects(shown) and shown.width() > 40


def test_defect_9_grid_orders_and_settings_fit_the_screen(qtbot, catalog, grid):
    from PySide6.QtGui import QUndoStack

    from ui.conflict import ConflictDialog
    from ui.orders import OrdersDialog, PlaceOrderDialog
    from ui.store_settings import StoreSettingsDialog

    area = grid.screen().availableGeometry()
    assert area.contains(grid.frameGeometry()), (area, grid.frameGeometry())
    windows = [
        grid,
        OrdersDialog(grid.state),
        PlaceOrderDialog(grid.state),
        StoreSettingsDialog(grid.state, QUndoStack()),
        ConflictDialog("40 items", [(f"P{n:03d} on hand", 5, 3, 9) for n in range(40)]),
    ]
    for window in windows:
        minimum = window.minimumSizeHint()
        assert minimum.width() <= 1024 and minimum.height() <= 700, (window.objectName(), minimum)
        assert window.width() <= area.width() and window.height() <= area.height(), window.objectName()
    for window in windows[1:]:
        window.deleteLater()


def test_discarding_pending_edits_confirms_naming_them_with_no_as_the_default(grid, qtbot, modal):
    model = grid.model
    type_into(grid, qtbot, 2, "on_hand", "7")
    asked = {}

    def answer(box):
        asked["text"] = message_text(box)
        asked["default_no"] = box.defaultButton() is box.button(box.StandardButton.No)
        qtbot.keyClick(box, Qt.Key.Key_Return)

    modal.on_next(answer)
    grid.act_discard.trigger()
    modal.check()
    assert "1 pending edits of P002" in asked["text"] and asked["default_no"]
    assert (model.item_id(2), "on_hand") in model.pending


def test_the_frozen_item_number_header_sorts_like_the_grid_header(grid, qtbot):
    frozen = grid.view.frozen
    header = frozen.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton)
    assert text(grid, 0, "item_number") == "P059"
    assert grid.view.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    hidden = [frozen.isColumnHidden(c) for c in range(grid.model.columnCount())]
    assert hidden == [False] + [True] * (grid.model.columnCount() - 1)  # still only the item numbers
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton)
    assert text(grid, 0, "item_number") == "P000"


def test_the_current_cell_follows_its_item_through_applying_and_sorting(grid, qtbot, catalog):
    model, view = grid.model, grid.view
    type_into(grid, qtbot, 5, "on_hand", "9")  # Enter moves down to P006
    assert text(grid, view.currentIndex().row(), "item_number") == "P006"
    grid.apply()
    assert catalog.item("P005").on_hand == 9
    assert view.currentIndex().isValid() and text(grid, view.currentIndex().row(), "item_number") == "P006"
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert text(grid, view.currentIndex().row(), "item_number") == "P006"
    assert view.currentIndex().column() == model.column_of("on_hand")


def test_the_current_cell_follows_its_item_into_a_filtered_view_and_leaves_when_filtered_out(grid, qtbot):
    model, view = grid.model, grid.view
    column = model.column_of("on_hand")
    view.setCurrentIndex(model.index(4, column))
    model.set_query(model.query.with_(search="P01"))  # row 4 now holds P014, not P004: P004 is not in view
    assert not view.currentIndex().isValid()  # no neighbour stands in for it
    view.setCurrentIndex(model.index(4, column))  # P014
    model.set_query(model.query.with_(search="P014"))
    assert view.currentIndex().row() == 0 and text(grid, 0, "item_number") == "P014"
    assert view.currentIndex().column() == column
