"""``CountLinesModel``: a stock count's lines (unit, counted, expected, difference), one row per unit."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.count_models import CountLine

COLUMNS = ("Item", "Name", "Barcode", "Counted", "Expected", "Difference", "On hand now")
ITEM, NAME, BARCODE, COUNTED, EXPECTED, DIFFERENCE, ON_HAND = range(len(COLUMNS))
UnitIdRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
FLASH = QColor("#fff2a8")  # the row a scan just changed
SHORT, OVER = QColor("#b3261e"), QColor("#1b6e20")


class CountLinesModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.lines: list[CountLine] = []
        self.row_by_unit: dict[int, int] = {}
        self.flashing: int | None = None  # unit id

    def set_lines(self, lines: list[CountLine]) -> None:
        self.beginResetModel()
        self.lines = list(lines)
        self.row_by_unit = {line.unit_id: n for n, line in enumerate(self.lines)}
        self.endResetModel()

    def put(self, line: CountLine) -> int:
        """Add or replace the line of ``line.unit_id``; returns its row."""
        row = self.row_by_unit.get(line.unit_id)
        if row is None:
            row = len(self.lines)
            self.beginInsertRows(QModelIndex(), row, row)
            self.lines.append(line)
            self.row_by_unit[line.unit_id] = row
            self.endInsertRows()
        else:
            self.lines[row] = line
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        return row

    def set_flash(self, unit_id: int | None) -> None:
        rows = [self.row_by_unit.get(u) for u in (self.flashing, unit_id)]
        self.flashing = unit_id
        for row in rows:
            if row is not None:
                self.dataChanged.emit(
                    self.index(row, 0), self.index(row, len(COLUMNS) - 1), [Qt.ItemDataRole.BackgroundRole]
                )

    def totals(self, only_differences: bool = False) -> tuple[int, int, int, int]:
        """(lines, counted, expected, lines that differ)."""
        shown = [li for li in self.lines if li.difference or not only_differences]
        return (
            len(shown),
            sum(li.counted for li in shown),
            sum(li.expected for li in shown),
            sum(1 for li in shown if li.difference),
        )

    # -- Qt ------------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line = self.lines[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(line, column)
        if role == SortRole:
            value = _value(line, column)
            return value.lower() if isinstance(value, str) else value
        if role == UnitIdRole:
            return line.unit_id
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= COUNTED:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and line.unit_id == self.flashing:
            return QBrush(FLASH)
        if role == Qt.ItemDataRole.ForegroundRole and column == DIFFERENCE and line.difference:
            return QBrush(SHORT if line.difference < 0 else OVER)
        return None


def _value(line: CountLine, column: int):
    return (
        line.label,
        line.name,
        line.barcode or "",
        line.counted,
        line.expected,
        line.difference,
        line.on_hand,
    )[column]


def _display(line: CountLine, column: int) -> str:
    value = _value(line, column)
    if column == DIFFERENCE:
        return f"{value:+,}" if value else "0"
    return f"{value:,}" if isinstance(value, int) else value


class DifferencesProxy(QSortFilterProxyModel):
    """Sorts by value (numbers as numbers) and, when asked, shows only the lines that differ."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.only_differences = False
        self.setSortRole(SortRole)

    def set_only_differences(self, on: bool) -> None:
        self.only_differences = on
        self.invalidate()

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        if not self.only_differences:
            return True
        return self.sourceModel().lines[row].difference != 0
