"""Stock counts (SPEC section 7): scan to count, post the differences as one batch.

A count has an optional store and stays open until posted or cancelled. Each line is one unit with its
counted quantity and its expected one (the unit's on hand when the line last changed). Scans add to a line
with one atomic statement (``INSERT ... ON CONFLICT DO UPDATE SET counted = counted + N``), so several
workstations scanning into one count add up exactly. Posting applies ``on_hand += counted - expected`` to
each line through the ledger, as one batch with cause ``count``: the difference found on the shelf, on top
of whatever moved since the line was counted.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select, text

from desktop_app import catalog, settings
from desktop_app.count_lookup import Ambiguous, Candidate, find_by_id, find_candidates, resolve
from desktop_app.count_models import (
    CountLine,
    CountPost,
    ScanOutcome,
    StockCount,
    Unresolved,
    write_count_csv,
)
from desktop_app.count_tables import count_lines, count_unresolved, counts
from desktop_app.errors import InventoryError, NotFound
from desktop_app.ledger import Ledger, lock_unit_ids
from desktop_app.models import Item
from desktop_app.schema import items, stores
from desktop_app.values import COUNT_MAX

if TYPE_CHECKING:
    from desktop_app.service import Inventory

__all__ = ["Ambiguous", "Candidate", "CountLine", "CountPost", "Counts", "ScanOutcome", "StockCount"]

_ADD = """INSERT INTO count_lines (count_id, unit_id, counted, expected, changed_at)
SELECT :c, id, :n, on_hand, :at FROM items WHERE id = :u
ON CONFLICT (count_id, unit_id) DO UPDATE SET counted = count_lines.counted + excluded.counted,
    expected = excluded.expected, changed_at = excluded.changed_at"""
_SET = _ADD.replace("count_lines.counted + excluded.counted", "excluded.counted")


class _DryRun(Exception):
    def __init__(self, result: CountPost) -> None:
        super().__init__("dry run")
        self.result = result


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Counts:
    """Stock counts of one database (``inventory.counts``)."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory

    def _read(self, fn):
        return self.inventory.db.read(fn)

    def _write(self, fn):
        return self.inventory._write(fn)

    # -- lookup -----------------------------------------------------------------------------------
    def lookup(self, code: str) -> Item:
        """The item a barcode or item number names; refused when none, or several (naming them)."""
        return self._read(lambda c: catalog.get_item(c, resolve(c, code).id))

    def candidates(self, code: str) -> list[Candidate]:
        """Every item a code names (none, one, or several for a repeated barcode)."""
        return self._read(lambda c: find_candidates(c, code))

    # -- counts -----------------------------------------------------------------------------------
    def start(self, store: str | None = None) -> StockCount:
        """Open a new count, for a store (posting then triggers its rules) or none."""

        def run(conn: Connection) -> int:
            store_id = settings.get_store_row(conn, store).id if store else None
            return conn.execute(
                counts.insert().values(
                    store_id=store_id, state="open", started_at=_now(), started_by=self.inventory.who
                )
            ).inserted_primary_key[0]

        return self.get(self._write(run))

    def list(self, *, open_only: bool = False) -> list[StockCount]:
        """Counts, newest first, without their lines."""

        def run(conn: Connection) -> list[StockCount]:
            stmt = select(counts, stores.c.name.label("store")).outerjoin(
                stores, stores.c.id == counts.c.store_id
            )
            if open_only:
                stmt = stmt.where(counts.c.state == "open")
            return [_count(r) for r in conn.execute(stmt.order_by(counts.c.id.desc()).limit(200))]

        return self._read(run)

    def get(self, count_id: int) -> StockCount:
        """A count with its lines (in the order first scanned) and its unresolved scans."""

        def run(conn: Connection) -> StockCount:
            head = _count(_count_row(conn, count_id))
            lines = [_line(r) for r in conn.execute(_LINES.where(count_lines.c.count_id == count_id))]
            unresolved = [
                Unresolved(r.id, r.code, r.quantity, r.reason, r.at)
                for r in conn.execute(
                    select(count_unresolved)
                    .where(count_unresolved.c.count_id == count_id)
                    .order_by(count_unresolved.c.id)
                )
            ]
            return StockCount(**{**head.__dict__, "lines": lines, "unresolved": unresolved})

        return self._read(run)

    def line(self, count_id: int, unit_id: int) -> CountLine | None:
        def run(conn: Connection) -> CountLine | None:
            r = conn.execute(
                _LINES.where(count_lines.c.count_id == count_id, count_lines.c.unit_id == unit_id)
            ).first()
            return _line(r) if r else None

        return self._read(run)

    # -- scanning ---------------------------------------------------------------------------------
    def scan(self, count_id: int, scans: Sequence[tuple[str, int]]) -> list[CountLine]:
        """Add each code's quantity to its line, all or nothing (the command line's ``count scan``)."""

        def run(conn: Connection) -> list[int]:
            _open_count(conn, count_id)
            problems, done = [], []
            for code, quantity in scans:
                try:
                    unit = _countable(conn, code)
                    _check_quantity(quantity)
                    done.append((unit.id, quantity))
                except InventoryError as exc:
                    problems.append(exc.message)
            if problems:
                raise InventoryError(f"Nothing was counted: {problems[0]}", details=problems[1:])
            at = _now()
            for unit_id, quantity in done:
                conn.execute(text(_ADD), {"c": count_id, "u": unit_id, "n": quantity, "at": at})
            return [u for u, _ in done]

        ids = self._write(run)
        return self._lines_for(count_id, ids)

    def scan_one(self, count_id: int, code: str, quantity: int = 1) -> ScanOutcome:
        """One scan in the editor: counted, or kept as unresolved (unknown, ambiguous, not countable)."""
        code = (code or "").strip()

        def run(conn: Connection) -> ScanOutcome:
            _open_count(conn, count_id)
            _check_quantity(quantity)
            found = find_candidates(conn, code)
            countable = [c for c in found if c.why_not_countable() is None]
            if len(found) == 1 and countable:
                conn.execute(text(_ADD), {"c": count_id, "u": found[0].id, "n": quantity, "at": _now()})
                r = conn.execute(
                    _LINES.where(count_lines.c.count_id == count_id, count_lines.c.unit_id == found[0].id)
                ).one()
                return ScanOutcome(code, quantity, line=_line(r))
            if not found:
                problem = f"No item has the barcode or item number '{code}'"
            elif len(found) > 1:
                problem = Ambiguous(code, found).message
            else:
                problem = found[0].why_not_countable()
            kept = conn.execute(
                count_unresolved.insert().values(
                    count_id=count_id, code=code[:200], quantity=quantity, reason=problem[:500], at=_now()
                )
            ).inserted_primary_key[0]
            return ScanOutcome(
                code, quantity, problem=problem, candidates=tuple(countable), unresolved_id=kept
            )

        return self._write(run)

    def set(self, count_id: int, recounts: Sequence[tuple[str | int, int]]) -> list[CountLine]:
        """A recount: each line's counted quantity becomes N (all or nothing). ITEM is a code or a unit id."""

        def run(conn: Connection) -> list[int]:
            _open_count(conn, count_id)
            problems, done = [], []
            for ref, quantity in recounts:
                try:
                    unit = _countable(conn, ref)
                    if quantity is None or not 0 <= quantity <= COUNT_MAX:
                        raise InventoryError(f"{unit.label}: a counted quantity is from 0 to {COUNT_MAX:,}")
                    done.append((unit.id, quantity))
                except InventoryError as exc:
                    problems.append(exc.message)
            if problems:
                raise InventoryError(f"Nothing was changed: {problems[0]}", details=problems[1:])
            at = _now()
            for unit_id, quantity in done:
                conn.execute(text(_SET), {"c": count_id, "u": unit_id, "n": quantity, "at": at})
            return [u for u, _ in done]

        return self._lines_for(count_id, self._write(run))

    def remove_line(self, count_id: int, unit_id: int) -> None:
        """Take a unit out of an open count (scanned by mistake)."""

        def run(conn: Connection) -> None:
            _open_count(conn, count_id)
            conn.execute(
                count_lines.delete().where(
                    count_lines.c.count_id == count_id, count_lines.c.unit_id == unit_id
                )
            )

        self._write(run)

    def assign(self, count_id: int, unresolved_id: int, unit: str | int) -> CountLine:
        """Count an unresolved scan for the unit the person chose (an item number, or a unit id)."""

        def run(conn: Connection) -> int:
            _open_count(conn, count_id)
            kept = _unresolved_row(conn, count_id, unresolved_id)
            target = _countable(conn, unit)
            conn.execute(text(_ADD), {"c": count_id, "u": target.id, "n": kept.quantity, "at": _now()})
            conn.execute(count_unresolved.delete().where(count_unresolved.c.id == unresolved_id))
            return target.id

        return self._lines_for(count_id, [self._write(run)])[0]

    def drop(self, count_id: int, unresolved_id: int) -> None:
        """Forget an unresolved scan."""

        def run(conn: Connection) -> None:
            _open_count(conn, count_id)
            _unresolved_row(conn, count_id, unresolved_id)
            conn.execute(count_unresolved.delete().where(count_unresolved.c.id == unresolved_id))

        self._write(run)

    def _lines_for(self, count_id: int, unit_ids: list[int]) -> list[CountLine]:
        def run(conn: Connection) -> list[CountLine]:
            rows = conn.execute(
                _LINES.where(
                    count_lines.c.count_id == count_id, count_lines.c.unit_id.in_(sorted(set(unit_ids)))
                )
            )
            by_unit = {r.unit_id: _line(r) for r in rows}
            return [by_unit[u] for u in unit_ids if u in by_unit]

        return self._read(run)

    # -- ending -----------------------------------------------------------------------------------
    def post(self, count_id: int, *, dry_run: bool = False) -> CountPost:
        """Apply every line's counted − expected as one batch (cause ``count``); a preview with ``dry_run``."""

        def run(conn: Connection) -> CountPost:
            head = _open_count(conn, count_id, lock=True, verb="post")
            lines = conn.execute(
                select(count_lines.c.unit_id, count_lines.c.counted, count_lines.c.expected)
                .where(count_lines.c.count_id == count_id, count_lines.c.counted != count_lines.c.expected)
                .order_by(count_lines.c.unit_id)
            ).all()
            ledger = Ledger(
                conn,
                cause="count",
                who=self.inventory.who,
                store_id=head.store_id,
                note=f"stock count {count_id}",
            )
            units = lock_unit_ids(conn, [line.unit_id for line in lines])
            result = CountPost(count_id, None, 0, [], dry_run=dry_run)
            names = ledger.statuses
            for line in lines:
                unit = units[line.unit_id]
                why = Candidate(
                    unit.id,
                    unit.item_number,
                    unit.item_id,
                    unit.name,
                    unit.parent_id,
                    None,
                    None,
                    unit.use_variant_inventory,
                    unit.non_inventory,
                    unit.on_hand,
                ).why_not_countable()
                if why:  # it changed since it was counted; the other lines still post
                    result.skipped.append(why)
                    continue
                before, status_before = unit.on_hand, unit.status_id
                after = before + line.counted - line.expected
                if not -COUNT_MAX <= after <= COUNT_MAX:
                    result.skipped.append(f"{unit.label}: {after:,} on hand is out of range")
                    continue
                ledger.change(unit, on_hand=after)
                result.changed += 1
                result.changes.append(
                    (unit.label, before, after, names[status_before].name, names[unit.status_id].name)
                )
            ledger.flush()
            result.batch = ledger.event_id
            result.status_changes = ledger.status_changes
            if dry_run:
                raise _DryRun(result)
            conn.execute(
                counts.update()
                .where(counts.c.id == count_id)
                .values(
                    state="posted", closed_at=_now(), closed_by=self.inventory.who, event_id=ledger.event_id
                )
            )
            return result

        try:
            return self._write(run)
        except _DryRun as preview:
            preview.result.batch = None
            return preview.result

    def cancel(self, count_id: int) -> StockCount:
        """End a count without changing stock."""

        def run(conn: Connection) -> None:
            _open_count(conn, count_id, lock=True, verb="cancel")
            conn.execute(
                counts.update()
                .where(counts.c.id == count_id)
                .values(state="cancelled", closed_at=_now(), closed_by=self.inventory.who)
            )

        self._write(run)
        return self.get(count_id)

    def export_csv(self, count_id: int, path: str | os.PathLike) -> int:
        """Write a count's lines (and its unresolved scans) to a CSV file; returns the rows written."""
        return write_count_csv(self.get(count_id), path)


