"""``ItemTableModel``: products, variants or stock units as a Qt table, a window of SQL rows at a time.

The model never holds the catalog: it knows the row count of its ``UnitQuery`` and fetches pages of plain
tuples as the view paints them, keeping a bounded number of pages. Sorting and filtering change the query
(done in SQL with indexes); a change made anywhere refreshes the rows on screen by id.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from desktop_app.models import options_text, unit_label
from desktop_app.queries import ROW_FIELDS, UnitQuery, disagrees
from ui import look
from ui.state import AppState

F = {name: i for i, name in enumerate(ROW_FIELDS)}
ItemIdRole = Qt.ItemDataRole.UserRole + 1
RowRole = Qt.ItemDataRole.UserRole + 2
SortValueRole = Qt.ItemDataRole.UserRole + 3
DisagreesRole = Qt.ItemDataRole.UserRole + 4  # True where the status contradicts the stock
NOT_TRACKED = "—"  # available / to sell of a non-inventory unit: its stock is not counted

PAGE_SIZE = 256
MAX_PAGES = 48

# Roles and alignments as plain ints, looked up once: ``data()`` runs for every cell and role a view paints, and
# each ``Qt.ItemDataRole.X`` lookup or flag ``|`` costs microseconds there (a first paint asks thousands of times).
DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
DECORATION = int(Qt.ItemDataRole.DecorationRole.value)
BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
FONT = int(Qt.ItemDataRole.FontRole.value)
ITEM_ID, ROW, SORT_VALUE, DISAGREES = (int(getattr(r, "value", r)) for r in (ItemIdRole, RowRole, SortValueRole,
                                                                               DisagreesRole))
RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
LEFT = int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    numeric: bool = False
    width: int = 80
    tip: str = ""


COLUMNS = {
    c.key: c
    for c in (
        Column("item_number", "Item number", width=130),
        Column("name", "Name", width=240),
        Column("options", "Options", width=150),
        Column("status", "Status", width=130),
        Column("on_hand", "On hand", True, 70),
        Column("on_order", "On order", True, 70),
        Column("committed", "Committed", True, 80, "On open orders, not yet removed from stock"),
        Column("available", "Available", True, 75, "On hand + on order"),
        Column("available_to_sell", "To sell", True, 65, "Available to sell: available − committed"),
        Column("min_qty", "Min", True, 50, "Minimum per order line (0 = none)"),
        Column("max_qty", "Max", True, 50, "Maximum per order line (0 = no limit)"),
        Column("multiple_qty", "Multiples", True, 70, "Order quantities must be a multiple of this"),
        Column("discontinued", "Discontinued", width=95),
        Column("non_inventory", "Non-inv.", width=70, tip="Non-inventory: stock is not tracked"),
        Column("eta_date", "ETA", width=90),
        Column("low_stock_qty", "Low stock", True, 75, "Low-stock warning threshold"),
        Column("low_stock_warning", "Warn low", width=75, tip="Low-stock warnings on or off"),
        Column("barcode", "Barcode", width=120, tip="GTIN/UPC/EAN or any code a scanner reads (not unique)"),
        Column("supplier", "Supplier", width=110, tip="The product's supplier; variants follow it"),
        Column("reorder_to", "Reorder to", True, 75, "Reorder suggestions order up to this (0 = never)"),
    )
}
PRODUCT_COLUMNS = [k for k in COLUMNS if k not in ("options", "low_stock_warning")]
VARIANT_COLUMNS = [
    "item_number",
    "options",
    "status",
    "on_hand",
    "on_order",
    "committed",
    "available",
    "available_to_sell",
    "low_stock_qty",
]


UNTRACKED = ("available", "available_to_sell")


def value_of(key: str, row: tuple):
    """A column's raw value for a row tuple."""
    if key == "available":
        return row[F["on_hand"]] + row[F["on_order"]]
    if key == "available_to_sell":
        return row[F["on_hand"]] + row[F["on_order"]] - row[F["committed"]]
    if key == "status":
        return row[F["status_id"]]
    return row[F[key]]


def is_low_stock(row: tuple) -> bool:
    return bool(row[F["low_stock_warning"]]) and row[F["on_hand"]] <= row[F["low_stock_qty"]]


def row_label(row: tuple) -> str:
    return unit_label(row[F["item_number"]], row[F["item_id"]], row[F["name"]])


