"""``GridPreviewDialog``: every change a grid batch would make, status changes included, before it is applied."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from desktop_app.service import GridResult
from ui import look
from ui.widgets import display_value, fit_within_screen, read_only_table

RULE_WORDS = {
    "manual": "your choice (the status cell)",
    "out_of_stock": "automatic: stock reached 0 (store's Out of Stock)",
    "back_order": "automatic: stock reached 0, back orders allowed (store's Back Order)",
    "discontinued": "automatic: stock reached 0, discontinued (store's Discontinued)",
    "in_stock": "automatic: back above 0 (store's In Stock)",
}


class GridPreviewDialog(QDialog):
    """Every change applying would make, status changes included, before anything is written.

    Rows are in item-number order (any case); a status change says in its own column whether the store's rule
    or the person's choice made it.
    """

    def __init__(self, summary: GridResult, store: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preview of the grid's changes")
        self.setObjectName("GridPreviewDialog")
        changes = sorted(summary.changes or [], key=lambda c: (str(c["item"]).casefold(), str(c["item"])))
        statuses = summary.status_changes
        where = f"for {store}: the status rules run" if store else "for no store: no automatic status changes"
        head = QLabel(
            f"<b>{summary.updated} items change</b> ({len(changes)} values), "
            f"<b>{len(statuses)} status changes</b> — applied {where}."
        )
        head.setWordWrap(True)
        table = read_only_table(
            ["Item", "Field", "From", "To", "Status change"], len(changes), select_rows=False
        )
        by_item_status = {c.item_number: c for c in statuses}
        for row, change in enumerate(changes):
            rule = by_item_status.get(change["item"]) if change["field"] == "status" else None
            why = ""
            if change["field"] == "status":
                why = (
                    RULE_WORDS.get(rule.rule, f"rule: {rule.rule}") if rule is not None else "status changes"
                )
            cells = [
                change["item"],
                change["field"].replace("_", " "),
                display_value(change["from"]),
                display_value(change["to"]),
                why,
            ]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if change["field"] == "status":
                    cell.setBackground(look.LOW_STOCK_BG)
                    if col in (3, 4):
                        font = cell.font()
                        font.setBold(True)
                        cell.setFont(font)
                    if rule is not None:
                        cell.setToolTip(f"rule: {rule.rule}")
                table.setItem(row, col, cell)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        table.setTabKeyNavigation(False)
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = buttons.addButton("&Apply as one batch", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(table)
        layout.addWidget(buttons)
        fit_within_screen(self, 760, 480)
