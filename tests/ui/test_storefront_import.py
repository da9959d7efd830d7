"""The import wizard on the storefront's orders export: recognised by its header, previewed, then imported."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard

from tests.conftest import fixture_path

ORDERS = fixture_path("shopify-orders-export.csv")


def stock_every_sku(inventory, special=None):
    with open(ORDERS, newline="", encoding="utf-8-sig") as f:
        skus = sorted({r["Lineitem sku"] for r in csv.DictReader(f) if r["Lineitem sku"]})
    for sku in skus:
        inventory.add_product(sku, on_hand=(special or {}).get(sku, 10))


@pytest.fixture
def state(shop):
    from ui.state import AppState

    stock_every_sku(shop, {"oil-tw-3oz": 1})
    app_state = AppState(shop, watch=False)
    yield app_state
    app_state.close()


def open_wizard(qtbot, state, path):
    from ui.import_wizard import ImportWizard

    wizard = ImportWizard(state, path=path)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    return wizard


def run_page(qtbot, wizard, page):
    wizard.next()
    assert wizard.currentPage() is page
    qtbot.waitUntil(lambda: page.finished, timeout=120_000)


def test_the_wizard_previews_the_orders_export_then_imports_it(qtbot, state):
    wizard = open_wizard(qtbot, state, ORDERS)
    flow = wizard.orders_flow
    assert "Storefront orders export" in wizard.files.detected.text()
    assert wizard.windowTitle() == "Storefront orders import"
    wizard.next()
    assert wizard.currentPage() is flow.options and flow.options.store.currentText() == "Main"
    assert "removes stock when an order is placed" in flow.options.explain.text()

    run_page(qtbot, wizard, flow.preview)
    preview = flow.preview
    tabs = [preview.tabs.tabText(i) for i in range(preview.tabs.count())]
    assert tabs == ["Orders (12)", "Skipped lines (1)", "Oversold (1)", "Status changes (1)", "Errors (0)"]
    events = {preview.orders.item(r, 0).text(): preview.orders.item(r, 2).text() for r in range(12)}
    assert events["#1008"] == "placed → paid → shipped" and events["#1009"] == "placed → cancelled"
    assert preview.skipped.item(0, 0).text() == "6" and "no SKU" in preview.skipped.item(0, 2).text()
    assert preview.oversold.item(0, 0).text() == "#1010"
    assert [preview.statuses.item(0, c).text() for c in range(3)] == ["oil-tw-3oz", "In Stock", "Out of Stock"]
    assert "12 placed, 9 paid, 4 shipped, 1 cancelled" in preview.summary_label.text()
    inventory = state.inventory
    assert inventory.item("balm-pump").on_hand == 10 and inventory.orders() == [], "a preview writes nothing"

    assert wizard.button(QWizard.WizardButton.CommitButton).text() == "&Import"
    run_page(qtbot, wizard, flow.run_page)
    assert "Imported." in flow.run_page.summary_label.text()
    assert inventory.item("balm-pump").on_hand == 9 and inventory.item("oil-tw-3oz").on_hand == -2
    assert wizard.button(QWizard.WizardButton.FinishButton).isVisible()


def test_the_orders_window_shows_the_storefront_name_and_where_an_order_came_from(qtbot, state):
    from ui.orders import OrdersDialog

    state.inventory.storefront.import_orders(ORDERS, store="Main")
    state.inventory.place_order("Main", [("balm-tw", 1)])
    dialog = OrdersDialog(state)
    qtbot.addWidget(dialog)
    dialog.state_filter.setCurrentText("All")
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())]
    name, source = headers.index("Storefront order"), headers.index("From")
    shown = {dialog.table.item(r, 0).text(): (dialog.table.item(r, name).text(), dialog.table.item(r, source).text())
             for r in range(dialog.table.rowCount())}
    assert len(shown) == 13
    newest = max(shown, key=int)
    assert shown[newest] == ("", "editor")
    assert ("#1012", "storefront export") in shown.values() and ("#1001", "storefront export") in shown.values()


def test_an_orders_export_with_an_unknown_sku_blocks_the_import_and_a_product_file_keeps_its_pages(
    qtbot, state, tmp_path
):
    bad = tmp_path / "orders.csv"
    text = Path(ORDERS).read_text(encoding="utf-8-sig").replace(",balm-pump,", ",no-such-sku,")
    bad.write_text(text, encoding="utf-8")
    wizard = open_wizard(qtbot, state, str(bad))
    wizard.next()
    run_page(qtbot, wizard, wizard.orders_flow.preview)
    preview = wizard.orders_flow.preview
    assert preview.tabs.currentIndex() == 4 and preview.tabs.tabText(4) == "Errors (1)"
    assert [preview.errors.item(0, c).text() for c in range(3)] == ["2", "Lineitem sku", "there is no item 'no-such-sku'"]
    assert not preview.isComplete(), "nothing can be imported while an order is invalid"
    wizard.back()
    wizard.back()
    wizard.files.path.setText(fixture_path("shopify-product-export.csv"))
    assert wizard.windowTitle() == "Product import"
    wizard.next()
    assert wizard.currentPage() is wizard.options
