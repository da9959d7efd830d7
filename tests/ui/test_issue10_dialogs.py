"""Issue 10, defects 8, 9, 10 and 12: the import wizard, fitting the screen, statuses — real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QToolButton, QWizard

from tests.ui.conftest import cell


@pytest.fixture
def state(window):
    return window.state


def stock_file(tmp_path, rows: int) -> str:
    """A product file of new items: slow enough (the row-by-row path) that Cancel lands while it runs."""
    path = tmp_path / "new-items.csv"
    lines = ["ItemNumber,ItemName,NumberInStock"] + [f"NEW-{i:05d},Thing {i},{i % 7}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def small_file(tmp_path) -> str:
    path = tmp_path / "update.csv"
    path.write_text("ItemNumber,NumberInStock\nMUG-CER,44\nTEA-CHAI,18\n", encoding="utf-8")
    return str(path)


def wizard_for(window, qtbot, path: str):
    from ui.import_wizard import ImportWizard

    wizard = ImportWizard(window.state, window, path=path)
    qtbot.addWidget(wizard)
    wizard.show()
    QApplication.setActiveWindow(wizard)  # offscreen, showing a window does not activate it
    qtbot.waitActive(wizard)
    return wizard


def test_defect_8_after_an_import_finish_stands_alone(window, qtbot, tmp_path):
    wizard = wizard_for(window, qtbot, small_file(tmp_path))
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.preview.finished, timeout=60_000)
    wizard.next()  # Import
    qtbot.waitUntil(lambda: wizard.run_page.finished, timeout=60_000)
    assert "Imported" in wizard.run_page.summary_label.text()
    assert wizard.button(QWizard.WizardButton.FinishButton).isVisible()
    assert not wizard.button(QWizard.WizardButton.CancelButton).isVisible()
    assert not wizard.run_page.cancel_button.isVisible()
    assert window.state.inventory.item("MUG-CER").on_hand == 44


def test_defect_8_a_cancelled_preview_lets_go_at_once_and_the_bar_moves(window, qtbot, tmp_path):
    from ui import import_wizard

    wizard = wizard_for(window, qtbot, stock_file(tmp_path, 1500))
    wizard.next()
    wizard.next()  # the preview starts
    page = wizard.preview
    assert page.progress.maximum() == 0  # busy, moving, until the import reports how far it is
    assert page.cancel_button.isVisible()
    thread = page.thread
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    assert "Stopping the preview" in page.summary_label.text()
    assert not page.cancel_button.isEnabled()
    wizard.reject()  # Cancel / Escape: the window does not wait for the worker
    assert not wizard.isVisible()
    assert thread.isRunning()
    qtbot.waitUntil(lambda: not import_wizard._DETACHED, timeout=120_000)
    with pytest.raises(Exception, match="no item"):
        window.state.inventory.item("NEW-00001")


def test_defect_8_a_cancelled_import_says_nothing_changed_without_a_percentage(window, qtbot, tmp_path):
    wizard = wizard_for(window, qtbot, stock_file(tmp_path, 1500))
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.preview.finished, timeout=120_000)
    wizard.next()  # Import
    page = wizard.run_page
    wizard.reject()  # Escape while importing: cancels, and the wizard stays to say what happened
    assert wizard.isVisible()
    assert (
        "Cancelling" in page.summary_label.text() and "nothing will be changed" in page.summary_label.text()
    )
    qtbot.waitUntil(lambda: page.finished, timeout=120_000)
    assert "cancelled; nothing was changed" in page.summary_label.text()
    assert not page.progress.isVisible()
    assert not wizard.button(QWizard.WizardButton.CancelButton).isVisible()
    with pytest.raises(Exception, match="no item"):
        window.state.inventory.item("NEW-00001")


def test_defect_9_windows_open_inside_the_screen_and_read_whole(window, qtbot, tmp_path):
    from ui.about import SHORTCUTS, ShortcutsDialog
    from ui.item_model import COLUMNS, VARIANT_COLUMNS
    from ui.statuses import StatusesDialog
    from ui.variants import VariantsDialog

    area = window.screen().availableGeometry()
    assert area.contains(window.frameGeometry())  # no saved size: the default fits (offscreen: 800x600)

    QApplication.instance().setApplicationDisplayName("Inventory editor")
    window._update_title()
    assert "Inventory editor" not in window.windowTitle()  # the platform appends the application's name

    statuses = StatusesDialog(window.state, window.undo_stack, window)
    qtbot.addWidget(statuses)
    assert statuses.width() <= area.width() and statuses.height() <= area.height()

    bold = QFont(window.product_table.horizontalHeader().font())
    bold.setBold(True)
    metrics = QFontMetrics(bold)
    on_hand = next(i for i, c in enumerate(window.products.columns) if c.key == "on_hand")
    assert window.product_table.columnWidth(on_hand) >= metrics.horizontalAdvance("On hand") + 30  # + arrow

    tee = window.state.inventory.item("TEE-LOGO")
    variants = VariantsDialog(window.state, window.undo_stack, tee.id, window)
    qtbot.addWidget(variants)
    for i, key in enumerate(VARIANT_COLUMNS):  # not sortable: the words and the header's padding
        assert variants.table.columnWidth(i) >= metrics.horizontalAdvance(COLUMNS[key].title) + 14, key

    shortcuts = ShortcutsDialog(window)
    qtbot.addWidget(shortcuts)
    shortcuts.show()
    qtbot.waitExposed(shortcuts)
    assert shortcuts.table.horizontalScrollBar().maximum() == 0  # nothing cut off on the right
    longest = max((does for _, _, does in SHORTCUTS), key=shortcuts.table.fontMetrics().horizontalAdvance)
    assert shortcuts.table.fontMetrics().horizontalAdvance(longest) <= shortcuts.table.columnWidth(2)
    assert area.contains(shortcuts.frameGeometry())

    # At 1024x700 every toolbar button shows (none pushed into the » overflow) …
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024)
    extension = window.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert extension is None or not extension.isVisible()
    # … and the history's columns read whole, Rule included.
    numbers = [cell(window.product_table, r, "item_number") for r in range(window.products.rowCount())]
    window.product_table.setCurrentIndex(window.products.index(numbers.index("MUG-ROSE"), 0))
    window.bottom_tabs.setCurrentWidget(window.history)
    table = window.history.table
    qtbot.waitUntil(lambda: table.rowCount() > 0)
    rule_metrics = table.fontMetrics()
    for row in range(table.rowCount()):
        text = table.item(row, 6).text()
        assert rule_metrics.horizontalAdvance(text) + 8 <= table.columnWidth(6), text
    assert sum(table.columnWidth(c) for c in range(table.columnCount())) <= table.viewport().width() + 2


def test_defect_10_alt_n_moves_the_import_wizard_on(window, qtbot, tmp_path):
    wizard = wizard_for(window, qtbot, small_file(tmp_path))
    assert wizard.currentId() == 0
    # A mnemonic "animates" the button's click: the page changes a moment after the key.
    qtbot.keyClick(wizard, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: wizard.currentId() == 1, timeout=3000)
    qtbot.keyClick(wizard, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: wizard.currentId() == 0, timeout=3000)


def test_defect_12_a_new_status_is_made_with_new_status_not_by_overwriting_a_copy(window, qtbot):
    from ui.statuses import StatusesDialog

    dialog = StatusesDialog(window.state, window.undo_stack, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reload("Made to Order")
    assert dialog.name.text() == "Made to Order"
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    assert dialog.name.text() == "" and dialog.form_box.title() == "New status"
    assert not any(box.isChecked() for box in dialog.flags.values())
    qtbot.keyClicks(dialog.name, "Coming Soon")
    dialog.flags["unavailable"].setChecked(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    made = window.state.status_by_name("Made to Order")
    new = window.state.status_by_name("Coming Soon")
    assert made is not None and made.back_order and made.ships_in == "Usually ships in 2-3 weeks"
    assert new is not None and new.unavailable and not new.back_order
    assert dialog.selected().name == "Coming Soon"
