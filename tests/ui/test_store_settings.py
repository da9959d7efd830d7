"""Store settings never lose or claim to have saved a change (issue 10, defect 6)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox

from tests.ui.conftest import message_text


@pytest.fixture
def settings_dialog(qtbot, demo):
    from ui.state import AppState
    from ui.store_settings import StoreSettingsDialog

    state = AppState(demo, watch=False)
    stack = QUndoStack()
    dialog = StoreSettingsDialog(state, stack, store="Main Street")
    dialog.show()
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    yield dialog
    dialog.discard_changes()  # closing with unsaved changes asks first; a test has nobody to answer
    dialog.close()
    dialog.deleteLater()
    state.close()


def click(qtbot, button) -> None:
    """Click a radio button on its label (the middle of a wide one is empty space)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(12, button.height() // 2))
    assert button.isChecked()


def answer(modal, button: QMessageBox.StandardButton, seen: dict) -> None:
    def act(box):
        seen["text"] = message_text(box)
        seen["default"] = box.defaultButton()
        seen["buttons"] = {
            b
            for b in (
                QMessageBox.StandardButton.Save,
                QMessageBox.StandardButton.Discard,
                QMessageBox.StandardButton.Cancel,
            )
            if box.button(b) is not None
        }
        box.button(button).click()

    modal.on_next(act)


def test_defect_6_unsaved_settings_ask_save_discard_or_cancel(settings_dialog, qtbot, modal, demo):
    dialog = settings_dialog
    click(qtbot, dialog.remove_buttons["shipped"])
    assert "Saved" not in dialog.saved.text()

    # Escape asks; Cancel (the default) keeps the dialog open and the change on screen.
    seen: dict = {}
    answer(modal, QMessageBox.StandardButton.Cancel, seen)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    modal.check()
    assert "Main Street" in seen.get("text", "") and seen["default"] is not None
    assert seen["default"].text().replace("&", "") == "Cancel"
    assert len(seen["buttons"]) == 3
    assert dialog.isVisible() and dialog.remove_buttons["shipped"].isChecked()
    assert demo.store("Main Street").remove_when == "ordered"

    # Switching store asks too; Save writes the change, and only then the dialog says so.
    seen.clear()
    answer(modal, QMessageBox.StandardButton.Save, seen)
    dialog.store.setCurrentText("Online Shop")
    modal.check()
    assert "Main Street" in seen.get("text", "")
    assert demo.store("Main Street").remove_when == "shipped"
    assert dialog.store.currentText() == "Online Shop"
    assert dialog.remove_buttons["paid"].isChecked()

    # Close with a change, Discard: nothing written, nothing claimed.
    dialog.tracking.click()
    assert "Saved" not in dialog.saved.text()
    seen.clear()
    answer(modal, QMessageBox.StandardButton.Discard, seen)
    dialog.buttons.button(dialog.buttons.StandardButton.Close).click()
    modal.check()
    assert "Online Shop" in seen.get("text", "")
    assert not dialog.isVisible()
    assert demo.store("Online Shop").track_inventory is True


def test_switching_store_and_cancelling_stays_on_the_edited_store(settings_dialog, qtbot, modal, demo):
    dialog = settings_dialog
    dialog.defaults["default_back_order"].setCurrentText("Made to Order")
    seen: dict = {}
    answer(modal, QMessageBox.StandardButton.Cancel, seen)
    dialog.store.setCurrentText("Wholesale")
    modal.check()
    assert dialog.store.currentText() == "Main Street"
    assert dialog.defaults["default_back_order"].currentText() == "Made to Order"
    assert demo.store("Main Street").default_back_order == "Back Order"


def test_save_has_a_mnemonic_and_says_saved_only_when_saved(settings_dialog, qtbot, demo):
    dialog = settings_dialog
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    assert "&" in save.text()
    click(qtbot, dialog.remove_buttons["paid"])
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: demo.store("Main Street").remove_when == "paid")
    assert "Saved the settings of Main Street" in dialog.saved.text()
    click(qtbot, dialog.remove_buttons["ordered"])
    assert "Saved" not in dialog.saved.text()
