"""Filtering, sorting and paging items in SQL: what the tables and the grid show, at any catalog size.

A ``UnitQuery`` describes a view (which items, which filter, which order); ``count`` and ``page`` answer it
with indexed SQL, so a window shows a million units by fetching only the rows on screen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import (
    Connection,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    column,
    false,
    func,
    or_,
    select,
    table,
    text,
    true,
)

from desktop_app.catalog import _item
from desktop_app.db import has_table
from desktop_app.item_counts import COUNTS_SORT_KEYS, ITEM_COUNTS, counted, counts_alone
from desktop_app.models import Item
from desktop_app.schema import items, statuses

SCOPES = ("units", "products", "variants_of", "all")
STOCK_FILTERS = {
    "": "All stock",
    "low": "Low stock",
    "out": "Out of stock (0 or less)",
    "back_ordered": "Back-ordered (below 0)",
    "disagrees": "Status disagrees with stock",
}

# Sortable columns: key -> SQL expression.
SORT_KEYS = {
    # Text sorts as a person reads it, whatever the case (indexed on these expressions: migration 0005).
    "item_number": func.lower(items.c.item_number),
    "name": func.lower(items.c.name),
    "status": items.c.status_id,
    "on_hand": items.c.on_hand,
    "on_order": items.c.on_order,
    "committed": items.c.committed,
    "available": items.c.on_hand + items.c.on_order,
    "available_to_sell": items.c.on_hand + items.c.on_order - items.c.committed,
    "min_qty": items.c.min_qty,
    "max_qty": items.c.max_qty,
    "multiple_qty": items.c.multiple_qty,
    "discontinued": items.c.discontinued,
    "non_inventory": items.c.non_inventory,
    "eta_date": items.c.eta_date,
    "low_stock_qty": items.c.low_stock_qty,
    "id": items.c.id,
}



@dataclass(frozen=True)
class UnitQuery:
    """Which items a table shows, and in which order."""

    scope: str = "units"  # "units": stock units; "products": products; "variants_of": one product's variants
    parent_id: int | None = None
    search: str | None = None
    status_id: int | None = None
    stock: str = ""
    sort: str = "id"
    descending: bool = False

    def with_(self, **changes) -> UnitQuery:
        return replace(self, **changes)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# PostgreSQL: item numbers and names with a trigram index, kept in step with ``items`` (migration 0010; absent
# where the pg_trgm extension could not be created, and then a search scans ``items``).
ITEM_SEARCH = table("item_search", column("id", Integer), column("item_number", String), column("name", String))


def _has_search_table(conn: Connection) -> bool:
    return has_table(conn, "item_search")


def _source(conn: Connection | None, q: UnitQuery):
    """What a view's statement reads: ``items``, joined to ``item_counts`` for a counted view."""
    if counted(conn, q):
        return items.join(ITEM_COUNTS, ITEM_COUNTS.c.id == items.c.id)
    return items


def _search(conn: Connection | None, fragment: str):
    """Item number or name contains ``fragment`` (any case): the trigram index on SQLite, LIKE elsewhere."""
    if conn is not None and conn.dialect.name == "sqlite" and len(fragment) >= 3:
        phrase = '"' + fragment.replace('"', '""') + '"'
        matches = text("SELECT rowid FROM items_fts WHERE items_fts MATCH :phrase").bindparams(
            bindparam("phrase", phrase, type_=String)
        )
        return items.c.id.in_(matches.columns(rowid=Integer))
    pattern = f"%{_like_escape(fragment)}%"
    if conn is not None and conn.dialect.name == "postgresql":
        if _has_search_table(conn):
            hits = select(ITEM_SEARCH.c.id).where(
                or_(ITEM_SEARCH.c.item_number.ilike(pattern, escape="\\"),
                    ITEM_SEARCH.c.name.ilike(pattern, escape="\\"))
            )
            return items.c.id.in_(hits)
        return or_(items.c.item_number.ilike(pattern, escape="\\"), items.c.name.ilike(pattern, escape="\\"))
    return or_(items.c.item_number.like(pattern, escape="\\"), items.c.name.like(pattern, escape="\\"))


