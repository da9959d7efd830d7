"""The editor's shared state: the open inventory, the status and store lists, and change signals.

Every window and model reads through this object and hears about changes from it, so a change made in one
dialog shows everywhere at once. It calls only the core's ``Inventory`` service; nothing in ``ui`` touches
a database connection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_app.errors import InventoryError
from desktop_app.models import Status, Store
from desktop_app.service import Inventory


class AppState(QObject):
    """One open database and what the windows share about it."""

    items_changed = Signal(object)  # a set of item ids, or None for "anything may have changed"
    statuses_changed = Signal()
    stores_changed = Signal()
    current_store_changed = Signal(object)  # store name or None
    database_changed = Signal()

    def __init__(self, inventory: Inventory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.inventory = inventory
        self.statuses: dict[int, Status] = {}
        self.stores: list[Store] = []
        self.current_store: str | None = None
        self.reload_lists()

    # -- lists --------------------------------------------------------------------------------------------------
    def reload_lists(self) -> None:
        self.statuses = {s.id: s for s in self.inventory.statuses()}
        self.stores = self.inventory.stores()
        if self.current_store not in {s.name for s in self.stores}:
            self.current_store = self.stores[0].name if self.stores else None

    def refresh_statuses(self) -> None:
        self.statuses = {s.id: s for s in self.inventory.statuses()}
        self.statuses_changed.emit()

    def refresh_stores(self) -> None:
        self.reload_lists()
        self.stores_changed.emit()

    def status_names(self) -> list[str]:
        return [s.name for s in self.statuses.values()]

    def status_by_name(self, name: str) -> Status | None:
        lowered = name.lower()
        return next((s for s in self.statuses.values() if s.name.lower() == lowered), None)

    def store(self, name: str | None) -> Store | None:
        return next((s for s in self.stores if s.name == name), None)

    def set_current_store(self, name: str | None) -> None:
        if name != self.current_store:
            self.current_store = name
            self.current_store_changed.emit(name)

    def switch_inventory(self, inventory: Inventory) -> None:
        old = self.inventory
        self.inventory = inventory
        self.current_store = None
        self.reload_lists()
        if old is not inventory:
            old.db.dispose()
        self.database_changed.emit()

    def notify(self, ids: Iterable[int] | None = None) -> None:
        self.items_changed.emit(None if ids is None else set(ids))

    # -- running operations -------------------------------------------------------------------------------------
    def attempt(self, parent: QWidget | None, title: str, fn: Callable[[], object]):
        """Run a service call; a refusal becomes a message box (never a traceback). Returns None if refused."""
        try:
            return fn()
        except InventoryError as exc:
            show_refusal(parent, title, exc)
            return None


def show_refusal(parent: QWidget | None, title: str, exc: InventoryError) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, exc.message, QMessageBox.StandardButton.Ok, parent)
    if exc.details:
        box.setInformativeText("\n".join(exc.details[:12]) + ("\n…" if len(exc.details) > 12 else ""))
        if len(exc.details) > 12:
            box.setDetailedText("\n".join(exc.details))
    box.setObjectName("refusal")
    box.exec()
