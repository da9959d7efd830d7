"""The Orders window and the New order dialog, driven from the keyboard as staff drive them (issue 10)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.conftest import message_text


@pytest.fixture
def state(demo):
    from ui.state import AppState

    app_state = AppState(demo, watch=False)
    yield app_state
    app_state.close()


@pytest.fixture
def orders(qtbot, state):
    from ui.orders import OrdersDialog

    dialog = OrdersDialog(state)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    return dialog


def order_state(demo, order_id: int) -> str:
    return demo.order(order_id).state


def test_defect_1_cancel_confirms_naming_the_order_and_enter_never_cancels_another(
    orders, qtbot, modal, demo, monkeypatch
):
    open_ids = [o.id for o in orders.orders]
    assert len(open_ids) >= 2 and orders.selected().id == open_ids[0]
    first, second = open_ids[0], open_ids[1]

    # Tabbing through the table leaves it; it never walks to another order.
    orders.table.setFocus()
    for _ in range(8):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert orders.selected() is not None and orders.selected().id == first
    assert QApplication.focusWidget() is not orders.table

    # Cancel asks, naming the order; Enter answers the safe default: No.
    asked = {}

    def press_enter(box):
        asked["text"] = message_text(box)
        asked["default"] = box.defaultButton() is box.button(QMessageBox.StandardButton.No)
        qtbot.keyClick(box, Qt.Key.Key_Return)

    modal.on_next(press_enter)
    qtbot.mouseClick(orders.buttons["cancel"], Qt.MouseButton.LeftButton)
    modal.check()
    assert f"order {first}" in asked.get("text", "") and asked["default"]
    assert order_state(demo, first) in ("placed", "paid")

    modal.on_next(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    qtbot.mouseClick(orders.buttons["cancel"], Qt.MouseButton.LeftButton)
    modal.check()
    assert order_state(demo, first) == "cancelled"

    # A second Enter (the focus wherever the cancel left it) cancels nothing else, and asks nothing.
    questions = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: questions.append(box.text()) or 0)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert order_state(demo, second) in ("placed", "paid") and questions == []
    assert not orders.buttons["cancel"].isEnabled() or orders.selected().id != second


def test_deleting_an_order_confirms_with_no_as_the_default(orders, qtbot, modal, demo):
    order = orders.selected()
    asked = {}

    def answer(box):
        asked["text"] = message_text(box)
        asked["default_no"] = box.defaultButton() is box.button(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.No).click()

    modal.on_next(answer)
    orders.buttons["delete"].click()
    modal.check()
    assert f"order {order.id}" in asked["text"] and asked["default_no"]
    assert demo.order(order.id).state == order.state


def test_action_buttons_have_mnemonics(orders):
    for verb in ("pay", "ship", "cancel", "return", "delete"):
        assert "&" in orders.buttons[verb].text(), verb


def test_order_times_are_local_with_the_zone_on_hover(orders, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        orders.reload()
        order = orders.orders[0]
        placed = order.placed_at if order.placed_at.tzinfo else order.placed_at.replace(tzinfo=dt.UTC)
        column = [orders.table.horizontalHeaderItem(c).text() for c in range(orders.table.columnCount())]
        assert "UTC" not in " ".join(column)
        shown = orders.table.item(0, column.index("Placed"))
        assert shown.text() == placed.astimezone().strftime("%Y-%m-%d %H:%M")
        assert "JST" in shown.toolTip() and "UTC" in shown.toolTip()
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


@pytest.fixture
def new_order(qtbot, state):
    from ui.orders import PlaceOrderDialog

    dialog = PlaceOrderDialog(state)
    qtbot.addWidget(dialog)
    dialog.store.setCurrentText("Main Street")
    dialog.show()
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    return dialog


def test_defect_2_enter_adds_lines_and_only_the_place_button_places(new_order, qtbot, demo):
    before = len(demo.orders(states=None))
    dialog = new_order
    dialog.item.setFocus()
    for item, quantity in (("MUG-CER", "2"), ("FILT-100", "3")):
        qtbot.keyClicks(QApplication.focusWidget(), item)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        assert dialog.isVisible() and dialog.order_id is None, "Enter in Item placed the order"
        assert QApplication.focusWidget() in (dialog.quantity, dialog.quantity.lineEdit())
        qtbot.keyClicks(QApplication.focusWidget(), quantity)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        assert dialog.isVisible() and dialog.order_id is None, "Enter in Quantity placed the order"
        assert QApplication.focusWidget() is dialog.item
    assert dialog.wanted() == [("MUG-CER", 2), ("FILT-100", 3)]
    # Enter in an empty Item field does not place either.
    qtbot.keyClick(dialog.item, Qt.Key.Key_Return)
    assert dialog.order_id is None and len(demo.orders(states=None)) == before

    assert "&" in dialog.place_button.text()
    qtbot.keyClick(dialog.item, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: dialog.order_id is not None)  # a mnemonic "animates" the click first
    placed = demo.order(dialog.order_id)
    assert [(ln.item_number, ln.quantity) for ln in placed.lines] == [("MUG-CER", 2), ("FILT-100", 3)]


def test_escape_with_lines_entered_asks_before_discarding_the_new_order(new_order, qtbot, modal):
    dialog = new_order
    dialog.add_line("MUG-CER", 2)
    asked = {}

    def answer(box):
        asked["text"] = message_text(box)
        qtbot.keyClick(box, Qt.Key.Key_Return)  # the default: keep it

    modal.on_next(answer)
    qtbot.keyClick(dialog.item, Qt.Key.Key_Escape)
    modal.check()
    assert "MUG-CER × 2" in asked["text"] and dialog.isVisible()
    modal.on_next(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    qtbot.keyClick(dialog.item, Qt.Key.Key_Escape)
    modal.check()
    assert not dialog.isVisible()
