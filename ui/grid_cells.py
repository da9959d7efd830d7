"""The grid's columns, what can be typed where, how pending and invalid cells look, and the undoable step
that makes cells pending (``PendingEdit``). ``ui.grid_model`` holds the model itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QUndoCommand

from ui.item_model import F

if TYPE_CHECKING:
    from ui.grid_model import InventoryGridModel

GRID_COLUMNS = [
    "item_number",
    "name",
    "status",
    "on_hand",
    "on_order",
    "min_qty",
    "max_qty",
    "multiple_qty",
    "discontinued",
    "non_inventory",
    "eta_date",
    "low_stock_qty",
    "low_stock_warning",
    "reorder_to",
    "barcode",
    "supplier",
]
EDITABLE = set(GRID_COLUMNS) - {"item_number", "name"}  # the grid edits every column but the keys
VARIANT_EDITABLE = {"status", "on_hand", "on_order", "low_stock_qty", "reorder_to", "barcode"}
BOOLS = {"discontinued", "non_inventory", "low_stock_warning"}
# Clearing (Delete) means something for these: no date, no minimum, no maximum, no threshold, no barcode,
# no supplier.
CLEARED = {
    "eta_date": "",
    "min_qty": "0",
    "max_qty": "0",
    "low_stock_qty": "0",
    "reorder_to": "0",
    "barcode": "",
    "supplier": "",
}
HEADERS = {"low_stock_warning": "Warn low"}
PendingRole = Qt.ItemDataRole.UserRole + 10
InvalidRole = Qt.ItemDataRole.UserRole + 11
# Pending cells are amber, far from the (blue) selection; invalid ones red; read-only ones grey.
PENDING_BG = QColor("#ffe7a3")
PENDING_MARK = QColor("#d98e04")

Cell = tuple[int, str]  # (item id, field)

# Roles and flags as plain ints, made once: a Qt enum looked up and compared costs microseconds, ten times a
# cell at every paint.
_R = Qt.ItemDataRole
_DISPLAY, _EDIT, _ALIGNMENT, _BACKGROUND = (
    int(_R.DisplayRole),
    int(_R.EditRole),
    int(_R.TextAlignmentRole),
    int(_R.BackgroundRole),
)
_FONT, _FOREGROUND, _DECORATION, _TOOLTIP = (
    int(_R.FontRole),
    int(_R.ForegroundRole),
    int(_R.DecorationRole),
    int(_R.ToolTipRole),
)
_PENDING, _INVALID = int(PendingRole), int(InvalidRole)
_UNSERVED = frozenset(
    int(r)
    for r in (_R.CheckStateRole, _R.SizeHintRole, _R.StatusTipRole, _R.WhatsThisRole, _R.AccessibleTextRole)
)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_VERTICAL = Qt.Orientation.Vertical
_READ_ONLY_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE_FLAGS = _READ_ONLY_FLAGS | Qt.ItemFlag.ItemIsEditable
_PARENT = F["parent_id"]


@dataclass(frozen=True)
class PendingValue:
    """A typed value and, if it cannot be applied as typed, why (checked once, when it was typed)."""

    text: str
    reason: str | None = None


class PendingEdit(QUndoCommand):
    """Some cells' pending values (None = not pending) before and after one user action.

    The values carry their own validation, and the edit keeps the rows as they were loaded (with their
    versions), so undoing and redoing brings back exactly the same cells: an invalid one stays invalid and is
    still named by its item number.
    """

    def __init__(
        self,
        model: InventoryGridModel,
        text: str,
        after: dict[Cell, PendingValue | None],
        before: dict[Cell, PendingValue | None],
        rows: dict[int, tuple[tuple, int | None]],
    ) -> None:
        super().__init__(text)
        self.model, self.after, self.before, self.rows = model, after, before, rows

    def redo(self) -> None:
        self.model._set_pending(self.after, self.rows)

    def undo(self) -> None:
        self.model._set_pending(self.before, self.rows)
