"""``ConflictDialog``: someone else changed what you were editing. Both values are shown; you choose."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui import look
from ui.widgets import display_value, fit_within_screen, read_only_table


class ConflictDialog(QDialog):
    """Rows of (field, what you loaded, what it is now, what you typed); Keep mine or Keep theirs."""

    KEEP_MINE, KEEP_THEIRS = 1, 2

    def __init__(
        self, title: str, rows: list[tuple[str, object, object, object]], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle("Changed by someone else")
        self.setObjectName("ConflictDialog")
        self.choice = self.KEEP_THEIRS
        intro = QLabel(
            f"<b>{title}</b> changed on another workstation after you opened it. Nothing was "
            "overwritten. Choose which values to keep."
        )
        intro.setWordWrap(True)
        self.table = read_only_table(["Field", "When you opened it", "Now (theirs)", "Yours"], len(rows))
        for r, (field, loaded, now, mine) in enumerate(rows):
            for c, value in enumerate(
                (field.replace("_", " "), display_value(loaded), display_value(now), display_value(mine))
            ):
                cell = QTableWidgetItem(value)
                if c == 2 and now != loaded:
                    cell.setBackground(look.LOW_STOCK_BG)
                if c == 3:
                    cell.setBackground(look.PENDING_BG)
                self.table.setItem(r, c, cell)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox()
        self.mine = buttons.addButton("Keep &mine", QDialogButtonBox.ButtonRole.AcceptRole)
        self.theirs = buttons.addButton("Keep &theirs", QDialogButtonBox.ButtonRole.RejectRole)
        self.mine.clicked.connect(lambda: self._choose(self.KEEP_MINE))
        self.theirs.clicked.connect(lambda: self._choose(self.KEEP_THEIRS))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        fit_within_screen(self, 660, 150 + 30 * len(rows))  # many rows scroll; the buttons stay on screen
        self.theirs.setFocus(Qt.FocusReason.OtherFocusReason)

    def _choose(self, choice: int) -> None:
        self.choice = choice
        self.accept() if choice == self.KEEP_MINE else self.reject()


def keep_mine(parent: QWidget | None, title: str, rows: list[tuple[str, object, object, object]]) -> bool:
    dialog = ConflictDialog(title, rows, parent)
    dialog.exec()
    return dialog.choice == ConflictDialog.KEEP_MINE
