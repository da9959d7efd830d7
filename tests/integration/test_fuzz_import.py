"""Generated bad files fed to ``import`` through the command line (issue 11).

A file with one bad cell (a number out of range or in another script's digits, text too long or with a
control character, a quote that never closes, ...) must be refused: exit 1, ``line N, column C`` naming
that cell, no traceback, and every table exactly as it was. Damaged bytes (a CSV or a workbook with bytes
changed, cut or added) must never end in a traceback, and a refusal must change nothing.
"""

from __future__ import annotations

import csv
import gc
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.cli import main
from desktop_app.service import Inventory
from tests.integration.test_bad_files import dump

pytestmark = pytest.mark.slow

HEADER = [
    "ItemID",
    "ItemNumber",
    "ItemName",
    "ProductStatus",
    "NumberInStock",
    "OnOrderQuantity",
    "MinimumOrderQuantity",
    "Discontinued",
    "ETADate",
]
# Valid rows: existing items (matched by item number, or by ItemID) and new ones.
BASE = [
    ["1002", "MUG-B", "Blue Mug", "In Stock", "5", "0", "0", "False", ""],
    ["", "MUG-C", "Red Mug", "Out of Stock", "0", "2", "1", "True", "2027-02-03"],
    ["", "NEW-1", "New thing", "Back Order", "-3", "", "", "no", "3/4/2027"],
    ["1004", "NEW-2", "", "", "7", "1", "", "", ""],
]
FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.é中"
# Control characters a cell may not hold: anywhere in a key, all but tab and line breaks in a name.
KEY_CONTROLS = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))]
NAME_CONTROLS = [c for c in KEY_CONTROLS if c not in "\t\n\r"]
# openpyxl cannot write C0 controls other than tab and line breaks into a workbook at all.
XLSX_KEY_CONTROLS = ["\t", "\n", *(chr(c) for c in range(0x7F, 0xA0))]
XLSX_NAME_CONTROLS = [chr(c) for c in range(0x7F, 0xA0)]

out_of_range = st.one_of(
    st.integers(min_value=2**31, max_value=2**80), st.integers(min_value=-(2**80), max_value=-(2**31) - 1)
)
foreign_digits = st.text(
    st.characters(categories=["Nd"], exclude_characters="0123456789"), min_size=1, max_size=4
).flatmap(lambda d: st.sampled_from([d, "1" + d, "+" + d, d + "0"]))
not_numbers = st.one_of(
    st.sampled_from(["5.5", "1e3", "abc", "--1", "+", "1 2", "0x10", "½", "²", "Ⅻ", "∞", "nan"]),
    foreign_digits,
    st.integers(min_value=11, max_value=3000).map(lambda n: "9" * n),
    out_of_range.map(str),
)


def _inside(text_strategy, controls):
    """A text with one control character in the middle (the ends of a cell are trimmed)."""
    return st.tuples(text_strategy, st.sampled_from(controls), text_strategy).map(
        lambda t: f"{t[0]}{t[1]}{t[2]}"
    )


def bad_cells(controls_key, controls_name):
    """(column, bad value) for one cell."""
    word = st.text(SAFE, min_size=1, max_size=8)
    return st.one_of(
        st.tuples(st.sampled_from(["NumberInStock", "OnOrderQuantity", "MinimumOrderQuantity"]), not_numbers),
        st.tuples(st.just("ItemID"), st.one_of(not_numbers, st.sampled_from(["0", "-4"]))),
        st.tuples(st.just("ItemNumber"), st.integers(101, 400).map(lambda n: "K" * n)),
        st.tuples(st.just("ItemNumber"), _inside(word, controls_key)),
        st.tuples(st.just("ItemName"), st.integers(501, 5000).map(lambda n: "N" * n)),
        st.tuples(st.just("ItemName"), _inside(word, controls_name)),
        st.tuples(st.just("ProductStatus"), st.integers(101, 300).map(lambda n: "S" * n)),
        st.tuples(st.just("ProductStatus"), _inside(word, controls_key)),
        st.tuples(st.just("Discontinued"), st.sampled_from(["maybe", "２", "ja", "y", "١"])),
        st.tuples(st.just("ETADate"), st.sampled_from(["2027-13-01", "٣/٤/٢٠٢٧", "tomorrow", "2027-02-30"])),
    )


@pytest.fixture
def db(db_url):
    inventory = Inventory(db_url)
    try:
        inventory.add_product("MUG-CER", name="Ceramic Mug", on_hand=7, item_id=1001)
        inventory.add_product("MUG-B", name="Blue Mug", on_hand=1, item_id=1002)
        inventory.add_product("MUG-C", name="Red Mug", on_hand=2, item_id=1003)
    finally:
        inventory.db.dispose()
    return db_url


