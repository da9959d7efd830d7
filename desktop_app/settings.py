"""Product statuses and stores with their inventory settings (SPEC section 1)."""

from __future__ import annotations

from sqlalchemy import Connection, func, select, union_all

from desktop_app.errors import InventoryError, NotFound
from desktop_app.item_counts import ITEM_COUNTS, has_counts_table
from desktop_app.models import STATUS_FLAGS, Status, Store, unit_label
from desktop_app.schema import REMOVE_WHEN, items, statuses, stores
from desktop_app.values import TEXT_MAX, CellError, check_text

DEFAULT_STATUS_NAMES = {
    "default_in_stock": "In Stock",
    "default_out_of_stock": "Out of Stock",
    "default_back_order": "Back Order",
    "default_discontinued": "Discontinued",
}
# The seeded statuses' ids (migration 0001), used for a new store when a default was renamed.
SEED_STATUS_IDS = {
    "default_in_stock": 1,
    "default_back_order": 2,
    "default_out_of_stock": 3,
    "default_discontinued": 4,
}
IN_STOCK = "In Stock"
BACK_ORDER = "Back Order"


def _status(row) -> Status:
    return Status(
        id=row.id,
        name=row.name,
        unavailable=bool(row.unavailable),
        back_order=bool(row.back_order),
        hidden=bool(row.hidden),
        show_quantity=bool(row.show_quantity),
        ships_in=row.ships_in,
    )


def list_statuses(conn: Connection) -> list[Status]:
    return [_status(r) for r in conn.execute(select(statuses).order_by(statuses.c.id))]


def find_status(conn: Connection, name: str) -> Status | None:
    row = conn.execute(select(statuses).where(func.lower(statuses.c.name) == name.strip().lower())).first()
    return _status(row) if row else None


def get_status(conn: Connection, name: str) -> Status:
    found = find_status(conn, name)
    if found is None:
        known = ", ".join(s.name for s in list_statuses(conn))
        raise NotFound(f"There is no status named '{name}' (statuses: {known})")
    return found


def _clean_name(name: str, what: str) -> str:
    cleaned = (name or "").strip()
    if not cleaned:
        raise InventoryError(f"A {what} needs a name")
    try:
        return check_text(cleaned, what=f"a {what} name", limit=100)
    except CellError as exc:
        raise InventoryError(f"{what.capitalize()} name: {exc}") from None


def _ships_in(text: str) -> str | None:
    try:
        return check_text(text.strip(), what="ships-in text", limit=TEXT_MAX) or None
    except CellError as exc:
        raise InventoryError(f"Ships in: {exc}") from None


def add_status(conn: Connection, name: str, **flags) -> Status:
    name = _clean_name(name, "status")
    if find_status(conn, name) is not None:
        raise InventoryError(f"A status named '{name}' already exists")
    values = {flag: bool(flags.get(flag, False)) for flag in STATUS_FLAGS}
    values["ships_in"] = _ships_in(flags.get("ships_in") or "")
    new_id = conn.execute(statuses.insert().values(name=name, **values)).inserted_primary_key[0]
    return _status(conn.execute(select(statuses).where(statuses.c.id == new_id)).one())


def edit_status(conn: Connection, name: str, *, rename: str | None = None, **flags) -> Status:
    current = get_status(conn, name)
    values: dict = {}
    if rename is not None:
        new_name = _clean_name(rename, "status")
        clash = find_status(conn, new_name)
        if clash is not None and clash.id != current.id:
            raise InventoryError(f"A status named '{clash.name}' already exists")
        values["name"] = new_name
    for flag in STATUS_FLAGS:
        if flags.get(flag) is not None:
            values[flag] = bool(flags[flag])
    if "ships_in" in flags and flags["ships_in"] is not None:
        values["ships_in"] = _ships_in(flags["ships_in"])
    if values:
        conn.execute(statuses.update().where(statuses.c.id == current.id).values(**values))
    return _status(conn.execute(select(statuses).where(statuses.c.id == current.id)).one())


FEW_USERS = 10_000  # up to this many items, a status's are listed from its indexes, not by walking item numbers


