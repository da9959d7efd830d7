"""History (SPEC section 4): reading it, and reverting a batch with compensating movements.

Besides movements and status changes, history holds the other fields a batch changed on an item
(``field_changes``): a batch's history lists them, and reverting the batch puts them back.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, bindparam, func, select

from desktop_app.errors import InventoryError, NotFound
from desktop_app.ledger import Ledger, field_text, field_value, lock_unit_ids
from desktop_app.models import HistoryEntry
from desktop_app.schema import (
    FOLLOWED_FIELDS,
    events,
    field_changes,
    items,
    movements,
    status_changes,
    statuses,
    stores,
)

REVERTIBLE_CAUSES = ("import", "grid", "adjust", "count")


def _unit_ids(conn: Connection, item_pk: int, use_variants: bool) -> list[int]:
    if not use_variants:
        return [item_pk]
    children = conn.execute(select(items.c.id).where(items.c.parent_id == item_pk)).scalars().all()
    return [item_pk, *children]


def item_history(conn: Connection, item_pk: int, *, limit: int | None = None) -> list[HistoryEntry]:
    """Movements and status changes of an item (and of its variants), oldest first."""
    row = conn.execute(select(items.c.use_variant_inventory).where(items.c.id == item_pk)).first()
    if row is None:
        raise NotFound(f"There is no item {item_pk}")
    ids = _unit_ids(conn, item_pk, bool(row.use_variant_inventory))
    return _entries(
        conn,
        movements.c.unit_id.in_(ids),
        status_changes.c.unit_id.in_(ids),
        field_changes.c.item_pk.in_(ids),
        limit=limit,
    )


def batch_history(conn: Connection, event_id: int, *, limit: int | None = None) -> list[HistoryEntry]:
    """Everything one batch (event) did: movements, status changes and field changes, in that order."""
    return _entries(
        conn,
        movements.c.event_id == event_id,
        status_changes.c.event_id == event_id,
        field_changes.c.event_id == event_id,
        limit=limit,
    )


def _entries(
    conn: Connection, move_where, status_where, field_where, *, limit: int | None
) -> list[HistoryEntry]:
    label = func.coalesce(items.c.item_number, "#" + func.cast(items.c.item_id, items.c.name.type))
    common = (
        events.c.cause,
        stores.c.name.label("store"),
        events.c.order_id,
        events.c.id.label("event_id"),
        events.c.who,
        events.c.at,
        events.c.note,
        label.label("label"),
    )
    moves = (
        select(movements.c.id, movements.c.quantity, movements.c.delta, movements.c.after, *common)
        .join(events, events.c.id == movements.c.event_id)
        .outerjoin(stores, stores.c.id == events.c.store_id)
        .join(items, items.c.id == movements.c.unit_id)
        .where(move_where)
        .order_by(movements.c.id.desc())
    )
    changes = (
        select(
            status_changes.c.id,
            status_changes.c.from_status,
            status_changes.c.to_status,
            status_changes.c.rule,
            *common,
        )
        .join(events, events.c.id == status_changes.c.event_id)
        .outerjoin(stores, stores.c.id == events.c.store_id)
        .join(items, items.c.id == status_changes.c.unit_id)
        .where(status_where)
        .order_by(status_changes.c.id.desc())
    )
    edits = (
        select(
            field_changes.c.id,
            field_changes.c.field,
            field_changes.c.old_value,
            field_changes.c.new_value,
            *common,
        )
        .join(events, events.c.id == field_changes.c.event_id)
        .outerjoin(stores, stores.c.id == events.c.store_id)
        .join(items, items.c.id == field_changes.c.item_pk)
        .where(field_where)
        .order_by(field_changes.c.id.desc())
    )
    if limit:
        moves, changes, edits = moves.limit(limit), changes.limit(limit), edits.limit(limit)
    out: list[tuple] = []
    for r in conn.execute(moves):
        out.append(_entry(r, 0, kind="movement", quantity=r.quantity, delta=r.delta, after=r.after))
    for r in conn.execute(changes):
        out.append(_entry(r, 1, kind="status", from_status=r.from_status, to_status=r.to_status, rule=r.rule))
    for r in conn.execute(edits):
        out.append(_entry(r, 2, kind="field", from_status=r.old_value, to_status=r.new_value, field=r.field))
    out.sort(key=lambda pair: pair[0])
    entries = [entry for _, entry in out]
    return entries[-limit:] if limit else entries


def _entry(r, rank: int, **specific) -> tuple[tuple[int, int, int], HistoryEntry]:
    """One history row with its sort key: by event, then movements, status changes and field changes."""
    values = dict(quantity=None, delta=None, after=None, from_status=None, to_status=None, rule=None)
    values.update(specific)
    entry = HistoryEntry(
        item_number=r.label,
        cause=r.cause,
        store=r.store,
        order=r.order_id,
        batch=r.event_id,
        who=r.who,
        at=r.at,
        note=r.note,
        **values,
    )
    return (r.event_id, rank, r.id), entry


def list_batches(conn: Connection, *, limit: int = 200) -> list[dict]:
    """Recent events with their size, newest first: what the history window lists as revertible batches."""
    reverted = select(events.c.reverts_id).where(events.c.reverts_id.is_not(None)).scalar_subquery()
    moved = (
        select(func.count())
        .select_from(movements)
        .where(movements.c.event_id == events.c.id)
        .scalar_subquery()
    )
    changed = (
        select(func.count())
        .select_from(status_changes)
        .where(status_changes.c.event_id == events.c.id)
        .scalar_subquery()
    )
    edited = (
        select(func.count())
        .select_from(field_changes)
        .where(field_changes.c.event_id == events.c.id)
        .scalar_subquery()
    )
    rows = conn.execute(
        select(
            events,
            stores.c.name.label("store"),
            moved.label("moved"),
            changed.label("changed"),
            edited.label("edited"),
            events.c.id.in_(reverted).label("is_reverted"),
        )
        .outerjoin(stores, stores.c.id == events.c.store_id)
        .order_by(events.c.id.desc())
        .limit(limit)
    )
    return [
        {
            "batch": r.id,
            "cause": r.cause,
            "store": r.store,
            "order": r.order_id,
            "who": r.who,
            "at": r.at,
            "note": r.note,
            "movements": r.moved,
            "status_changes": r.changed,
            "field_changes": r.edited,
            "reverted": bool(r.is_reverted),
            "reverts": r.reverts_id,
            "revertible": r.cause in REVERTIBLE_CAUSES and not r.is_reverted,
        }
        for r in rows
    ]


def revert_batch(conn: Connection, who: str, event_id: int) -> Ledger:
    """Undo a mass change by writing compensating movements, and give back statuses it changed.

    Counts move back by the batch's deltas (later changes stay); a status goes back only where it is still
    the one the batch set, so a later change is never overwritten.
    """
    event = conn.execute(select(events).where(events.c.id == event_id)).first()
    if event is None:
        raise NotFound(f"There is no batch {event_id}")
    if event.cause not in REVERTIBLE_CAUSES:
        raise InventoryError(
            f"Batch {event_id} is a {event.cause} change; only imports, grid edits and stock adjustments can "
            "be reverted (orders are cancelled or returned instead)"
        )
    again = conn.execute(select(events.c.id).where(events.c.reverts_id == event_id)).first()
    if again:
        raise InventoryError(f"Batch {event_id} was already reverted (by batch {again.id})")
    moves = conn.execute(
        select(movements.c.unit_id, movements.c.quantity, movements.c.delta)
        .where(movements.c.event_id == event_id)
        .order_by(movements.c.id)
    ).all()
    changes = conn.execute(
        select(status_changes.c.unit_id, status_changes.c.from_status, status_changes.c.to_status)
        .where(status_changes.c.event_id == event_id)
        .order_by(status_changes.c.id)
    ).all()
    edits = conn.execute(
        select(
            field_changes.c.item_pk,
            field_changes.c.field,
            field_changes.c.old_value,
            field_changes.c.new_value,
        )
        .where(field_changes.c.event_id == event_id)
        .order_by(field_changes.c.id)
    ).all()
    ledger = Ledger(conn, cause="revert", who=who, reverts_id=event_id, note=f"revert of batch {event_id}")
    ledger.ensure_event()
    units = lock_unit_ids(
        conn, [m.unit_id for m in moves] + [c.unit_id for c in changes] + [e.item_pk for e in edits]
    )
    by_name = {name.lower(): sid for sid, name in conn.execute(select(statuses.c.id, statuses.c.name))}
    first_from: dict[int, str] = {}
    last_to: dict[int, str] = {}
    for c in changes:
        first_from.setdefault(c.unit_id, c.from_status)
        last_to[c.unit_id] = c.to_status
    deltas: dict[tuple[int, str], int] = {}
    for m in moves:
        deltas[m.unit_id, m.quantity] = deltas.get((m.unit_id, m.quantity), 0) + m.delta
    for uid, unit in units.items():
        d_hand = deltas.get((uid, "on_hand"), 0)
        d_order = deltas.get((uid, "on_order"), 0)
        status = None
        if uid in first_from and ledger.statuses[unit.status_id].name == last_to[uid]:
            status = by_name.get(first_from[uid].lower())
        ledger.change(
            unit,
            on_hand=unit.on_hand - d_hand if d_hand else None,
            on_order=unit.on_order - d_order if d_order else None,
            status=status,
            choice_rule="revert",
        )
    _put_back_fields(conn, ledger, event_id, edits)
    ledger.flush()
    return ledger


def _put_back_fields(conn: Connection, ledger: Ledger, event_id: int, edits) -> None:
    """Give back every other field the batch set, where the item still holds the value the batch set."""
    if not edits:
        return
    first_old: dict[tuple[int, str], str | None] = {}
    last_new: dict[tuple[int, str], str | None] = {}
    for e in edits:
        first_old.setdefault((e.item_pk, e.field), e.old_value)
        last_new[e.item_pk, e.field] = e.new_value
    pks = sorted({pk for pk, _ in first_old})
    current: dict[int, dict] = {}
    for start in range(0, len(pks), 900):
        for r in conn.execute(select(items).where(items.c.id.in_(pks[start : start + 900]))):
            current[r.id] = dict(r._mapping)
    restore: dict[int, dict[str, object]] = {}
    for (pk, name), old in first_old.items():
        row = current.get(pk)
        if row is not None and field_text(row[name]) == last_new[pk, name]:  # else changed since: it stays
            restore.setdefault(pk, {})[name] = field_value(name, old)
    if not restore:
        return
    _check_keys_free(conn, event_id, restore)
    for key in ("item_number", "item_id"):
        # Cleared first, then set: a batch that passed a key from one item to another gives it back.
        cleared = [{"b_id": pk} for pk, values in restore.items() if key in values]
        if cleared:
            conn.execute(items.update().where(items.c.id == bindparam("b_id")).values({key: None}), cleared)
    groups: dict[tuple[str, ...], list[int]] = {}
    for pk, values in restore.items():
        groups.setdefault(tuple(sorted(values)), []).append(pk)
    for columns, group in groups.items():
        conn.execute(
            items.update()
            .where(items.c.id == bindparam("b_id"))
            .values(version=items.c.version + 1, **{c: bindparam(f"p_{c}") for c in columns}),
            [{"b_id": pk, **{f"p_{c}": restore[pk][c] for c in columns}} for pk in group],
        )
        followed = [c for c in columns if c in FOLLOWED_FIELDS]
        products = [pk for pk in group if current[pk]["use_variant_inventory"]]
        if followed and products:  # a product's variants carry copies of the fields they follow
            conn.execute(
                items.update()
                .where(items.c.parent_id == bindparam("b_id"))
                .values(version=items.c.version + 1, **{c: bindparam(f"p_{c}") for c in followed}),
                [{"b_id": pk, **{f"p_{c}": restore[pk][c] for c in followed}} for pk in products],
            )
    for pk, values in restore.items():
        ledger.fields_changed(pk, {name: (current[pk][name], value) for name, value in values.items()})


def _check_keys_free(conn: Connection, event_id: int, restore: dict[int, dict[str, object]]) -> None:
    """Refuse a revert that would give an item number or ItemID back while another item holds it now."""
    label = func.coalesce(
        items.c.item_number, "#" + func.cast(items.c.item_id, items.c.name.type), items.c.name
    )
    for key, what in (("item_number", "item number"), ("item_id", "ItemID")):
        wanted = sorted({values[key] for values in restore.values() if values.get(key) is not None})
        giving_up = [pk for pk, values in restore.items() if key in values]
        for start in range(0, len(wanted), 900):
            holder = conn.execute(
                select(items.c[key].label("key"), label.label("label")).where(
                    and_(items.c[key].in_(wanted[start : start + 900]), items.c.id.not_in(giving_up))
                )
            ).first()
            if holder is not None:
                raise InventoryError(
                    f"Batch {event_id} cannot be reverted: {what} {holder.key!r} is now used by another item "
                    f"({holder.label}); change that item first. Nothing was changed."
                )
