"""Products and variants: finding them, creating them, and manual edits (never triggering)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from sqlalchemy import Connection, and_, func, or_, select

from desktop_app.errors import Conflict, InventoryError, NotFound
from desktop_app.ledger import Ledger, Unit, lock_units
from desktop_app.models import (  # noqa: F401  (parse_options/format_options: this module's old names)
    Item,
    format_options,
    min_above_max,
    parse_options,
    unit_label,
)
from desktop_app.purchasing_eta import expected_dates
from desktop_app.schema import FOLLOWED_FIELDS, items, statuses
from desktop_app.settings import get_status
from desktop_app.values import CellError, check_field_text

COUNT_FIELDS = ("on_hand", "on_order")
PRODUCT_FIELDS = (
    "item_number",
    "item_id",
    "name",
    "status",
    "on_hand",
    "on_order",
    "low_stock_qty",
    "barcode",
    "reorder_to",
    *FOLLOWED_FIELDS,
)
VARIANT_FIELDS = (
    "item_number", "item_id", "status", "on_hand", "on_order", "low_stock_qty", "options", "barcode", "reorder_to"
)
NON_NEGATIVE = ("on_order", "min_qty", "max_qty", "low_stock_qty", "reorder_to")
# Optional texts: empty means none (a barcode or supplier is cleared, not stored as "").
OPTIONAL_TEXT = ("barcode", "supplier")


ITEM_ID_FORM = re.compile(r"#([0-9]{1,10})")


def item_where(ref: str):
    """The condition selecting the item an ITEM argument names: an item number, or ``#N`` for ItemID N.

    An item whose item number is itself ``#N`` (storefronts allow it, and imports bring it) is named by it:
    ``#N`` is the ItemID form only where no item is numbered ``#N``. Only ASCII digits within the 32-bit
    range make the ItemID form; anything else is an item number.
    """
    ref = (ref or "").strip()
    match = ITEM_ID_FORM.fullmatch(ref)
    if match and int(match.group(1)) <= 2**31 - 1:
        named = items.alias("named")  # not correlated with the outer query's items
        taken = select(named.c.id).where(named.c.item_number == ref).exists()
        return or_(items.c.item_number == ref, and_(items.c.item_id == int(match.group(1)), ~taken))
    return items.c.item_number == ref


def get_unit(conn: Connection, ref: str) -> Unit:
    """The item an ITEM argument names, locked for a change."""
    found = lock_units(conn, item_where(ref))
    if not found:
        raise NotFound(f"There is no item '{ref}'")
    return next(iter(found.values()))


item_label = unit_label  # the one rule (desktop_app.models), under the name this module's callers use


# -- reading -------------------------------------------------------------------------------------
def _item(row, status_names: dict[int, str], parent: str | None = None, variants=()) -> Item:
    return Item(
        id=row.id,
        item_number=row.item_number,
        item_id=row.item_id,
        name=row.name,
        status=status_names[row.status_id],
        on_hand=row.on_hand,
        on_order=row.on_order,
        committed=row.committed,
        discontinued=bool(row.discontinued),
        non_inventory=bool(row.non_inventory),
        min_qty=row.min_qty,
        max_qty=row.max_qty,
        multiple_qty=row.multiple_qty,
        eta_date=row.eta_date,
        low_stock_qty=row.low_stock_qty,
        low_stock_warning=bool(row.low_stock_warning),
        use_variant_inventory=bool(row.use_variant_inventory),
        parent=parent,
        parent_id=row.parent_id,
        options=row.options,
        version=row.version,
        variants=tuple(variants),
        barcode=row.barcode,
        supplier=row.supplier,
        reorder_to=row.reorder_to,
    )


def get_item(conn: Connection, ref: str | int) -> Item:
    """A product (with its variants) or a variant, by ITEM argument or by row id."""
    where = items.c.id == ref if isinstance(ref, int) else item_where(ref)
    row = conn.execute(select(items).where(where)).first()
    if row is None:
        raise NotFound(f"There is no item '{ref}'")
    names = dict(conn.execute(select(statuses.c.id, statuses.c.name)).all())
    parent = None
    if row.parent_id is not None:
        p = conn.execute(
            select(items.c.item_number, items.c.item_id, items.c.name).where(items.c.id == row.parent_id)
        ).one()
        parent = item_label(p.item_number, p.item_id, p.name)
    variants = ()
    if row.use_variant_inventory:
        label = item_label(row.item_number, row.item_id, row.name)
        variants = [
            _item(v, names, parent=label)
            for v in conn.execute(select(items).where(items.c.parent_id == row.id).order_by(items.c.id))
        ]
    return _item(row, names, parent=parent, variants=variants)


# -- validation ----------------------------------------------------------------------------------
def check_values(values: dict, merged: dict) -> None:
    """Refuse values no item may hold; ``merged`` is the item as it would be after the change."""
    for field, value in values.items():
        if isinstance(value, str):  # the same limits as an import cell (SPEC section 5), on every database
            try:
                check_field_text(field, value)
            except CellError as exc:
                raise InventoryError(f"{field}: {exc}", details=[field]) from None
    for field in NON_NEGATIVE:
        if field in values and values[field] is not None and values[field] < 0:
            raise InventoryError(f"{field} cannot be negative (got {values[field]})", details=[field])
    if "multiple_qty" in values and values["multiple_qty"] is not None and values["multiple_qty"] < 1:
        raise InventoryError("multiple_qty is at least 1 (1 = any quantity)", details=["multiple_qty"])
    if min_above_max(merged.get("min_qty", 0), merged.get("max_qty")):
        raise InventoryError(
            f"min_qty ({merged['min_qty']}) is above max_qty ({merged['max_qty']}); 0 means no maximum",
            details=["min_qty"],
        )


def _check_unique(conn: Connection, item_id: int, *, item_number=None, storefront_id=None) -> None:
    if item_number is not None:
        clash = conn.execute(
            select(items.c.id).where(and_(items.c.item_number == item_number, items.c.id != item_id))
        ).first()
        if clash:
            raise InventoryError(f"Item number '{item_number}' is already used by another item")
    if storefront_id is not None:
        clash = conn.execute(
            select(items.c.id).where(and_(items.c.item_id == storefront_id, items.c.id != item_id))
        ).first()
        if clash:
            raise InventoryError(f"ItemID {storefront_id} is already used by another item")


# -- writing -------------------------------------------------------------------------------------
def add_product(conn: Connection, ledger: Ledger, item_number: str | None, **fields) -> Unit:
    """Create a product. Creating is never triggering: the status is the one given, else what its stock
    calls for (SPEC section 1)."""
    item_number = (item_number or "").strip() or None
    storefront_id = fields.pop("item_id", None)
    if item_number is None and storefront_id is None:
        raise InventoryError("A product needs an item number (or a storefront ItemID)")
    _check_unique(conn, -1, item_number=item_number, storefront_id=storefront_id)
    status_name = fields.pop("status", None)
    values = {
        "name": (fields.pop("name", None) or "").strip(),
        "on_hand": fields.pop("on_hand", None) or 0,
        "on_order": fields.pop("on_order", None) or 0,
        "discontinued": bool(fields.pop("discontinued", False)),
        "non_inventory": bool(fields.pop("non_inventory", False)),
        "min_qty": fields.pop("min_qty", None) or 0,
        "max_qty": fields.pop("max_qty", None) or 0,
        "multiple_qty": fields.pop("multiple_qty", None) or 1,
        "eta_date": fields.pop("eta_date", None),
        "low_stock_qty": fields.pop("low_stock_qty", None) or 0,
        "low_stock_warning": bool(fields.pop("low_stock_warning", False)),
        "barcode": _optional_text(fields.pop("barcode", None)),
        "supplier": _optional_text(fields.pop("supplier", None)),
        "reorder_to": fields.pop("reorder_to", None) or 0,
    }
    if fields:
        raise TypeError(f"unknown product fields: {sorted(fields)}")
    check_values({**values, "item_number": item_number or ""}, values)
    record = {
        "item_number": item_number,
        "item_id": storefront_id,
        "status_id": get_status(conn, status_name).id if status_name else None,  # None: what stock calls for
        **values,
    }
    return ledger.create_units([record])[0]


def edit_item(
    conn: Connection,
    ledger: Ledger,
    unit: Unit,
    changes: dict,
    *,
    expected_version: int | None = None,
) -> Unit:
    """Apply a manual edit of one product or variant; counts and status go through the ledger."""
    if expected_version is not None and unit.version != expected_version:
        raise Conflict(
            f"{unit.label} was changed by someone else after you opened it (version {expected_version}, "
            f"now {unit.version}); reload it and choose which values to keep",
        )
    changes = {k: v for k, v in changes.items() if v is not None or k in ("eta_date", *OPTIONAL_TEXT)}
    allowed = VARIANT_FIELDS if unit.parent_id is not None else PRODUCT_FIELDS
    refused = [k for k in changes if k not in allowed]
    if refused:
        parent = conn.execute(select(items.c.item_number).where(items.c.id == unit.parent_id)).scalar()
        raise InventoryError(
            f"{unit.label} is a variant: {', '.join(refused)} follow its product {parent}; edit the product"
        )
    row = conn.execute(select(items).where(items.c.id == unit.id)).one()
    current = dict(row._mapping)
    plain = {k: v for k, v in changes.items() if k not in ("status", *COUNT_FIELDS)}
    if "name" in plain:
        plain["name"] = (plain["name"] or "").strip()
    for key in OPTIONAL_TEXT:
        if key in plain:
            plain[key] = _optional_text(plain[key])
    if "options" in plain:
        plain["options"] = format_options(parse_options(plain["options"]))
    if "item_number" in plain:
        plain["item_number"] = (plain["item_number"] or "").strip() or None
        if plain["item_number"] is None and (plain.get("item_id", current["item_id"]) is None):
            raise InventoryError(f"{unit.label} needs an item number (or a storefront ItemID)")
    check_values(changes, {**current, **changes})
    _check_unique(conn, unit.id, item_number=plain.get("item_number"), storefront_id=plain.get("item_id"))
    plain = {k: v for k, v in plain.items() if current[k] != v}
    if plain:
        conn.execute(items.update().where(items.c.id == unit.id).values(version=items.c.version + 1, **plain))
        followed = {k: v for k, v in plain.items() if k in FOLLOWED_FIELDS}
        if followed and unit.use_variant_inventory:
            _follow(conn, unit.id, followed)
        for key in (
            "discontinued",
            "non_inventory",
            "min_qty",
            "max_qty",
            "multiple_qty",
            "item_number",
            "item_id",
            "name",
        ):
            if key in plain:
                setattr(unit, key, plain[key])
        unit.version += 1
    status_id = get_status(conn, changes["status"]).id if changes.get("status") else None
    ledger.change(unit, on_hand=changes.get("on_hand"), on_order=changes.get("on_order"), status=status_id)
    return unit


def _follow(conn: Connection, product_id: int, followed: dict) -> None:
    """A product's edit of the fields its variants follow, written to its variants.

    The ETA is the exception: a variant on an ordered purchase order with an expected date has its ETA from that
    PO (SPEC 8), so a product-level ETA edit leaves it; it follows the product again after its next PO event.
    """
    eta = "eta_date" in followed
    rest = {k: v for k, v in followed.items() if k != "eta_date"}
    if rest:
        conn.execute(
            items.update().where(items.c.parent_id == product_id).values(version=items.c.version + 1, **rest)
        )
    if eta:
        variants = conn.execute(select(items.c.id).where(items.c.parent_id == product_id)).scalars().all()
        from_po = expected_dates(conn, variants)
        following = [v for v in variants if v not in from_po]
        for start in range(0, len(following), 900):
            conn.execute(
                items.update()
                .where(items.c.id.in_(following[start : start + 900]))
                .values(version=items.c.version + (0 if rest else 1), eta_date=followed["eta_date"])
            )


def add_variant(
    conn: Connection,
    ledger: Ledger,
    product_ref: str,
    item_number: str,
    options: Sequence[tuple[str, str]],
    *,
    status: str | None = None,
    on_hand: int | None = None,
    on_order: int | None = None,
    low_stock_qty: int | None = None,
    item_id: int | None = None,
    barcode: str | None = None,
    reorder_to: int | None = None,
) -> Unit:
    """Add a variant; the first one switches the product to variant inventory."""
    product = get_unit(conn, product_ref)
    if product.parent_id is not None:
        raise InventoryError(f"{product.label} is itself a variant; variants belong to a product")
    item_number = (item_number or "").strip()
    if not item_number:
        raise InventoryError("A variant needs its own item number")
    if not options:
        raise InventoryError("A variant needs at least one option value (e.g. Size=L)")
    if not product.use_variant_inventory:
        if product.on_hand or product.on_order:
            raise InventoryError(
                f"{product.label} still has its own stock (on hand {product.on_hand}, on order "
                f"{product.on_order}); set both to 0 before adding its first variant"
            )
        if product.committed:
            raise InventoryError(
                f"{product.label} is on open orders; ship or cancel them before adding variants"
            )
    options_text = format_options(options)
    siblings = conn.execute(select(items.c.options).where(items.c.parent_id == product.id)).scalars()
    wanted = {(n.lower(), v.lower()) for n, v in options}
    for existing in siblings:
        if {(n.lower(), v.lower()) for n, v in parse_options(existing)} == wanted:
            raise InventoryError(f"{product.label} already has a variant {options_text}")
    _check_unique(conn, -1, item_number=item_number, storefront_id=item_id)
    barcode = _optional_text(barcode)
    check_values(
        {
            "item_number": item_number,
            "on_order": on_order,
            "low_stock_qty": low_stock_qty,
            "reorder_to": reorder_to,
            "barcode": barcode,
        },
        {},
    )
    prow = conn.execute(select(items).where(items.c.id == product.id)).one()
    if not product.use_variant_inventory:
        conn.execute(
            items.update()
            .where(items.c.id == product.id)
            .values(use_variant_inventory=True, version=items.c.version + 1)
        )
        product.use_variant_inventory = True
    record = {
        "parent_id": product.id,
        "item_number": item_number,
        "item_id": item_id,
        "name": prow.name,
        "options": options_text,
        "status_id": get_status(conn, status).id if status else None,  # None: what its stock calls for
        "on_hand": on_hand or 0,
        "on_order": on_order or 0,
        "low_stock_qty": low_stock_qty or 0,
        "barcode": barcode,
        "reorder_to": reorder_to or 0,
        **{f: getattr(prow, f) for f in FOLLOWED_FIELDS},
    }
    return ledger.create_units([record])[0]


def _optional_text(value: str | None) -> str | None:
    """A barcode or supplier as stored: trimmed, and none rather than empty."""
    return (value or "").strip() or None


def count_items(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(items)).scalar_one()


def eta_from_text(text: str | None) -> dt.date | None:
    """``YYYY-MM-DD`` or ``M/D/YYYY``; ``none`` or empty clears."""
    if text is None or text.strip().lower() in ("", "none"):
        return None
    text = text.strip()
    try:
        if "/" in text:
            month, day, year = (int(p) for p in text.split("/"))
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InventoryError(f"'{text}' is not a date (YYYY-MM-DD or M/D/YYYY)") from None
