"""The one line-entry row of the New order dialog, the PO editor and the receiving dialog: the keypad's Enter
(a scanner's) does what Return does in each, and a button in the row is never pressed by Enter in a field."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.test_purchasing_windows import ordered_po, show, state  # noqa: F401  (the fixture)

KEYPAD = Qt.KeyboardModifier.KeypadModifier


def keypad_enter(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Enter, KEYPAD)


def test_the_keypad_enter_moves_along_each_entry_row(state, demo, qtbot):  # noqa: F811
    from ui.order_place import PlaceOrderDialog
    from ui.purchase_editor import PurchaseOrderEditor
    from ui.purchase_receive import ReceiveDialog

    order = show(qtbot, PlaceOrderDialog(state))
    keypad_enter(qtbot, order.item, "PO-MUG")
    assert QApplication.focusWidget() in (order.quantity, order.quantity.lineEdit())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Enter, KEYPAD)
    assert order.wanted() == [("PO-MUG", 1)] and QApplication.focusWidget() is order.item
    assert order.order_id is None

    editor = show(qtbot, PurchaseOrderEditor(state))
    keypad_enter(qtbot, editor.code, "0012345678905")
    assert QApplication.focusWidget() in (editor.quantity, editor.quantity.lineEdit())
    qtbot.keyClicks(QApplication.focusWidget(), "2")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Enter, KEYPAD)
    assert [editor.lines.item(0, c).text() for c in (0, 2)] == ["PO-CAP", "2"]
    assert QApplication.focusWidget() is editor.code and editor.quantity.value() == 1

    po = ordered_po(demo, ("PO-CAP", 3))
    receive = show(qtbot, ReceiveDialog(state, po))
    keypad_enter(qtbot, receive.scan, "0012345678905")
    assert receive.pending == {demo.item("PO-CAP").id: 1} and receive.scan.text() == ""
    assert demo.item("PO-CAP").on_hand == 0  # scanned, not booked
