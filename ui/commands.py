"""Undo commands: each user edit made in the window is a ``QUndoCommand`` that calls the service.

A command is carried out once before it is pushed (so a refusal is shown and nothing lands on the stack);
undo and redo then call the service again, as manual edits, each in its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from desktop_app.errors import InventoryError
from desktop_app.models import Item
from ui.state import AppState, show_refusal


class ServiceCommand(QUndoCommand):
    """A change with a way to make it and a way to take it back."""

    def __init__(
        self,
        text: str,
        do: Callable[[], object],
        undo: Callable[[], object],
        after: Callable[[], None],
        parent_widget: QWidget | None = None,
    ) -> None:
        super().__init__(text)
        self._do, self._undo, self._after = do, undo, after
        self._parent_widget = parent_widget
        self._done_once = False

    def redo(self) -> None:
        if not self._done_once:  # carried out before it was pushed
            self._done_once = True
            return
        self._run(self._do, "Redo")

    def undo(self) -> None:
        self._run(self._undo, "Undo")

    def _run(self, fn: Callable[[], object], verb: str) -> None:
        try:
            fn()
        except InventoryError as exc:
            show_refusal(self._parent_widget, f"{verb} {self.text()}", exc)
            self.setObsolete(True)
        self._after()


def push(
    stack: QUndoStack,
    state: AppState,
    parent: QWidget | None,
    text: str,
    do: Callable[[], object],
    undo: Callable[[], object],
    after: Callable[[], None],
) -> bool:
    """Carry out ``do``; if the service accepts it, put it on the undo stack. Returns whether it was done."""
    try:
        do()
    except InventoryError as exc:
        show_refusal(parent, text, exc)
        return False
    after()
    stack.push(ServiceCommand(text, do, undo, after, parent))
    return True


def edit_item(stack: QUndoStack, state: AppState, parent: QWidget | None, item: Item, changes: dict) -> bool:
    """A manual edit of one product or variant, undoable."""
    if not changes:
        return False
    before = {key: getattr(item, key) for key in changes}
    inventory = state.inventory
    ids = [item.id] + ([item.parent_id] if item.parent_id else [])
    fields = ", ".join(k.replace("_", " ") for k in changes)
    return push(
        stack,
        state,
        parent,
        f"edit {item.label} ({fields})",
        do=lambda: inventory.edit_item(item.id, changes),
        undo=lambda: inventory.edit_item(item.id, before),
        after=lambda: state.notify(ids),
    )