class ItemTableModel(QAbstractTableModel):
    """A windowed table over a ``UnitQuery``."""

    def __init__(
        self, state: AppState, query: UnitQuery, columns: list[str], parent=None, *, count: bool = True
    ) -> None:
        """``count=False``: the model shows no rows until its owner calls ``refresh()`` (which counts them), so a
        window that refreshes its models as it opens counts a million units once, not twice."""
        super().__init__(parent)
        self.state = state
        self.query = query
        self.columns = [COLUMNS[k] for k in columns]
        self._count = 0
        self._pages: OrderedDict[int, list[tuple]] = OrderedDict()
        self._bold = QFont()
        self._bold.setBold(True)
        if count:
            self._count_rows()
        state.items_changed.connect(self._on_items_changed)
        state.statuses_changed.connect(self._repaint)

    # -- the query -----------------------------------------------------------------------------------------
    def set_query(self, query: UnitQuery) -> None:
        if query != self.query:
            # A new order of the same rows keeps their count: only a new filter counts again.
            same_rows = query.with_(sort=self.query.sort, descending=self.query.descending) == self.query
            self.refresh(count=not same_rows, query=query)

    def refresh(self, *, count: bool = True, query: UnitQuery | None = None) -> None:
        """Forget every cached page, and count again unless told the rows are the same (only the sort changed).

        A new ``query`` takes effect inside the reset: a view told the model is about to reset still sees the
        query its rows came from."""
        self.beginResetModel()
        if query is not None:
            self.query = query
        self._pages.clear()
        if count:
            self._count_rows()
        self.endResetModel()

    def _count_rows(self) -> None:
        self._count = self.state.inventory.view_count(self.query) if self._enabled() else 0

    def _enabled(self) -> bool:
        return self.query.scope != "variants_of" or self.query.parent_id is not None

    def _on_items_changed(self, ids) -> None:
        cached = {row[0]: (page, i) for page, rows in self._pages.items() for i, row in enumerate(rows)}
        if ids is None or (
            self.query.sort != "id"
            or self.query.search
            or self.query.stock
            or self.query.status_id is not None
        ):
            # Rows may have moved in or out of the view, or changed place: count and fetch again.
            self.refresh()
            return
        # A variant's change also changes its product's sums: refresh the parents that are on screen too.
        fresh = self.state.inventory.view_rows(list(ids))
        parents = {row[F["parent_id"]] for row in fresh.values() if row[F["parent_id"]] is not None}
        wanted = [i for i in set(ids) | parents if i in cached]
        new_items = [i for i in ids if i not in fresh or i not in cached]
        if new_items:
            count = self.state.inventory.view_count(self.query) if self._enabled() else 0
            if count != self._count:
                self.refresh()
                return
        missing = [i for i in wanted if i not in fresh]
        if missing:
            fresh.update(self.state.inventory.view_rows(missing))
        for item_id in wanted:
            page, i = cached[item_id]
            if item_id in fresh:
                self._pages[page][i] = fresh[item_id]
        self._repaint()

    def _repaint(self) -> None:
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(self.columns) - 1))

    # -- rows ----------------------------------------------------------------------------------------------
    def row_tuple(self, row: int) -> tuple | None:
        if not 0 <= row < self._count:
            return None
        page = row // PAGE_SIZE
        rows = self._pages.get(page)
        if rows is None:
            rows = self.state.inventory.view_page(self.query, page * PAGE_SIZE, PAGE_SIZE, self._count)
            self._pages[page] = rows
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        offset = row - page * PAGE_SIZE
        return rows[offset] if offset < len(rows) else None

    def numeric_values(self, row: int) -> dict[str, int]:
        """The numeric columns' values of a row (what the status bar sums); none for untracked figures."""
        found = self.row_tuple(row)
        if found is None:
            return {}
        return {
            c.key: value_of(c.key, found)
            for c in self.columns
            if c.numeric and not (found[F["non_inventory"]] and c.key in UNTRACKED)
        }

    def status_disagrees(self, row: tuple) -> bool:
        status = self.state.statuses.get(row[F["status_id"]])
        return status is not None and disagrees(
            on_hand=row[F["on_hand"]],
            unavailable=status.unavailable,
            back_order=status.back_order,
            discontinued=bool(row[F["discontinued"]]),
            non_inventory=bool(row[F["non_inventory"]]),
            use_variant_inventory=bool(row[F["use_variant_inventory"]]),
        )

    def item_id(self, row: int) -> int | None:
        found = self.row_tuple(row)
        return found[0] if found else None

    def row_of(self, item_id: int) -> int | None:
        """The row showing an item, if it is in a cached page."""
        for page, rows in self._pages.items():
            for i, r in enumerate(rows):
                if r[0] == item_id:
                    return page * PAGE_SIZE + i
        return None

    # -- Qt model face -------------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == DISPLAY:
            return column.title
        if role == TOOLTIP:
            return column.tip or None
        if role == ALIGNMENT and column.numeric:
            return RIGHT
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.row_tuple(index.row())
        if row is None:
            return None
        column = self.columns[index.column()]
        if role == DISPLAY:
            return self._display(column.key, row)
        if role == ALIGNMENT:
            return RIGHT if column.numeric else LEFT
        if role == BACKGROUND:
            if column.key == "status" and self.status_disagrees(row):
                return look.DISAGREES_BG
            return self._background(row)
        if role == FOREGROUND:
            return self._foreground(column.key, row)
        if role == FONT:
            return self._bold if column.key == "on_hand" and is_low_stock(row) else None
        if role == DECORATION:
            if column.key != "status":
                return None
            if self.status_disagrees(row):
                return look.warning_icon()
            return look.status_icon(self.state.statuses.get(row[F["status_id"]]))
        if role == ITEM_ID:
            return row[0]
        if role == ROW:
            return row
        if role == SORT_VALUE:
            return value_of(column.key, row)
        if role == DISAGREES:
            return self.status_disagrees(row)
        if role == TOOLTIP:
            return self._tooltip(column.key, row)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column].key
        if key == "options":
            key = "name"
        self.set_query(self.query.with_(sort=key, descending=order == Qt.SortOrder.DescendingOrder))

    # -- how cells look ------------------------------------------------------------------------------------
    def _display(self, key: str, row: tuple):
        if key == "item_number":
            return row_label(row)
        if key == "status":
            status = self.state.statuses.get(row[F["status_id"]])
            return status.name if status else "?"
        if key == "options":
            return options_text(row[F["options"]])
        if key in ("discontinued", "non_inventory"):
            return "Yes" if row[F[key]] else ""
        if key == "eta_date":
            value = row[F["eta_date"]]
            return value.isoformat() if isinstance(value, dt.date) else (value or "")
        if key in UNTRACKED and row[F["non_inventory"]]:
            return NOT_TRACKED
        if (
            key in ("on_hand", "on_order", "committed", "available", "available_to_sell")
            and row[F["use_variant_inventory"]]
        ):
            return f"{value_of(key, row)} Σ"
        value = value_of(key, row)
        return value if value is not None else ""

    def _tooltip(self, key: str, row: tuple) -> str | None:
        if key == "status":
            status = self.state.statuses.get(row[F["status_id"]])
            text = look.status_tooltip(status)
            if self.status_disagrees(row):
                text += (
                    f"\n⚠ Disagrees with the stock ({row[F['on_hand']]} on hand). "
                    "Edit › Apply the store's rule (Ctrl+R) sets the status the store's rule picks."
                )
            return text
        if key in UNTRACKED and row[F["non_inventory"]]:
            return "Non-inventory: stock is not tracked, so there is nothing to sell from"
        if row[F["use_variant_inventory"]] and key in ("on_hand", "on_order", "committed"):
            return "The sum of this product's variants (edit the variants to change it)"
        if is_low_stock(row):
            return f"Low stock: {row[F['on_hand']]} on hand, warning at {row[F['low_stock_qty']]}"
        return None

    def _background(self, row: tuple):
        if row[F["non_inventory"]] or row[F["use_variant_inventory"]]:
            return None
        if row[F["on_hand"]] <= 0:
            return look.OUT_BG
        if is_low_stock(row):
            return look.LOW_STOCK_BG
        return None

    def _foreground(self, key: str, row: tuple):
        if key in UNTRACKED and row[F["non_inventory"]]:
            return look.MUTED_FG
        if key in ("on_hand", "available", "available_to_sell") and value_of(key, row) < 0:
            return look.NEGATIVE_FG
        if key == "low_stock_qty" and not row[F["low_stock_warning"]]:
            return look.MUTED_FG
        return None
