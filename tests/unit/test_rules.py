"""The status decision of SPEC section 2 (and the status at creation of SPEC section 1), as tables.

One line per case, in the SPEC's order: the store whose rules apply ("no store" for a change that is never
triggering), the on-hand count moving from old to new, the unit's current status, the unit's flags, a status
chosen in the same change (an import or grid status cell), and what the rules must give: the status and the
name of the rule that gave it. "Back Order" and "Preorder" are statuses that allow back orders; the others
do not.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from desktop_app import rules
from desktop_app.rules import (
    BACK_ORDER,
    DISCONTINUED,
    IN_STOCK,
    MANUAL,
    NO_CROSSING,
    NON_INVENTORY,
    NOT_TRIGGERING,
    OUT_OF_STOCK,
    TRACKING_OFF,
    StoreRules,
)

STORES: dict[str, StoreRules | None] = {
    "tracked": StoreRules(True, "In Stock", "Out of Stock", "Back Order", "Discontinued"),
    "untracked": StoreRules(False, "In Stock", "Out of Stock", "Back Order", "Discontinued"),
    # A store whose defaults are custom statuses, to see the store's choice (not a fixed name) is used.
    "custom": StoreRules(True, "Ready", "Gone", "Coming", "Retired"),
    "no store": None,  # a manual edit, or a mass change with no store selected
}
BACK_ORDER_STATUSES = {"Back Order", "Preorder"}
UNIT_FLAGS = {"discontinued", "non-inventory", "allows back orders"}


def _flags(unit: str) -> set[str]:
    flags = {f.strip() for f in unit.split(",") if f.strip()}
    if flags - UNIT_FLAGS:
        raise ValueError(f"unknown unit flags {flags - UNIT_FLAGS} (known: {UNIT_FLAGS})")
    return flags


@dataclass(frozen=True)
class Case:
    """One line of the rule table: a triggering (or not) change of on hand, and the status it must give."""

    store_name: str
    move: str  # "old -> new"
    status: str
    expect: str
    rule: str
    unit: str = ""  # "discontinued", "non-inventory", or both
    chosen: str | None = None

    @property
    def store(self) -> StoreRules | None:
        return STORES[self.store_name]

    @property
    def old(self) -> int:
        return int(self.move.split("->")[0])

    @property
    def new(self) -> int:
        return int(self.move.split("->")[1])

    @property
    def back_order(self) -> bool:
        return self.status in BACK_ORDER_STATUSES

    @property
    def discontinued(self) -> bool:
        return "discontinued" in _flags(self.unit)

    @property
    def non_inventory(self) -> bool:
        return "non-inventory" in _flags(self.unit)

    @property
    def name(self) -> str:
        unit = f" ({self.unit})" if self.unit else ""
        chosen = f", {self.chosen!r} chosen" if self.chosen else ""
        return f"{self.store_name}: {self.move}, {self.status}{unit}{chosen} => {self.expect} [{self.rule}]"

    def decide(self) -> rules.Decision:
        return rules.decide_status(
            old=self.old,
            new=self.new,
            status=self.status,
            status_allows_back_order=self.back_order,
            discontinued=self.discontinued,
            non_inventory=self.non_inventory,
            store=self.store,
            requested_status=self.chosen,
        )


case = Case

# fmt: off
CASES = [
    # A change is triggering only for a store. Never triggering: a manual edit of one product or variant
    # (neither its on hand nor anything else), and any mass change made with no store selected.
    case("no store", "5 -> 0", "In Stock", expect="In Stock", rule=NOT_TRIGGERING),
    case("no store", "0 -> 8", "Out of Stock", expect="Out of Stock", rule=NOT_TRIGGERING),
    case("no store", "1 -> 0", "In Stock", unit="discontinued", expect="In Stock", rule=NOT_TRIGGERING),
    # 1. Nothing happens if the store's track_inventory is off or the unit is non_inventory.
    case("untracked", "2 -> 0", "In Stock", expect="In Stock", rule=TRACKING_OFF),
    case("untracked", "0 -> 3", "Out of Stock", expect="Out of Stock", rule=TRACKING_OFF),
    case("untracked", "2 -> 0", "In Stock", unit="discontinued", expect="In Stock", rule=TRACKING_OFF),
    case("tracked", "2 -> 0", "In Stock", unit="non-inventory", expect="In Stock", rule=NON_INVENTORY),
    case("tracked", "0 -> 5", "Sold Out", unit="non-inventory", expect="Sold Out", rule=NON_INVENTORY),
    case("custom", "1 -> 0", "Ready", unit="non-inventory, discontinued", expect="Ready", rule=NON_INVENTORY),
    # 2. If new <= 0 and new < old (stock reached 0, or went further below):
    #    the product is discontinued -> the store's default_discontinued;
    case("tracked", "3 -> 0", "In Stock", unit="discontinued", expect="Discontinued", rule=DISCONTINUED),
    case("tracked", "1 -> -2", "Back Order", unit="discontinued", expect="Discontinued", rule=DISCONTINUED),
    case("custom", "2 -> 0", "Ready", unit="discontinued", expect="Retired", rule=DISCONTINUED),
    #    else the unit's current status has back_order -> the store's default_back_order;
    case("tracked", "1 -> 0", "Preorder", expect="Back Order", rule=BACK_ORDER),
    case("tracked", "1 -> -2", "Back Order", expect="Back Order", rule=BACK_ORDER),
    case("custom", "1 -> 0", "Preorder", expect="Coming", rule=BACK_ORDER),
    #    else -> the store's default_out_of_stock.
    case("tracked", "2 -> 0", "In Stock", expect="Out of Stock", rule=OUT_OF_STOCK),
    case("tracked", "0 -> -1", "In Stock", expect="Out of Stock", rule=OUT_OF_STOCK),
    case("tracked", "3 -> -2", "In Stock", expect="Out of Stock", rule=OUT_OF_STOCK),
    case("custom", "4 -> 0", "Ready", expect="Gone", rule=OUT_OF_STOCK),
    # 3. If old <= 0 < new -> the store's default_in_stock.
    case("tracked", "0 -> 3", "Out of Stock", expect="In Stock", rule=IN_STOCK),
    case("tracked", "-4 -> 1", "Back Order", expect="In Stock", rule=IN_STOCK),
    case("tracked", "0 -> 2", "Discontinued", unit="discontinued", expect="In Stock", rule=IN_STOCK),
    case("custom", "0 -> 5", "Gone", expect="Ready", rule=IN_STOCK),
    # 4. Otherwise the status stays.
    case("tracked", "5 -> 2", "Custom", expect="Custom", rule=NO_CROSSING),
    case("tracked", "-5 -> -2", "Back Order", expect="Back Order", rule=NO_CROSSING),
    case("tracked", "-3 -> 0", "Back Order", expect="Back Order", rule=NO_CROSSING),
    case("tracked", "0 -> 0", "In Stock", expect="In Stock", rule=NO_CROSSING),
    # A status set by a user's explicit choice is recorded with the rule manual; it sticks until the next
    # triggering change. An import row or grid edit that sets both the count and the status: a status that
    # differs from the current one is the user's choice and wins; one that repeats it expresses no choice.
    case("tracked", "5 -> 0", "In Stock", chosen="Made to Order", expect="Made to Order", rule=MANUAL),
    case("untracked", "0 -> 4", "In Stock", chosen="Hidden", expect="Hidden", rule=MANUAL),
    case("no store", "5 -> 0", "In Stock", chosen="Hidden", expect="Hidden", rule=MANUAL),
    case("tracked", "5 -> 0", "In Stock", chosen="In Stock", expect="Out of Stock", rule=OUT_OF_STOCK),
    case("tracked", "0 -> 4", "Out of Stock", chosen="Out of Stock", expect="In Stock", rule=IN_STOCK),
]
# fmt: on


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_status_decision(case: Case):
    decision = case.decide()
    assert (decision.status, decision.rule) == (case.expect, case.rule)
    assert decision.changes(case.status) == (case.expect != case.status)


def test_every_rule_name_has_a_case():
    assert {c.rule for c in CASES} >= {
        MANUAL,
        DISCONTINUED,
        BACK_ORDER,
        OUT_OF_STOCK,
        IN_STOCK,
        NOT_TRIGGERING,
        TRACKING_OFF,
        NON_INVENTORY,
        NO_CROSSING,
    }


@dataclass(frozen=True)
class Creation:
    """One line of the creation table: an item created without a status, and the status it gets."""

    store_name: str
    on_hand: int
    expect: str
    rule: str
    unit: str = ""  # "discontinued", "non-inventory", "allows back orders" (the other platform's `continue`)

    @property
    def name(self) -> str:
        unit = f" ({self.unit})" if self.unit else ""
        return f"{self.store_name}: on hand {self.on_hand}{unit} => {self.expect} [{self.rule}]"

    def decide(self) -> rules.Decision:
        flags = _flags(self.unit)
        return rules.creation_status(
            on_hand=self.on_hand,
            non_inventory="non-inventory" in flags,
            discontinued="discontinued" in flags,
            allows_back_order="allows back orders" in flags,
            defaults=STORES[self.store_name],
        )


created = Creation

# fmt: off
CREATION_CASES = [
    # A product or variant created without a status gets the status its stock calls for:
    # In Stock when its on hand is above 0 or it is non_inventory;
    created("tracked", 3, expect="In Stock", rule=IN_STOCK),
    created("tracked", 1, unit="allows back orders", expect="In Stock", rule=IN_STOCK),
    created("tracked", 0, unit="non-inventory", expect="In Stock", rule=IN_STOCK),
    created("tracked", 0, unit="non-inventory, discontinued", expect="In Stock", rule=IN_STOCK),
    # otherwise Discontinued if created discontinued,
    created("tracked", 0, unit="discontinued", expect="Discontinued", rule=DISCONTINUED),
    created("tracked", -2, unit="discontinued, allows back orders", expect="Discontinued", rule=DISCONTINUED),
    # else Back Order when it is created allowing back orders,
    created("tracked", 0, unit="allows back orders", expect="Back Order", rule=BACK_ORDER),
    # else Out of Stock.
    created("tracked", 0, expect="Out of Stock", rule=OUT_OF_STOCK),
    created("tracked", -576, expect="Out of Stock", rule=OUT_OF_STOCK),
    # With a store selected these are that store's four defaults (creating is never triggering, so a store
    # that does not track inventory still lends its defaults).
    created("custom", 0, expect="Gone", rule=OUT_OF_STOCK),
    created("custom", 5, expect="Ready", rule=IN_STOCK),
    created("custom", -1, unit="allows back orders", expect="Coming", rule=BACK_ORDER),
    created("custom", 0, unit="discontinued", expect="Retired", rule=DISCONTINUED),
    created("untracked", 0, expect="Out of Stock", rule=OUT_OF_STOCK),
]
# fmt: on


@pytest.mark.parametrize("case", CREATION_CASES, ids=[c.name for c in CREATION_CASES])
def test_status_at_creation(case: Creation):
    decision = case.decide()
    assert (decision.status, decision.rule) == (case.expect, case.rule)

