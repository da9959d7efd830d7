"""Colours and small icons shared by the tables: one place decides how a status or low stock looks."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from desktop_app.models import Status

GREEN = QColor("#2e7d32")
AMBER = QColor("#ef8f00")
RED = QColor("#c62828")
GREY = QColor("#8a8f98")
BLUE = QColor("#1565c0")
LOW_STOCK_BG = QColor("#fff3cd")
OUT_BG = QColor("#fde2e1")
PENDING_BG = QColor("#dbeafe")
INVALID_BG = QColor("#f8c9c7")
READ_ONLY_BG = QColor("#f3f4f6")
NEGATIVE_FG = QColor("#b3261e")
MUTED_FG = QColor("#6b7280")
DISAGREES_BG = QColor("#ffe0a3")  # a status the stock contradicts


def status_color(status: Status | None) -> QColor:
    """Unavailable red, back order amber, hidden grey, anything orderable green."""
    if status is None:
        return GREY
    if status.unavailable:
        return RED
    if status.back_order:
        return AMBER
    if status.hidden:
        return GREY
    return GREEN


@lru_cache(maxsize=32)
def dot_icon(rgb: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(rgb))
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    painter.end()
    return QIcon(pixmap)


@lru_cache(maxsize=1)
def warning_icon(size: int = 14) -> QIcon:
    """An amber triangle with '!': a status that disagrees with the stock."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(AMBER)
    painter.drawPolygon([QPointF(size / 2, 0.5), QPointF(size - 0.5, size - 0.5), QPointF(0.5, size - 0.5)])
    painter.setPen(QColor("#ffffff"))
    font = painter.font()
    font.setBold(True)
    font.setPixelSize(int(size * 0.7))
    painter.setFont(font)
    painter.drawText(QRectF(0, size * 0.2, size, size * 0.8), Qt.AlignmentFlag.AlignCenter, "!")
    painter.end()
    return QIcon(pixmap)


def status_icon(status: Status | None) -> QIcon:
    return dot_icon(status_color(status).name())


def status_tooltip(status: Status | None) -> str:
    if status is None:
        return ""
    flags = [
        label
        for flag, label in (
            ("unavailable", "cannot be ordered"),
            ("back_order", "may be ordered beyond stock"),
            ("hidden", "hidden from the catalog"),
            ("show_quantity", "shows the on-hand count"),
        )
        if getattr(status, flag)
    ]
    text = f"{status.name}: {', '.join(flags) if flags else 'can be ordered'}"
    if status.ships_in:
        text += f"\n{status.ships_in}"
    return text


STYLE_SHEET = """
QTableView { gridline-color: #e3e5e8; selection-background-color: #cfe3ff; selection-color: #111; }
QHeaderView::section { padding: 4px 6px; border: none; border-right: 1px solid #e3e5e8;
                       border-bottom: 1px solid #d5d8dc; background: #f6f7f9; font-weight: 600; }
QToolBar { spacing: 4px; }
QLabel#hint { color: #5f6670; }
QLabel#warning { color: #8a5300; }
QLabel#error { color: #b3261e; }
QGroupBox { font-weight: 600; }
"""
