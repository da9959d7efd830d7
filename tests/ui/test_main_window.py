"""The desktop editor, driven as a user drives it (SPEC sections 2-4 through the windows)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from tests.ui.conftest import cell, click_ok, message_text


def select(window, qtbot, item_number: str) -> int:
    window.search.setText(item_number)
    window.apply_filters()
    model = window.products
    row = next(
        r for r in range(model.rowCount()) if cell(window.product_table, r, "item_number") == item_number
    )
    window.product_table.setCurrentIndex(model.index(row, 0))
    window.product_table.setFocus()
    return row


def test_table_shows_the_catalog_with_status_and_low_stock(window):
    model = window.products
    assert model.rowCount() == 36
    numbers = [cell(window.product_table, r, "item_number") for r in range(model.rowCount())]
    assert numbers == sorted(numbers)
    row = numbers.index("MUG-ROSE")
    assert cell(window.product_table, row, "status") == "Out of Stock"
    assert model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole) is not None  # out of stock stands out


def test_filters_narrow_the_table(window, qtbot):
    window.stock_filter.setCurrentIndex(window.stock_filter.findData("low"))
    low = {cell(window.product_table, r, "item_number") for r in range(window.products.rowCount())}
    assert "MUG-ENA" in low and "MUG-CER" not in low
    window.stock_filter.setCurrentIndex(0)
    window.status_filter.setCurrentIndex(window.status_filter.findText("Out of Stock"))
    assert {cell(window.product_table, r, "status") for r in range(window.products.rowCount())} == {
        "Out of Stock"
    }
    window.status_filter.setCurrentIndex(0)
    window.search.setText("mug")
    qtbot.waitUntil(lambda: window.products.rowCount() == 4)
    window.product_table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # on hand, highest first
    assert cell(window.product_table, 0, "item_number") == "MUG-CER"


def test_selecting_a_product_shows_its_variants(window, qtbot):
    select(window, qtbot, "TEE-LOGO")
    assert window.variants.rowCount() == 8
    assert cell(window.variant_table, 0, "options") == "Size: S, Color: Black"


def test_product_editor_change_of_on_hand_leaves_the_status(window, qtbot, modal):
    row = select(window, qtbot, "MUG-CER")

    def edit(dialog):
        assert "never trigger an automatic status change" in dialog.note.text()
        dialog.on_hand.selectAll()
        qtbot.keyClicks(dialog.on_hand, "0")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    modal.on_next(edit)
    qtbot.keyClick(window.product_table, Qt.Key.Key_Return)
    modal.check()
    assert cell(window.product_table, row, "on_hand") == "0"
    assert cell(window.product_table, row, "status") == "In Stock"


def test_product_editor_blocks_min_above_max(window, qtbot, modal):
    select(window, qtbot, "MUG-CER")
    seen = {}

    def edit(dialog):
        dialog.max_qty.setValue(2)
        dialog.min_qty.setValue(5)
        seen["save"] = dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
        seen["problem"] = dialog.problem.text()
        dialog.reject()

    modal.on_next(edit)
    window.act_edit.trigger()
    assert seen == {"save": False, "problem": "The minimum (5) is above the maximum (2)."}


def test_undo_restores_a_manual_edit(window, qtbot, modal):
    row = select(window, qtbot, "SYRUP-VAN")

    def edit(dialog):
        dialog.on_hand.setValue(7)
        dialog.accept()

    modal.on_next(edit)
    window.act_edit.trigger()
    assert cell(window.product_table, row, "on_hand") == "7"
    window.act_undo.trigger()
    assert cell(window.product_table, row, "on_hand") == "40"
    assert window.state.inventory.item("SYRUP-VAN").on_hand == 40
    window.act_redo.trigger()
    assert cell(window.product_table, row, "on_hand") == "7"


def test_store_settings_are_saved_and_the_next_order_uses_them(window, qtbot, modal):
    def settings(dialog):
        dialog.store.setCurrentText("Main Street")
        qtbot.mouseClick(dialog.remove_buttons["shipped"], Qt.MouseButton.LeftButton)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        assert "Saved" in dialog.saved.text()
        dialog.reject()

    modal.on_next(settings)
    window.act_store_settings.trigger()
    assert window.state.inventory.store("Main Street").remove_when == "shipped"

    row = select(window, qtbot, "SYRUP-VAN")

    def order(dialog):
        dialog.store.setCurrentText("Main Street")
        dialog.item.setText("SYRUP-VAN")
        dialog.quantity.setValue(4)
        dialog.place_button.click()

    modal.on_next(order)
    window.act_new_order.trigger()
    # Removed when shipped: nothing left the shelf yet, but 4 are committed.
    assert cell(window.product_table, row, "on_hand") == "40"
    assert cell(window.product_table, row, "committed") == "4"
    assert cell(window.product_table, row, "available_to_sell") == "36"


def test_placing_and_cancelling_an_order_updates_the_table(window, qtbot, modal):
    row = select(window, qtbot, "SCALE-DIG")
    before = int(cell(window.product_table, row, "on_hand"))
    placed = {}

    def order(dialog):
        dialog.store.setCurrentText("Main Street")
        dialog.add_line("SCALE-DIG", before)
        dialog.place_button.click()
        placed["id"] = dialog.order_id

    modal.on_next(order)
    window.act_new_order.trigger()
    assert cell(window.product_table, row, "on_hand") == "0"
    assert cell(window.product_table, row, "status") == "Out of Stock"

    def cancel(dialog):
        dialog.state_filter.setCurrentIndex(0)
        ids = [o.id for o in dialog.orders]
        dialog.table.selectRow(ids.index(placed["id"]))
        modal.on_next(lambda box: box.button(QMessageBox.StandardButton.Yes).click())  # "Cancel order N?"
        dialog.buttons["cancel"].click()
        assert dialog.selected() is None or dialog.selected().state == "cancelled"
        dialog.reject()

    modal.on_next(cancel)
    window.act_orders.trigger()
    assert cell(window.product_table, row, "on_hand") == str(before)
    assert cell(window.product_table, row, "status") == "In Stock"


def test_refused_order_shows_why_and_changes_nothing(window, qtbot, modal):
    row = select(window, qtbot, "GRIND-BURR")
    orders_before = len(window.state.inventory.orders())
    shown = {}

    def order(dialog):
        dialog.store.setCurrentText("Main Street")
        dialog.add_line("GRIND-BURR", 3)
        dialog.add_line("MUG-OLD", 1)
        dialog.place_button.click()
        shown["message"] = dialog.problem.text()
        shown["lines"] = [dialog.lines.item(r, 2).text() for r in range(dialog.lines.rowCount())]
        shown["open"] = dialog.isVisible()
        modal.on_next(lambda box: box.button(QMessageBox.StandardButton.Yes).click())  # "Discard this order?"
        dialog.reject()

    modal.on_next(order)
    window.act_new_order.trigger()
    assert shown["message"] == "The order was refused; nothing was changed."
    assert shown["lines"] == [
        "the maximum quantity of GRIND-BURR is 1",
        "MUG-OLD is Discontinued and cannot be ordered",
    ]
    assert shown["open"]
    assert cell(window.product_table, row, "on_hand") == "4"
    assert len(window.state.inventory.orders()) == orders_before


def test_deleting_a_status_in_use_is_refused_with_a_message(window, qtbot, modal):
    refusal = {}

    def statuses(dialog):
        dialog.reload("Made to Order")
        modal.on_next(lambda box: (refusal.setdefault("text", message_text(box)), click_ok(box)))
        dialog.delete_button.click()
        dialog.reject()

    modal.on_next(statuses)
    window.act_statuses.trigger()
    assert "'Made to Order' is in use and cannot be deleted" in refusal["text"]
    assert "ROAST-MTO" in refusal["text"]
    assert "Made to Order" in window.state.status_names()


def test_history_tells_why_an_item_is_out_of_stock(window, qtbot):
    select(window, qtbot, "MUG-ROSE")
    window.bottom_tabs.setCurrentIndex(1)
    why = window.history.why.text()
    assert "Why Out of Stock?" in why and "order placed in Main Street" in why
    assert window.history.table.rowCount() == 7
    assert [p[1] for p in window.history.chart.points] == [2, 0, 2, 0]


def test_window_size_and_columns_are_remembered(window, qtbot, settings):
    from ui.main_window import MainWindow

    window.resize(760, 540)  # the offscreen screen is 800x600: stay inside it
    window.product_table.setColumnWidth(1, 333)
    window.close()
    again = MainWindow(window.state, settings)
    qtbot.addWidget(again)
    assert again.product_table.columnWidth(1) == 333
    assert (again.size().width(), again.size().height()) == (760, 540)


def test_an_unexpected_error_shows_what_happened_and_where_the_log_is(window, modal, tmp_path, monkeypatch):
    import sys

    from desktop_app.logs import log_file
    from ui.app import install_error_dialog

    shown = {}
    install_error_dialog()
    modal.on_next(lambda box: (shown.update(text=box.text(), info=box.informativeText()), box.close()))
    try:
        raise RuntimeError("disk unplugged")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert shown["text"] == "Something went wrong: RuntimeError: disk unplugged"
    assert str(log_file()) in shown["info"] and "saved before it is safe" in shown["info"]
    assert window.state.inventory.item("MUG-CER").on_hand == 46  # committed data is untouched
    sys.excepthook = sys.__excepthook__
