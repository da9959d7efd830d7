"""``ProductEditorDialog``: every field of a product or variant, checked as it is typed.

It is a manual edit, as in the storefront's product editor: saving never triggers an automatic status
change, and the dialog says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.models import Item, min_above_max, options_text
from ui import look
from ui.advice import AdviceBar
from ui.state import AppState
from ui.widgets import fit_to_screen

MANUAL_NOTE = (
    "Changes made here are manual: they never trigger an automatic status change "
    "(a count set to 0 here does not make the item Out of Stock)."
)
BIG = 1_000_000_000


def _spin(minimum: int, value: int, *, suffix: str = "", special: str | None = None) -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, BIG)
    box.setValue(value)
    box.setAccelerated(True)
    box.setKeyboardTracking(True)
    if suffix:
        box.setSuffix(suffix)
    if special:
        box.setSpecialValueText(special)
    box.setMinimumWidth(110)
    return box


class ProductEditorDialog(QDialog):
    """Edit one product or variant; ``changes()`` is what differs from what was loaded."""

    def __init__(
        self,
        state: AppState,
        item: Item,
        parent: QWidget | None = None,
        *,
        apply_rule: Callable[[int], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.item = item
        self._apply_rule = apply_rule
        self.is_variant = item.parent_id is not None
        kind = "Variant" if self.is_variant else "Product"
        self.setWindowTitle(f"{kind} {item.label}")
        self.setObjectName("ProductEditorDialog")

        self.item_number = QLineEdit(item.item_number or "")
        self.item_number.setPlaceholderText("SKU, unique across products and variants")
        self.item_id = QLineEdit("" if item.item_id is None else str(item.item_id))
        self.item_id.setPlaceholderText("storefront ItemID (optional)")
        self.name = QLineEdit(item.name)
        self.status = QComboBox()
        for status in state.statuses.values():
            self.status.addItem(look.status_icon(status), status.name)
        self.status.setCurrentText(item.status)
        self.on_hand = _spin(-BIG, item.on_hand)
        self.on_order = _spin(0, item.on_order)
        self.min_qty = _spin(0, item.min_qty, special="none")
        self.max_qty = _spin(0, item.max_qty, special="no limit")
        self.multiple_qty = _spin(1, item.multiple_qty, special="")
        self.low_stock_qty = _spin(0, item.low_stock_qty)
        self.reorder_to = _spin(0, item.reorder_to, special="never suggest")
        self.barcode = QLineEdit(item.barcode or "")
        self.barcode.setObjectName("barcode")
        self.barcode.setPlaceholderText("GTIN / UPC / EAN, or any code (optional; scan it here)")
        self.supplier = QLineEdit(item.supplier or "")
        self.supplier.setObjectName("supplier")
        self.low_stock_warning = QCheckBox("Warn when on hand is at or below")
        self.low_stock_warning.setChecked(item.low_stock_warning)
        self.discontinued = QCheckBox(
            "Discontinued (gets the store's discontinued status when stock reaches 0)"
        )
        self.discontinued.setChecked(item.discontinued)
        self.non_inventory = QCheckBox("Non-inventory (stock is not tracked)")
        self.non_inventory.setChecked(item.non_inventory)
        self.has_eta = QCheckBox("ETA")
        self.eta = QDateEdit()
        self.eta.setCalendarPopup(True)
        self.eta.setDisplayFormat("yyyy-MM-dd")
        eta = item.eta_date or dt.date.today()
        self.eta.setDate(QDate(eta.year, eta.month, eta.day))
        self.has_eta.setChecked(item.eta_date is not None)
        self.eta.setEnabled(item.eta_date is not None)
        self.has_eta.toggled.connect(self.eta.setEnabled)

        identity = QFormLayout()
        identity.addRow("Item number", self.item_number)
        identity.addRow("ItemID", self.item_id)
        if self.is_variant:
            options = QLabel(options_text(item.options))
            identity.addRow("Options", options)
            identity.addRow("Product", QLabel(item.parent or ""))
        else:
            identity.addRow("Name", self.name)
        identity.addRow("Status", self.status)
        identity.addRow("Barcode", self.barcode)
        identity.addRow("Supplier", self.supplier)
        if self.is_variant:
            self.supplier.setEnabled(False)
            self.supplier.setToolTip(f"A variant follows its product {item.parent}'s supplier")

        stock = QGridLayout()
        stock.addWidget(QLabel("On hand"), 0, 0)
        stock.addWidget(self.on_hand, 0, 1)
        stock.addWidget(QLabel("On order"), 0, 2)
        stock.addWidget(self.on_order, 0, 3)
        stock.addWidget(self.low_stock_warning, 1, 0, 1, 2)
        stock.addWidget(self.low_stock_qty, 1, 2)
        stock.addWidget(QLabel("Reorder up to"), 1, 3)
        stock.addWidget(self.reorder_to, 1, 4)
        self.figures = QLabel()
        self.figures.setObjectName("hint")
        stock.addWidget(self.figures, 2, 0, 1, 4)
        stock_box = QGroupBox("Stock")
        stock_box.setLayout(stock)
        if item.use_variant_inventory:
            for box in (self.on_hand, self.on_order):
                box.setEnabled(False)
                box.setToolTip("The sum of the variants' counts: edit the variants to change it")

        limits = QGridLayout()
        limits.addWidget(QLabel("Minimum per order"), 0, 0)
        limits.addWidget(self.min_qty, 0, 1)
        limits.addWidget(QLabel("Maximum per order"), 0, 2)
        limits.addWidget(self.max_qty, 0, 3)
        limits.addWidget(QLabel("Sold in multiples of"), 1, 0)
        limits.addWidget(self.multiple_qty, 1, 1)
        eta_row = QHBoxLayout()
        eta_row.addWidget(self.has_eta)
        eta_row.addWidget(self.eta)
        eta_row.addStretch()
        limits.addLayout(eta_row, 1, 2, 1, 2)
        limits.addWidget(self.discontinued, 2, 0, 1, 4)
        limits.addWidget(self.non_inventory, 3, 0, 1, 4)
        limits_box = QGroupBox("Ordering")
        limits_box.setLayout(limits)
        if self.is_variant:
            for widget in (
                self.min_qty,
                self.max_qty,
                self.multiple_qty,
                self.discontinued,
                self.non_inventory,
                self.has_eta,
                self.eta,
                self.low_stock_warning,
            ):
                widget.setEnabled(False)
            limits_box.setTitle(f"Ordering (follows product {item.parent})")

        self.note = note = QLabel(MANUAL_NOTE)
        note.setWordWrap(True)
        note.setObjectName("hint")
        self.problem = QLabel()
        self.problem.setObjectName("error")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Save")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancel")
        self.advice = AdviceBar(state)
        self.advice.apply_requested.connect(self.apply_rule)
        self.advice.button.setEnabled(apply_rule is not None)
        self.advice.show_for(item.id)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.advice)
        layout.addLayout(identity)
        layout.addWidget(stock_box)
        layout.addWidget(limits_box)
        layout.addWidget(note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        for widget in (self.item_number, self.item_id, self.name):
            widget.textChanged.connect(self.validate)
        for box in (
            self.on_hand,
            self.on_order,
            self.min_qty,
            self.max_qty,
            self.multiple_qty,
            self.low_stock_qty,
        ):
            box.valueChanged.connect(self.validate)
        self.validate()
        self.setMinimumWidth(560)
        fit_to_screen(self, 620, self.sizeHint().height())

    # -- validation ---------------------------------------------------------------------------------------------
    def problems(self) -> list[str]:
        found = []
        if not self.item_number.text().strip() and not self.item_id.text().strip():
            found.append("An item needs an item number (or a storefront ItemID).")
        if self.item_id.text().strip() and not self.item_id.text().strip().isdigit():
            found.append("ItemID is a whole number.")
        if min_above_max(self.min_qty.value(), self.max_qty.value()):
            found.append(
                f"The minimum ({self.min_qty.value()}) is above the maximum ({self.max_qty.value()})."
            )
        return found

    def validate(self) -> None:
        found = self.problems()
        self.problem.setText("\n".join(found))
        self.problem.setVisible(bool(found))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not found)
        available = self.on_hand.value() + self.on_order.value()
        self.figures.setText(
            f"Available {available}  ·  committed {self.item.committed}  ·  "
            f"available to sell {available - self.item.committed}"
        )

    def apply_rule(self, item_id: int) -> None:
        """The advice bar's one click: the store's rule sets the status now (the other fields stay as typed)."""
        if self._apply_rule is None or not self._apply_rule(item_id):
            return
        self.item = self.state.inventory.item(item_id)
        self.status.setCurrentText(self.item.status)
        self.advice.show_for(item_id)
        self.note.setText(
            f"The status is now {self.item.status}, as the store's rule picks (recorded in the history). "
            + MANUAL_NOTE
        )

    # -- result -------------------------------------------------------------------------------------------------
    def values(self) -> dict:
        item_id = self.item_id.text().strip()
        values = {
            "item_number": self.item_number.text().strip() or None,
            "item_id": int(item_id) if item_id.isdigit() else None,
            "status": self.status.currentText(),
            "low_stock_qty": self.low_stock_qty.value(),
            "reorder_to": self.reorder_to.value(),
            "barcode": self.barcode.text().strip() or None,
        }
        if not self.item.use_variant_inventory:
            values.update(on_hand=self.on_hand.value(), on_order=self.on_order.value())
        if not self.is_variant:
            qdate = self.eta.date()
            values.update(
                name=self.name.text().strip(),
                supplier=self.supplier.text().strip() or None,
                min_qty=self.min_qty.value(),
                max_qty=self.max_qty.value(),
                multiple_qty=self.multiple_qty.value(),
                discontinued=self.discontinued.isChecked(),
                non_inventory=self.non_inventory.isChecked(),
                low_stock_warning=self.low_stock_warning.isChecked(),
                eta_date=dt.date(qdate.year(), qdate.month(), qdate.day())
                if self.has_eta.isChecked()
                else None,
            )
        return values

    def changes(self) -> dict:
        """Only what differs from the item as loaded (with its previous values, for undo)."""
        return {k: v for k, v in self.values().items() if getattr(self.item, k) != v}

    def keyPressEvent(self, event) -> None:  # Ctrl+Enter saves from any field
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            if self.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled():
                self.accept()
            return
        super().keyPressEvent(event)
