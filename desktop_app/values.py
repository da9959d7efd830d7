"""Values as a person writes them, read the same way at every door: import, grid, command line, editor.

Only the ASCII digits 0-9 are digits ("١٢", "１２" and "²" are not numbers), every whole number fits the
32-bit integers of the PostgreSQL schema, and text has the limits of SPEC section 5, so a value is refused
the same way, with the same words, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
# A count (on hand, on order) stays within a billion either way, so that any change of it, and the movement
# recording that change, fits the same 32 bits.
COUNT_MAX = 1_000_000_000
ITEM_NUMBER_MAX = 100  # item numbers and barcodes
NAME_MAX = 500
TEXT_MAX = 2000

_INT = re.compile(r"[+-]?[0-9]+")  # not \d, which takes every script's digits
_INT_DIGITS = len(str(INT_MAX))
# Control characters (Unicode's Cc: C0, DEL and C1); long text may hold tab and line breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_LONG_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_RANGE = f"{INT_MIN:,} to {INT_MAX:,}"


class CellError(ValueError):
    """A value that cannot be taken; the message is the reason, in the user's words."""


def shown(text: str, limit: int = 40) -> str:
    """A value quoted for a message: control characters made visible, a long value cut short."""
    visible = _CONTROL.sub(lambda m: _escape(m.group()), text[:limit])
    return f"'{visible}{'…' if len(text) > limit else ''}'"


def _escape(char: str) -> str:
    return _ESCAPES.get(char) or f"\\x{ord(char):02x}"


def parse_int(text: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number written with ASCII digits (an optional sign, spaces around), within 32 bits."""
    cleaned = text.strip()
    if not _INT.fullmatch(cleaned):
        raise CellError(f"{shown(text)} is not a whole number")
    # Never convert a number of millions of digits: one with more digits than the range has is outside it.
    if (
        len(cleaned.lstrip("+-").lstrip("0")) > _INT_DIGITS
        or not INT_MIN <= (value := int(cleaned)) <= INT_MAX
    ):
        raise CellError(f"{shown(cleaned)} is outside the allowed range, {_RANGE}")
    if minimum is not None and value < minimum:
        raise CellError(f"{value:,} is below the lowest allowed value, {minimum:,}")
    if maximum is not None and value > maximum:
        raise CellError(f"{value:,} is above the highest allowed value, {maximum:,}")
    return value


def int_or_none(text: str) -> int | None:
    """``parse_int`` for a fast path: the number, or None for anything ``parse_int`` would refuse."""
    if not _INT.fullmatch(text) or len(text.lstrip("+-").lstrip("0")) > _INT_DIGITS:
        return None
    value = int(text)
    return value if INT_MIN <= value <= INT_MAX else None


def count_or_none(text: str) -> int | None:
    """``int_or_none`` for a count: None outside -COUNT_MAX..COUNT_MAX too."""
    value = int_or_none(text)
    return value if value is not None and -COUNT_MAX <= value <= COUNT_MAX else None


def check_text(text: str, *, what: str, limit: int, multiline: bool = False) -> str:
    """``text`` if it fits ``what`` (e.g. "a name"): at most ``limit`` characters, no control characters
    (but tab and line breaks where ``multiline``)."""
    if len(text) > limit:
        raise CellError(f"{len(text):,} characters; {what} can have at most {limit:,}")
    bad = (_CONTROL_IN_LONG_TEXT if multiline else _CONTROL).search(text)
    if bad:
        allowed = "tabs and line breaks but no other" if multiline else "none"
        raise CellError(
            f"{shown(text)} contains a control character ({_escape(bad.group())}); {what} can have {allowed}"
        )
    return text


def is_plain_key(text: str) -> bool:
    """Could ``text`` be an item number at all? (Lookups skip anything the checks would refuse.)"""
    return len(text) <= ITEM_NUMBER_MAX and not _CONTROL.search(text)


# Each text field: what the messages call it, its most characters, whether tab and newline are allowed.
TEXT_LIMITS = {
    "item_number": ("an item number", ITEM_NUMBER_MAX, False),
    "parent": ("an item number", ITEM_NUMBER_MAX, False),
    "barcode": ("a barcode", ITEM_NUMBER_MAX, False),
    "name": ("a name", NAME_MAX, True),
    "status": ("a status name", 100, False),  # the statuses table's name column
    "options": ("option values", 500, False),  # the items table's options column
    "supplier": ("a supplier name", 200, False),  # the items table's supplier column
}
OTHER_TEXT = ("a text", TEXT_MAX, True)


def check_field_text(name: str, text: str) -> str:
    """A text cell for field ``name`` (e.g. "item_number"), within its limits (SPEC section 5)."""
    what, limit, multiline = TEXT_LIMITS.get(name, OTHER_TEXT)
    return check_text(text, what=what, limit=limit, multiline=multiline)