def where_clause(q: UnitQuery, conn: Connection | None = None, *, alone: bool = False):
    """The view's condition; on a counted view (``counted``) its counts are ``item_counts``' and its scope is
    named on both tables (so either table's partial indexes serve it); ``alone``: on ``item_counts`` only."""
    conditions = []
    on = ITEM_COUNTS.c if counted(conn, q) else items.c
    if q.scope == "units":
        conditions += [] if alone else [items.c.use_variant_inventory == false()]
        conditions += [ITEM_COUNTS.c.unit] if on is ITEM_COUNTS.c else []
    elif q.scope == "products":
        conditions += [] if alone else [items.c.parent_id.is_(None)]
        conditions += [ITEM_COUNTS.c.product] if on is ITEM_COUNTS.c else []
    elif q.scope == "variants_of":
        conditions.append(items.c.parent_id == q.parent_id)
    if q.search and q.search.strip():
        conditions.append(_search(conn, q.search.strip()))
    if q.status_id is not None:
        conditions.append(on.status_id == q.status_id)
    if q.stock == "low":
        conditions.append(and_(items.c.low_stock_warning == true(), on.on_hand <= items.c.low_stock_qty))
    elif q.stock == "out":
        conditions.append(on.on_hand <= 0)
    elif q.stock == "back_ordered":
        conditions.append(on.on_hand < 0)
    elif q.stock == "disagrees":
        conditions.append(status_disagrees(on))
    return and_(true(), *conditions)


def status_disagrees(on=items.c):
    """A tracked stock unit whose status contradicts its count (SQL form of ``disagrees``, below).

    Unavailable with stock on hand (and not discontinued: a discontinued item may keep its unavailable
    status while stock remains), or orderable without back orders at 0 or less. ``on``: where the counts are
    read (``items``, or ``item_counts`` on a counted view).
    """
    unavailable = select(statuses.c.id).where(statuses.c.unavailable == true())
    sells_from_stock = select(statuses.c.id).where(
        statuses.c.unavailable == false(), statuses.c.back_order == false()
    )
    return and_(
        items.c.use_variant_inventory == false(),
        items.c.non_inventory == false(),
        or_(
            and_(on.on_hand > 0, items.c.discontinued == false(), on.status_id.in_(unavailable)),
            and_(on.on_hand <= 0, on.status_id.in_(sells_from_stock)),
        ),
    )


def disagrees(
    *,
    on_hand: int,
    unavailable: bool,
    back_order: bool,
    discontinued: bool,
    non_inventory: bool,
    use_variant_inventory: bool,
) -> bool:
    """The Python form of ``status_disagrees`` for one row (the tables flag the rows they show)."""
    if use_variant_inventory or non_inventory:
        return False
    if on_hand > 0:
        return unavailable and not discontinued
    return not unavailable and not back_order


# The sort keys that can be empty. Only these get a NULLS clause: PostgreSQL's default btree order is NULLS
# LAST, so an explicit NULLS FIRST on a column that is never empty would stop its index serving the ORDER BY
# (a parallel sort of every row instead of an index scan). Their PostgreSQL indexes are NULLS FIRST (0010).
NULLABLE_SORTS = frozenset({"item_number", "eta_date"})


# A filtered view with at most this many rows is sorted as a whole rather than read in the order of the sort
# key's index: the index finds a window's rows only by walking past every row the filter drops, which for a few
# thousand rows at the far end of a million (Out of Stock products, read from the last page) is a walk of the
# whole index, while finding them by the filter's index and sorting them takes milliseconds.
SMALL_VIEW = 20_000


def _filtered(q: UnitQuery) -> bool:
    return bool((q.search and q.search.strip()) or q.status_id is not None or q.stock)


def _ordering(key, ident, *, nullable: bool, descending: bool):
    if descending:
        return (key.desc().nulls_last() if nullable else key.desc(), ident.desc())
    return (key.asc().nulls_first() if nullable else key.asc(), ident.asc())


def _key(q: UnitQuery, conn: Connection | None = None):
    """The view's sort key and the id that breaks its ties (``item_counts``' on a counted view's count sort)."""
    if q.sort in COUNTS_SORT_KEYS and counted(conn, q):
        return COUNTS_SORT_KEYS[q.sort], ITEM_COUNTS.c.id
    return SORT_KEYS.get(q.sort, items.c.id), items.c.id


def order_by(q: UnitQuery, conn: Connection | None = None):
    """ORDER BY for a view; empty values (an ETA not set) come first ascending, last descending, everywhere."""
    key, ident = _key(q, conn)
    return _ordering(key, ident, nullable=q.sort in NULLABLE_SORTS, descending=q.descending)


def _before(q: UnitQuery, key_value, item_id: int, conn: Connection | None = None):
    """Rows that come before the row (key_value, item_id) in the view's order."""
    key, ident = _key(q, conn)
    if not q.descending:
        if key_value is None:
            return and_(key.is_(None), ident < item_id)
        return or_(key.is_(None), key < key_value, and_(key == key_value, ident < item_id))
    if key_value is None:
        return or_(key.is_not(None), and_(key.is_(None), ident > item_id))
    return or_(key > key_value, and_(key == key_value, ident > item_id))


