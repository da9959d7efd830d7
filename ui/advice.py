"""``AdviceBar``: says when an item's status disagrees with its stock, with a one-click fix.

A manual restock (0 → 5) keeps Out of Stock, as the rules say; then nothing can be ordered. The bar names the
mismatch and offers the status the selected store's rule picks — a manual, explained change in the history.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_app.errors import InventoryError
from desktop_app.service import StatusAdvice
from ui import look
from ui.state import AppState


class AdviceBar(QFrame):
    """Hidden unless the item it shows has a status that disagrees with its stock."""

    apply_requested = Signal(int)  # item id

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.advice: StatusAdvice | None = None
        self.setObjectName("advice")
        self.setStyleSheet(
            "QFrame#advice { background: #fff4d6; border: 1px solid #f0c36d; border-radius: 3px; }"
        )
        self.icon = QLabel()
        self.icon.setPixmap(look.warning_icon().pixmap(14, 14))
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.button = QPushButton("&Apply the store's rule")
        self.button.setToolTip(
            "Set the status the store's rule picks for this count (a manual change, noted)"
        )
        self.button.clicked.connect(self._clicked)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.icon)
        row.addWidget(self.text, 1)
        row.addWidget(self.button)
        self.hide()

    def show_for(self, item_id: int | None) -> StatusAdvice | None:
        self.advice = None
        if item_id is not None:
            try:
                self.advice = self.state.inventory.status_advice(item_id, store=self.state.current_store)
            except InventoryError:
                self.advice = None
        if self.advice is None:
            self.hide()
            return None
        advice = self.advice
        self.text.setText(f"<b>Status disagrees with stock:</b> {advice.problem}.")
        self.setToolTip(
            f"{advice.whose_rule[0].upper()}{advice.whose_rule[1:]} sets {advice.suggested} for this count. "
            "Applying it is a manual change, recorded in the history with a note."
        )
        self.button.setText(f"&Apply the store's rule: {advice.suggested}")
        self.show()
        return advice

    def _clicked(self) -> None:
        if self.advice is not None:
            self.apply_requested.emit(self.advice.item_id)
