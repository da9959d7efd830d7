"""The export's formula guard, cell by cell: the database writes exactly what ``values.quote_text`` would."""

from __future__ import annotations

import csv
import io

from desktop_app.csvio import values as cv
from desktop_app.csvio.exporter import export_file

# Every printable ASCII character leads a name once (with the characters either side of each formula
# lead, where a guard written as a range of text could slip), then text that starts outside ASCII.
FIRSTS = [*(chr(c) for c in range(0x21, 0x7F)), "é", "Ω", "€", "😀"]


def test_every_first_character_is_guarded_exactly_as_quote_text(inventory, tmp_path):
    names = {f"K{n:03d}": f"{first}x{n}" for n, first in enumerate(FIRSTS)}
    for number, name in names.items():
        inventory.add_product(number, name=name, supplier=name, barcode=name)
    inventory.add_product("=K-LEAD", name="plain")  # an item number that needs the guard too
    out = tmp_path / "out.csv"
    export_file(inventory.db, out)
    with open(out, newline="", encoding="utf-8") as f:
        rows = {row["ItemNumber"]: row for row in csv.DictReader(f)}
    wrong = []
    for number in names:
        item, row = inventory.item(number), rows[number]
        for column, stored in (("ItemName", item.name), ("Supplier", item.supplier), ("GTIN", item.barcode)):
            if row[column] != cv.quote_text(stored):
                wrong.append((number, column, stored, row[column]))
    assert wrong == []
    assert rows["'=K-LEAD"]["ItemName"] == "plain"


def test_cells_that_need_csv_quotes_read_back_whole(inventory, tmp_path):
    names = ['Mug, "large"', "two\nlines", "=1,2", 'say "hi"', "tab\there", "comma,", '"', "plain"]
    for n, name in enumerate(names):
        inventory.add_product(f"Q{n}", name=name, supplier=name.replace("\n", " ").replace("\t", " "), on_hand=n - 3)
    out = tmp_path / "out.csv"
    export_file(inventory.db, out)
    with open(out, newline="", encoding="utf-8") as f:
        rows = {row["ItemNumber"]: row for row in csv.DictReader(f)}
    for n in range(len(names)):
        item, row = inventory.item(f"Q{n}"), rows[f"Q{n}"]
        assert (row["ItemName"], row["Supplier"]) == (cv.quote_text(item.name), cv.quote_text(item.supplier))
        assert row["NumberInStock"] == str(n - 3)
    # Byte for byte what Python's csv module writes for the same cells.
    buffer = io.StringIO(newline="")
    with open(out, newline="", encoding="utf-8") as f:
        csv.writer(buffer).writerows(csv.reader(f))
    assert out.read_bytes() == buffer.getvalue().encode("utf-8")