def _key_value(conn: Connection, q: UnitQuery, item_id: int):
    key, ident = _key(q, conn)
    return conn.execute(select(key).select_from(_source(conn, q)).where(ident == item_id)).scalar()


def position_of(conn: Connection, q: UnitQuery, item_id: int) -> int:
    """The row number of an item in a view (counting in SQL, never loading the rows before it); -1 if the view
    does not show it.

    Whether it does is asked of that one row, with its sort key (on PostgreSQL its search row is read by its
    id, not searched for): a window that keeps its selected item through a new filter asks for an item the filter
    most often leaves out, and counting the rows before it would cost a whole search for no row.
    """
    key, ident = _key(q, conn)
    shown = conn.execute(
        select(key).select_from(_source(conn, q)).where(ident == item_id, where_clause(q, conn))
    ).first()
    if shown is None:
        return -1
    before = _before(q, shown[0], item_id, conn)
    alone = counted(conn, q) and counts_alone(q) and q.sort in COUNTS_SORT_KEYS
    return conn.execute(
        select(func.count()).select_from(ITEM_COUNTS if alone else _source(conn, q))
        .where(where_clause(q, conn, alone=alone), before)
    ).scalar_one()


def find_next(conn: Connection, q: UnitQuery, fragment: str, after_item_id: int | None) -> int | None:
    """The next item after ``after_item_id`` (wrapping around) whose item number or name contains ``fragment``."""
    match = where_clause(UnitQuery(scope="all", search=fragment), conn)
    base = (
        select(items.c.id).select_from(_source(conn, q)).where(where_clause(q, conn), match)
        .order_by(*order_by(q, conn)).limit(1)
    )
    if after_item_id is not None:
        not_after = or_(
            _before(q, _key_value(conn, q, after_item_id), after_item_id, conn), items.c.id == after_item_id
        )
        found = conn.execute(base.where(~not_after)).scalar()
        if found is not None:
            return found
    return conn.execute(base).scalar()


# SQLite's planner counts the stock units of a million-row catalog by reading the whole table (~0.5 s); the
# narrowest index of the scope (migration 0002: one small integer and the rowid per row) is read ten times faster.
_SQLITE_WHOLE_SCOPE_COUNT = {
    "units": "SELECT count(*) FROM items INDEXED BY ix_units_discontinued WHERE use_variant_inventory = 0",
    "products": "SELECT count(*) FROM items INDEXED BY ix_products_on_hand WHERE parent_id IS NULL",
}


def count(conn: Connection, q: UnitQuery) -> int:
    if conn.dialect.name == "sqlite" and q.scope in _SQLITE_WHOLE_SCOPE_COUNT and not _filtered(q):
        return conn.execute(text(_SQLITE_WHOLE_SCOPE_COUNT[q.scope])).scalar_one()
    if not _filtered(q) or (counted(conn, q) and counts_alone(q)):  # one table, whatever the sort
        q = q.with_(sort="id") if not _filtered(q) else q
        source = ITEM_COUNTS if counted(conn, q) else items
        return conn.execute(
            select(func.count()).select_from(source).where(where_clause(q, conn, alone=source is ITEM_COUNTS))
        ).scalar_one()
    return conn.execute(select(func.count()).select_from(_source(conn, q)).where(where_clause(q, conn))).scalar_one()


def _window_of_counts(conn: Connection, q: UnitQuery, offset: int, limit: int):
    """A counted view sorted by a count whose rows ``item_counts`` picks alone: the window's ids and keys, read
    from its index (the rows skipped by the offset are never joined to ``items``); else None."""
    if not (q.sort in COUNTS_SORT_KEYS and counted(conn, q) and counts_alone(q)):
        return None
    key, ident = _key(q, conn)
    return (
        select(ident.label("id"), key.label("sort_key")).select_from(ITEM_COUNTS)
        .where(where_clause(q, conn, alone=True)).order_by(*order_by(q, conn)).offset(offset).limit(limit)
        .subquery("window")
    )


def page_ids(conn: Connection, q: UnitQuery, offset: int, limit: int) -> list[int]:
    window = _window_of_counts(conn, q, offset, limit)
    if window is not None:
        ordering = _ordering(window.c.sort_key, window.c.id, nullable=False, descending=q.descending)
        return list(conn.execute(select(window.c.id).order_by(*ordering)).scalars())
    stmt = (
        select(items.c.id).select_from(_source(conn, q)).where(where_clause(q, conn))
        .order_by(*order_by(q, conn)).offset(offset).limit(limit)
    )
    return list(conn.execute(stmt).scalars())


