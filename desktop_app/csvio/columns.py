"""A stock file's cells checked a column at a time: the set-based path's fast reading of a chunk.

A stock file (keys, counts, statuses) has a million rows of a few short cells. Checked cell by cell in Python,
reading them cost more than the SQL that applies them; here each column of a chunk is stripped, checked and
converted with C-level calls over the whole column (``map``, ``str.join``), and only a column holding something
unusual (a sign, an empty cell, a quote, a control character) is looked at cell by cell. The checks are the
row-by-row path's own (values.py): a cell they would refuse marks its row, which then goes to the row-by-row
path, and that path reports it with the message every other file gets.
"""

from __future__ import annotations

from itertools import repeat
from operator import itemgetter

from desktop_app.csvio import values as cv

_KEY_MAX = cv.ITEM_NUMBER_MAX
_MISSING = object()  # a status name that is not known
_NINE_DIGITS = 10  # up to nine ASCII digits is always a count and a 32-bit number: int() needs no checks


def column_texts(cells: list[list[str]], index: int, width: int) -> list[str]:
    """Column ``index`` of every row, stripped (a row shorter than ``index`` has an empty cell there);
    ``width`` is the length of the shortest row."""
    if index < width:
        return list(map(str.strip, map(itemgetter(index), cells)))
    return [row[index].strip() if index < len(row) else "" for row in cells]


def item_ids(texts: list[str]) -> tuple[list[int | None], set[int]]:
    """Storefront ItemIDs (None where empty), and the rows whose cell is not a positive 32-bit number."""
    if _plain_digits(texts):
        values = list(map(int, texts))
        if 0 not in values:
            return values, set()
    values, bad = [], set()
    for i, text in enumerate(texts):
        value = cv.int_or_none(text) if text else None
        if text and (value is None or value <= 0):
            bad.add(i)
        values.append(value)
    return values, bad


def item_numbers(texts: list[str]) -> tuple[list[str | None], set[int]]:
    """Item numbers (one leading apostrophe dropped; None where empty), and the rows whose item number the
    checks would refuse (too long, a control character)."""
    values: list = texts
    if any(map(str.startswith, texts, repeat("'"))):
        values = [text[1:] if text.startswith("'") else text for text in texts]
    if "" in values:
        values = [value or None for value in values]
        present = [value for value in values if value is not None]
    else:
        present = values
    if max(map(len, present), default=0) <= _KEY_MAX and "".join(present).isprintable():
        return values, set()
    bad = {
        i
        for i, value in enumerate(values)
        if value is not None and not ((len(value) <= _KEY_MAX and value.isprintable()) or cv.is_plain_key(value))
    }
    return values, bad


def counts(texts: list[str], *, negative: bool) -> tuple[list[int | None], set[int]]:
    """Counts (None where empty), and the rows whose cell is not a count (below 0 too unless ``negative``)."""
    if _plain_digits(texts):
        return list(map(int, texts)), set()
    values, bad = [], set()
    for i, text in enumerate(texts):
        if not text:
            value = None
        elif len(text) < _NINE_DIGITS and text.isascii() and text.isdigit():
            value = int(text)
        else:
            value = cv.count_or_none(text)
            if value is None or (value < 0 and not negative):
                bad.add(i)
        values.append(value)
    return values, bad


def statuses(texts: list[str], status_ids: dict[str, int]) -> tuple[list[int | None], set[int]]:
    """Status ids (None where empty), and the rows naming a status that does not exist (yet)."""
    if not any(map(str.startswith, texts, repeat("'"))):
        known = {**status_ids, "": None}
        values = list(map(known.get, map(str.lower, texts), repeat(_MISSING)))
        if _MISSING not in values:
            return values, set()
    values, bad = [], set()
    for i, text in enumerate(texts):
        value = status_ids.get((text[1:] if text.startswith("'") else text).lower()) if text else None
        if text and value is None:
            bad.add(i)
        values.append(value)
    return values, bad


def _plain_digits(texts: list[str]) -> bool:
    """Is every cell one to nine ASCII digits?"""
    return (
        all(map(str.isdigit, texts))
        and "".join(texts).isascii()
        and max(map(len, texts), default=0) < _NINE_DIGITS
    )