def cli(capsys, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    gc.collect()  # each command opens its own engine: close its connections now, not at some later GC
    return code, out, err


def refused_at(capsys, db: str, path, line: int, column: str) -> None:
    before = dump(db)
    code, out, err = cli(capsys, "--db", db, "import", path, "--json")
    assert code == 1, out + err
    assert "Unexpected error" not in err and "Traceback" not in err, err
    assert f"line {line}, column {column}: " in err, err[:2000]
    assert {"line": line, "column": column} in [
        {k: e[k] for k in ("line", "column")} for e in json.loads(out)["rejected"]
    ]
    assert dump(db) == before


def _columns(draw, bad_column: str) -> list[str]:
    extra = draw(st.sets(st.sampled_from([c for c in HEADER if c not in ("ItemNumber", bad_column)])))
    return [c for c in HEADER if c in extra or c in ("ItemNumber", bad_column)]


@st.composite
def bad_csv(draw):
    """A CSV file (its text, encoding, delimiter) with one bad cell or one quote that never closes; the
    bad cell's line and column."""
    column, value = draw(bad_cells(KEY_CONTROLS, NAME_CONTROLS))
    columns = _columns(draw, column)
    rows = [[r[HEADER.index(c)] for c in columns] for r in BASE]
    at = draw(st.integers(0, len(rows) - 1))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(columns)
    writer.writerows(rows[:at])
    index = columns.index(column)
    if draw(st.booleans()):
        # A quote that never closes: the cell starts one, and the rest of the file is inside it.
        start = io.StringIO()
        csv.writer(start, delimiter=delimiter, lineterminator="").writerow(rows[at][:index])
        buffer.write(start.getvalue() + (delimiter if index else "") + '"' + rows[at][index] + delimiter)
        buffer.write("\n".join(delimiter.join(r) for r in rows[at + 1 :]))
        line = at + 2
    else:
        rows[at][index] = value
        writer.writerows(rows[at:])
        line = at + 2
    return buffer.getvalue(), draw(st.sampled_from(["utf-8", "utf-8-sig"])), line, column


@FUZZ
@given(case=bad_csv())
def test_fuzz_bad_csv_cells_are_refused_at_the_cell(db, tmp_path, capsys, case):
    text, encoding, line, column = case
    path = tmp_path / "bad.csv"
    path.write_bytes(text.encode(encoding))
    refused_at(capsys, db, path, line, column)


@st.composite
def bad_xlsx(draw):
    from openpyxl import Workbook

    column, value = draw(bad_cells(XLSX_KEY_CONTROLS, XLSX_NAME_CONTROLS))
    if column in ("NumberInStock", "OnOrderQuantity") and draw(st.booleans()):
        # (Not float("inf"): openpyxl writes it as an empty cell, which is valid and leaves the count as it is.)
        value = draw(st.one_of(out_of_range, st.sampled_from([1e300, 2.5, -1e20, -2.5e9])))
    columns = _columns(draw, column)
    rows = [[r[HEADER.index(c)] for c in columns] for r in BASE]
    at = draw(st.integers(0, len(rows) - 1))
    rows[at][columns.index(column)] = value
    book = Workbook()
    book.active.append(columns)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), at + 2, column


@FUZZ
@given(case=bad_xlsx())
def test_fuzz_bad_xlsx_cells_are_refused_at_the_cell(db, tmp_path, capsys, case):
    data, line, column = case
    path = tmp_path / "bad.xlsx"
    path.write_bytes(data)
    refused_at(capsys, db, path, line, column)


def _good_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *BASE])
    return buffer.getvalue().encode()


def _good_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in [HEADER, *BASE]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@st.composite
def damaged(draw, good: bytes) -> bytes:
    """``good`` with a few bytes replaced, inserted or removed, or cut short."""
    data = bytearray(good)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["replace", "insert", "delete", "cut"]))
        chunk = draw(st.binary(min_size=1, max_size=8))
        if kind == "replace":
            data[at : at + len(chunk)] = chunk
        elif kind == "insert":
            data[at:at] = chunk
        elif kind == "delete":
            del data[at : at + len(chunk)]
        else:
            del data[at:]
    return bytes(data)


@pytest.mark.parametrize("suffix,good", [(".csv", _good_csv()), (".xlsx", _good_xlsx())])
@FUZZ
@given(data=st.data())
def test_fuzz_damaged_bytes_never_end_in_a_traceback(db, tmp_path, capsys, suffix, good, data):
    damaged_bytes = data.draw(damaged(good))
    path = tmp_path / f"damaged{suffix}"
    path.write_bytes(damaged_bytes)
    before = dump(db)
    code, out, err = cli(capsys, "--db", db, "import", path, "--json")
    assert "Unexpected error" not in err and "Traceback" not in err, err
    assert code in (0, 1), out + err
    if code == 1:
        assert dump(db) == before
        assert err.startswith("error: ") and "error" in json.loads(out)