# The fields a table row carries, in this order (plain tuples: a window of rows costs microseconds).
ROW_FIELDS = (
    "id",
    "parent_id",
    "item_number",
    "item_id",
    "name",
    "options",
    "status_id",
    "on_hand",
    "on_order",
    "committed",
    "min_qty",
    "max_qty",
    "multiple_qty",
    "discontinued",
    "non_inventory",
    "eta_date",
    "low_stock_qty",
    "low_stock_warning",
    "use_variant_inventory",
    "version",
    "barcode",
    "supplier",
    "reorder_to",
)
_ROW_COLUMNS = [items.c[name] for name in ROW_FIELDS]


def _window(conn: Connection, q: UnitQuery, offset: int, limit: int, *, sort_rows: bool):
    source = _source(conn, q)
    window = None if sort_rows else _window_of_counts(conn, q, offset, limit)
    if window is not None:
        ordering = _ordering(window.c.sort_key, window.c.id, nullable=False, descending=q.descending)
        return select(*_ROW_COLUMNS).join_from(window, items, items.c.id == window.c.id).order_by(*ordering)
    if not sort_rows:
        return (
            select(*_ROW_COLUMNS).select_from(source).where(where_clause(q, conn))
            .order_by(*order_by(q, conn)).offset(offset).limit(limit)
        )
    # OFFSET 0 keeps the filtered rows a query of their own (neither SQLite nor PostgreSQL merges such a subquery
    # into the outer one): they are found by the filter's index, then sorted.
    key, _ident = _key(q, conn)
    where = where_clause(q, conn)
    if counted(conn, q) and counts_alone(q):
        # Picked by item_counts' index, then found in items by key (joined, the planner may read every item);
        # items holds the same counts, so the rows are sorted by its columns.
        source, key = items, SORT_KEYS.get(q.sort, items.c.id)
        picked = select(ITEM_COUNTS.c.id).where(where_clause(q, conn, alone=True)).scalar_subquery()
        where = and_(where_clause(q.with_(status_id=None, stock="", sort="id"), conn), items.c.id == any_(func.array(picked)))
    view = (
        select(*_ROW_COLUMNS, key.label("sort_key")).select_from(source).where(where)
        .offset(0).subquery("picked")
    )
    ordering = _ordering(view.c.sort_key, view.c.id, nullable=q.sort in NULLABLE_SORTS, descending=q.descending)
    return select(*(view.c[name] for name in ROW_FIELDS)).order_by(*ordering).offset(offset).limit(limit)


def page_rows(
    conn: Connection, q: UnitQuery, offset: int, limit: int, total: int | None = None
) -> list[tuple]:
    """One window of a view's rows, as tuples in ``ROW_FIELDS`` order.

    Given the view's ``total``, a window in the second half is read from the other end in reverse order,
    so no query ever skips more than half the rows (the last row costs what the first does); and a filtered
    view of at most ``SMALL_VIEW`` rows is sorted as a whole (see ``SMALL_VIEW``).
    """
    sort_rows = total is not None and total <= SMALL_VIEW and _filtered(q)
    if total is not None and offset > total // 2:
        end = min(total, offset + limit)
        stmt = _window(conn, q.with_(descending=not q.descending), total - end, end - offset, sort_rows=sort_rows)
        return [tuple(r) for r in reversed(conn.execute(stmt).all())]
    return [tuple(r) for r in conn.execute(_window(conn, q, offset, limit, sort_rows=sort_rows))]


def rows_by_id(conn: Connection, ids: list[int]) -> dict[int, tuple]:
    """Fresh rows for the given item ids (to refresh what a window shows after a change)."""
    out: dict[int, tuple] = {}
    for start in range(0, len(ids), 900):
        part = ids[start : start + 900]
        for r in conn.execute(select(*_ROW_COLUMNS).where(items.c.id.in_(part))):
            out[r.id] = tuple(r)
    return out


def list_items(conn: Connection, q: UnitQuery, *, offset: int = 0, limit: int = 100) -> list[Item]:
    names = dict(conn.execute(select(statuses.c.id, statuses.c.name)).all())
    stmt = (
        select(items).select_from(_source(conn, q)).where(where_clause(q, conn))
        .order_by(*order_by(q, conn)).offset(offset).limit(limit)
    )
    return [_item(row, names) for row in conn.execute(stmt)]
