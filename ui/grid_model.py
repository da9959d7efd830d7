"""``InventoryGridModel``: every stock unit, editable like a spreadsheet, with edits pending until applied.

Pending edits are kept by (item id, field) as the text the user typed or pasted, so they survive sorting,
filtering and scrolling through a million rows. Each is checked with the import's own cell rules; an
invalid one is marked with its reason and blocks applying. Applying hands them to ``Inventory.apply_grid``
(``desktop_app/grid_batch.py``): one batch, one transaction, the rules run only for a selected store.
Columns, colours and the undoable step live in ``ui.grid_cells``.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QUndoStack

from desktop_app.models import limits_problem, options_label
from desktop_app.queries import UnitQuery
from desktop_app.service import GridChange, check_cell  # the grid checks cells with the import's rules
from ui import look
from ui.grid_cells import (  # noqa: F401  (the names other modules import from here stay importable)
    _ALIGNMENT,
    _BACKGROUND,
    _DECORATION,
    _DISPLAY,
    _EDIT,
    _EDITABLE_FLAGS,
    _FONT,
    _FOREGROUND,
    _INVALID,
    _LEFT,
    _PARENT,
    _PENDING,
    _READ_ONLY_FLAGS,
    _RIGHT,
    _TOOLTIP,
    _UNSERVED,
    _VERTICAL,
    BOOLS,
    CLEARED,
    EDITABLE,
    GRID_COLUMNS,
    HEADERS,
    PENDING_BG,
    PENDING_MARK,
    VARIANT_EDITABLE,
    Cell,
    InvalidRole,
    PendingEdit,
    PendingRole,
    PendingValue,
)
from ui.item_model import COLUMNS, MAX_PAGES, PAGE_SIZE, F, ItemTableModel, row_label
from ui.state import AppState


class InventoryGridModel(ItemTableModel):
    """Stock units with pending edits on top."""

    pending_changed = Signal()

    def __init__(self, state: AppState, parent=None) -> None:
        super().__init__(state, UnitQuery(scope="units", sort="item_number"), GRID_COLUMNS, parent)
        self.undo_stack = QUndoStack(self)
        self.pending: dict[tuple[int, str], str] = {}
        self._keys_of: dict[int, set[str]] = {}  # item id -> its pending fields
        self.invalid: dict[tuple[int, str], str] = {}
        self.cell_reasons: dict[Cell, str] = {}  # each pending cell's own problem, from its PendingValue
        self.loaded_version: dict[int, int] = {}
        self.row_cache: dict[int, tuple] = {}  # rows with pending edits, as loaded
        self._key_index = {c.key: i for i, c in enumerate(self.columns)}
        self._keys = [c.key for c in self.columns]
        self._applied: frozenset[int] | None = None  # the units of the batch this grid just applied
        self._changes: list[GridChange] | None = None  # ``pending_changes``, until the pending edits change

    def applied(self, ids) -> None:
        """The grid is about to announce its own batch of these units (see ``_on_items_changed``)."""
        self._applied = frozenset(ids)

    def _on_items_changed(self, ids) -> None:
        applied, self._applied = self._applied, None
        if ids is not None and applied is not None and set(ids) == applied:
            # The grid's own batch changed these units' values, never which units exist: the rows are counted
            # again only where a filter on status or stock may take them in or out.
            self.refresh(count=self.query.status_id is not None or bool(self.query.stock))
            return
        super()._on_items_changed(ids)

    # -- cells ---------------------------------------------------------------------------------------------
    def key(self, column: int) -> str:
        return self.columns[column].key

    def is_editable(self, row: tuple, key: str) -> bool:
        if key not in EDITABLE:
            return False
        return key in VARIANT_EDITABLE if row[_PARENT] is not None else True

    def current_text(self, row: tuple, key: str) -> str:
        """The stored value of a cell as the grid writes it (and as it copies it)."""
        if key == "status":
            status = self.state.statuses.get(row[F["status_id"]])
            return status.name if status else ""
        if key == "name":
            return options_label(row[F["name"]], row[F["options"]])
        if key == "item_number":
            return row_label(row)
        value = row[F[key]]
        if key in BOOLS:
            return "Yes" if value else "No"
        if key == "eta_date":
            return value.isoformat() if isinstance(value, dt.date) else (value or "")
        return "" if value is None else str(value)

    def read_only_reason(self, row: tuple, key: str) -> str:
        """Why a cell cannot be typed into, in a few words, naming the item."""
        label = row_label(row)
        title = HEADERS.get(key, COLUMNS[key].title if key in COLUMNS else key)
        if key in EDITABLE and row[F["parent_id"]] is not None:
            parent = self.state.inventory.view_rows([row[F["parent_id"]]]).get(row[F["parent_id"]])
            product = row_label(parent) if parent else "its product"
            return (
                f"{label} is a variant: its {title} follows its product {product}; "
                "change it in the product editor."
            )
        if key == "item_number":
            return f"Item numbers are not edited in the grid ({label}): use the product editor."
        return f"{title} of {label} is not edited in the grid: use the product editor."

    def cell_text(self, row: tuple, key: str) -> str:
        pending = self.pending.get((row[0], key))
        return pending if pending is not None else self.current_text(row, key)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        # Qt's header asks this of every selected cell (thousands after a paste): a cached page is read as is.
        number = index.row()
        rows = self._pages.get(number // PAGE_SIZE) if number >= 0 else None
        offset = number % PAGE_SIZE
        row = rows[offset] if rows is not None and offset < len(rows) else self.row_tuple(number)
        if row is not None and self.is_editable(row, self._keys[index.column()]):
            return _EDITABLE_FLAGS
        return _READ_ONLY_FLAGS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == _DISPLAY:
            if orientation == _VERTICAL:
                return str(section + 1)  # row numbers, as in a spreadsheet
            return HEADERS.get(self.columns[section].key, self.columns[section].title)
        if orientation == _VERTICAL:
            return None
        return super().headerData(section, orientation, role)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        # A view asks for about ten roles per cell at every paint: plain int comparisons, most frequent first.
        if role in _UNSERVED:
            return None
        row = self.row_tuple(index.row())  # None for an invalid index (row -1)
        if row is None:
            return None
        column = index.column()
        key = self._keys[column]
        if role in (_DISPLAY, _EDIT):
            pending = self.pending.get((row[0], key))
            return pending if pending is not None else self.current_text(row, key)
        if role == _ALIGNMENT:
            return _RIGHT if self.columns[column].numeric else _LEFT
        cell = (row[0], key)
        if role == _BACKGROUND:
            if cell in self.invalid:
                return look.INVALID_BG
            if cell in self.pending:
                return PENDING_BG
            if key in EDITABLE and not self.is_editable(row, key):
                return look.READ_ONLY_BG
            return None
        if role == _PENDING:
            return cell in self.pending
        if role == _FONT:
            if cell in self.pending:
                return self._bold
            return super().data(index, role) if key == "on_hand" else None
        if role == _FOREGROUND:
            return None if cell in self.pending else super().data(index, role)
        if role == _DECORATION:
            return super().data(index, role) if key == "status" else None
        if role == _INVALID:
            return self.invalid.get(cell)
        if role == _TOOLTIP:
            if cell in self.invalid:
                return f"{self.invalid[cell]} — this cell blocks applying"
            if cell in self.pending:
                return f"Pending: was {self.current_text(row, key) or '(empty)'}"
            if key in EDITABLE and not self.is_editable(row, key):
                return "A variant follows its product here: edit the product's row"
        return super().data(index, role)

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        return self.edit_cells([(index.row(), index.column(), str(value))], "edit") > 0

    # -- pending edits -----------------------------------------------------------------------------------------
    def rows_between(self, first: int, last: int) -> dict[int, tuple]:
        """Rows ``first``..``last`` by row number. Pages not cached yet are read in one query (a paste of
        thousands of rows reads them once, not a page at a time) and kept, since the view then asks for every
        selected cell's flags (Qt's header does, to show which columns are selected)."""
        first, last = max(first, 0), min(last, self._count - 1)
        if last < first:
            return {}
        pages = range(first // PAGE_SIZE, last // PAGE_SIZE + 1)
        missing = [page for page in pages if page not in self._pages]
        if len(missing) > 2:
            start, end = missing[0] * PAGE_SIZE, min((missing[-1] + 1) * PAGE_SIZE, self._count)
            rows = self.state.inventory.view_page(self.query, start, end - start, self._count)
            for page in missing:
                offset = page * PAGE_SIZE - start
                self._pages[page] = rows[offset : offset + PAGE_SIZE]
            for page in pages:  # the pasted range stays; older pages go first
                self._pages.move_to_end(page)
            while len(self._pages) > max(MAX_PAGES, len(pages)):
                self._pages.popitem(last=False)
        return {n: row for n in range(first, last + 1) if (row := self.row_tuple(n)) is not None}

    def editable_cells(
        self, cells: list[tuple[int, int, str]], rows: dict[int, tuple] | None = None
    ) -> list[tuple[int, int, str]]:
        """The ``(row, column, text)`` cells that can be typed into (what ``flags`` says, for many at once)."""
        if not cells:
            return []
        if rows is None:
            rows = self.rows_between(min(c[0] for c in cells), max(c[0] for c in cells))
        keys = self._keys
        width = len(keys)
        return [
            cell
            for cell in cells
            if 0 <= cell[1] < width
            and (row := rows.get(cell[0])) is not None
            and self.is_editable(row, keys[cell[1]])
        ]

    def edit_cells(
        self, cells: list[tuple[int, int, str]], text: str, rows: dict[int, tuple] | None = None
    ) -> int:
        """Make ``(row, column, text)`` edits pending as one undoable step; returns how many cells took them.

        ``rows``: the rows by row number, if the caller read them already (``rows_between``)."""
        if rows is None and cells:
            rows = self.rows_between(min(c[0] for c in cells), max(c[0] for c in cells))
        after: dict[Cell, str | None] = {}
        loaded_rows: dict[int, tuple[tuple, int | None]] = {}
        keys = self._keys
        version = F["version"]
        for row_number, column, value in cells:
            row = rows.get(row_number)
            if row is None or not 0 <= column < len(keys):
                continue
            key = keys[column]
            if not self.is_editable(row, key):
                continue
            value = value.strip()
            item_id = row[0]
            loaded = self.row_cache.get(item_id, row)
            if item_id not in loaded_rows:
                loaded_rows[item_id] = (loaded, self.loaded_version.get(item_id, loaded[version]))
            after[(item_id, key)] = None if value == self.current_text(loaded, key) else value
        return self.push_pending(text, after, loaded_rows)

    def push_pending(
        self,
        text: str,
        after: dict[Cell, str | None],
        rows: dict[int, tuple[tuple, int | None]] | None = None,
    ) -> int:
        """Push one undoable step that makes ``after`` the cells' pending texts (None = not pending)."""
        after = {cell: v for cell, v in after.items() if self.pending.get(cell) != v}
        if not after:
            return 0
        rows = dict(rows or {})
        for item_id, _key in after:
            if item_id not in rows and item_id in self.row_cache:
                rows[item_id] = (self.row_cache[item_id], self.loaded_version.get(item_id))
        values = {
            cell: None if v is None else PendingValue(v, self._check(cell[1], v)) for cell, v in after.items()
        }
        before = {cell: self.pending_value(cell) for cell in after}
        self.undo_stack.push(PendingEdit(self, f"{text} ({len(after)} cells)", values, before, rows))
        return len(after)

    def pending_value(self, cell: Cell) -> PendingValue | None:
        text = self.pending.get(cell)
        return None if text is None else PendingValue(text, self.cell_reasons.get(cell))

    def _set_pending(
        self, values: dict[Cell, PendingValue | None], rows: dict[int, tuple[tuple, int | None]]
    ) -> None:
        touched = set()
        self._changes = None
        pending, reasons, invalid = self.pending, self.cell_reasons, self.invalid
        for cell, value in values.items():
            keys = self._keys_of.setdefault(cell[0], set())
            if value is None:
                pending.pop(cell, None)
                reasons.pop(cell, None)
                invalid.pop(cell, None)
                keys.discard(cell[1])
            else:
                pending[cell] = value.text
                if value.reason:
                    reasons[cell] = value.reason
                elif reasons:
                    reasons.pop(cell, None)
                keys.add(cell[1])
            touched.add(cell[0])
        for item_id in touched:
            if self._keys_of.get(item_id) and item_id in rows:
                row, version = rows[item_id]
                self.row_cache.setdefault(item_id, row)
                self.loaded_version.setdefault(item_id, row[F["version"]] if version is None else version)
            self._validate_row(item_id)
            if not self._keys_of.get(item_id):
                self._keys_of.pop(item_id, None)
                self.row_cache.pop(item_id, None)
                self.loaded_version.pop(item_id, None)
        self._repaint()
        self.pending_changed.emit()

    def _validate_row(self, item_id: int) -> None:
        """Mark the item's pending cells that cannot be applied (a cell's own problem, or min above max).

        Only pending cells are ever invalid (``_set_pending`` drops a cell's mark with the cell)."""
        keys = self._keys_of.get(item_id, ())
        values = {}
        for key in keys:
            cell = (item_id, key)
            reason = self.cell_reasons.get(cell) if self.cell_reasons else None
            if reason:
                self.invalid[cell] = reason
            else:
                if self.invalid:
                    self.invalid.pop(cell, None)
                values[key] = self.pending[cell]
        row = self.row_cache.get(item_id)
        if row is None or not ("min_qty" in keys or "max_qty" in keys):
            return
        limits = {}
        for key in ("min_qty", "max_qty"):
            text = values.get(key, self.current_text(row, key))
            limits[key] = int(text) if text.lstrip("-").isdigit() else 0
        problem = limits_problem(limits["min_qty"], limits["max_qty"])
        if problem:
            for key in ("min_qty", "max_qty"):
                if (item_id, key) in self.pending:
                    self.invalid[(item_id, key)] = problem

    def _check(self, key: str, text: str) -> str | None:
        if key == "status" and self.state.status_by_name(text) is None:
            return f"there is no status named '{text}' (add it in Product statuses)"
        return check_cell(key, text)

    def discard(self) -> None:
        if self.pending:
            self.push_pending("discard pending edits", dict.fromkeys(self.pending))

    def forget_pending(self) -> None:
        """After applying: nothing is pending, and there is nothing to undo in the grid."""
        self.pending.clear()
        self._changes = None
        self._keys_of.clear()
        self.invalid.clear()
        self.cell_reasons.clear()
        self.row_cache.clear()
        self.loaded_version.clear()
        self.undo_stack.clear()
        self.pending_changed.emit()

    def pending_changes(self) -> list[GridChange]:
        """The pending edits, one change per unit, with the version each unit was loaded at.

        The same list until the pending edits change: applying after a preview hands the service the very
        changes it checked."""
        if self._changes is None:
            by_item: dict[int, dict[str, str]] = {}
            for (item_id, key), text in self.pending.items():
                by_item.setdefault(item_id, {})[key] = text
            self._changes = [
                GridChange(item_id, values, self.loaded_version.get(item_id))
                for item_id, values in sorted(by_item.items())
            ]
        return list(self._changes)

    def keep_mine(self, fresh: dict[int, tuple]) -> None:
        """The person keeps their edits of rows changed elsewhere: they now stand against the fresh rows."""
        for item_id, row in fresh.items():
            self.row_cache[item_id] = row
            self.loaded_version[item_id] = row[F["version"]]
        self._changes = None

    def label_of(self, item_id: int) -> str:
        row = self.row_cache.get(item_id)
        return row_label(row) if row else f"item {item_id}"

    def column_of(self, key: str) -> int | None:
        return self._key_index.get(key)
