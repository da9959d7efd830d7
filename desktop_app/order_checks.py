"""Whether an order may be placed (SPEC section 3): each bad line and why, and what is available to sell.

Pure: the caller reads the store, the units and the statuses (locked, in the order's transaction) and refuses the
order as a whole if anything is returned.
"""

from __future__ import annotations

from collections.abc import Sequence


def refusals(wanted: Sequence[tuple], units: dict, statuses_by_id: dict, *, track: bool, accepted: bool) -> list[str]:
    """Each problem of the order's lines (``wanted``: ITEM, quantity; ``units``: ITEM -> its unit, if found).

    ``accepted``: the storefront already accepted the order (SPEC section 9), so the placement refusals of section 3
    (unavailable status, order limits, available to sell) do not apply; a line still needs a unit that exists and
    is not sold by variant, and a quantity of at least 1.
    """
    problems: list[str] = []
    totals: dict[int, int] = {}
    for n, (ref, qty) in enumerate(wanted, start=1):
        unit = units.get(ref)
        if not isinstance(qty, int) or isinstance(qty, bool) or qty < 1:
            problems.append(f"{_where(n, ref, qty)}: the quantity must be a whole number of at least 1")
            continue
        if unit is None:
            problems.append(f"{_where(n, ref, qty)}: there is no item '{ref}'")
            continue
        if unit.use_variant_inventory:
            problems.append(f"{_where(n, ref, qty)}: {unit.label} is sold by variant; order one of its variants")
            continue
        if not accepted:
            status = statuses_by_id[unit.status_id]
            if status.unavailable:
                problems.append(f"{_where(n, ref, qty)}: {unit.label} is {status.name} and cannot be ordered")
                continue
            if unit.min_qty and qty < unit.min_qty:
                problems.append(f"{_where(n, ref, qty)}: the minimum quantity of {unit.label} is {unit.min_qty}")
            if unit.max_qty and qty > unit.max_qty:
                problems.append(f"{_where(n, ref, qty)}: the maximum quantity of {unit.label} is {unit.max_qty}")
            if unit.multiple_qty > 1 and qty % unit.multiple_qty:
                problems.append(f"{_where(n, ref, qty)}: {unit.label} is sold in multiples of {unit.multiple_qty}")
        totals[unit.id] = totals.get(unit.id, 0) + qty
    if track and not accepted:
        for unit in {u.id: u for u in units.values()}.values():
            asked = totals.get(unit.id, 0)
            if not asked or unit.non_inventory or statuses_by_id[unit.status_id].back_order:
                continue
            available = unit.on_hand + unit.on_order - unit.committed
            if asked > available:
                lines = [f"line {n}" for n, (r, _) in enumerate(wanted, 1) if units.get(r) is unit]
                lines = lines if len(lines) == 1 else [f"lines {', '.join(x[5:] for x in lines)}"]
                problems.append(
                    f"{', '.join(lines)} ({unit.label}): asks for {asked} but only {max(available, 0)} "
                    f"{'is' if available == 1 else 'are'} available to sell"
                )
    return problems


def _where(n: int, ref, qty) -> str:
    return f"line {n} ({ref}={qty})"
