"""What a scanned code names (SPEC section 7): the units whose barcode equals it, else whose item number
equals it in any case. Each step is one indexed lookup, so a scan answers at once at a million units:
``ix_items_barcode`` (migration 0006), and the ``lower(item_number)`` indexes of the units and the products
scopes (migration 0005), which together cover every item.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, false, func, select, true, union_all

from desktop_app.catalog import ITEM_ID_FORM, item_label
from desktop_app.errors import InventoryError, NotFound
from desktop_app.schema import items

_COLUMNS = (
    items.c.id,
    items.c.item_number,
    items.c.item_id,
    items.c.name,
    items.c.parent_id,
    items.c.options,
    items.c.barcode,
    items.c.use_variant_inventory,
    items.c.non_inventory,
    items.c.on_hand,
)


@dataclass(frozen=True)
class Candidate:
    """A unit a code may name."""

    id: int
    item_number: str | None
    item_id: int | None
    name: str
    parent_id: int | None
    options: str | None
    barcode: str | None
    use_variant_inventory: bool
    non_inventory: bool
    on_hand: int

    @property
    def label(self) -> str:
        return item_label(self.item_number, self.item_id, self.name)

    @property
    def description(self) -> str:
        """How a list of candidates shows it: item number, name and options."""
        extra = f" ({self.options})" if self.options else ""
        return f"{self.label} — {self.name}{extra}" if self.name and self.name != self.label else self.label

    def why_not_countable(self) -> str | None:
        if self.use_variant_inventory:
            return f"{self.label} uses variant inventory: count its variants instead"
        if self.non_inventory:
            return f"{self.label} is a non-inventory item: it has no stock to count"
        return None


# Built once: a scan runs them with a bound code (a new statement per scan costs more than the lookup).
_BY_BARCODE = select(*_COLUMNS).where(items.c.barcode == bindparam("code")).order_by(items.c.id)
# Two scoped queries (not one over all items) so that each uses its partial ``lower(item_number)`` index
# (stock units; products with variants); the scope is a literal, as the indexes' own predicates are.
_BY_NUMBER = union_all(
    select(*_COLUMNS).where(
        items.c.use_variant_inventory == false(), func.lower(items.c.item_number) == bindparam("lowered")
    ),
    select(*_COLUMNS).where(
        items.c.parent_id.is_(None),
        items.c.use_variant_inventory == true(),
        func.lower(items.c.item_number) == bindparam("lowered"),
    ),
)


def by_barcode(code: str):
    """The units whose barcode is ``code`` (``ix_items_barcode``)."""
    return _BY_BARCODE.params(code=code)


def by_item_number(code: str):
    """The items whose item number is ``code`` in any case."""
    return _BY_NUMBER.params(lowered=code.lower())


def find_candidates(conn: Connection, code: str) -> list[Candidate]:
    """Every item ``code`` names: barcode matches if there are any, else item-number matches (any case)."""
    code = (code or "").strip()
    if not code:
        return []
    rows = conn.execute(_BY_BARCODE, {"code": code}).all()
    if not rows:
        rows = conn.execute(_BY_NUMBER, {"lowered": code.lower()}).all()
        exact = [r for r in rows if r.item_number == code]
        if exact:  # "MUG" and "mug" both exist: the one typed exactly wins
            rows = exact
    if not rows and (match := ITEM_ID_FORM.fullmatch(code)) and int(match.group(1)) <= 2**31 - 1:
        rows = conn.execute(select(*_COLUMNS).where(items.c.item_id == int(match.group(1)))).all()
    return sorted((Candidate(*r) for r in rows), key=lambda c: (c.label.lower(), c.id))


def find_by_id(conn: Connection, unit_id: int) -> list[Candidate]:
    return [Candidate(*r) for r in conn.execute(select(*_COLUMNS).where(items.c.id == unit_id))]


def resolve(conn: Connection, code: str) -> Candidate:
    """The one unit ``code`` names; refused when it names none or several (listing their item numbers)."""
    found = find_candidates(conn, code)
    if not found:
        raise NotFound(f"No item has the barcode or item number '{(code or '').strip()}'")
    if len(found) > 1:
        raise Ambiguous(code, found)
    return found[0]


class Ambiguous(InventoryError):
    """A code that names several units: never resolved silently."""

    def __init__(self, code: str, candidates: list[Candidate]) -> None:
        self.code = code.strip()
        self.candidates = candidates
        names = ", ".join(c.label for c in candidates)
        super().__init__(
            f"'{self.code}' names {len(candidates)} items: {names}; choose one by its item number"
        )
