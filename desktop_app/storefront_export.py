"""Reading the storefront's orders export (SPEC section 9): one row per line item, streamed.

The order's own cells (statuses, times) are filled on its first row only; every row carries the order's
``Name``. The file is read with the product import's reader (same encoding and delimiter detection, same
``line N, column C: reason`` errors); what is kept per line is small (SKU, quantity, line), so a file of
hundreds of thousands of lines is read without holding its text.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop_app.csvio.reader import SheetReader
from desktop_app.errors import InventoryError
from desktop_app.values import COUNT_MAX, ITEM_NUMBER_MAX, CellError, check_text, parse_int, shown

# Header (lower case) -> role. The roles the import reads; every other column of the 79 is ignored.
COLUMNS = {
    "name": "name",
    "financial status": "financial",
    "fulfillment status": "fulfillment",
    "created at": "created",
    "cancelled at": "cancelled",
    "lineitem quantity": "quantity",
    "lineitem sku": "sku",
}
TITLES = {role: title for title, role in zip(
    ("Name", "Financial Status", "Fulfillment Status", "Created at", "Cancelled at", "Lineitem quantity",
     "Lineitem sku"), COLUMNS.values(), strict=True)}
PAID = {"paid", "partially_refunded", "refunded"}
SHIPPED = {"fulfilled"}
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y/%m/%d %H:%M:%S %z")
MAX_LISTED = 1000


def is_orders_header(header: list[str]) -> bool:
    """Whether a header is the storefront's orders export (one row per line item)."""
    lowered = {h.strip().lower() for h in header}
    return "name" in lowered and ("lineitem sku" in lowered or "lineitem quantity" in lowered)


@dataclass(frozen=True)
class LineProblem:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.reason}"

    def as_json(self) -> dict:
        return {"line": self.line, "column": self.column, "reason": self.reason}


@dataclass
class ExportOrder:
    """One order of the export: its state there, and its lines (SKU, quantity, file line)."""

    name: str
    line: int  # where its first row is
    created_at: dt.datetime | None = None
    paid: bool = False
    shipped: bool = False
    cancelled: bool = False
    lines: list[tuple[str, int, int]] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)


@dataclass
class ParsedExport:
    orders: dict[str, ExportOrder]
    skipped_lines: list[dict]
    encoding: str | None
    delimiter: str | None
    line_items: int = 0


_USUAL_TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)")


def parse_time(text: str) -> dt.datetime:
    """A storefront time with its offset (``2026-06-08 23:02:14 +1000``, or ISO 8601), in UTC."""
    cleaned = text.strip()
    usual = _USUAL_TIME.fullmatch(cleaned)
    if usual is not None and int(usual[9]) < 60:  # the export's own form, without strptime (a tenth of the time)
        y, mo, d, h, mi, se, sign, oh, om = usual.groups()
        try:
            offset = dt.timedelta(hours=int(oh), minutes=int(om)) * (-1 if sign == "-" else 1)
            zone = dt.timezone(offset)
            return dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(se), tzinfo=zone).astimezone(dt.UTC)
        except ValueError:
            pass  # out of range: the general reading below says why
    for pattern in _TIME_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, pattern).astimezone(dt.UTC)
        except ValueError:
            continue
    try:
        value = dt.datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
    except ValueError:
        raise CellError(f"{shown(text)} is not a time (YYYY-MM-DD HH:MM:SS +HHMM)") from None
    if value.tzinfo is None:
        raise CellError(f"{shown(text)} has no offset from UTC (such as +1000), so its moment is unknown")
    return value.astimezone(dt.UTC)


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        role = COLUMNS.get(title.strip().lower())
        if role is not None and role not in found:
            found[role] = index
    missing = [TITLES[role] for role in COLUMNS.values() if role not in found]
    if missing:
        raise InventoryError(
            f"The orders export has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}; "
            "it cannot be imported (export the orders again from the storefront)",
            details=[f"header: {', '.join(header[:12])}{' …' if len(header) > 12 else ''}"],
        )
    return found


def read_export(
    path: str | os.PathLike,
    *,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ParsedExport:
    """Stream the file into orders; cell problems are kept on their order (the caller decides)."""
    reader = SheetReader(path)
    try:
        if not is_orders_header(reader.header):
            raise InventoryError(
                f"{reader.path.name} is not an orders export: its header has no Name and Lineitem sku columns"
            )
        at = _columns(reader.header)
        i_name, i_fin, i_ful, i_created, i_cancel, i_qty, i_sku = (
            at["name"], at["financial"], at["fulfillment"], at["created"], at["cancelled"], at["quantity"], at["sku"]
        )
        width = max(at.values()) + 1
        orders: dict[str, ExportOrder] = {}
        skipped: list[dict] = []
        parsed = ParsedExport(orders, skipped, reader.encoding, reader.delimiter)
        for count, (line, cells) in enumerate(reader):
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            parsed.line_items += 1
            if progress is not None and not count % 2000:
                progress(reader.progress)
                if cancelled is not None and cancelled():
                    raise InventoryError("The import was cancelled; nothing was changed.")
            name = cells[i_name].strip()
            if not name:
                # A line that belongs to no order cannot be placed; it is an error, not a skipped line.
                orders.setdefault("", ExportOrder("", line)).problems.append(
                    LineProblem(line, TITLES["name"], "a line item needs the Name of its order")
                )
                continue
            order = orders.get(name)
            if order is None:
                order = orders[name] = ExportOrder(name, line)
                if len(name) > 100:
                    order.problems.append(LineProblem(line, "Name", "an order name can have at most 100 characters"))
                _order_cells(order, line, cells, i_fin, i_ful, i_created, i_cancel)
            _line_cells(order, skipped, line, cells, i_qty, i_sku)
        reader.check_unchanged()
        if progress is not None:
            progress(1.0)
        return parsed
    finally:
        reader.close()


def _order_cells(order: ExportOrder, line: int, cells: list[str], i_fin, i_ful, i_created, i_cancel) -> None:
    order.paid = cells[i_fin].strip().lower() in PAID
    order.shipped = cells[i_ful].strip().lower() in SHIPPED
    order.cancelled = bool(cells[i_cancel].strip())
    created = cells[i_created]
    if not created.strip():
        order.problems.append(LineProblem(line, TITLES["created"], "the order's first line needs its Created at"))
        return
    try:
        order.created_at = parse_time(created)
    except CellError as exc:
        order.problems.append(LineProblem(line, TITLES["created"], str(exc)))


def _line_cells(order: ExportOrder, skipped: list[dict], line: int, cells: list[str], i_qty, i_sku) -> None:
    sku = cells[i_sku].strip()
    sku = sku[1:] if sku.startswith("'") else sku  # the export's formula guard, as in the product import
    quantity_text = cells[i_qty]
    try:
        quantity = parse_int(quantity_text, minimum=0, maximum=COUNT_MAX)
    except CellError as exc:
        order.problems.append(LineProblem(line, TITLES["quantity"], str(exc)))
        return
    if not sku:
        skipped.append({"line": line, "order": order.name, "reason": "no SKU (a tip or a custom item): not stock"})
        return
    if quantity == 0:
        skipped.append({"line": line, "order": order.name, "reason": f"{sku}: quantity 0 (removed from the order)"})
        return
    try:
        check_text(sku, what="an item number", limit=ITEM_NUMBER_MAX)
    except CellError as exc:
        order.problems.append(LineProblem(line, TITLES["sku"], str(exc)))
        return
    order.lines.append((sku, quantity, line))
