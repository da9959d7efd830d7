"""The line-entry row the order and purchasing windows share, and what Enter does in their forms.

``EntryRow``: a labelled item or code field, a labelled quantity and (optionally) an Add button, in one row;
the New order dialog, the PO editor and the receiving dialog each build theirs from it. ``handle_enter``:
Enter in a form runs the focused field's action, presses a focused button, or moves to the next field; it
never presses a dialog's default button (a scanner ends every code with Enter).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget


def is_enter(event) -> bool:
    """Return or Enter (the keypad's too), with no other modifier."""
    return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
        event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    )


class EntryRow(QWidget):
    """``label`` field · ``quantity_label`` quantity · [Add button], left to right; the field stretches."""

    def __init__(
        self,
        field: QLineEdit,
        label: str,
        *,
        quantity_label: str = "&Quantity",
        maximum: int = 1_000_000_000,
        add_text: str | None = "&Add line",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.field = field
        self.quantity = QSpinBox()
        self.quantity.setRange(1, maximum)
        self.add_button = QPushButton(add_text) if add_text else None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for text, widget in ((label, field), (quantity_label, self.quantity)):
            buddy = QLabel(text)
            buddy.setBuddy(widget)
            layout.addWidget(buddy)
            layout.addWidget(widget, 1 if widget is field else 0)
        if self.add_button is not None:
            self.add_button.setAutoDefault(False)
            self.add_button.setDefault(False)
            layout.addWidget(self.add_button)

    def next_line(self) -> None:
        """After a line was added: an empty field, quantity 1, the cursor back in the field."""
        self.field.clear()
        self.quantity.setValue(1)
        self.field.setFocus()

    def to_quantity(self) -> None:
        """Move on to the quantity, its text selected so that typing replaces it."""
        self.quantity.setFocus(Qt.FocusReason.TabFocusReason)
        self.quantity.selectAll()


def handle_enter(window: QWidget, event, actions: Mapping[QWidget, Callable[[], object]]) -> bool:
    """Enter in a form: the focused field's action; a focused button is pressed (as Space does); any other
    widget moves on to the next. A spin box in ``actions`` stands for its text field too. Returns False (and
    does nothing) when the key is not Enter, for the caller to pass on."""
    if not is_enter(event):
        return False
    focus = window.focusWidget()
    for widget, action in actions.items():
        if focus is widget or (isinstance(widget, QAbstractSpinBox) and focus is widget.lineEdit()):
            action()
            break
    else:
        if isinstance(focus, QPushButton):
            focus.click()
        elif focus is not None:
            window.focusNextChild()
    event.accept()
    return True
