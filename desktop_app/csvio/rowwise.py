"""The import's row-by-row path: rows that create items, rename them, set other fields, or add variants.

Each chunk's items are looked up (and locked) with one query per key kind; each row is then checked and
applied. Counts and statuses go through the ledger (``change``; new items ``create_units``); the other fields
are collected and written set-wise by ``flush``, one statement per set of columns.
"""

from __future__ import annotations

from array import array

from sqlalchemy import bindparam, select

from desktop_app.catalog import item_label
from desktop_app.csvio import values as cv
from desktop_app.csvio.cells import PLAIN_FIELDS, check_limits, option_key, parse_cells
from desktop_app.csvio.formats import RowInput
from desktop_app.csvio.summary import STALE, RowError, RowRefused
from desktop_app.ledger import Unit, load_statuses
from desktop_app.schema import FOLLOWED_FIELDS, items, statuses
from desktop_app.settings import BACK_ORDER
from desktop_app.units import unit_from_record


class LineMarks:
    """The file line that first touched each item (by row id): duplicate keys are caught in O(1) memory/row."""

    def __init__(self) -> None:
        self._lines = array("l")

    def get(self, pk: int) -> int:
        return self._lines[pk] if pk < len(self._lines) else 0

    def set(self, pk: int, line: int) -> None:
        if pk >= len(self._lines):
            self._lines.extend(array("l", [0]) * (max(pk + 1, 2 * len(self._lines)) - len(self._lines)))
        self._lines[pk] = line


