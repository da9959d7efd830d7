"""The Stock count window and the main window's search box taking a scan (SPEC section 7)."""

from __future__ import annotations

import random

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from tests.ui.conftest import click_ok, message_text


@pytest.fixture
def shop_state(inventory):
    from ui.state import AppState

    inventory.add_store("Main")
    inventory.set_store("Main", track_inventory=True, remove_when="ordered")
    state = AppState(inventory, watch=False)
    state.set_current_store("Main")
    yield state
    state.close()


def open_window(qtbot, state):
    from ui.counts import StockCountWindow

    win = StockCountWindow(state)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def scan(win, code: str) -> None:
    """A USB scanner: the code's characters then Enter, with no pause."""
    QTest.keyClicks(win.scan_field, code)
    QTest.keyClick(win.scan_field, Qt.Key.Key_Return)


def lines_shown(win) -> dict[str, tuple[int, int, int]]:
    return {li.label: (li.counted, li.expected, li.difference) for li in win.model.lines}


def test_500_scans_at_scanner_speed_lose_or_merge_none(qtbot, shop_state):
    inventory = shop_state.inventory
    for n in range(50):
        inventory.add_product(f"SKU-{n:02d}", on_hand=10, barcode=f"40000000{n:05d}")
    win = open_window(qtbot, shop_state)
    win.start_button.click()
    codes = [f"40000000{n:05d}" for n in range(50) for _ in range(10)]
    random.Random(7).shuffle(codes)
    for code in codes:
        scan(win, code)
    assert win.scan_field.text() == "" and win.focusWidget() is win.scan_field
    assert lines_shown(win) == {f"SKU-{n:02d}": (10, 10, 0) for n in range(50)}
    stored = inventory.counts.get(win.count.id)
    assert sorted(li.counted for li in stored.lines) == [10] * 50 and stored.unresolved == []
    assert win.totals.text().startswith("50 lines · counted 500 · expected 500")


def test_a_quantity_typed_before_the_code_and_a_recount(qtbot, shop_state, monkeypatch):
    shop_state.inventory.add_product("PEN", on_hand=10, barcode="111")
    win = open_window(qtbot, shop_state)
    win.start_button.click()
    scan(win, "5*111")
    scan(win, "pen")
    assert lines_shown(win) == {"PEN": (6, 10, -4)}
    assert "PEN: counted 6 (expected 10, -4)" in win.last_scan.text()
    win.table.setCurrentIndex(win.proxy.index(0, 0))
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (9, True))
    win.recount_button.click()
    assert lines_shown(win) == {"PEN": (9, 10, -1)}


def test_an_unknown_scan_is_kept_across_a_restart_then_assigned(qtbot, shop_state, monkeypatch):
    shop_state.inventory.add_product("PEN", on_hand=3)
    win = open_window(qtbot, shop_state)
    win.start_button.click()
    scan(win, "2*0099887766")
    assert win.model.lines == [] and win.unresolved.count() == 1
    assert "No item has the barcode or item number '0099887766'" in win.unresolved.item(0).text()
    win.close()
    again = open_window(qtbot, shop_state)  # the count and its unresolved scan come back
    assert again.count.id == win.count.id and again.unresolved.count() == 1
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("PEN", True))
    again.assign_button.click()
    assert again.unresolved.count() == 0 and lines_shown(again) == {"PEN": (2, 3, -1)}


def test_an_ambiguous_scan_asks_which_item(qtbot, shop_state, monkeypatch):
    shop_state.inventory.add_product("OIL-A", barcode="777")
    shop_state.inventory.add_product("OIL-B", barcode="777")
    win = open_window(qtbot, shop_state)
    win.start_button.click()
    scan(win, "777")
    assert win.model.lines == [] and "names 2 items: OIL-A, OIL-B" in win.unresolved.item(0).text()
    asked = []

    def get_item(_parent, _title, label, items, *_args, **_kwargs):
        asked.append((label, list(items)))
        return items[1], True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    win.assign_button.click()
    assert asked and asked[0][1][0].startswith("OIL-A") and asked[0][1][1].startswith("OIL-B")
    assert lines_shown(win) == {"OIL-B": (1, 0, 1)}


def _post_through_the_preview(win, modal, seen: list) -> None:
    def on_preview(dialog) -> None:
        table = dialog.table
        seen.extend(
            [table.item(r, c).text() if table.item(r, c) else "" for c in range(5)]
            for r in range(table.rowCount())
        )
        modal.on_next(click_ok)  # "Count posted"
        dialog.post_button.click()

    modal.on_next(on_preview)
    win.post_button.click()


def test_a_count_posted_for_a_tracking_store_moves_stock_and_statuses_and_can_be_reverted(
    qtbot, shop_state, modal
):
    inventory = shop_state.inventory
    inventory.add_product("CAP")  # Out of Stock at 0
    win = open_window(qtbot, shop_state)
    assert win.store_combo.currentData() == "Main"
    win.start_button.click()
    scan(win, "3*CAP")
    seen: list = []
    _post_through_the_preview(win, modal, seen)
    assert seen == [["CAP", "0", "3", "Out of Stock", "In Stock"]]  # the preview, status change included
    cap = inventory.item("CAP")
    assert (cap.on_hand, cap.status) == (3, "In Stock")
    batch = inventory.batches()[0]
    assert batch["cause"] == "count" and batch["revertible"]
    inventory.revert_batch(batch["batch"])
    cap = inventory.item("CAP")
    assert (cap.on_hand, cap.status) == (0, "Out of Stock")
    assert win.count is None  # the posted count left the list of open counts