def status_users(conn: Connection, status_id: int) -> list[str]:
    """Who uses a status: stores (by setting) and items (a count, with a few item numbers)."""
    users: list[str] = []
    for row in conn.execute(select(stores).order_by(stores.c.name)):
        settings = [
            label.replace("default_", "default ").replace("_", " ")
            for label in DEFAULT_STATUS_NAMES
            if getattr(row, f"{label}_id") == status_id
        ]
        if settings:
            users.append(f"store '{row.name}' ({', '.join(settings)} status)")
    using = items.c.status_id == status_id
    if has_counts_table(conn):  # a server: items has no index by status (HOT count updates), item_counts has
        # one per scope: the units, and the products, of which those not units (their counts are their
        # variants' sums) are the rest; every item is one or the other.
        c = ITEM_COUNTS.c
        halves = (
            select(c.id).where(c.unit, c.status_id == status_id),
            select(c.id).where(c.product, ~c.unit, c.status_id == status_id),
        )
        count = sum(conn.execute(select(func.count()).select_from(half.subquery())).scalar_one() for half in halves)
        if count <= FEW_USERS:  # a rare status: its items by those indexes; a common one is met early by name
            using = items.c.id.in_(union_all(*halves))
    else:
        count = conn.execute(select(func.count()).select_from(items).where(using)).scalar_one()
    if count:
        labels = [
            unit_label(r.item_number, r.item_id, r.name)
            for r in conn.execute(
                select(items.c.item_number, items.c.item_id, items.c.name)
                .where(using)
                .order_by(items.c.item_number)
                .limit(5)
            )
        ]
        more = f" and {count - len(labels)} more" if count > len(labels) else ""
        noun = "item" if count == 1 else "items"
        users.append(f"{count} {noun} ({', '.join(labels)}{more})")
    return users


def delete_status(conn: Connection, name: str) -> None:
    current = get_status(conn, name)
    users = status_users(conn, current.id)
    if users:
        raise InventoryError(
            f"The status '{current.name}' is in use and cannot be deleted: {'; '.join(users)}"
        )
    conn.execute(statuses.delete().where(statuses.c.id == current.id))


# -- stores --------------------------------------------------------------------------------------
def _store(conn: Connection, row) -> Store:
    names = dict(conn.execute(select(statuses.c.id, statuses.c.name)).all())
    return Store(
        id=row.id,
        name=row.name,
        track_inventory=bool(row.track_inventory),
        remove_when=row.remove_when,
        **{label: names[getattr(row, f"{label}_id")] for label in DEFAULT_STATUS_NAMES},
    )


def list_stores(conn: Connection) -> list[Store]:
    return [_store(conn, r) for r in conn.execute(select(stores).order_by(stores.c.name))]


def find_store_row(conn: Connection, name: str):
    return conn.execute(select(stores).where(func.lower(stores.c.name) == name.strip().lower())).first()


def get_store_row(conn: Connection, name: str):
    row = find_store_row(conn, name)
    if row is None:
        known = ", ".join(s.name for s in list_stores(conn)) or "none yet"
        raise NotFound(f"There is no store named '{name}' (stores: {known})")
    return row


def get_store(conn: Connection, name: str) -> Store:
    return _store(conn, get_store_row(conn, name))


def add_store(conn: Connection, name: str) -> Store:
    name = _clean_name(name, "store")
    if find_store_row(conn, name) is not None:
        raise InventoryError(f"A store named '{name}' already exists")
    defaults = {}
    for label, status_name in DEFAULT_STATUS_NAMES.items():
        found = find_status(conn, status_name)
        if found is None:
            row = conn.execute(select(statuses.c.id).where(statuses.c.id == SEED_STATUS_IDS[label])).first()
            if row is None:
                raise InventoryError(
                    f"The default status '{status_name}' no longer exists; add it before adding a store"
                )
            defaults[f"{label}_id"] = row.id
        else:
            defaults[f"{label}_id"] = found.id
    conn.execute(stores.insert().values(name=name, track_inventory=False, remove_when="ordered", **defaults))
    return get_store(conn, name)


def set_store(
    conn: Connection,
    name: str,
    *,
    track_inventory: bool | None = None,
    remove_when: str | None = None,
    rename: str | None = None,
    **default_names: str | None,
) -> tuple[Store, bool]:
    """Change a store's settings; returns the store and whether its tracking changed."""
    row = get_store_row(conn, name)
    values: dict = {}
    if rename is not None:
        new_name = _clean_name(rename, "store")
        clash = find_store_row(conn, new_name)
        if clash is not None and clash.id != row.id:
            raise InventoryError(f"A store named '{clash.name}' already exists")
        values["name"] = new_name
    if track_inventory is not None:
        values["track_inventory"] = bool(track_inventory)
    if remove_when is not None:
        if remove_when not in REMOVE_WHEN:
            raise InventoryError(f"'Remove from inventory when' is one of: {', '.join(REMOVE_WHEN)}")
        values["remove_when"] = remove_when
    for label in DEFAULT_STATUS_NAMES:
        status_name = default_names.get(label)
        if status_name is not None:
            values[f"{label}_id"] = get_status(conn, status_name).id
    unknown = set(default_names) - set(DEFAULT_STATUS_NAMES)
    if unknown:
        raise TypeError(f"unknown store settings: {sorted(unknown)}")
    if values:
        conn.execute(stores.update().where(stores.c.id == row.id).values(**values))
    tracking_changed = track_inventory is not None and bool(track_inventory) != bool(row.track_inventory)
    return _store(conn, conn.execute(select(stores).where(stores.c.id == row.id)).one()), tracking_changed