# -- helpers -------------------------------------------------------------------------------------
_LINES = (
    select(
        count_lines.c.unit_id,
        items.c.item_number,
        items.c.item_id,
        items.c.name,
        items.c.barcode,
        count_lines.c.expected,
        count_lines.c.counted,
        items.c.on_hand,
        count_lines.c.changed_at,
    )
    .join(items, items.c.id == count_lines.c.unit_id)
    .order_by(count_lines.c.id)
)


def _line(r) -> CountLine:
    return CountLine(
        r.unit_id,
        r.item_number,
        catalog.item_label(r.item_number, r.item_id, r.name),
        r.name,
        r.barcode,
        r.expected,
        r.counted,
        r.on_hand,
        r.changed_at,
    )


def _count(r) -> StockCount:
    return StockCount(r.id, r.store, r.state, r.started_at, r.started_by, r.closed_at, r.event_id)


def _count_row(conn: Connection, count_id: int, *, lock: bool = False, share: bool = False):
    stmt = select(counts, stores.c.name.label("store")).outerjoin(stores, stores.c.id == counts.c.store_id)
    stmt = stmt.where(counts.c.id == count_id)
    if lock or share:
        stmt = stmt.with_for_update(read=share and not lock, of=counts)
    row = conn.execute(stmt).first()
    if row is None:
        raise NotFound(f"There is no count {count_id}")
    return row


