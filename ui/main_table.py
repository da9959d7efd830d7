"""``ItemTable``: the main window's product and variant tables: rows selected together, copied as TSV, summed.

Enter opens the editor; Tab leaves the table (arrows move inside it); Ctrl+C copies the selected rows with
a header row, tab-separated, as a spreadsheet pastes them; the selected rows' numeric columns are summed.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ui.item_model import ItemIdRole, ItemTableModel

MAX_COPIED_ROWS = 20_000  # a selection of a million rows is summed and copied only up to this many


def fit_header(view: QTableView, columns, *, sort_arrow: bool = True) -> None:
    """Column widths that show each header's words in its bold font (with room for the sort arrow)."""
    header = view.horizontalHeader()
    bold = QFont(header.font())
    bold.setBold(True)
    metrics = QFontMetrics(bold)
    for i, column in enumerate(columns):
        # 12 px of padding, ~20 px for the sort indicator, a little slack for the style's margins.
        room = 36 if sort_arrow else 18
        view.setColumnWidth(i, max(column.width, metrics.horizontalAdvance(column.title) + room))


class ItemTable(QTableView):
    """A table of items: Enter opens the editor, sizes are uniform so a million rows scroll smoothly."""

    activated_item = Signal(int)
    copied = Signal(int)  # rows copied

    def __init__(self, model: ItemTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab moves to the next control; arrows move between rows
        sorted_by = next((i for i, c in enumerate(model.columns) if c.key == model.query.sort), -1)
        self.horizontalHeader().setSortIndicator(sorted_by, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(24)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setSortIndicatorShown(True)
        fit_header(self, model.columns)
        self.doubleClicked.connect(self._activated)

    @property
    def item_model(self) -> ItemTableModel:
        return self.model()  # type: ignore[return-value]

    def _activated(self, index: QModelIndex) -> None:
        item_id = index.data(ItemIdRole)
        if item_id is not None:
            self.activated_item.emit(item_id)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._activated(self.currentIndex())
            return
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        super().keyPressEvent(event)

    def selected_item_id(self) -> int | None:
        index = self.currentIndex()
        return index.data(ItemIdRole) if index.isValid() else None

    # -- the selection -----------------------------------------------------------------------------------------
    def selected_row_numbers(self, limit: int = MAX_COPIED_ROWS) -> tuple[list[int], int]:
        """The selected rows in order (at most ``limit``) and how many are selected in all."""
        ranges = sorted((r.top(), r.bottom()) for r in self.selectionModel().selection())
        rows: list[int] = []
        total = 0
        last = -1
        for top, bottom in ranges:
            top = max(top, last + 1)
            if bottom < top:
                continue
            total += bottom - top + 1
            if len(rows) < limit:
                rows.extend(range(top, min(bottom, top + limit - len(rows) - 1) + 1))
            last = bottom
        return rows, total

    def selection_tsv(self) -> str:
        """The selected rows as tab-separated text with a header row (what Ctrl+C copies)."""
        model = self.item_model
        rows, _total = self.selected_row_numbers()
        columns = [c for c in range(model.columnCount()) if not self.isColumnHidden(c)]
        columns.sort(key=self.horizontalHeader().visualIndex)
        lines = ["\t".join(model.columns[c].title for c in columns)]
        for row in rows:
            cells = []
            for c in columns:
                value = model.index(row, c).data(Qt.ItemDataRole.DisplayRole)
                cells.append(" ".join(str("" if value is None else value).split()))
            lines.append("\t".join(cells))
        return "\n".join(lines) + "\n"

    def copy_selection(self) -> int:
        rows, _ = self.selected_row_numbers()
        if not rows:
            return 0
        QGuiApplication.clipboard().setText(self.selection_tsv())
        self.copied.emit(len(rows))
        return len(rows)

    def selection_summary(self) -> str:
        """'3 rows selected · On hand 52 · To sell 40': the sums of the selected rows' numeric columns."""
        rows, total = self.selected_row_numbers()
        if total < 2:
            return ""
        model = self.item_model
        if total > len(rows):
            return f"{total:,} rows selected (sums cover up to {MAX_COPIED_ROWS:,} rows)"
        sums: dict[str, int] = {}
        for row in rows:
            for key, value in model.numeric_values(row).items():
                sums[key] = sums.get(key, 0) + value
        titles = {c.key: c.title for c in model.columns}
        parts = [f"{titles[k]} {v:,}" for k, v in sums.items() if k in SUMMED]
        return f"{total:,} rows selected · sums: " + " · ".join(parts)


SUMMED = ("on_hand", "on_order", "committed", "available", "available_to_sell")
