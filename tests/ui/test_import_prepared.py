"""The import wizard's Import reuses the preview's staged work, and says so plainly when it could not."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication


def wizard_for(window, qtbot, path: str, store: str | None = None):
    from ui.import_wizard import ImportWizard

    wizard = ImportWizard(window.state, window, path=path)
    qtbot.addWidget(wizard)
    wizard.show()
    QApplication.setActiveWindow(wizard)
    wizard.next()
    if store:
        wizard.options.for_store.setChecked(True)
        wizard.options.store.setCurrentText(store)
    wizard.next()  # the preview runs
    qtbot.waitUntil(lambda: wizard.preview.finished, timeout=120_000)
    return wizard


def stock_file(tmp_path, text: str) -> str:
    path = tmp_path / "stock.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_after_the_preview_writes_what_it_showed(window, qtbot, tmp_path):
    inventory = window.state.inventory
    before = inventory.item("MUG-CER").on_hand
    wizard = wizard_for(window, qtbot, stock_file(tmp_path, "ItemNumber,NumberInStock\nMUG-CER,0\nTEA-CHAI,18\n"))
    assert "2 updated" in wizard.preview.summary_label.text()
    assert inventory.item("MUG-CER").on_hand == before  # the preview wrote nothing
    wizard.next()  # Import
    qtbot.waitUntil(lambda: wizard.run_page.finished, timeout=120_000)
    text = wizard.run_page.summary_label.text()
    assert "Imported" in text and "2 updated" in text and "checked again" not in text
    assert (inventory.item("MUG-CER").on_hand, inventory.item("TEA-CHAI").on_hand) == (0, 18)


def test_a_change_between_preview_and_import_is_kept_and_said(window, qtbot, tmp_path):
    inventory = window.state.inventory
    wizard = wizard_for(window, qtbot, stock_file(tmp_path, "ItemNumber,NumberInStock\nMUG-CER,7\n"))
    inventory.edit_item("MUG-CER", {"on_hand": 2})  # another workstation, while the person reads the preview
    wizard.next()  # Import
    qtbot.waitUntil(lambda: wizard.run_page.finished, timeout=120_000)
    text = wizard.run_page.summary_label.text()
    assert "The catalog changed since the preview" in text and "checked again" in text and "Imported" in text
    assert inventory.item("MUG-CER").on_hand == 7
    # Both changes are in the history: the other workstation's 2, then the file's 7 on top of it.
    moves = sorted(
        (e.batch, e.cause, e.delta, e.after) for e in inventory.history("MUG-CER") if e.kind == "movement"
    )
    assert [m[1:] for m in moves][-1] == ("import", 5, 7)
    assert [m[1] for m in moves][-2] == "manual" and moves[-2][3] == 2


def test_back_from_the_preview_drops_its_staged_work(window, qtbot, tmp_path):
    wizard = wizard_for(window, qtbot, stock_file(tmp_path, "ItemNumber,NumberInStock\nMUG-CER,7\n"))
    prepared = wizard.prepared
    assert prepared is not None and prepared.prepared
    wizard.back()
    assert wizard.prepared is None and not prepared.prepared and prepared.conn is None
