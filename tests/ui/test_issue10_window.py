"""Issue 10, defects 7, 10, 12 and 13: the main window, driven with real widgets over the demo catalog."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from tests.ui.conftest import cell
from ui import look


def rows_of(window) -> list[str]:
    return [cell(window.product_table, r, "item_number") for r in range(window.products.rowCount())]


def select(window, item_number: str) -> int:
    row = rows_of(window).index(item_number)
    window.product_table.setCurrentIndex(window.products.index(row, 0))
    window.product_table.setFocus()
    return row


def status_column(window) -> int:
    return next(i for i, c in enumerate(window.products.columns) if c.key == "status")


def test_defect_7_a_restocked_out_of_stock_item_is_flagged_and_one_click_applies_the_rule(
    window, qtbot, modal
):
    from ui.item_model import DisagreesRole

    row = select(window, "MUG-ROSE")
    assert cell(window.product_table, row, "status") == "Out of Stock"
    assert not window.advice.isVisible()

    def restock(dialog):
        dialog.on_hand.setValue(5)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    modal.on_next(restock)
    qtbot.keyClick(window.product_table, Qt.Key.Key_Return)
    modal.check()
    row = rows_of(window).index("MUG-ROSE")
    status = window.products.index(row, status_column(window))
    # The manual restock keeps Out of Stock (SPEC 2), and the table and the bar say it disagrees.
    assert status.data() == "Out of Stock"
    assert status.data(DisagreesRole) is True
    assert "Disagrees with the stock" in status.data(Qt.ItemDataRole.ToolTipRole)
    assert window.advice.isVisible()
    assert "MUG-ROSE is Out of Stock with 5 on hand" in window.advice.text.text()
    assert "In Stock" in window.advice.button.text()

    # The filter (in SQL) finds it, and only the units that disagree.
    window.stock_filter.setCurrentIndex(window.stock_filter.findData("disagrees"))
    assert rows_of(window) == ["MUG-ROSE"]

    # The product editor shows it too, with the same one click.
    seen = {}

    def peek(dialog):
        seen["visible"] = dialog.advice.isVisible()
        seen["text"] = dialog.advice.text.text()
        dialog.reject()

    modal.on_next(peek)
    window.act_edit.trigger()
    assert seen["visible"] and "Out of Stock with 5 on hand" in seen["text"]

    qtbot.mouseClick(window.advice.button, Qt.MouseButton.LeftButton)
    assert window.state.inventory.item("MUG-ROSE").status == "In Stock"
    last = window.state.inventory.history("MUG-ROSE")[-1]
    assert (last.kind, last.from_status, last.to_status, last.rule) == (
        "status",
        "Out of Stock",
        "In Stock",
        "manual",
    )
    assert last.note == "applied Main Street's rule: 5 on hand → In Stock (was Out of Stock)"
    window.apply_filters()
    assert rows_of(window) == []  # nothing disagrees any more
    assert not window.advice.isVisible()
    window.act_undo.trigger()  # the change is an ordinary, undoable edit
    assert window.state.inventory.item("MUG-ROSE").status == "Out of Stock"


def test_defect_7_the_product_editor_applies_the_rule_and_saving_keeps_it(window, qtbot, modal):
    window.state.inventory.edit_item("SYRUP-VAN", {"on_hand": 0})  # In Stock at 0: would be sold, not shipped
    window.state.notify()
    select(window, "SYRUP-VAN")
    seen = {}

    def editor(dialog):
        seen["before"] = dialog.advice.isVisible()
        qtbot.mouseClick(dialog.advice.button, Qt.MouseButton.LeftButton)
        seen["status"] = dialog.status.currentText()
        seen["after"] = dialog.advice.isVisible()
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    modal.on_next(editor)
    window.act_edit.trigger()
    assert seen == {"before": True, "status": "Out of Stock", "after": False}
    assert window.state.inventory.item("SYRUP-VAN").status == "Out of Stock"


def test_defect_10_keyboard_search_goes_to_results_tab_leaves_tables_history_has_a_key(window, qtbot, modal):
    window.search.setFocus()
    qtbot.keyClicks(window.search, "MUG-CER")
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    assert window.product_table.hasFocus()
    assert cell(window.product_table, window.product_table.currentIndex().row(), "item_number") == "MUG-CER"

    window.search.setFocus()
    window.search.clear()
    qtbot.keyClicks(window.search, "TEE-LOGO")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.product_table.hasFocus()
    assert rows_of(window) == ["TEE-LOGO"]

    # Tab leaves the list instead of walking its cells.
    for table in (window.product_table, window.variant_table, window.history.table):
        assert not table.tabKeyNavigation()
    before = window.product_table.currentIndex()
    qtbot.keyClick(window.product_table, Qt.Key.Key_Tab)
    assert not window.product_table.hasFocus()
    assert window.product_table.currentIndex() == before

    window.bottom_tabs.setCurrentIndex(0)
    qtbot.keyClick(
        window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert window.bottom_tabs.currentWidget() is window.history

    seen = {}

    def editor(dialog):
        seen["save"] = dialog.buttons.button(QDialogButtonBox.StandardButton.Save).text()
        dialog.reject()

    modal.on_next(editor)
    window.act_edit.trigger()
    assert "&" in seen["save"]  # Alt+S saves


def test_defect_12_history_follows_the_search_and_shows_local_time(window, qtbot, monkeypatch):
    import datetime as dt
    import time

    monkeypatch.setenv("TZ", "Pacific/Auckland")  # far from UTC, so a UTC time cannot pass for local
    time.tzset()
    select(window, "MUG-ROSE")
    window.bottom_tabs.setCurrentIndex(1)
    assert window.history.item_id is not None
    window.search.setText("KETT")
    window.apply_filters()
    assert "MUG-ROSE" not in rows_of(window)
    assert window.history.item_id is None
    assert window.history.table.rowCount() == 0
    assert window.history.title.text() == "Select an item to see its history."

    select(window, "KETT-GOOSE")
    entry = window.history.entries[-1]
    shown = window.history.table.item(0, 0)
    local = entry.at.replace(tzinfo=dt.UTC).astimezone()
    assert shown.text() == local.strftime("%Y-%m-%d %H:%M:%S")
    assert local.tzname() in shown.toolTip() and "UTC" in shown.toolTip()
    assert "UTC" not in window.history.table.horizontalHeaderItem(0).text()
    monkeypatch.delenv("TZ")
    time.tzset()


def test_defect_12_a_gift_card_has_nothing_to_sell_rather_than_minus_two(window, qtbot):
    window.state.inventory.place_order("Main Street", [("CARD-25", 2)])
    window.state.notify()
    row = rows_of(window).index("CARD-25")
    column = next(i for i, c in enumerate(window.products.columns) if c.key == "available_to_sell")
    index = window.products.index(row, column)
    assert index.data() == "—"
    assert index.data(Qt.ItemDataRole.ForegroundRole) != look.NEGATIVE_FG
    assert "not tracked" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_defect_13_several_rows_are_selected_copied_as_tsv_and_summed(window, qtbot):
    table = window.product_table
    numbers = rows_of(window)
    first, second = numbers.index("MUG-CER"), numbers.index("SYRUP-VAN")
    table.setCurrentIndex(window.products.index(first, 0))
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    table.selectionModel().select(window.products.index(second, 0), flags)
    assert len(table.selectionModel().selectedRows()) == 2

    QGuiApplication.clipboard().clear()
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QApplication.clipboard().text().splitlines()
    assert lines[0].split("\t")[:4] == ["Item number", "Name", "Status", "On hand"]
    assert [line.split("\t")[0] for line in lines[1:]] == ["MUG-CER", "SYRUP-VAN"]
    on_hand = [int(cell(table, r, "on_hand")) for r in (first, second)]
    assert [int(line.split("\t")[3]) for line in lines[1:]] == on_hand

    summary = window.selection_label.text()
    assert "2 rows selected" in summary and f"On hand {sum(on_hand)}" in summary


def test_defect_12_the_batch_list_is_in_local_time_and_tab_leaves_it(window, qtbot, monkeypatch):
    import datetime as dt
    import time

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from ui.batches import BatchesDialog

    monkeypatch.setenv("TZ", "Pacific/Auckland")
    time.tzset()
    try:
        window.state.inventory.adjust([("MUG-CER", +2)], store="Main Street")
        dialog = BatchesDialog(window.state, window)
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.setActiveWindow(dialog)
        qtbot.waitActive(dialog)
        batch = dialog.batches[0]
        when = dialog.table.item(0, dialog.table.columnCount() - 1)
        local = batch["at"].replace(tzinfo=dt.UTC).astimezone() if batch["at"].tzinfo is None else batch["at"].astimezone()
        assert when.text() == local.strftime("%Y-%m-%d %H:%M:%S")
        assert "UTC" in when.toolTip() and "UTC" not in dialog.table.horizontalHeaderItem(8).text()
        dialog.table.setFocus()
        qtbot.keyClick(dialog.table, Qt.Key.Key_Tab)
        assert not dialog.table.hasFocus()  # Tab leaves the list instead of walking its cells
        assert dialog.table.currentRow() == 0
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
