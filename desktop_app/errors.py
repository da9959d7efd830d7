"""The one exception the core raises for anything a user can act on."""

from __future__ import annotations


class InventoryError(Exception):
    """An operation was refused; the message says why in the user's words. Nothing was changed."""

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []

    def __str__(self) -> str:
        return "\n".join([self.message, *self.details])


class NotFound(InventoryError):
    """An item, store, status or order named by the user does not exist."""


class Conflict(InventoryError):
    """A record changed after it was loaded; applying the edit would overwrite someone else's change."""

    def __init__(self, message: str, *, conflicts: list | None = None) -> None:
        super().__init__(message)
        self.conflicts = conflicts or []
