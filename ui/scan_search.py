"""The main window's search box takes a scan: a USB scanner types a code and Enter within milliseconds.

Enter in the search box first asks what the code names (a barcode exactly, else an item number in any case):
one unit is selected (a variant under its product), several are listed to choose from; a code that names
nothing, or a product by its item number (which the search finds anyway), goes on as a plain search.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop_app.counts import Candidate
from desktop_app.errors import InventoryError
from ui.count_dialogs import choose_candidate


def take_scan(window) -> bool:
    """Handle Enter in ``window.search`` as a scan; False when the text names no item (a plain search)."""
    code = window.search.text().strip()
    if not code:
        return False
    try:
        found = window.state.inventory.counts.candidates(code)
    except InventoryError:
        return False
    if not found:
        return False
    if (
        len(found) == 1
        and found[0].parent_id is None
        and (found[0].item_number or "").lower() == code.lower()
    ):
        return False  # a product's item number: the search itself lists it (and keeps the filter)
    chosen = found[0] if len(found) == 1 else choose_candidate(window, code, found)
    if chosen is not None:
        select_unit(window, chosen)
        window.statusBar().showMessage(f"'{code}': {chosen.description}", 6000)
    return True


def select_unit(window, unit: Candidate) -> None:
    """Show every product (the code is not a search), select the unit's product, and a variant under it."""
    product_id = unit.parent_id or unit.id
    window._search_timer.stop()
    window.search.blockSignals(True)
    window.search.clear()
    window.search.blockSignals(False)
    window._current_product = product_id
    window.apply_filters()
    inventory = window.state.inventory
    row = window.products.row_of(product_id)
    if row is None:
        row = inventory.view_position(window.products.query, product_id)
    if row < 0:  # the status or stock filter hides it: a scan asks for this item, so show every product
        for combo in (window.status_filter, window.stock_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        window.apply_filters()
        row = inventory.view_position(window.products.query, product_id)
        if row < 0:
            return
    table: QWidget = window.product_table
    table.setCurrentIndex(window.products.index(row, 0))
    table.scrollTo(window.products.index(row, 0))
    if unit.parent_id is not None:
        window.bottom_tabs.setCurrentWidget(window.variant_table)
        variant_row = window.variants.row_of(unit.id)
        if variant_row is None:
            variant_row = inventory.view_position(window.variants.query, unit.id)
        if variant_row >= 0:
            window.variant_table.setCurrentIndex(window.variants.index(variant_row, 0))
            window.variant_table.setFocus()
            return
    table.setFocus()
