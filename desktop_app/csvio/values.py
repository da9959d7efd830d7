"""Cell values as written in a product spreadsheet (SPEC section 5)."""

from __future__ import annotations

import datetime as dt
import re

from desktop_app.values import (  # noqa: F401  (the one parser, re-exported for the import and the grid)
    COUNT_MAX,
    INT_MAX,
    INT_MIN,
    ITEM_NUMBER_MAX,
    NAME_MAX,
    TEXT_LIMITS,
    TEXT_MAX,
    CellError,
    check_field_text,
    check_text,
    count_or_none,
    int_or_none,
    is_plain_key,
    parse_int,
    shown,
)

_DATE_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_US = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}
# A text cell starting with one of these could be read as a formula by a spreadsheet program.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "'")


def parse_bool(text: str) -> bool:
    cleaned = text.strip().lower()
    if cleaned in _TRUE:
        return True
    if cleaned in _FALSE:
        return False
    raise CellError(f"{shown(text)} is not a yes/no value (True/False, 1/0, yes/no)")


def parse_date(text: str) -> dt.date:
    cleaned = text.strip()
    try:
        if us := _DATE_US.fullmatch(cleaned):
            month, day, year = (int(p) for p in us.groups())
            return dt.date(year, month, day)
        if _DATE_ISO.fullmatch(cleaned):
            return dt.date.fromisoformat(cleaned)
    except ValueError:
        pass
    raise CellError(f"{shown(text)} is not a date (YYYY-MM-DD or M/D/YYYY)")


def unquote_text(text: str) -> str:
    """The import strips one leading apostrophe from a text cell (the export's formula guard)."""
    return text[1:] if text.startswith("'") else text


def quote_text(text: str | None) -> str:
    """The export guards a text cell that a spreadsheet could take for a formula with one apostrophe."""
    if not text:
        return ""
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def format_bool(value: bool) -> str:
    return "True" if value else "False"


def format_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""
