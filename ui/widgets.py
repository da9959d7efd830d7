"""Small widget helpers the dialogs share."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QAbstractItemView, QTableWidget

from desktop_app.times import local_time  # the one conversion, shared with the command line


def read_only_table(headers: list[str], rows: int = 0, *, select_rows: bool = True) -> QTableWidget:
    """A list-like table: headers, no row numbers, not editable, whole rows selected, last column stretched."""
    table = QTableWidget(rows, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)  # Tab leaves a list; the arrow keys move within it
    if select_rows:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def display_value(value) -> str:
    """A value as a person reads it in a preview or a conflict: (empty), Yes/No, or the value."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def confirm_destructive(parent, title: str, text: str, yes_text: str, no_text: str = "&Keep it") -> bool:
    """Ask before something that cannot be taken back lightly; Enter and Escape both answer the safe "No"."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.Yes).setText(yes_text)
    box.button(QMessageBox.StandardButton.No).setText(no_text)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setEscapeButton(QMessageBox.StandardButton.No)
    box.setObjectName("confirm")
    return box.exec() == QMessageBox.StandardButton.Yes


def fit_within_screen(window, width: int, height: int, margin: int = 48) -> None:
    """Size a window to (width, height) or less, so that it fits the available area of its screen, and place
    it inside that area (over its parent when it has one)."""
    from PySide6.QtGui import QGuiApplication

    parent = window.parentWidget()
    screen = window.screen() or (parent.screen() if parent else None) or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(width, height)
        return
    area = screen.availableGeometry()
    w = max(200, min(width, area.width() - margin // 2))
    h = max(150, min(height, area.height() - margin))
    window.resize(w, h)
    centre = parent.window().frameGeometry().center() if parent is not None else area.center()
    x = min(max(area.left(), centre.x() - w // 2), area.right() - w - margin // 4)
    y = min(max(area.top(), centre.y() - h // 2), area.bottom() - h - margin + 8)
    window.move(max(area.left(), x), max(area.top(), y))


def fit_to_screen(widget, width: int, height: int) -> None:
    """Give a window its preferred size, or the screen's available area if that is smaller, and keep it
    on that screen (a 1024x700 laptop must see every window whole: buttons, status bar, scroll bars)."""
    from PySide6.QtGui import QGuiApplication

    parent = widget.parentWidget()
    screen = (parent.screen() if parent is not None else None) or widget.screen()
    screen = screen or QGuiApplication.primaryScreen()
    if screen is None:
        widget.resize(width, height)
        return
    area = screen.availableGeometry()
    # Room for the window manager's title bar and borders, which the widget's own size leaves out.
    frame_w, frame_h = 8, 32
    minimum = widget.minimumSizeHint()
    w = max(min(width, area.width() - frame_w), min(minimum.width(), area.width() - frame_w))
    h = max(min(height, area.height() - frame_h), min(minimum.height(), area.height() - frame_h))
    widget.resize(w, h)
    if parent is None:  # a dialog is placed over its parent by Qt when shown, inside the screen
        keep_on_screen(widget)


def keep_on_screen(widget) -> None:
    """Move (and if need be shrink) a window so its frame lies inside its screen's available area."""
    from PySide6.QtGui import QGuiApplication

    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame = widget.frameGeometry()
    extra_w, extra_h = frame.width() - widget.width(), frame.height() - widget.height()
    if frame.width() > area.width() or frame.height() > area.height():
        widget.resize(
            min(widget.width(), area.width() - extra_w), min(widget.height(), area.height() - extra_h)
        )
        frame = widget.frameGeometry()
    x = min(max(frame.x(), area.left()), area.right() - frame.width() + 1)
    y = min(max(frame.y(), area.top()), area.bottom() - frame.height() + 1)
    if (x, y) != (frame.x(), frame.y()):
        widget.move(x, y)


# -- times: stored in UTC, shown in this computer's zone, the zone and UTC on hover -----------------
def when_text(at: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    local = local_time(at)
    return local.strftime(fmt) if local else ""


def when_tooltip(at: dt.datetime | None) -> str:
    local = local_time(at)
    if local is None:
        return ""
    utc = local.astimezone(dt.UTC)
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()} (UTC{local:%z}) · {utc:%Y-%m-%d %H:%M:%S} UTC"
