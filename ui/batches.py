"""``BatchesDialog``: recent changes by batch, and reverting an import, grid edit or adjustment."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.history import describe
from ui.state import AppState
from ui.widgets import read_only_table, when_text, when_tooltip


class BatchesDialog(QDialog):
    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("History by batch")
        self.setObjectName("BatchesDialog")
        self.batches: list[dict] = []
        self.table = read_only_table(
            [
                "Batch",
                "Cause",
                "Store",
                "Order",
                "Movements",
                "Status changes",
                "Field changes",
                "Who",
                "When",
            ]
        )
        self.table.itemSelectionChanged.connect(self._selected)
        self.details = read_only_table(["Item", "Change", "Rule", ""], select_rows=False)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        self.revert_button = QPushButton("Revert batch…")
        self.revert_button.clicked.connect(self.revert)
        self.note = QLabel(
            "Reverting puts back counts, statuses and fields with new history; nothing in the history is rewritten."
        )
        self.note.setObjectName("hint")
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.revert_button)
        row.addWidget(self.note, 1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        layout.addLayout(row)
        self.resize(860, 560)
        self.reload()

    def reload(self, select: int | None = None) -> None:
        self.batches = self.state.inventory.batches()
        self.table.setRowCount(len(self.batches))
        for row, b in enumerate(self.batches):
            cause = (
                b["cause"]
                + (" (reverted)" if b["reverted"] else "")
                + (f" of batch {b['reverts']}" if b["reverts"] else "")
            )
            cells = [
                b["batch"],
                cause,
                b["store"] or "",
                b["order"] or "",
                b["movements"],
                b["status_changes"],
                b["field_changes"],
                b["who"],
                when_text(b["at"]),
            ]
            for col, value in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(str(value)))
            self.table.item(row, len(cells) - 1).setToolTip(when_tooltip(b["at"]))
        self.table.resizeColumnsToContents()
        ids = [b["batch"] for b in self.batches]
        self.table.selectRow(ids.index(select) if select in ids else 0)
        self._selected()

    def selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        return self.batches[rows[0].row()] if rows else None

    def _selected(self) -> None:
        batch = self.selected()
        self.revert_button.setEnabled(bool(batch and batch["revertible"]))
        entries = self.state.inventory.batch_history(batch["batch"], limit=2000) if batch else []
        entries.sort(key=lambda e: e.item_number or "")  # each item's counts, status and fields together
        self.details.setRowCount(len(entries))
        for row, e in enumerate(entries):
            change = e.describe_field() if e.kind == "field" else describe(e)
            for col, text in enumerate([e.item_number or "", change, e.rule or "", ""]):
                self.details.setItem(row, col, QTableWidgetItem(text))
        self.details.resizeColumnsToContents()

    def revert(self) -> None:
        batch = self.selected()
        if batch is None:
            return
        answer = QMessageBox.question(
            self,
            "Revert batch",
            f"Revert batch {batch['batch']} ({batch['cause']}: {batch['movements']} movements, "
            f"{batch['status_changes']} status changes, {batch['field_changes']} field changes)? Counts move "
            "back by what it changed; statuses and other fields it set go back where nothing changed them "
            "since.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        result = self.state.attempt(
            self, "Revert batch", lambda: self.state.inventory.revert_batch(batch["batch"])
        )
        if result is not None:
            self.state.notify()
            self.reload(result.batch)
