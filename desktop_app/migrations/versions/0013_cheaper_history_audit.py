"""The history's commit-time check (migration 0004) at a small transaction's cost, with the same guarantees.

PostgreSQL only. 0004's guarantees hold unchanged — the history is append-only, an event's ``who`` and ``at``
are the server's, and every transaction that changes a count or a status, or writes history, is checked at
COMMIT against its own history — and so do its messages; what changes is what the check costs.

0004 ran the check's three queries with ``EXECUTE``: planned again at every COMMIT, so that a big transaction
(an import: a million units) got hash joins and a small one (an order event: a few units) index lookups. For
a small transaction the planning was most of the check (about 1 ms of 1.3 ms per COMMIT, measured with
``pg_stat_statements.track_planning``), three times per order. Now the check takes one of two roads:

- **Small** (fewer than 1,000 units noted): the transaction's movements and status changes are read first by
  two one-table queries planned for its events (``EXECUTE``: quick to plan, and planned with the real event
  ids: a plan kept for "any events" would guess from the statistics, where one import's event can hold most
  movements, and scan them all); the three queries then run as static SQL over those arrays, the bookkeeping
  tables and ``items``, prepared once per session with their plans kept. Those plans read the bookkeeping
  tables by their keys whatever their statistics say (no sequential scans in this function: a concurrent
  import can fill them with a million rows that the statistics have not seen).
- **Large**: the queries planned for the transaction at hand (``EXECUTE``), without nested loops, as before.

The queries are the same text on both roads (written once, below), so both refuse exactly what 0004 refused.

The bookkeeping (what 0004's triggers note per statement) is unchanged.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28
"""

import importlib.util
from pathlib import Path

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# A transaction that noted this many units takes the large road.
LARGE = 1000

# The check's three queries: ``{x}`` is the transaction, ``{moves}`` and ``{changes}`` its movements and status
# changes (0004's queries read them from the tables by event; the small road from arrays it read first).
CHAIN = """
    SELECT m.unit_id, m.quantity, m.after, m.expected FROM (
        SELECT mv.unit_id, mv.quantity, mv.after,
               CASE mv.quantity WHEN 'on_hand' THEN u.old_hand ELSE u.old_order END
               + SUM(mv.delta) OVER (PARTITION BY mv.unit_id, mv.quantity ORDER BY mv.id) AS expected
        FROM {moves} mv
        LEFT JOIN audit_pending_units u ON u.xact = {x} AND u.unit_id = mv.unit_id) m
    WHERE m.expected IS DISTINCT FROM m.after LIMIT 1"""
COUNTS = """
    SELECT i.id, coalesce(i.item_number, '#' || i.item_id::text) AS label, u.old_hand, i.on_hand,
           u.old_order, i.on_order, i.use_variant_inventory AS uvi
    FROM audit_pending_units u
    JOIN items i ON i.id = u.unit_id
    LEFT JOIN (
        SELECT mv.unit_id, sum(mv.delta) FILTER (WHERE mv.quantity = 'on_hand') AS d_hand,
               sum(mv.delta) FILTER (WHERE mv.quantity = 'on_order') AS d_order
        FROM {moves} mv GROUP BY mv.unit_id) s ON s.unit_id = u.unit_id
    LEFT JOIN LATERAL (
        SELECT coalesce(sum(v.on_hand), 0) AS hand, coalesce(sum(v.on_order), 0) AS ord
        FROM items v WHERE i.use_variant_inventory AND v.parent_id = i.id) sums ON true
    WHERE u.xact = {x} AND CASE
        WHEN i.use_variant_inventory THEN (i.on_hand, i.on_order) IS DISTINCT FROM (sums.hand, sums.ord)
        ELSE i.on_hand - u.old_hand <> coalesce(s.d_hand, 0)
             OR i.on_order - u.old_order <> coalesce(s.d_order, 0) END
    LIMIT 1"""
STATUSES = """
    SELECT coalesce(i.item_number, '#' || i.item_id::text, 'item id ' || coalesce(u.unit_id, s.unit_id))
           AS label, st.name AS status, s.to_status
    FROM (SELECT * FROM audit_pending_units WHERE xact = {x}) u
    FULL JOIN (
        SELECT DISTINCT ON (sc.unit_id) sc.unit_id, sc.to_status
        FROM {changes} sc ORDER BY sc.unit_id, sc.id DESC
    ) s ON s.unit_id = u.unit_id
    LEFT JOIN items i ON i.id = coalesce(u.unit_id, s.unit_id)
    LEFT JOIN statuses st ON st.id = i.status_id
    WHERE u.unit_id IS NULL
       OR (NOT u.created AND (i.status_id <> u.old_status OR s.unit_id IS NOT NULL)
           AND s.to_status IS DISTINCT FROM st.name)
    LIMIT 1"""


