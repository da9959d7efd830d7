"""Cell values as written in a product spreadsheet (SPEC section 5)."""

from __future__ import annotations

import datetime as dt
import re

_INT = re.compile(r"[+-]?\d+")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}
# A text cell starting with one of these could be read as a formula by a spreadsheet program.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "'")


class CellError(ValueError):
    """A cell that cannot be read; the message is the reason, in the user's words."""


def parse_int(text: str, *, minimum: int | None = None) -> int:
    cleaned = text.strip()
    if not _INT.fullmatch(cleaned):
        raise CellError(f"'{text}' is not a whole number")
    value = int(cleaned)
    if minimum is not None and value < minimum:
        raise CellError(f"{value} is below the lowest allowed value, {minimum}")
    return value


def parse_bool(text: str) -> bool:
    cleaned = text.strip().lower()
    if cleaned in _TRUE:
        return True
    if cleaned in _FALSE:
        return False
    raise CellError(f"'{text}' is not a yes/no value (True/False, 1/0, yes/no)")


def parse_date(text: str) -> dt.date:
    cleaned = text.strip()
    try:
        if "/" in cleaned:
            month, day, year = (int(p) for p in cleaned.split("/"))
            if year < 100:
                raise ValueError
            return dt.date(year, month, day)
        return dt.date.fromisoformat(cleaned)
    except ValueError:
        raise CellError(f"'{text}' is not a date (YYYY-MM-DD or M/D/YYYY)") from None


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
