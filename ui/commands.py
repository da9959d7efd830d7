"""Undo commands: each user edit made in the window is a ``QUndoCommand`` that calls the service.

A command is carried out once before it is pushed (so a refusal is shown and nothing lands on the stack);
undo and redo then call the service again, as manual edits, each in its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from desktop_app.errors import Conflict, InventoryError
from desktop_app.models import Item
from ui.conflict import keep_mine
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
    """A manual edit of one product or variant, undoable; a stale edit asks which values to keep."""
    if not changes:
        return False
    inventory = state.inventory
    ids = [item.id] + ([item.parent_id] if item.parent_id else [])
    try:
        inventory.edit_item(item.id, changes, expected_version=item.version)
    except Conflict:
        current = inventory.item(item.id)
        rows = [(key, getattr(item, key), getattr(current, key), value) for key, value in changes.items()]
        if not keep_mine(parent, f"{item.label}", rows):
            state.notify(ids)  # show theirs
            return False
        item = current  # undo goes back to their values
        try:
            inventory.edit_item(item.id, changes, expected_version=current.version)
        except InventoryError as exc:
            show_refusal(parent, f"Edit {item.label}", exc)
            return False
    except InventoryError as exc:
        show_refusal(parent, f"Edit {item.label}", exc)
        return False
    before = {key: getattr(item, key) for key in changes}
    fields = ", ".join(k.replace("_", " ") for k in changes)
    state.notify(ids)
    stack.push(
        ServiceCommand(
            f"edit {item.label} ({fields})",
            lambda: inventory.edit_item(item.id, changes),
            lambda: inventory.edit_item(item.id, before),
            lambda: state.notify(ids),
            parent,
        )
    )
    return True


def apply_store_rule(stack: QUndoStack, state: AppState, parent: QWidget | None, item_id: int) -> str | None:
    """Give an item the status the selected store's rule picks for its count (undoable); the note, or None."""
    inventory, store = state.inventory, state.current_store
    try:
        before = inventory.item(item_id)
        item, advice = inventory.apply_store_rule(item_id, store=store)
    except InventoryError as exc:
        show_refusal(parent, "Apply the store's rule", exc)
        return None
    ids = [item.id] + ([item.parent_id] if item.parent_id else [])
    state.notify(ids)
    stack.push(
        ServiceCommand(
            f"apply the store's rule to {item.label} ({before.status} → {item.status})",
            lambda: inventory.apply_store_rule(item_id, store=store),
            lambda: inventory.edit_item(item_id, {"status": before.status}),
            lambda: state.notify(ids),
            parent,
        )
    )
    return f"{item.label}: {advice.note}"
