"""Reorder suggestions: projected stock (on hand + on order − committed) at or below the reorder point,
grouped by supplier, the suggested quantity editable, turned into draft POs (one per supplier) in one step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import InventoryError
from ui.purchase_lines import is_enter
from ui.state import AppState, show_refusal
from ui.widgets import fit_within_screen

COLUMNS = [
    "Item",
    "Name",
    "On hand",
    "On order",
    "Committed",
    "Projected",
    "Reorder at",
    "Reorder to",
    "Order",
]
ORDER = 8
NO_SUPPLIER = "(no supplier: listed, no PO is made)"


class SuggestionsDialog(QDialog):
    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.purchasing = state.inventory.purchasing
        self.created: list[int] = []
        self.setWindowTitle("Reorder suggestions")
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setColumnWidth(0, 150)
        self.tree.setColumnWidth(1, 170)
        for col in range(2, ORDER):
            self.tree.setColumnWidth(col, 90)
        self.tree.setEditTriggers(QTreeWidget.EditTrigger.NoEditTriggers)  # only the Order spin boxes edit
        self.spins: dict[int, QSpinBox] = {}
        self.explain = QLabel(
            "Projected = on hand + on order − committed. A unit at or below its reorder point is suggested up to "
            "its reorder-to level. Change any quantity (0 leaves the unit out), then create the drafts."
        )
        self.explain.setObjectName("hint")
        self.explain.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.create_button = QPushButton("&Create draft POs")
        self.create_button.clicked.connect(self.create_drafts)
        self.refresh_button = QPushButton("Re&fresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.close_button = QPushButton("Close &window")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        for button in (self.create_button, self.close_button, self.refresh_button):
            button.setAutoDefault(False)
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        fit_within_screen(self, 980, 600)
        self.refresh()

    def refresh(self) -> None:
        self.tree.clear()
        self.spins.clear()
        self.suggestions = self.purchasing.suggestions()
        groups: dict[str, QTreeWidgetItem] = {}
        for s in self.suggestions:
            name = s.supplier or NO_SUPPLIER
            group = groups.get(name.lower())  # one supplier whatever the case, as the drafts group them
            if group is None:
                group = groups[name.lower()] = QTreeWidgetItem(self.tree, [name])
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                group.setFirstColumnSpanned(True)
            values = [
                s.label,
                s.name,
                s.on_hand,
                s.on_order,
                s.committed,
                s.projected,
                s.low_stock_qty,
                s.reorder_to,
                "",
            ]
            child = QTreeWidgetItem(group, [f"{v:,}" if isinstance(v, int) else v for v in values])
            for col in range(2, ORDER):
                child.setTextAlignment(col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            spin = QSpinBox()
            spin.setRange(0, 1_000_000_000)
            spin.setValue(s.suggested)
            spin.setEnabled(bool(s.supplier))
            spin.setToolTip(
                "Quantity to order (0 leaves it out)" if s.supplier else "Give the product a supplier"
            )
            self.tree.setItemWidget(child, ORDER, spin)
            self.spins[s.unit_id] = spin
        self.tree.expandAll()
        orderable = sum(1 for s in self.suggestions if s.supplier)
        self.create_button.setEnabled(orderable > 0)
        self.message.setText(
            f"{len(self.suggestions):,} suggestion{'s' if len(self.suggestions) != 1 else ''} "
            f"for {len([g for g in groups if g != NO_SUPPLIER.lower()]):,} supplier(s)"
            if self.suggestions
            else "Nothing to reorder: every tracked unit with a reorder-to level is above its reorder point."
        )

    def chosen(self) -> list[tuple[int, int]]:
        return [(s.unit_id, self.spins[s.unit_id].value()) for s in self.suggestions if s.supplier]

    def create_drafts(self) -> None:
        try:
            self.created = self.purchasing.create_from_suggestions(self.chosen())
        except InventoryError as exc:
            show_refusal(self, "Draft POs not created", exc)
            return
        pos = [self.purchasing.get(i) for i in self.created]
        self.refresh()
        self.message.setText(
            ("Created draft " + ", ".join(p.title for p in pos) + ". Open them in Purchase orders to order.")
            if pos
            else "No PO was created: every quantity is 0."
        )

    def keyPressEvent(self, event) -> None:
        """Enter moves on; it never creates the POs."""
        if is_enter(event):
            focus = self.focusWidget()
            if isinstance(focus, QPushButton):
                focus.click()
            else:
                self.focusNextChild()
            event.accept()
            return
        super().keyPressEvent(event)
