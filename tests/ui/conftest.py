"""UI tests: the real widgets, offscreen, over a real SQLite file with the demo catalog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox


@pytest.fixture
def settings(tmp_path):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    s = QSettings(str(tmp_path / "settings" / "editor.ini"), QSettings.Format.IniFormat)
    return s


@pytest.fixture
def demo(db_url):
    from desktop_app.demo import load_demo
    from desktop_app.service import Inventory

    inventory = Inventory(db_url)
    load_demo(inventory)
    yield inventory
    inventory.db.dispose()


@pytest.fixture
def window(qtbot, demo, settings):
    from ui.main_window import MainWindow
    from ui.state import AppState

    state = AppState(demo, watch=False)
    win = MainWindow(state, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    state.close()


class ModalDriver:
    """Acts on the next modal dialog or message box as a user would, then lets the test go on."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.seen: list = []
        self.errors: list[BaseException] = []

    def on_next(self, act) -> None:
        def run() -> None:
            widget = QApplication.activeModalWidget()
            if widget is None:
                QTimer.singleShot(20, run)
                return
            self.seen.append(widget)
            try:
                act(widget)
            except BaseException as exc:  # surfaced by check()
                self.errors.append(exc)
                widget.close()

        QTimer.singleShot(0, run)

    def check(self) -> None:
        if self.errors:
            raise self.errors[0]


@pytest.fixture
def modal(qtbot):
    driver = ModalDriver(qtbot)
    yield driver
    driver.check()


def message_text(box: QMessageBox) -> str:
    return "\n".join(filter(None, [box.text(), box.informativeText()]))


def click_ok(box: QMessageBox) -> None:
    box.button(QMessageBox.StandardButton.Ok).click() if box.button(
        QMessageBox.StandardButton.Ok
    ) else box.close()


def cell(view, row: int, key: str) -> str:
    model = view.model()
    column = next(i for i, c in enumerate(model.columns) if c.key == key)
    return str(model.index(row, column).data(Qt.ItemDataRole.DisplayRole))
