"""The two spreadsheet formats, recognised by their header and turned into one kind of row.

Both formats become ``RowInput``s: the item fields of SPEC section 5, each with the raw cell text and the
header of the column it came from (so an error can name it), and the line where the row starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from desktop_app.errors import InventoryError

STOREFRONT = "storefront"
SHOPIFY = "shopify"

# Storefront header (lower case) -> field. Earlier names win when a file has more than one.
STOREFRONT_COLUMNS = {
    "itemid": "item_id",
    "itemnumber": "item_number",
    "sku": "item_number",
    "itemname": "name",
    "productstatus": "status",
    "numberinstock": "on_hand",
    "onorderquantity": "on_order",
    "minimumorderquantity": "min_qty",
    "maximumorderquantity": "max_qty",
    "multiplesofquantity": "multiple_qty",
    "discontinued": "discontinued",
    "noninventory": "non_inventory",
    "etadate": "eta_date",
    "lowstockquantity": "low_stock_qty",
    "lowstockwarningsenabled": "low_stock_warning",
    "parentitemnumber": "parent",
    "variantoptions": "options",
    "gtin": "barcode",
    # Not storefront columns: this editor's own, so that its export round-trips supplier and reorder level.
    "supplier": "supplier",
    "reorderto": "reorder_to",
}
STOREFRONT_HEADER = (
    "ItemID",
    "ItemNumber",
    "ItemName",
    "ProductStatus",
    "NumberInStock",
    "OnOrderQuantity",
    "MinimumOrderQuantity",
    "MaximumOrderQuantity",
    "MultiplesOfQuantity",
    "Discontinued",
    "NonInventory",
    "ETADate",
    "LowStockQuantity",
    "LowStockWarningsEnabled",
    "ParentItemNumber",
    "VariantOptions",
    "GTIN",
    "Supplier",
    "ReorderTo",
)

# Shopify header (lower case) -> role; the newer product template's names are accepted too.
SHOPIFY_COLUMNS = {
    "handle": "handle",
    "url handle": "handle",
    "title": "title",
    "variant sku": "sku",
    "sku": "sku",
    "variant inventory qty": "qty",
    "inventory quantity": "qty",
    "variant inventory policy": "policy",
    "continue selling when out of stock": "policy",
    "variant barcode": "barcode",
    "barcode": "barcode",
    **{f"option{n} name": f"option{n}_name" for n in (1, 2, 3)},
    **{f"option{n} value": f"option{n}_value" for n in (1, 2, 3)},
}
SHOPIFY_HEADER = (
    "Handle",
    "Title",
    "Option1 Name",
    "Option1 Value",
    "Option2 Name",
    "Option2 Value",
    "Option3 Name",
    "Option3 Value",
    "Variant SKU",
    "Variant Inventory Tracker",
    "Variant Inventory Qty",
    "Variant Inventory Policy",
    "Variant Barcode",
)


@dataclass
class RowInput:
    """One item row: field -> (cell text, column header)."""

    line: int
    cells: dict[str, tuple[str, str]]
    # A status for the item if the row creates it (Shopify's inventory policy).
    new_status: str | None = None
    # A product row implied by a group of Shopify variant rows: not counted as an item row of the file.
    implied: bool = False
    error: tuple[str, str] | None = None
    # Grid rows name their item by row id, with the version the grid loaded (a stale edit is a conflict).
    pk: int | None = None
    version: int | None = None

    def text(self, name: str) -> str:
        return self.cells.get(name, ("", ""))[0].strip()

    def column(self, name: str) -> str:
        return self.cells.get(name, ("", name))[1]


@dataclass
class Layout:
    """Which columns of a file are used, for what, and which are ignored."""

    format: str
    columns: dict[str, int]  # field or role -> index
    headers: list[str]
    ignored: list[str] = field(default_factory=list)

    @property
    def used(self) -> list[str]:
        return [self.headers[i] for i in sorted(self.columns.values())]


def detect_layout(header: list[str]) -> Layout:
    lowered = [h.strip().lower() for h in header]
    is_shopify = ("handle" in lowered or "url handle" in lowered) and (
        "variant sku" in lowered or "sku" in lowered
    )
    known = SHOPIFY_COLUMNS if is_shopify else STOREFRONT_COLUMNS
    columns: dict[str, int] = {}
    for index, name in enumerate(lowered):
        role = known.get(name)
        if role is not None and role not in columns:
            columns[role] = index
    if not is_shopify and "item_id" not in columns and "item_number" not in columns:
        raise InventoryError(
            "The file's header names neither ItemID nor ItemNumber (storefront format) nor Handle and "
            "Variant SKU (Shopify format); it cannot be imported",
            details=[f"header: {', '.join(header[:12])}{' …' if len(header) > 12 else ''}"],
        )
    used = set(columns.values())
    ignored = [header[i] for i in range(len(header)) if i not in used and header[i].strip()]
    return Layout(SHOPIFY if is_shopify else STOREFRONT, columns, header, ignored)


def rows_for(layout: Layout, rows: Iterable[tuple[int, list[str]]]) -> Iterator[RowInput]:
    if layout.format == STOREFRONT:
        return _storefront_rows(layout, rows)
    return _shopify_rows(layout, rows)


def _storefront_rows(layout: Layout, rows: Iterable[tuple[int, list[str]]]) -> Iterator[RowInput]:
    pairs = [(name, index, layout.headers[index]) for name, index in layout.columns.items()]
    for line, cells in rows:
        width = len(cells)
        yield RowInput(
            line,
            {name: (cells[index] if index < width else "", header) for name, index, header in pairs},
        )


# -- Shopify -------------------------------------------------------------------------------------
def _cell(layout: Layout, cells: list[str], role: str) -> tuple[str, str]:
    index = layout.columns.get(role)
    if index is None:
        return "", role
    return (cells[index] if index < len(cells) else ""), layout.headers[index]


def _shopify_rows(layout: Layout, rows: Iterable[tuple[int, list[str]]]) -> Iterator[RowInput]:
    group: list[tuple[int, list[str]]] = []
    handle = None
    for line, cells in rows:
        this = _cell(layout, cells, "handle")[0].strip()
        if group and this != handle:
            yield from _shopify_group(layout, group)
            group = []
        handle = this
        group.append((line, cells))
    if group:
        yield from _shopify_group(layout, group)


def _is_image_only(layout: Layout, cells: list[str]) -> bool:
    roles = ("title", "sku", "qty", "option1_value", "option2_value", "option3_value")
    return not any(_cell(layout, cells, role)[0].strip() for role in roles)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _shopify_group(layout: Layout, group: list[tuple[int, list[str]]]) -> Iterator[RowInput]:
    handle_cell = _cell(layout, group[0][1], "handle")
    handle = handle_cell[0].strip()
    title = _cell(layout, group[0][1], "title")
    variants = [(line, cells) for line, cells in group if not _is_image_only(layout, cells)]
    if not handle:
        for line, _ in variants:
            yield RowInput(line, {}, error=(handle_cell[1], "the Handle is empty"))
        return
    if not variants:
        return
    first_line, first = variants[0]
    option1 = _cell(layout, first, "option1_value")[0].strip()
    option1_name = _cell(layout, first, "option1_name")[0].strip()
    if len(variants) == 1 and (option1 in ("", "Default Title") or option1_name.lower() == "title"):
        sku = _cell(layout, first, "sku")
        key = sku if sku[0].strip() else handle_cell
        yield RowInput(
            first_line,
            {
                "item_number": key,
                "name": title,
                "on_hand": _cell(layout, first, "qty"),
                "barcode": _cell(layout, first, "barcode"),
            },
            new_status=_policy_status(layout, first),
        )
        return
    yield RowInput(first_line, {"item_number": handle_cell, "name": title}, implied=True)
    names = [_cell(layout, first, f"option{n}_name")[0].strip() for n in (1, 2, 3)]
    for line, cells in variants:
        options = []
        first_column = None
        for n in (1, 2, 3):
            value, column = _cell(layout, cells, f"option{n}_value")
            name = _cell(layout, cells, f"option{n}_name")[0].strip() or names[n - 1]
            if value.strip():
                options.append(f"{name or f'Option{n}'}={value.strip()}")
                first_column = first_column or column
        sku = _cell(layout, cells, "sku")
        if not sku[0].strip():
            # A variant row with no SKU (the product template has one): a stable key from handle and options.
            sku = (f"{handle}-{_slug(' '.join(o.split('=', 1)[1] for o in options))}", sku[1])
        yield RowInput(
            line,
            {
                "item_number": sku,
                "parent": handle_cell,
                "name": title,
                "options": (";".join(options), first_column or "Option1 Value"),
                "on_hand": _cell(layout, cells, "qty"),
                "barcode": _cell(layout, cells, "barcode"),
            },
            new_status=_policy_status(layout, cells),
        )


def _policy_status(layout: Layout, cells: list[str]) -> str:
    policy = _cell(layout, cells, "policy")[0].strip().lower()
    return "Back Order" if policy in ("continue", "true", "yes") else "In Stock"