def test_a_sale_between_counting_and_posting_is_not_lost(qtbot, shop_state, modal):
    inventory = shop_state.inventory
    inventory.add_product("PEN", on_hand=10)
    win = open_window(qtbot, shop_state)
    win.start_button.click()
    scan(win, "9*PEN")
    inventory.place_order("Main", [("PEN", 1)])  # 10 -> 9 while the count is open
    _post_through_the_preview(win, modal, [])
    assert inventory.item("PEN").on_hand == 8


def test_the_review_shows_only_differences_with_totals(qtbot, shop_state):
    for number, on_hand in (("A", 5), ("B", 2), ("C", 7)):
        shop_state.inventory.add_product(number, on_hand=on_hand)
    win = open_window(qtbot, shop_state)
    win.start_button.click()
    for code in ("5*A", "4*B", "6*C"):
        scan(win, code)
    win.only_differences.setChecked(True)
    assert win.proxy.rowCount() == 2
    win.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)  # by difference
    assert [win.proxy.index(r, 0).data() for r in range(2)] == ["C", "B"]
    assert win.totals.text().startswith("2 lines · counted 10 · expected 9 · difference +1")


def test_cancel_asks_naming_the_count_and_defaults_to_keeping_it(qtbot, shop_state, modal):
    shop_state.inventory.add_product("PEN", on_hand=1)
    win = open_window(qtbot, shop_state)
    win.start_button.click()
    scan(win, "PEN")
    count_id = win.count.id
    asked = {}

    def answer(box: QMessageBox) -> None:
        asked["text"] = message_text(box)
        asked["default_no"] = box.defaultButton() is box.button(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.No).click()

    modal.on_next(answer)
    win.cancel_button.click()
    assert (
        f"Cancel Count {count_id} (no store)" in asked["text"]
        or f"Cancel Count {count_id} (Main)" in asked["text"]
    )
    assert asked["default_no"] and shop_state.inventory.counts.get(count_id).state == "open"
    modal.on_next(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    win.cancel_button.click()
    assert shop_state.inventory.counts.get(count_id).state == "cancelled"


def test_the_count_window_fits_1024_by_700(qtbot, shop_state):
    win = open_window(qtbot, shop_state)
    assert win.minimumSizeHint().width() <= 1024 and win.minimumSizeHint().height() <= 700
    assert win.width() <= 1024 and win.height() <= 700


def test_the_search_box_takes_a_scan_and_selects_the_variant(window, demo, qtbot, monkeypatch):
    variant = demo.item("TEE-LOGO-M-BLA")
    demo.edit_item(variant.item_number, {"barcode": "5012345678900"})
    window.products.refresh()
    QTest.keyClicks(window.search, "5012345678900")
    QTest.keyClick(window.search, Qt.Key.Key_Return)
    assert window.search.text() == ""
    assert window.variant_table.selected_item_id() == variant.id
    assert window.product_table.selected_item_id() == demo.item(variant.parent).id


def test_a_scan_naming_several_units_in_the_search_box_lists_them(window, demo, qtbot, monkeypatch):
    first, second = demo.item("TEE-LOGO-S-BLA"), demo.item("TEE-LOGO-M-BLA")
    for unit in (first, second):
        demo.edit_item(unit.item_number, {"barcode": "777"})
    listed = []

    def get_item(_parent, _title, _label, items, *_args, **_kwargs):
        listed.extend(items)
        return items[0], True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    QTest.keyClicks(window.search, "777")
    QTest.keyClick(window.search, Qt.Key.Key_Return)
    assert len(listed) == 2 and {x.split(" ")[0] for x in listed} == {"TEE-LOGO-S-BLA", "TEE-LOGO-M-BLA"}
    assert window.variant_table.selected_item_id() in (first.id, second.id)


def test_the_history_names_the_count_and_its_batch(qtbot, shop_state):
    from ui.history import HistoryPanel

    inventory = shop_state.inventory
    inventory.add_product("PEN", on_hand=2)
    count = inventory.counts.start()
    inventory.counts.scan(count.id, [("PEN", 5)])
    posted = inventory.counts.post(count.id)
    panel = HistoryPanel(shop_state)
    qtbot.addWidget(panel)
    panel.show_item(inventory.item("PEN").id)
    shown = [
        panel.table.item(r, c).text()
        for r in range(panel.table.rowCount())
        for c in range(panel.table.columnCount())
        if panel.table.item(r, c)
    ]
    assert f"count (batch {posted.batch}): stock count {count.id}" in shown


def test_a_scan_of_an_item_the_status_filter_hides_shows_and_selects_it(window, demo, qtbot):
    product = demo.item("MUG-CER")
    demo.edit_item(product.item_number, {"barcode": "4006381333931"})
    shown = next(i for i in range(window.status_filter.count())
                 if window.status_filter.itemData(i) is not None and window.status_filter.itemText(i) != product.status)
    window.status_filter.setCurrentIndex(shown)  # a filter that leaves the scanned product out
    window.products.refresh()
    QTest.keyClicks(window.search, "4006381333931")
    QTest.keyClick(window.search, Qt.Key.Key_Return)
    assert window.product_table.selected_item_id() == product.id
    assert window.status_filter.currentData() is None  # the filter that hid it is off, so the row is there