def _open_count(conn: Connection, count_id: int, *, lock: bool = False, verb: str = "scan into"):
    """The count's row, refused unless it is open. Scans share-lock it (they run side by side); a post or a
    cancel locks it outright, so no scan slips in between their check and their end."""
    row = _count_row(conn, count_id, lock=lock, share=not lock)
    if row.state != "open":
        raise InventoryError(f"Count {count_id} is {row.state}: you cannot {verb} it")
    return row


def _countable(conn: Connection, ref: str | int) -> Candidate:
    if isinstance(ref, int):
        rows = [r for r in find_by_id(conn, ref)]
        if not rows:
            raise NotFound(f"There is no item {ref}")
        unit = rows[0]
    else:
        unit = resolve(conn, ref)
    why = unit.why_not_countable()
    if why:
        raise InventoryError(why)
    return unit


def _check_quantity(quantity: int) -> None:
    if quantity is None or not 1 <= quantity <= COUNT_MAX:
        raise InventoryError(f"A scan adds from 1 to {COUNT_MAX:,}; to correct a line, recount it")


def _unresolved_row(conn: Connection, count_id: int, unresolved_id: int):
    row = conn.execute(
        select(count_unresolved).where(
            count_unresolved.c.id == unresolved_id, count_unresolved.c.count_id == count_id
        )
    ).first()
    if row is None:
        raise NotFound(
            f"Count {count_id} has no unresolved scan {unresolved_id} (someone may have dealt with it)"
        )
    return row
