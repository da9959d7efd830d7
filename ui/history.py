"""The selected item's history: every movement and status change with its cause, and a chart of on hand."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import InventoryError
from desktop_app.models import HistoryEntry
from ui import look
from ui.state import AppState
from ui.widgets import when_text, when_tooltip

SHOWN = 500  # the newest entries shown; the command line prints all of them

RULE_TEXT = {
    "manual": "set by hand",
    "in_stock": "stock rose above 0: store's default In Stock",
    "out_of_stock": "stock reached 0: store's default Out of Stock",
    "back_order": "stock reached 0 with back orders allowed: store's default Back Order",
    "discontinued": "discontinued and stock reached 0: store's default Discontinued",
    "revert": "batch reverted",
}
# The table's Rule column: short enough to read whole; the full sentence is the cell's tooltip.
RULE_SHORT = {
    "manual": "by hand",
    "in_stock": "stock > 0 → In Stock",
    "out_of_stock": "stock ≤ 0 → Out of Stock",
    "back_order": "stock ≤ 0 → Back Order",
    "discontinued": "stock ≤ 0 → Discontinued",
    "revert": "batch reverted",
}


def describe(entry: HistoryEntry) -> str:
    if entry.kind == "movement":
        what = "on hand" if entry.quantity == "on_hand" else "on order"
        return f"{what} {entry.delta:+d} → {entry.after}"
    if entry.kind == "field":
        return entry.describe_field()
    return f"{entry.from_status} → {entry.to_status}"


class OnHandChart(QWidget):
    """A step chart of on hand over time, drawn with QPainter (no chart library needed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[dt.datetime, int]] = []
        self.setMinimumSize(260, 140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_points(self, points: list[tuple[dt.datetime, int]]) -> None:
        self.points = points
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        painter.setFont(small)
        area = QRectF(self.rect()).adjusted(44, 22, -12, -24)
        painter.setPen(QColor("#333"))
        painter.drawText(QRectF(8, 2, self.width() - 16, 18), Qt.AlignmentFlag.AlignLeft, "On hand over time")
        if len(self.points) < 1 or area.width() < 20 or area.height() < 20:
            painter.setPen(look.MUTED_FG)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "No stock movements yet")
            return
        values = [v for _, v in self.points]
        low, high = min(0, *values), max(0, *values)
        if high == low:
            high = low + 1
        count = len(self.points)

        def x(i: int) -> float:
            return area.left() + (area.width() * i / max(1, count - 1) if count > 1 else area.width() / 2)

        def y(v: float) -> float:
            return area.bottom() - (v - low) / (high - low) * area.height()

        painter.setPen(QPen(QColor("#d5d8dc"), 1))
        painter.drawLine(QPointF(area.left(), area.top()), QPointF(area.left(), area.bottom()))
        painter.setPen(QPen(QColor("#9aa0a6"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(area.left(), y(0)), QPointF(area.right(), y(0)))
        painter.setPen(look.MUTED_FG)
        for value in sorted({low, 0, high}):
            painter.drawText(
                QRectF(0, y(value) - 8, area.left() - 6, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(value),
            )
        first, last = self.points[0][0], self.points[-1][0]
        if first and last:
            painter.drawText(
                QRectF(area.left(), area.bottom() + 4, 120, 16),
                Qt.AlignmentFlag.AlignLeft,
                when_text(first, "%Y-%m-%d"),
            )
            painter.drawText(
                QRectF(area.right() - 120, area.bottom() + 4, 120, 16),
                Qt.AlignmentFlag.AlignRight,
                when_text(last, "%Y-%m-%d %H:%M"),
            )
        path = QPainterPath(QPointF(x(0), y(values[0])))
        for i in range(1, count):
            path.lineTo(QPointF(x(i), y(values[i - 1])))
            path.lineTo(QPointF(x(i), y(values[i])))
        painter.setPen(QPen(look.BLUE, 2))
        painter.drawPath(path)
        painter.setBrush(look.BLUE)
        for i, v in enumerate(values):
            painter.setBrush(look.RED if v <= 0 else look.BLUE)
            painter.drawEllipse(QPointF(x(i), y(v)), 2.5, 2.5)


class HistoryPanel(QWidget):
    """History of one item: why it has the count and the status it has."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.item_id: int | None = None
        self.variant_ids: set[int] = set()
        self.entries: list[HistoryEntry] = []
        self.title = QLabel("Select an item to see its history.")
        self.title.setObjectName("hint")
        self.why = QLabel()
        self.why.setWordWrap(True)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(["When", "Item", "Change", "Cause", "Store", "Order", "Rule"])
        self.table.horizontalHeaderItem(0).setToolTip("Local time; hover a time for its zone and UTC")
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.chart = OnHandChart()
        self.chart.setMinimumSize(200, 120)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.chart)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([760, 240])
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(header)
        layout.addWidget(self.why)
        layout.addWidget(splitter)
        state.items_changed.connect(self._changed)

    def _changed(self, ids) -> None:
        if self.item_id is not None and (ids is None or ids & ({self.item_id} | self.variant_ids)):
            self.show_item(self.item_id)

    def show_item(self, item_id: int | None) -> None:
        self.item_id = item_id
        if item_id is None:
            self.entries = []
            self.title.setText("Select an item to see its history.")
            self.why.clear()
            self.table.setRowCount(0)
            self.chart.set_points([])
            return
        try:
            item = self.state.inventory.item(item_id)
            self.entries = self.state.inventory.history(item_id, limit=SHOWN)
        except InventoryError as exc:
            self.title.setText(exc.message)
            return
        self.variant_ids = {v.id for v in item.variants}
        self.title.setText(f"History of {item.label} — {item.name}   (newest {SHOWN} entries at most)")
        self.why.setText(self._why(item.status))
        rows = list(reversed(self.entries))
        self.table.setRowCount(len(rows))
        for row, entry in enumerate(rows):
            cause = entry.cause + (
                f" (batch {entry.batch})" if entry.cause in ("import", "grid", "adjust", "revert", "count") else ""
            )
            if entry.cause == "count" and entry.note:
                cause += f": {entry.note}"  # which stock count
            if entry.note and entry.kind == "status" and entry.cause == "manual":
                cause += f": {entry.note}"
            cells = [
                when_text(entry.at),
                entry.item_number or "",
                describe(entry),
                cause,
                entry.store or "",
                str(entry.order or ""),
                RULE_SHORT.get(entry.rule or "", entry.rule or ""),
            ]
            tips = {0: when_tooltip(entry.at), 3: entry.note or "", 6: RULE_TEXT.get(entry.rule or "", "")}
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if tips.get(col):
                    cell.setToolTip(tips[col])
                if entry.kind == "status":
                    cell.setForeground(look.status_color(self.state.status_by_name(entry.to_status or "")))
                self.table.setItem(row, col, cell)
        # The Item column only matters for a product whose history includes its variants'.
        self.table.setColumnHidden(1, not self.variant_ids)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(3, min(self.table.columnWidth(3), 260))  # a long note: whole in the tooltip
        self.chart.set_points(self._points(item.on_hand))

    def _why(self, status: str) -> str:
        last = next((e for e in reversed(self.entries) if e.kind == "status"), None)
        if last is None:
            return f"<b>{status}</b>: the status it was created with."
        how = RULE_TEXT.get(last.rule or "", last.rule or "")
        where = f" in {last.store}" if last.store else ""
        order = f", order {last.order}" if last.order else ""
        when = when_text(last.at, "%Y-%m-%d %H:%M %Z")
        note = f" ({last.note})" if last.note and last.cause == "manual" else ""
        return f"<b>Why {status}?</b> {how}{note} — {last.cause}{where}{order}, {when}."

    def _points(self, current: int) -> list[tuple[dt.datetime, int]]:
        moves = [e for e in self.entries if e.kind == "movement" and e.quantity == "on_hand"]
        # The window may not start at the beginning: work back from today's count.
        level = current - sum(e.delta for e in moves)
        points = []
        for entry in moves:
            level += entry.delta
            points.append((entry.at, level))
        return points
