"""The status decision of SPEC section 2, one case per rule and per exception."""

import pytest

from desktop_app import rules
from desktop_app.rules import StoreRules, decide_status

TRACKING = StoreRules(True, "In Stock", "Out of Stock", "Back Order", "Discontinued")
NOT_TRACKING = StoreRules(False, "In Stock", "Out of Stock", "Back Order", "Discontinued")
# A store whose defaults are custom statuses, to see the store's choice (not a fixed name) is used.
CUSTOM = StoreRules(True, "Ready", "Gone", "Coming", "Retired")

# (case, old, new, status, status allows back order, discontinued, non inventory, store, requested,
#  expected status, expected rule)
CASES = [
    ("reaching 0 -> out of stock", 2, 0, "In Stock", False, False, False, TRACKING, None,
     "Out of Stock", rules.OUT_OF_STOCK),
    ("going further below 0 -> out of stock", 0, -1, "In Stock", False, False, False, TRACKING, None,
     "Out of Stock", rules.OUT_OF_STOCK),
    ("reaching 0 with a back-order status -> back order", 1, 0, "Preorder", True, False, False, TRACKING,
     None, "Back Order", rules.BACK_ORDER),
    ("below 0 with a back-order status -> back order", 1, -2, "Back Order", True, False, False, TRACKING,
     None, "Back Order", rules.BACK_ORDER),
    ("discontinued wins over back order", 1, -2, "Back Order", True, True, False, TRACKING, None,
     "Discontinued", rules.DISCONTINUED),
    ("discontinued reaching 0", 3, 0, "In Stock", False, True, False, TRACKING, None,
     "Discontinued", rules.DISCONTINUED),
    ("from 0 to above 0 -> in stock", 0, 3, "Out of Stock", False, False, False, TRACKING, None,
     "In Stock", rules.IN_STOCK),
    ("from below 0 to above 0 -> in stock", -4, 1, "Back Order", True, False, False, TRACKING, None,
     "In Stock", rules.IN_STOCK),
    ("the store's own defaults are used", 0, 5, "Gone", False, False, False, CUSTOM, None,
     "Ready", rules.IN_STOCK),
    ("above 0 to above 0: stays", 5, 2, "Custom", False, False, False, TRACKING, None,
     "Custom", rules.NO_CROSSING),
    ("below 0 rising but still <= 0: stays", -5, -2, "Back Order", True, False, False, TRACKING, None,
     "Back Order", rules.NO_CROSSING),
    ("0 to 0: stays", 0, 0, "In Stock", False, False, False, TRACKING, None, "In Stock", rules.NO_CROSSING),
    ("tracking off: nothing happens", 2, 0, "In Stock", False, False, False, NOT_TRACKING, None,
     "In Stock", rules.TRACKING_OFF),
    ("non-inventory: nothing happens", 2, 0, "In Stock", False, False, True, TRACKING, None,
     "In Stock", rules.NON_INVENTORY),
    ("manual edit (no store): never triggers", 5, 0, "In Stock", False, False, False, None, None,
     "In Stock", rules.NOT_TRIGGERING),
    ("mass change with no store: never triggers", 0, 8, "Out of Stock", False, False, False, None, None,
     "Out of Stock", rules.NOT_TRIGGERING),
    ("a different status in the same change is the user's choice and wins", 5, 0, "In Stock", False,
     False, False, TRACKING, "Made to Order", "Made to Order", rules.MANUAL),
    ("a manual status with no store sticks", 5, 0, "In Stock", False, False, False, None, "Hidden",
     "Hidden", rules.MANUAL),
    ("a repeated status cell expresses no choice: the rules apply", 5, 0, "In Stock", False, False,
     False, TRACKING, "In Stock", "Out of Stock", rules.OUT_OF_STOCK),
]


@pytest.mark.parametrize(
    "old,new,status,back_order,discontinued,non_inventory,store,requested,expected,rule",
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_status_decision(old, new, status, back_order, discontinued, non_inventory, store, requested,
                         expected, rule):
    decision = decide_status(
        old=old, new=new, status=status, status_allows_back_order=back_order, discontinued=discontinued,
        non_inventory=non_inventory, store=store, requested_status=requested,
    )
    assert (decision.status, decision.rule) == (expected, rule)
    assert decision.changes(status) == (expected != status)


def test_every_rule_name_has_a_case():
    covered = {case[-1] for case in CASES}
    assert covered >= {rules.MANUAL, rules.DISCONTINUED, rules.BACK_ORDER, rules.OUT_OF_STOCK, rules.IN_STOCK,
                       rules.NOT_TRIGGERING, rules.TRACKING_OFF, rules.NON_INVENTORY, rules.NO_CROSSING}
