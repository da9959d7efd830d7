"""The rules of SPEC section 2 in SQL (``rules.SQL_NEW_STATUS``, the ledger's set-wise path) decide exactly as
``rules.decide_status`` does, for every combination of the rules' inputs: each case of the rule table and more.

Run on SQLite in memory, and on PostgreSQL too when ``INVENTORY_EDITOR_TEST_PG`` names a server.
"""

from __future__ import annotations

import itertools
import os

import pytest
from sqlalchemy import create_engine, text

from desktop_app import rules
from desktop_app.rules import StoreRules, decide_status

IN_STOCK, BACK_ORDER, OUT_OF_STOCK, DISCONTINUED, PREORDER = 1, 2, 3, 4, 5
STORES = {
    "no store (manual or no store selected)": None,
    "tracking off": StoreRules(False, IN_STOCK, OUT_OF_STOCK, BACK_ORDER, DISCONTINUED),
    "tracking on": StoreRules(True, IN_STOCK, OUT_OF_STOCK, BACK_ORDER, DISCONTINUED),
    "custom defaults": StoreRules(True, 6, 7, 8, 9),
}
COUNTS = (-2, -1, 0, 1, 2)
CURRENT = (IN_STOCK, BACK_ORDER, OUT_OF_STOCK, PREORDER)
REQUESTED = (None, "same", IN_STOCK, PREORDER)


def _cases():
    """(old, new, status, allows back order, discontinued, non-inventory, requested status)."""
    for old, new, status, back, disc, noninv, req in itertools.product(
        COUNTS, COUNTS, CURRENT, (False, True), (False, True), (False, True), REQUESTED
    ):
        yield old, new, status, back, disc, noninv, status if req == "same" else req


def _python(store, old, new, status, back, disc, noninv, req):
    """What the ledger's one-by-one path records: the new status, and the rule when the status changed."""
    decision = decide_status(
        old=old,
        new=new,
        status=status,
        status_allows_back_order=back,
        discontinued=disc,
        non_inventory=noninv,
        store=store,
        requested_status=req,
    )
    new_status = decision.status if decision.changes(status) else status
    return new_status, (decision.rule if new_status != status else None)


def _urls():
    urls = [pytest.param("sqlite://", id="sqlite")]
    server = os.environ.get("INVENTORY_EDITOR_TEST_PG")
    if server:
        urls.append(
            # Marked, so that the PostgreSQL pass of ./dev test (--database-tests-only) runs it.
            pytest.param(
                server.replace("postgresql://", "postgresql+psycopg://", 1),
                id="postgresql",
                marks=pytest.mark.postgres,
            )
        )
    return urls


@pytest.mark.parametrize("url", _urls())
@pytest.mark.parametrize("store_name", list(STORES))
def test_sql_rule_decides_as_decide_status(url, store_name):
    store = STORES[store_name]
    cases = list(_cases())
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "CREATE TEMPORARY TABLE rule_cases (line INTEGER PRIMARY KEY, req INTEGER, old_status INTEGER, "
                "old_hand INTEGER, new_hand INTEGER, disc INTEGER, noninv INTEGER, back INTEGER, "
                "new_status INTEGER, rule VARCHAR(30))"
            )
            conn.execute(
                text(
                    "INSERT INTO rule_cases (line, req, old_status, old_hand, new_hand, disc, noninv, back) "
                    "VALUES (:line, :req, :status, :old, :new, :disc, :noninv, :back)"
                ),
                [
                    {
                        "line": n,
                        "req": req,
                        "status": status,
                        "old": old,
                        "new": new,
                        "disc": int(disc),
                        "noninv": int(noninv),
                        "back": int(back),
                    }
                    for n, (old, new, status, back, disc, noninv, req) in enumerate(cases)
                ],
            )
            # The statement the ledger's apply_staged runs.
            conn.execute(
                text(
                    f"UPDATE rule_cases SET new_status = {rules.SQL_NEW_STATUS}, "
                    f"rule = {rules.SQL_RULE_IF_CHANGED}"
                ),
                rules.sql_parameters(store),
            )
            got = conn.exec_driver_sql("SELECT new_status, rule FROM rule_cases ORDER BY line").all()
            conn.rollback()
    finally:
        engine.dispose()
    differences = [
        f"old={c[0]} new={c[1]} status={c[2]} back_order={c[3]} discontinued={c[4]} non_inventory={c[5]} "
        f"requested={c[6]}: Python {_python(store, *c)}, SQL {tuple(row)}"
        for c, row in zip(cases, got, strict=True)
        if _python(store, *c) != tuple(row)
    ]
    assert differences == []
    # Not vacuous: each rule of SPEC section 2 is among the outcomes this store can reach.
    reached = {rule for _, rule in got}
    expected = {rules.MANUAL, None}
    if store is not None and store.track_inventory:
        expected |= {rules.DISCONTINUED, rules.BACK_ORDER, rules.OUT_OF_STOCK, rules.IN_STOCK}
    assert reached == expected
