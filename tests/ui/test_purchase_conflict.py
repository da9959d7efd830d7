"""Two workstations editing one draft PO: the editor that saves second is told, and may reload (defect 2)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from tests.ui.conftest import message_text
from tests.ui.test_purchasing_windows import show, state  # noqa: F401  (the fixture)


def lines(editor) -> list[tuple[str, str]]:
    return [(editor.lines.item(r, 0).text(), editor.lines.item(r, 2).text()) for r in range(editor.lines.rowCount())]


def test_saving_a_draft_another_workstation_changed_is_refused_and_offers_to_reload(state, demo, qtbot, modal):  # noqa: F811
    from ui.purchase_editor import PurchaseOrderEditor

    po = demo.purchasing.create("Acme", [("PO-MUG", 1)])
    editor = show(qtbot, PurchaseOrderEditor(state, po))
    # Another workstation saves the same draft meanwhile.
    opened = demo.purchasing.get(po)
    demo.purchasing.update_draft(
        po, supplier="Acme", store=None, expected=None, lines=[("PO-CAP", 7)], version=opened.version
    )
    editor.lines.item(0, 2).setText("4")
    asked = {}

    def keep_mine(box):
        asked["text"] = message_text(box)
        asked["default_no"] = box.defaultButton() is box.button(QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.No).click()

    modal.on_next(keep_mine)
    assert not editor.save()
    modal.check()
    assert f"PO {po} (Acme) was changed on another workstation" in asked["text"] and asked["default_no"]
    assert "reload" in asked["text"].lower()
    # Nothing was overwritten, and the person's own edit is still in the window.
    assert [(ln.label, ln.quantity) for ln in demo.purchasing.get(po).lines] == [("PO-CAP", 7)]
    assert lines(editor) == [("PO-MUG", "4")] and editor.windowTitle().endswith("*")
    assert "changed on another workstation" in editor.problem.text()

    modal.on_next(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    assert not editor.save()
    modal.check()
    assert lines(editor) == [("PO-CAP", "7")] and not editor.windowTitle().endswith("*")
    editor.lines.item(0, 2).setText("9")  # reloaded, it saves on top of the other workstation's save
    assert editor.save()
    assert [(ln.label, ln.quantity) for ln in demo.purchasing.get(po).lines] == [("PO-CAP", 9)]
