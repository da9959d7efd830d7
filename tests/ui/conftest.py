"""UI tests: the real widgets, offscreen, over a real SQLite file with the demo catalog."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox


@pytest.fixture(autouse=True)
def _collect_the_test_s_widgets(qapp):
    """After each test (and after pytest-qt closed its widgets): delete what was left, and collect garbage.

    Python's collector otherwise frees a test's Qt wrappers at a moment chosen by allocation counts, perhaps in
    the middle of the next test's window being built; done here, the order no longer depends on the test
    before.
    """
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()
    gc.collect()


@pytest.fixture
def settings(tmp_path):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    s = QSettings(str(tmp_path / "settings" / "editor.ini"), QSettings.Format.IniFormat)
    return s


def _load_demo(inventory) -> None:
    from desktop_app.demo import load_demo

    load_demo(inventory)


@pytest.fixture(scope="session")
def demo_template(migrated_template):
    """A database holding the demo catalog, made once per session; ``demo`` tests get a copy of it."""
    from tests.conftest import Template

    template = Template(fill=_load_demo, base=migrated_template)
    yield template
    template.drop()


@pytest.fixture
def db_url(request, tmp_path, migrated_template, demo_template):
    """The test's new database: a copy of the demo catalog for a test using ``demo``, else an empty inventory."""
    template = demo_template if "demo" in request.fixturenames else migrated_template
    yield from template.new_url(str(tmp_path / "inventory.db"))


@pytest.fixture
def demo(db_url):
    """The demo catalog (``init --demo``), in the test's own database."""
    from desktop_app.service import Inventory

    inventory = Inventory(db_url)
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
