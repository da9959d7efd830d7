"""A row's cells as item values: each field's parsing and the limits of SPEC section 5.

The grid checks what a user types with these same rules (``INT_MINIMUM``, ``INT_MAXIMUM``).
"""

from __future__ import annotations

from desktop_app.catalog import format_options, parse_options
from desktop_app.csvio import values as cv
from desktop_app.csvio.formats import RowInput
from desktop_app.csvio.summary import RowError, RowRefused
from desktop_app.errors import InventoryError
from desktop_app.schema import FOLLOWED_FIELDS

TEXT_FIELDS = ("item_number", "name", "status", "parent", "options", "barcode", "supplier")
INT_MINIMUM = {
    "item_id": 1,
    "on_hand": -cv.COUNT_MAX,
    "on_order": 0,
    "min_qty": 0,
    "max_qty": 0,
    "multiple_qty": 1,
    "low_stock_qty": 0,
    "reorder_to": 0,
}
INT_MAXIMUM = {"on_hand": cv.COUNT_MAX, "on_order": cv.COUNT_MAX}  # others: the 32-bit range
BOOL_FIELDS = ("discontinued", "non_inventory", "low_stock_warning")
# The fields an import row sets on an item directly (besides counts and status, which go through the ledger).
PLAIN_FIELDS = (
    "name", "item_id", "item_number", "low_stock_qty", "options", "barcode", "reorder_to", *FOLLOWED_FIELDS
)


def parse_cells(row: RowInput) -> dict:
    """The row's non-empty cells as values; ``RowRefused`` names every cell that is not valid."""
    values: dict = {}
    errors: list[RowError] = []
    for name, (text, column) in row.cells.items():
        if not text.strip():
            continue
        try:
            if name in TEXT_FIELDS:
                values[name] = cv.check_field_text(name, cv.unquote_text(text.strip()))
            elif name in INT_MINIMUM:
                values[name] = cv.parse_int(text, minimum=INT_MINIMUM[name], maximum=INT_MAXIMUM.get(name))
            elif name in BOOL_FIELDS:
                values[name] = cv.parse_bool(text)
            elif name == "eta_date":
                # "none" clears the date (an empty cell, as everywhere, leaves it as it is).
                values[name] = None if text.strip().lower() == "none" else cv.parse_date(text)
        except cv.CellError as exc:
            errors.append(RowError(row.line, column, str(exc)))
    if "options" in values:
        try:
            values["options"] = format_options(parse_options(values["options"]))
        except InventoryError as exc:
            errors.append(RowError(row.line, row.column("options"), exc.message))
    if errors:
        raise RowRefused(errors)
    return values


def check_limits(row: RowInput, merged: dict) -> None:
    """Refuse an item whose minimum order quantity would be above its maximum (``merged``: the item after)."""
    if merged["max_qty"] and merged["min_qty"] > merged["max_qty"]:
        column = row.column("min_qty") if "min_qty" in row.cells else row.column("max_qty")
        reason = (
            f"the minimum ({merged['min_qty']}) is above the maximum ({merged['max_qty']}); 0 = no maximum"
        )
        raise RowRefused([RowError(row.line, column, reason)])


def option_key(text: str) -> frozenset:
    """Option values compared as a set, ignoring case: ``Size=L;Color=Blue`` is ``color=blue;size=l``."""
    return frozenset((n.lower(), v.lower()) for n, v in parse_options(text))