def _static(query: str) -> str:
    return query.format(x="v_xact", moves="unnest(v_moves)", changes="unnest(v_changes)") + " INTO bad"


def _planned(query: str) -> str:
    tables = {
        "moves": "(SELECT * FROM movements WHERE event_id = ANY ($2))",
        "changes": "(SELECT * FROM status_changes WHERE event_id = ANY ($2))",
    }
    return "EXECUTE $q$" + query.format(x="$1", **tables) + " $q$ INTO bad USING v_xact, v_events"


CHECK = f"""CREATE OR REPLACE FUNCTION audit_check_transaction() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = {{schema}}, pg_temp SET enable_seqscan = off AS $$
    DECLARE
        v_xact xid8 := NEW.xact;
        v_events integer[];
        v_large boolean;
        v_moves movements[];
        v_changes status_changes[];
        bad record;
        v_label text;
    BEGIN
        SELECT coalesce(array_agg(event_id), '{{}}') INTO v_events FROM audit_pending_events WHERE xact = v_xact;
        v_large := (SELECT count(*) FROM (SELECT 1 FROM audit_pending_units WHERE xact = v_xact LIMIT {LARGE}) s)
            >= {LARGE};
        IF v_large THEN
            PERFORM set_config('enable_seqscan', 'on', true);
            PERFORM set_config('enable_nestloop', 'off', true);
        ELSE
            -- Planned for these events (one table each, quick to plan); the rest reads the arrays.
            EXECUTE 'SELECT coalesce(array_agg(m ORDER BY m.id), ''{{}}'') FROM movements m WHERE m.event_id = ANY ($1)'
                INTO v_moves USING v_events;
            EXECUTE 'SELECT coalesce(array_agg(c ORDER BY c.id), ''{{}}'') FROM status_changes c '
                'WHERE c.event_id = ANY ($1)' INTO v_changes USING v_events;
        END IF;
        -- Each movement continues the chain from the count the transaction found.
        IF v_large THEN
            {_planned(CHAIN)};
        ELSE
            {_static(CHAIN)};
        END IF;
        IF bad.unit_id IS NOT NULL THEN
            SELECT coalesce(item_number, '#' || item_id::text, 'item id ' || id::text) INTO v_label
            FROM items WHERE id = bad.unit_id;
            RAISE EXCEPTION 'refused: a movement of the % count of % says % after it, but %',
                replace(bad.quantity, '_', ' '), v_label, bad.after, coalesce(
                    'the count before this change plus its movements is ' || bad.expected::text,
                    'that count did not change')
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        -- Each changed count is explained by this transaction's movements; a product's are its variants' sums.
        IF v_large THEN
            {_planned(COUNTS)};
        ELSE
            {_static(COUNTS)};
        END IF;
        IF bad.id IS NOT NULL THEN
            IF bad.uvi THEN
                RAISE EXCEPTION 'refused: % uses variant inventory; its counts must be its variants'' sums',
                    bad.label USING ERRCODE = 'integrity_constraint_violation';
            ELSIF bad.on_hand <> bad.old_hand THEN
                RAISE EXCEPTION 'refused: the on hand count of % went from % to % with no movement in the '
                    'history explaining it', bad.label, bad.old_hand, bad.on_hand
                    USING ERRCODE = 'integrity_constraint_violation';
            ELSE
                RAISE EXCEPTION 'refused: the on order count of % went from % to % with no movement in the '
                    'history explaining it', bad.label, bad.old_order, bad.on_order
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
        END IF;
        -- Each changed status has a status change here, and the last one names the status the unit has.
        IF v_large THEN
            {_planned(STATUSES)};
        ELSE
            {_static(STATUSES)};
        END IF;
        IF bad.label IS NOT NULL THEN
            RAISE EXCEPTION 'refused: the status of % is % but the history of this change says %',
                bad.label, coalesce(bad.status, '?'), coalesce(bad.to_status, 'nothing')
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        DELETE FROM audit_pending_units WHERE xact = v_xact;
        DELETE FROM audit_pending_events WHERE xact = v_xact;
        DELETE FROM audit_pending_xacts WHERE xact = v_xact;
        RETURN NULL;
    END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = op.get_bind().exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one()
    op.execute(CHECK.replace("{schema}", schema))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = op.get_bind().exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one()
    spec = importlib.util.spec_from_file_location(
        "_audit_0004", Path(__file__).with_name("0004_history_append_only.py")
    )
    first = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(first)
    for statement in first.FUNCTIONS:
        if "audit_check_transaction()" in statement:
            op.execute(statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION").replace("{schema}", schema))
