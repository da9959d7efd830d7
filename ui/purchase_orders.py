"""The Purchase orders window: the list with filters by state and supplier; opens the PO editor, a new PO
and the reorder suggestions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.purchasing_models import PO_STATES
from ui.purchase_lines import is_enter
from ui.state import AppState
from ui.widgets import fit_within_screen, read_only_table, when_text, when_tooltip

COLUMNS = ["PO", "Supplier", "Store", "State", "Expected", "Lines", "Quantity", "Outstanding", "Created"]
ALL = "All states"
OPEN = "Open (draft or ordered)"
ANY_SUPPLIER = "All suppliers"


class PurchaseOrdersWindow(QDialog):
    """Every purchase order, newest first."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.purchasing = state.inventory.purchasing
        self.setWindowTitle("Purchase orders")
        self.state_filter = QComboBox()
        self.state_filter.addItems([OPEN, ALL, *PO_STATES])
        self.supplier_filter = QComboBox()
        self.table = read_only_table(COLUMNS)
        for col, width in enumerate((50, 190, 120, 80, 95, 55, 80, 95)):
            self.table.setColumnWidth(col, width)
        self.table.doubleClicked.connect(lambda index: self.open_po(self._id_at(index.row())))
        self.count = QLabel()
        self.count.setObjectName("hint")
        buttons = QHBoxLayout()
        self.new_button = QPushButton("&New PO…")
        self.open_button = QPushButton("&Open…")
        self.suggest_button = QPushButton("Reorder &suggestions…")
        self.close_button = QPushButton("Close &window")
        for button, slot in (
            (self.new_button, lambda: self.open_po(None)),
            (self.open_button, lambda: self.open_po(self.selected_id())),
            (self.suggest_button, self.open_suggestions),
            (self.close_button, self.reject),
        ):
            button.clicked.connect(slot)
            button.setAutoDefault(False)
            buttons.addWidget(button)
            if button is self.suggest_button:
                buttons.addStretch(1)
        filters = QHBoxLayout()
        for text, combo in (("S&tate", self.state_filter), ("Su&pplier", self.supplier_filter)):
            label = QLabel(text)
            label.setBuddy(combo)
            filters.addWidget(label)
            filters.addWidget(combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        layout.addLayout(buttons)
        self._fill_suppliers()
        self.state_filter.currentIndexChanged.connect(self.refresh)
        self.supplier_filter.currentIndexChanged.connect(self.refresh)
        fit_within_screen(self, 960, 560)
        self.refresh()

    def _fill_suppliers(self) -> None:
        current = self.supplier_filter.currentText()
        self.supplier_filter.blockSignals(True)
        self.supplier_filter.clear()
        self.supplier_filter.addItems([ANY_SUPPLIER, *self.purchasing.suppliers()])
        self.supplier_filter.setCurrentIndex(max(0, self.supplier_filter.findText(current)))
        self.supplier_filter.blockSignals(False)

    def refresh(self) -> None:
        chosen = self.state_filter.currentText()
        states = None if chosen == ALL else ["draft", "ordered"] if chosen == OPEN else [chosen]
        supplier = self.supplier_filter.currentText()
        self.rows = self.purchasing.list(
            states=states, supplier=None if supplier == ANY_SUPPLIER else supplier
        )
        self.table.setRowCount(len(self.rows))
        for row, po in enumerate(self.rows):
            values = [
                po.id,
                po.supplier,
                po.store or "",
                po.state,
                po.expected.isoformat() if po.expected else "",
                po.lines,
                f"{po.quantity:,}",
                f"{po.outstanding:,}",
                when_text(po.created_at, "%Y-%m-%d %H:%M"),
            ]
            for col, value in enumerate(values):
                cell = QTableWidgetItem(str(value))
                if col in (0, 5, 6, 7):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if col == 8:
                    cell.setToolTip(when_tooltip(po.created_at))
                self.table.setItem(row, col, cell)
        self.count.setText(
            f"{len(self.rows):,} purchase order{'s' if len(self.rows) != 1 else ''} · times are local"
        )
        if self.rows:
            self.table.selectRow(0)

    def _id_at(self, row: int) -> int | None:
        return self.rows[row].id if 0 <= row < len(self.rows) else None

    def selected_id(self) -> int | None:
        return self._id_at(self.table.currentRow())

    def open_po(self, po_id: int | None) -> None:
        from ui.purchase_editor import PurchaseOrderEditor

        if po_id is None and self.sender() is self.open_button:
            return
        PurchaseOrderEditor(self.state, po_id, self).exec()
        self._fill_suppliers()
        self.refresh()

    def open_suggestions(self) -> None:
        from ui.purchase_suggestions import SuggestionsDialog

        SuggestionsDialog(self.state, self).exec()
        self._fill_suppliers()
        self.refresh()

    def keyPressEvent(self, event) -> None:
        """Enter on the list opens the selected PO; it never changes one."""
        if is_enter(event) and self.focusWidget() is self.table:
            self.open_po(self.selected_id())
            event.accept()
            return
        if is_enter(event) and isinstance(self.focusWidget(), QPushButton):
            self.focusWidget().click()
            event.accept()
            return
        if is_enter(event):
            self.focusNextChild()
            event.accept()
            return
        super().keyPressEvent(event)
