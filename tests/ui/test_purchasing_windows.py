"""The purchasing windows driven as staff drive them: the PO editor, receiving with a scanner, reorder
suggestions to draft POs, the printed PDF (SPEC section 8)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.conftest import message_text


@pytest.fixture
def state(demo):
    from ui.state import AppState

    demo.add_store("Shop")
    demo.set_store("Shop", track_inventory=True, remove_when="ordered")
    demo.add_product("PO-MUG", name="Blue mug", barcode="4006381333931", supplier="Acme")
    demo.add_product("PO-CAP", name="Red cap", barcode="0012345678905", supplier="Acme")
    app_state = AppState(demo, watch=False)
    yield app_state
    app_state.close()


def _forget_unsaved(dialog):
    """Nothing left to ask when the test closes the window (a failed test must not hang on a question)."""
    dialog.dirty = False
    getattr(dialog, "pending", {}).clear()


def show(qtbot, dialog):
    qtbot.addWidget(dialog, before_close_func=_forget_unsaved)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert dialog.width() <= 1024 and dialog.height() <= 700
    return dialog


def type_enter(qtbot, widget, text):
    widget.setFocus()
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def ordered_po(demo, *lines, store="Shop", expected="2026-07-01"):
    po = demo.purchasing.create("Acme", list(lines), store=store, expected=expected)
    demo.purchasing.order(po)
    return po


def test_the_editor_adds_lines_by_scan_and_item_number_and_enter_never_orders(state, demo, qtbot):
    from ui.purchase_editor import PurchaseOrderEditor

    editor = show(qtbot, PurchaseOrderEditor(state))
    editor.supplier.setCurrentText("Acme")
    editor.store.setCurrentIndex(editor.store.findData("Shop"))
    type_enter(qtbot, editor.expected, "2026-07-01")
    # A scan (barcode + Enter) finds the unit and moves to Quantity; Enter there adds the line.
    type_enter(qtbot, editor.code, "4006381333931")
    assert QApplication.focusWidget() in (editor.quantity, editor.quantity.lineEdit())
    qtbot.keyClicks(editor.quantity.lineEdit(), "6")
    qtbot.keyClick(editor.quantity.lineEdit(), Qt.Key.Key_Return)
    type_enter(qtbot, editor.code, "po-cap")  # an item number, in any case
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    type_enter(qtbot, editor.code, "4006381333931")  # the same unit again: added to its line
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    rows = [[editor.lines.item(r, c).text() for c in (0, 2, 5)] for r in range(editor.lines.rowCount())]
    assert rows == [["PO-MUG", "7", "7"], ["PO-CAP", "1", "1"]]
    assert demo.purchasing.list() == []  # Enter saved and ordered nothing
    assert editor.windowTitle().endswith("*")

    # Read-only cells swallow typing; the quantity cell takes it.
    editor.lines.setCurrentCell(0, 0)
    qtbot.keyClicks(editor.lines, "9")
    assert editor.lines.item(0, 0).text() == "PO-MUG"

    editor.order_button.click()
    (po,) = demo.purchasing.list()
    assert (po.state, po.supplier, po.store, po.outstanding) == ("ordered", "Acme", "Shop", 8)
    assert demo.item("PO-MUG").on_order == 7 and str(demo.item("PO-MUG").eta_date) == "2026-07-01"
    assert "ordered" in editor.windowTitle() and not editor.supplier.isEnabled()
    assert editor.receive_button.isEnabled() and not editor.order_button.isEnabled()


def test_an_unknown_code_is_named_and_adds_nothing(state, qtbot):
    from ui.purchase_editor import PurchaseOrderEditor

    editor = show(qtbot, PurchaseOrderEditor(state))
    type_enter(qtbot, editor.code, "NO-SUCH-THING")
    assert "NO-SUCH-THING" in editor.problem.text() and editor.lines.rowCount() == 0
    assert QApplication.focusWidget() is editor.code


def test_closing_a_po_confirms_naming_it_with_no_as_the_default(state, demo, qtbot, modal):
    from ui.purchase_editor import PurchaseOrderEditor

    po = ordered_po(demo, ("PO-MUG", 5))
    demo.purchasing.receive(po, [("PO-MUG", 2)])
    editor = show(qtbot, PurchaseOrderEditor(state, po))
    assert not editor.cancel_po_button.isEnabled()  # goods came: it can only be closed
    asked = {}

    def press_enter(box):
        asked["text"] = message_text(box)
        asked["default_no"] = box.defaultButton() is box.button(QMessageBox.StandardButton.No)
        qtbot.keyClick(box, Qt.Key.Key_Return)

    modal.on_next(press_enter)
    editor.close_po_button.click()
    modal.check()
    assert f"PO {po} (Acme)" in asked["text"] and "PO-MUG 3" in asked["text"] and asked["default_no"]
    assert demo.purchasing.get(po).state == "ordered"
    modal.on_next(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    editor.close_po_button.click()
    modal.check()
    assert demo.purchasing.get(po).state == "closed" and demo.item("PO-MUG").on_order == 0
    assert "closed" in editor.windowTitle()


def test_unsaved_draft_changes_ask_before_they_are_discarded(state, demo, qtbot, modal):
    from ui.purchase_editor import PurchaseOrderEditor

    po = demo.purchasing.create("Acme", [("PO-MUG", 1)])
    editor = show(qtbot, PurchaseOrderEditor(state, po))
    editor.lines.item(0, 2).setText("4")
    asked = {}
    modal.on_next(
        lambda box: (
            asked.setdefault("text", message_text(box)) and box.button(QMessageBox.StandardButton.No).click()
        )
    )
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    modal.check()
    assert f"PO {po} (Acme)" in asked["text"] and editor.isVisible()
    editor.save_button.click()
    assert demo.purchasing.get(po).lines[0].quantity == 4 and not editor.windowTitle().endswith("*")


def test_receiving_by_scan_refuses_an_over_receipt_and_books_one_receipt(state, demo, qtbot):
    from ui.purchase_receive import ReceiveDialog

    demo.adjust([("PO-MUG", -demo.item("PO-MUG").on_hand)]) if demo.item("PO-MUG").on_hand else None
    po = ordered_po(demo, ("PO-MUG", 5), ("PO-CAP", 2))
    receive = show(qtbot, ReceiveDialog(state, po))
    assert QApplication.focusWidget() is receive.scan

    def row(label):
        r = next(r for r in range(receive.table.rowCount()) if receive.table.item(r, 0).text() == label)
        return [
            receive.table.item(r, c).text() for c in (5, 6, 7)
        ]  # outstanding, this receipt, still to come

    type_enter(qtbot, receive.scan, "4006381333931")
    type_enter(qtbot, receive.scan, "4006381333931")
    assert row("PO-MUG") == ["5", "2", "3"]
    receive.quantity.setValue(4)  # a typed quantity: 2 + 4 would be 6 of the 5 outstanding
    type_enter(qtbot, receive.scan, "4006381333931")
    assert (
        "Refused: PO-MUG" in receive.message.text()
        and "more than the 5 outstanding" in receive.message.text()
    )
    assert row("PO-MUG") == ["5", "2", "3"]
    type_enter(qtbot, receive.scan, "UNKNOWN-1")
    assert receive.unknown_list.count() == 1 and "UNKNOWN-1" in receive.unknown_list.item(0).text()
    assert demo.item("PO-MUG").on_hand == 0  # Enter scanned; it booked nothing

    receive.receive_button.click()
    mug = demo.item("PO-MUG")
    assert (mug.on_hand, mug.on_order, mug.status) == (2, 3, "In Stock")  # the store's rule: 0 -> 2
    assert row("PO-MUG") == ["3", "0", "3"] and "Received 2" in receive.message.text()
    assert demo.purchasing.get(po).state == "ordered"


def test_suggestions_are_grouped_by_supplier_edited_and_made_into_drafts(state, demo, qtbot):
    from ui.purchase_suggestions import NO_SUPPLIER, SuggestionsDialog

    demo.edit_item("PO-MUG", {"low_stock_qty": 3, "reorder_to": 10})
    demo.add_product("PO-BOLT", on_hand=1, low_stock_qty=2, reorder_to=6, supplier="Bolt & Co")
    demo.add_product("PO-LOOSE", reorder_to=4)
    dialog = show(qtbot, SuggestionsDialog(state))
    groups = {
        dialog.tree.topLevelItem(i).text(0): dialog.tree.topLevelItem(i)
        for i in range(dialog.tree.topLevelItemCount())
    }
    assert {"Acme", "Bolt & Co", NO_SUPPLIER} <= set(groups)
    ids = {s.label: s.unit_id for s in dialog.suggestions}
    assert dialog.spins[ids["PO-MUG"]].value() == 10 and dialog.spins[ids["PO-BOLT"]].value() == 5
    assert not dialog.spins[ids["PO-LOOSE"]].isEnabled()
    dialog.spins[ids["PO-MUG"]].setValue(12)
    for s in dialog.suggestions:  # only the two units of this test
        if s.label not in ("PO-MUG", "PO-BOLT") and s.supplier:
            dialog.spins[s.unit_id].setValue(0)
    dialog.create_button.click()
    made = {p.supplier: p for p in map(demo.purchasing.get, dialog.created)}
    assert set(made) == {"Acme", "Bolt & Co"} and all(p.state == "draft" for p in made.values())
    assert [(line.label, line.quantity) for line in made["Acme"].lines] == [("PO-MUG", 12)]
    assert [(line.label, line.quantity) for line in made["Bolt & Co"].lines] == [("PO-BOLT", 5)]
    assert "Created draft PO" in dialog.message.text()


def test_the_list_filters_by_state_and_supplier(state, demo, qtbot):
    from ui.purchase_orders import ALL, PurchaseOrdersWindow

    ordered = ordered_po(demo, ("PO-MUG", 1))
    draft = demo.purchasing.create("Bolt", [("PO-CAP", 1)])
    window = show(qtbot, PurchaseOrdersWindow(state))
    assert [r.id for r in window.rows] == [draft, ordered]
    window.state_filter.setCurrentText("ordered")
    assert [r.id for r in window.rows] == [ordered]
    window.state_filter.setCurrentText(ALL)
    window.supplier_filter.setCurrentText("Bolt")
    assert [window.table.item(r, 1).text() for r in range(window.table.rowCount())] == ["Bolt"]


def test_the_main_window_opens_purchase_orders_from_the_orders_menu(window, qtbot, modal):
    seen = {}

    def look(dialog):
        seen["title"] = dialog.windowTitle()
        dialog.reject()

    modal.on_next(look)
    window.act_purchase_orders.trigger()
    modal.check()
    assert seen["title"] == "Purchase orders"


def render_first_page(path, folder):
    """The PDF's first page as an image: QtPdf when installed, else poppler's pdftoppm."""
    import shutil
    import subprocess

    from PySide6.QtGui import QImage

    try:
        from PySide6.QtCore import QSize
        from PySide6.QtPdf import QPdfDocument
    except ImportError:
        if not shutil.which("pdftoppm"):
            pytest.skip("neither QtPdf nor pdftoppm is here to read the page back")
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(folder / "page")],
            check=True,
        )
        return QImage(str(next(folder.glob("page*.png"))))
    doc = QPdfDocument()
    doc.load(str(path))
    return doc.render(0, QSize(400, 560))


def test_a_po_prints_to_a_pdf_page(state, demo, tmp_path, qtbot):
    from ui.purchase_print import write_pdf

    po = ordered_po(demo, ("PO-MUG", 3))
    path = tmp_path / "po.pdf"
    assert write_pdf(demo.purchasing.get(po), str(path))
    assert path.read_bytes().startswith(b"%PDF")
    image = render_first_page(path, tmp_path)
    dark = sum(
        1
        for x in range(0, image.width(), 4)
        for y in range(0, image.height(), 4)
        if image.pixelColor(x, y).lightness() < 128
    )
    assert dark > 20  # the page holds text, not a blank sheet


def test_a_line_is_added_by_searching_part_of_a_name(state, demo, qtbot):
    from ui.purchase_editor import PurchaseOrderEditor

    editor = show(qtbot, PurchaseOrderEditor(state))
    type_enter(qtbot, editor.code, "red ca")  # neither a barcode nor an item number: a search
    assert editor.matches.isVisible() and QApplication.focusWidget() is editor.matches
    assert editor.matches.item(0).text().startswith("PO-CAP — Red cap")
    qtbot.keyClick(editor.matches, Qt.Key.Key_Return)  # picks it, and only moves on to Quantity
    assert editor.lines.rowCount() == 0
    assert QApplication.focusWidget() in (editor.quantity, editor.quantity.lineEdit())
    qtbot.keyClicks(QApplication.focusWidget(), "3")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert [editor.lines.item(0, c).text() for c in (0, 2)] == ["PO-CAP", "3"]
    assert not editor.matches.isVisible() and demo.purchasing.list() == []


def test_the_summary_line_counts_the_lines_on_screen_before_they_are_saved(state, demo, qtbot):
    """A saved draft with 6 mugs at 2.50; adding 4 caps must show outstanding 10, not the saved 6."""
    from ui.purchase_editor import PurchaseOrderEditor

    po = demo.purchasing.create("Acme", [("PO-MUG", 6)], store="Shop")
    editor = show(qtbot, PurchaseOrderEditor(state, po))
    editor.lines.item(0, 3).setText("2.50")
    assert "outstanding 6" in editor.info.text() and "total 15.00" in editor.info.text()
    type_enter(qtbot, editor.code, "PO-CAP")
    qtbot.keyClicks(editor.quantity.lineEdit(), "\b4")
    qtbot.keyClick(editor.quantity.lineEdit(), Qt.Key.Key_Return)
    assert [editor.lines.item(r, 5).text() for r in range(2)] == ["6", "4"]
    assert "outstanding 10" in editor.info.text() and "total 15.00" in editor.info.text()
    assert "not saved" in editor.info.text()