class RowByRow:
    """The row-by-row path of one import (``job``: the ``ImportJob`` it belongs to)."""

    def __init__(self, job) -> None:
        self.job = job
        self.conn = job.conn
        self.summary = job.summary
        self.ledger = job.ledger
        self.status_ids = job.status_ids
        self._plain_updates: dict[tuple[str, ...], list[dict]] = {}
        self._follow_updates: list[tuple[int, dict]] = []
        self._by_pk: dict[int, dict] = {}
        self._by_number: dict[str, dict | None] = {}
        self._by_storefront_id: dict[int, dict | None] = {}
        # Products this import created without a status (1; 2 when back orders are allowed): a product's
        # status then follows the sum of the variants the import adds to it.
        self._derived = LineMarks()

    def prefetch(self, chunk: list[RowInput]) -> None:
        """Load (and lock) every item the chunk names by ItemID, ItemNumber or ParentItemNumber."""
        self._by_number.clear()
        self._by_storefront_id.clear()
        self._by_pk = {}
        pks = sorted({row.pk for row in chunk if row.pk is not None})
        for start in range(0, len(pks), 900):
            stmt = select(items).where(items.c.id.in_(pks[start : start + 900])).order_by(items.c.id)
            for r in self.conn.execute(stmt.with_for_update()):
                record = dict(r._mapping)
                self._by_pk[record["id"]] = record
                self._remember(record)
        numbers, ids = set(), set()
        for row in chunk:
            for name in ("item_number", "parent"):
                text = cv.unquote_text(row.text(name))
                if text and cv.is_plain_key(text):  # a key the cell checks refuse is never looked up
                    numbers.add(text)
            if (item_id := cv.int_or_none(row.text("item_id"))) is not None:
                ids.add(item_id)
        for column, keys, cache in (
            (items.c.item_number, numbers, self._by_number),
            (items.c.item_id, ids, self._by_storefront_id),
        ):
            keys = sorted(keys)
            for start in range(0, len(keys), 900):
                part = keys[start : start + 900]
                stmt = select(items).where(column.in_(part)).order_by(items.c.id).with_for_update()
                for r in self.conn.execute(stmt):
                    record = dict(r._mapping)
                    self._remember(record)
            for key in keys:
                cache.setdefault(key, None)
        found = [r["id"] for cache in (self._by_pk, self._by_number, self._by_storefront_id) for r in cache.values() if r]
        self.job.seen.load(found)  # which of them an earlier line claimed

    def _remember(self, record: dict) -> None:
        if record["item_number"]:
            self._by_number[record["item_number"]] = record
        if record["item_id"] is not None:
            self._by_storefront_id[record["item_id"]] = record

    def _lookup_number(self, number: str) -> dict | None:
        if number not in self._by_number:
            r = self.conn.execute(
                select(items).where(items.c.item_number == number).with_for_update()
            ).first()
            self._by_number[number] = dict(r._mapping) if r else None
        return self._by_number[number]

    def _lookup_storefront_id(self, item_id: int) -> dict | None:
        if item_id not in self._by_storefront_id:
            r = self.conn.execute(select(items).where(items.c.item_id == item_id).with_for_update()).first()
            self._by_storefront_id[item_id] = dict(r._mapping) if r else None
        return self._by_storefront_id[item_id]

    def apply(self, row: RowInput) -> str:
        """Apply one row; returns "created", "updated" or "unchanged", or raises ``RowRefused``."""
        if row.error:
            raise RowRefused([RowError(row.line, *row.error)])
        values = parse_cells(row)
        record, key_column, key = self._match(row, values)
        if record is not None:
            first = self.job.seen.get(record["id"])
            staged = first and first > row.line and self.job.bulk is not None and self.job.bulk.owns(first)
            if first and not staged:
                raise RowRefused([RowError(row.line, key_column, f"'{key}' is also on line {first}")])
            outcome = self._update(row, values, record)
            # The later, staged row is the duplicate (unless this row was refused: it claims nothing).
            if staged:
                self.job.bulk.give_up(first, row.line)
        else:
            if self.job.update_only:
                raise RowRefused(
                    [
                        RowError(
                            row.line, key_column, f"there is no item '{key}' (--update-only creates nothing)"
                        )
                    ]
                )
            record = self._create(row, values)
            outcome = "created"
        self.job.seen.set(record["id"], row.line)
        return outcome

    def _match(self, row: RowInput, values: dict) -> tuple[dict | None, str, str]:
        if row.pk is not None:
            record = self._by_pk.get(row.pk)
            if record is None:
                raise RowRefused([RowError(row.line, "Item", "this item no longer exists")])
            if row.version is not None and record["version"] != row.version:
                raise RowRefused([RowError(row.line, "Item", STALE)])
            return record, "Item", item_label(record["item_number"], record["item_id"], record["name"])
        item_id, number = values.get("item_id"), values.get("item_number")
        if item_id is None and number is None:
            column = row.column("item_number") if "item_number" in row.cells else row.column("item_id")
            raise RowRefused([RowError(row.line, column, "the row has neither an ItemID nor an ItemNumber")])
        if item_id is not None:
            record = self._lookup_storefront_id(item_id)
            if record is not None:
                return record, row.column("item_id"), str(item_id)
        if number is not None:
            return self._lookup_number(number), row.column("item_number"), number
        return None, row.column("item_id"), str(item_id)

    def _status_id(self, row: RowInput, name: str, column: str) -> int:
        found = self.status_ids.get(name.lower())
        if found is not None:
            return found
        if self.job.update_only:
            raise RowRefused([RowError(row.line, column, f"there is no status '{name}' (--update-only)")])
        new_id = self.conn.execute(
            statuses.insert().values(
                name=name, unavailable=False, back_order=False, hidden=False, show_quantity=False
            )
        ).inserted_primary_key[0]
        self.status_ids[name.lower()] = new_id
        self.ledger.statuses = load_statuses(self.conn)
        self.summary.created_statuses.append(name)
        return new_id

    def _check_free(self, row: RowInput, record_id: int | None, values: dict) -> None:
        """An item number or ItemID the row gives must not belong to another item."""
        for name, lookup in (("item_number", self._lookup_number), ("item_id", self._lookup_storefront_id)):
            if name in values:
                other = lookup(values[name])
                if other is not None and other["id"] != record_id:
                    raise RowRefused(
                        [
                            RowError(
                                row.line,
                                row.column(name),
                                f"'{values[name]}' already belongs to another item",
                            )
                        ]
                    )

    def _create(self, row: RowInput, values: dict) -> dict:
        self._check_free(row, None, values)
        parent = None
        if values.get("parent"):
            parent = self._parent_for_new_variant(row, values)
        elif "options" in values:
            raise RowRefused(
                [
                    RowError(
                        row.line,
                        row.column("options"),
                        "VariantOptions needs a ParentItemNumber on the same row",
                    )
                ]
            )
        record = {
            "parent_id": parent["id"] if parent else None,
            "item_id": values.get("item_id"),
            "item_number": values.get("item_number"),
            "name": values.get("name", parent["name"] if parent else ""),
            "options": values.get("options"),
            "on_hand": values.get("on_hand", 0),
            "on_order": values.get("on_order", 0),
            "low_stock_qty": values.get("low_stock_qty", 0),
            "barcode": values.get("barcode"),
            "reorder_to": values.get("reorder_to", 0),
            "use_variant_inventory": False,
        }
        followed = {
            "discontinued": False,
            "non_inventory": False,
            "min_qty": 0,
            "max_qty": 0,
            "multiple_qty": 1,
            "eta_date": None,
            "low_stock_warning": False,
            "supplier": None,
        }
        if parent:
            for name in FOLLOWED_FIELDS:
                if name in values and values[name] != parent[name]:
                    raise self._follows(row, name, parent)
            followed = {name: parent[name] for name in FOLLOWED_FIELDS}
        else:
            followed.update({k: values[k] for k in FOLLOWED_FIELDS if k in values})
        record.update(followed)
        check_limits(row, record)
        # The other platform's rows carry their inventory policy, `continue` (back orders) or `deny`.
        allows_back_order = (row.new_status or "").lower() == BACK_ORDER.lower()
        # A status given at creation is kept; else the ledger gives the one its stock calls for (SPEC section 1).
        given = values.get("status")
        record["status_id"] = self._status_id(row, given, row.column("status")) if given else None
        if parent and not parent["use_variant_inventory"]:
            self.flush()  # the parent's pending changes first
            self.conn.execute(
                items.update()
                .where(items.c.id == parent["id"])
                .values(use_variant_inventory=True, version=items.c.version + 1)
            )
            parent["use_variant_inventory"] = True
        self.ledger.create_units([record], allows_back_order=allows_back_order)  # completes the record
        if not parent and not values.get("status"):
            self._derived.set(record["id"], 2 if allows_back_order else 1)
        if parent:
            parent["on_hand"] += record["on_hand"]
            parent["on_order"] += record["on_order"]
            self._rederive(parent, allows_back_order)
        self._remember(record)
        return record

    def _rederive(self, product: dict, allows_back_order: bool) -> None:
        """A product this import created without a status gets what its variants' sum calls for."""
        derived = self._derived.get(product["id"])
        if not derived:
            return
        back_order = derived == 2 or allows_back_order  # it or any of its variants allows back orders
        self._derived.set(product["id"], 2 if back_order else 1)
        status_id = self.ledger.status_for_new_item(
            on_hand=product["on_hand"],
            non_inventory=bool(product["non_inventory"]),
            discontinued=bool(product["discontinued"]),
            allows_back_order=back_order,
        )
        if status_id != product["status_id"]:
            self.ledger.created_status(product["id"], status_id)
            product["status_id"] = status_id

    def _parent_for_new_variant(self, row: RowInput, values: dict) -> dict:
        parent = self._lookup_number(values["parent"])
        column = row.column("parent")
        if parent is None:
            raise RowRefused([RowError(row.line, column, f"there is no product '{values['parent']}'")])
        if parent["parent_id"] is not None:
            raise RowRefused(
                [RowError(row.line, column, f"'{values['parent']}' is a variant, not a product")]
            )
        if not values.get("options"):
            raise RowRefused(
                [
                    RowError(
                        row.line,
                        row.column("options"),
                        "a new variant needs its option values, e.g. Size=L;Color=Blue",
                    )
                ]
            )
        if not parent["use_variant_inventory"] and (
            parent["on_hand"] or parent["on_order"] or parent["committed"]
        ):
            raise RowRefused(
                [
                    RowError(
                        row.line,
                        column,
                        f"product '{values['parent']}' still has its own stock (on hand {parent['on_hand']}, on order "
                        f"{parent['on_order']}); set both to 0 before adding its first variant",
                    )
                ]
            )
        wanted = option_key(values["options"])
        siblings = self.conn.execute(
            select(items.c.options).where(items.c.parent_id == parent["id"])
        ).scalars()
        if any(option_key(s) == wanted for s in siblings if s):
            raise RowRefused(
                [
                    RowError(
                        row.line,
                        row.column("options"),
                        f"product '{values['parent']}' already has a variant {values['options']}",
                    )
                ]
            )
        return parent

    def _follows(self, row: RowInput, name: str, parent: dict) -> RowRefused:
        return RowRefused(
            [
                RowError(
                    row.line,
                    row.column(name),
                    f"a variant follows its product '{parent['item_number']}' here; "
                    "change the product's row instead",
                )
            ]
        )

    def _update(self, row: RowInput, values: dict, record: dict) -> str:
        self._check_free(row, record["id"], values)
        is_variant = record["parent_id"] is not None
        if "parent" in values:
            actual = self._parent_number(record)
            if actual != values["parent"]:
                where = f"belongs to product '{actual}'" if actual else "is a product, not a variant"
                raise RowRefused([RowError(row.line, row.column("parent"), f"this item {where}")])
        plain = {k: values[k] for k in PLAIN_FIELDS if k in values and values[k] != record[k]}
        if "options" in plain and not is_variant:
            raise RowRefused([RowError(row.line, row.column("options"), "only a variant has option values")])
        if is_variant:
            for name in FOLLOWED_FIELDS:
                if name in plain:
                    parent = self.conn.execute(select(items).where(items.c.id == record["parent_id"])).one()
                    raise self._follows(row, name, dict(parent._mapping))
        if record["use_variant_inventory"]:
            for name, label in (("on_hand", "on-hand"), ("on_order", "on-order")):
                if name in values and values[name] != record[name]:
                    raise RowRefused(
                        [
                            RowError(
                                row.line,
                                row.column(name),
                                f"this product uses variant inventory: its {label} count is the sum of its variants' "
                                f"({record[name]}); change the variants' rows instead",
                            )
                        ]
                    )
        merged = {**record, **plain}
        check_limits(row, merged)
        status_id = (
            self._status_id(row, values["status"], row.column("status")) if "status" in values else None
        )
        unit = unit_from_record(merged)  # the rules see the flags (discontinued, non-inventory) the row sets
        before = (unit.on_hand, unit.on_order, unit.status_id)
        self.ledger.change(
            unit, on_hand=values.get("on_hand"), on_order=values.get("on_order"), status=status_id
        )
        counts_changed = before != (unit.on_hand, unit.on_order, unit.status_id)
        if self.summary.changes is not None:
            self._note_changes(record, plain, before, unit)
        if plain:
            self.ledger.fields_changed(record["id"], {k: (record[k], v) for k, v in plain.items()})
            self._plain_updates.setdefault(tuple(sorted(plain)), []).append(
                {"b_id": record["id"], **{f"p_{k}": v for k, v in plain.items()}}
            )
            followed = {k: v for k, v in plain.items() if k in FOLLOWED_FIELDS}
            if followed and record["use_variant_inventory"]:
                self._follow_updates.append((record["id"], followed))
            if "item_number" in plain and record["item_number"]:
                self._by_number[record["item_number"]] = None
            record.update(plain)
            self._remember(record)
        record["on_hand"], record["on_order"], record["status_id"] = (
            unit.on_hand,
            unit.on_order,
            unit.status_id,
        )
        return "updated" if plain or counts_changed else "unchanged"

    def _note_changes(self, record: dict, plain: dict, before: tuple, unit: Unit) -> None:
        label = item_label(record["item_number"], record["item_id"], record["name"])
        for field_name, value in plain.items():
            self.summary.changes.append(
                {"item": label, "field": field_name, "from": record[field_name], "to": value}
            )
        for field_name, old, new in (
            ("on_hand", before[0], unit.on_hand),
            ("on_order", before[1], unit.on_order),
        ):
            if old != new:
                self.summary.changes.append({"item": label, "field": field_name, "from": old, "to": new})
        if before[2] != unit.status_id:
            names = self.ledger.statuses
            self.summary.changes.append(
                {
                    "item": label,
                    "field": "status",
                    "from": names[before[2]].name,
                    "to": names[unit.status_id].name,
                }
            )

    def _parent_number(self, record: dict) -> str | None:
        if record["parent_id"] is None:
            return None
        return self.conn.execute(
            select(items.c.item_number).where(items.c.id == record["parent_id"])
        ).scalar()

    def flush(self) -> None:
        for columns, rows in self._plain_updates.items():
            self.conn.execute(
                items.update()
                .where(items.c.id == bindparam("b_id"))
                .values(version=items.c.version + 1, **{c: bindparam(f"p_{c}") for c in columns}),
                rows,
            )
        self._plain_updates.clear()
        for product_id, followed in self._follow_updates:
            self.conn.execute(
                items.update()
                .where(items.c.parent_id == product_id)
                .values(version=items.c.version + 1, **followed)
            )
        self._follow_updates.clear()
        self.ledger.flush()
