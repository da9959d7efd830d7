"""The variants dialog's matrix: the options it shows are the options the new variants get."""

from PySide6.QtWidgets import QTableWidgetItem


def test_generated_combinations_become_variants_with_those_options(window, qtbot):
    from ui.variants import VariantsDialog

    window.state.inventory.add_product("CAP", name="Cap")
    cap = window.state.inventory.item("CAP")
    dialog = VariantsDialog(window.state, window.undo_stack, cap.id, window)
    qtbot.addWidget(dialog)
    dialog.groups.setRowCount(0)
    dialog._add_group("Size", "S, L")
    dialog._add_group("Color", "Blue")
    dialog.generate()
    shown = sorted(dialog.combos.item(r, 1).text() for r in range(dialog.combos.rowCount()))
    assert shown == ["Size=L;Color=Blue", "Size=S;Color=Blue"]
    for row in range(dialog.combos.rowCount()):  # item numbers chosen by the person
        size = dialog.combos.item(row, 1).text().split(";")[0].split("=")[1]
        dialog.combos.setItem(row, 2, QTableWidgetItem(f"CAP-{size}-BLUE"))
    dialog.create_variants()
    assert "Created 2 variants" in dialog.note.text()
    variants = {v.item_number: v.options for v in window.state.inventory.item("CAP").variants}
    assert variants == {"CAP-S-BLUE": "Size=S;Color=Blue", "CAP-L-BLUE": "Size=L;Color=Blue"}
