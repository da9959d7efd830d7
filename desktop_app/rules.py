"""The automatic status decision of SPEC section 2, as a pure function.

Nothing here knows about databases or windows: the caller passes plain values and gets back the status a
stock unit should have after a change of its on-hand count, with the name of the rule that chose it.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

# Names of the rules, as recorded in the status history.
MANUAL = "manual"
DISCONTINUED = "discontinued"
BACK_ORDER = "back_order"
OUT_OF_STOCK = "out_of_stock"
IN_STOCK = "in_stock"
# Names of the reasons nothing changed (never recorded; they make the decision explainable and testable).
NOT_TRIGGERING = "not_triggering"
TRACKING_OFF = "tracking_off"
NON_INVENTORY = "non_inventory"
NO_CROSSING = "no_crossing"

CHANGING_RULES = (MANUAL, DISCONTINUED, BACK_ORDER, OUT_OF_STOCK, IN_STOCK)


@dataclass(frozen=True)
class StoreRules:
    """The inventory settings of the store whose rules apply to a triggering change."""

    track_inventory: bool
    default_in_stock: Hashable
    default_out_of_stock: Hashable
    default_back_order: Hashable
    default_discontinued: Hashable


@dataclass(frozen=True)
class Decision:
    """The status a unit ends with, and the rule (or the reason for no change) that decided it."""

    status: Hashable
    rule: str

    def changes(self, current: Hashable) -> bool:
        return self.rule in CHANGING_RULES and self.status != current


def decide_status(
    *,
    old: int,
    new: int,
    status: Hashable,
    status_allows_back_order: bool,
    discontinued: bool,
    non_inventory: bool,
    store: StoreRules | None,
    requested_status: Hashable | None = None,
) -> Decision:
    """Decide a unit's status after its on-hand count moved from ``old`` to ``new``.

    ``store`` is the store whose settings apply when the change is triggering (an order event, or a mass
    change made for a selected store); it is ``None`` for a manual edit or a mass change with no store.
    ``requested_status`` is a status the user set in the same change: one that differs from the current
    status is the user's choice and wins; one that repeats the current status expresses no choice.
    """
    if requested_status is not None and requested_status != status:
        return Decision(requested_status, MANUAL)
    if store is None:
        return Decision(status, NOT_TRIGGERING)
    if not store.track_inventory:
        return Decision(status, TRACKING_OFF)
    if non_inventory:
        return Decision(status, NON_INVENTORY)
    if new <= 0 and new < old:
        if discontinued:
            return Decision(store.default_discontinued, DISCONTINUED)
        if status_allows_back_order:
            return Decision(store.default_back_order, BACK_ORDER)
        return Decision(store.default_out_of_stock, OUT_OF_STOCK)
    if old <= 0 < new:
        return Decision(store.default_in_stock, IN_STOCK)
    return Decision(status, NO_CROSSING)


def creation_status(
    *,
    on_hand: int,
    non_inventory: bool,
    discontinued: bool,
    allows_back_order: bool,
    defaults: StoreRules,
) -> Decision:
    """The status of an item created without one (SPEC section 1): what its stock calls for.

    ``defaults`` holds the four default statuses: the selected store's, else the statuses of those names.
    Creating is never triggering, so the store's tracking does not matter here.
    """
    if on_hand > 0 or non_inventory:
        return Decision(defaults.default_in_stock, IN_STOCK)
    if discontinued:
        return Decision(defaults.default_discontinued, DISCONTINUED)
    if allows_back_order:
        return Decision(defaults.default_back_order, BACK_ORDER)
    return Decision(defaults.default_out_of_stock, OUT_OF_STOCK)


# The same decision in SQL, for the ledger's set-wise path. It reads a staged table's columns: ``req`` (the
# status the user asked for, or NULL), ``old_status``, ``old_hand`` and ``new_hand``, and ``disc``, ``noninv``,
# ``back`` (0/1: discontinued, non-inventory, the current status allows back orders); and the parameters that
# ``sql_parameters`` gives. Each WHEN is the branch of ``decide_status`` in the same order;
# tests/unit/test_rule_sql.py runs every combination of the rules' inputs through both and compares.
SQL_RULE = f"""CASE
    WHEN req IS NOT NULL AND req <> old_status THEN '{MANUAL}'
    WHEN :triggering = 0 OR :track = 0 OR noninv = 1 THEN NULL
    WHEN new_hand <= 0 AND new_hand < old_hand THEN
        CASE WHEN disc = 1 THEN '{DISCONTINUED}' WHEN back = 1 THEN '{BACK_ORDER}' ELSE '{OUT_OF_STOCK}' END
    WHEN old_hand <= 0 AND new_hand > 0 THEN '{IN_STOCK}'
    ELSE NULL END"""
# The status a unit ends with.
SQL_NEW_STATUS = f"""CASE {SQL_RULE}
    WHEN '{MANUAL}' THEN req WHEN '{DISCONTINUED}' THEN :discontinued WHEN '{BACK_ORDER}' THEN :back_order
    WHEN '{OUT_OF_STOCK}' THEN :out_of_stock WHEN '{IN_STOCK}' THEN :in_stock ELSE old_status END"""
# The rule to record: NULL when the status stays as it is (a rule that picks the current status changed nothing).
SQL_RULE_IF_CHANGED = f"CASE WHEN ({SQL_NEW_STATUS}) = old_status THEN NULL ELSE {SQL_RULE} END"


def sql_parameters(store: StoreRules | None) -> dict:
    """The parameters of ``SQL_RULE`` and ``SQL_NEW_STATUS`` for a change made for ``store`` (None: not
    triggering)."""
    defaults = store or StoreRules(False, None, None, None, None)
    return {
        "triggering": 0 if store is None else 1,
        "track": 1 if store is not None and store.track_inventory else 0,
        "discontinued": defaults.default_discontinued,
        "back_order": defaults.default_back_order,
        "out_of_stock": defaults.default_out_of_stock,
        "in_stock": defaults.default_in_stock,
    }
