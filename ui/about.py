"""The About dialog and the keyboard-shortcut list."""

from __future__ import annotations

import platform

import PySide6
import sqlalchemy
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import __version__
from desktop_app.logs import log_file
from ui.widgets import fit_to_screen

SHORTCUTS = (
    ("Main window", "Ctrl+F", "Search by item number or name"),
    ("Main window", "Down / Enter in search", "Go to the results"),
    ("Main window", "Shift/Ctrl+click, Shift+arrows", "Select several rows; the status bar sums them"),
    ("Main window", "Ctrl+C", "Copy the selected rows (tab-separated, with a header)"),
    ("Main window", "Tab", "Next control (arrows move inside a table)"),
    ("Main window", "Ctrl+R", "Apply the store's rule to a status that disagrees with the stock"),
    ("Main window", "Ctrl+Shift+H", "History of the selected item"),
    ("Main window", "Ctrl+H", "History by batch (revert)"),
    ("Main window", "Enter / double-click", "Edit the selected product or variant"),
    ("Main window", "Ctrl+Shift+V", "Variants of the selected product"),
    ("Main window", "Ctrl+Shift+N", "Place an order"),
    ("Main window", "Ctrl+Shift+O", "Orders"),
    ("Main window", "Ctrl+,", "Store settings (Settings › Catalog › General)"),
    ("Main window", "Ctrl+Z / Ctrl+Shift+Z", "Undo / redo an edit"),
    ("Main window", "F5", "Refresh"),
    ("Main window", "Ctrl+I", "Import products"),
    ("Main window", "Ctrl+G", "Inventory editor grid"),
    ("Product editor", "Ctrl+Enter or Alt+S", "Save"),
    ("Import wizard", "Alt+N / Alt+B", "Next / Back"),
    ("Grid", "Arrows, Tab, Enter", "Move like a spreadsheet (Enter moves down, Tab right)"),
    ("Grid", "Typing or F2", "Edit the cell; Escape cancels"),
    ("Grid", "Delete", "Clear the cells where clearing means something (ETA)"),
    ("Grid", "Ctrl+C / Ctrl+V", "Copy and paste tab-separated cells (one value fills the selection)"),
    ("Grid", "Ctrl+D", "Fill down"),
    ("Grid", "Ctrl+F", "Find by item number or name"),
    ("Grid", "Ctrl+Z / Ctrl+Shift+Z", "Undo / redo pending edits"),
    ("Anywhere", "F1", "This list"),
)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        table = QTableWidget(len(SHORTCUTS), 3)
        table.setHorizontalHeaderLabels(["Where", "Keys", "Does"])
        for row, cells in enumerate(SHORTCUTS):
            for col, text in enumerate(cells):
                table.setItem(row, col, QTableWidgetItem(text))
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
        table.setWordWrap(False)
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        # Wide enough for every line whole; tall enough for all of them, or what the screen allows.
        width = sum(table.columnWidth(c) for c in range(3)) + 60
        height = table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(len(SHORTCUTS)))
        fit_to_screen(self, max(640, width), height + 90)


class AboutDialog(QDialog):
    def __init__(self, state=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About the inventory editor")
        self.setObjectName("AboutDialog")
        database = state.inventory.db.display_name if state is not None else "none open"
        text = QLabel(
            f"<h2>Inventory editor {__version__}</h2>"
            "<p>Stock, statuses, orders and history for a store's back office.</p>"
            f"<p><b>Database:</b> {database}<br><b>Log:</b> {log_file()}</p>"
            f"<p style='color:#5f6670'>Python {platform.python_version()} · Qt for Python {PySide6.__version__} · "
            f"SQLAlchemy {sqlalchemy.__version__}</p>"
        )
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
