"""On PostgreSQL the history is append-only and explains every count, whoever is connected.

Three guarantees, enforced by the server (a client that types SQL into psql gets the same answer as the editor):

1. **Append-only history.** ``UPDATE``/``DELETE``/``TRUNCATE`` of ``events``, ``movements`` and
   ``status_changes`` raise unless the connected role is (a member of) the tables' owner — the database
   owner who ran the migrations. ``inventory-editor db roles`` also revokes those privileges from the owner
   and staff login roles, so the refusal is a plain "permission denied"; the triggers are the second wall.
2. **Who and when are the server's.** A new event's ``who`` is the database role (``current_user``) and its
   ``at`` the server's clock, whatever the client sent.
3. **No count without its history.** Every transaction that changes a unit's ``on_hand``, ``on_order`` or
   ``status_id``, or writes history, is checked once at COMMIT (a deferred constraint trigger), set-wise over
   the rows it changed:

   - a movement or status change belongs to an event written in the same transaction (checked when it is
     inserted), so history is never slipped into somebody else's event;
   - for each unit, its movements of this transaction chain from the count the transaction found:
     ``after = count before + running sum of delta``; so the last ``after`` is the count at commit and a
     movement for a count that did not change is refused;
   - a product using variant inventory holds the sums of its variants' counts;
   - a unit whose status changed has a status change in this transaction, and the last one names the status
     it now has.

   The rows changed are noted by statement-level triggers (transition tables, no per-row function call)
   into unlogged bookkeeping tables keyed by the transaction id, which only these SECURITY DEFINER trigger
   functions can read or write, and which the check empties. A 1M-row import is then a handful of set-based
   statements at commit, not a million trigger calls (the cost is measured by benchmarks/pg_audit_cost.py).

SQLite has no roles: on SQLite this migration does nothing (the file's owner can edit it anyway).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

HISTORY_TABLES = ("events", "movements", "status_changes", "field_changes")

BOOKKEEPING = (
    """CREATE UNLOGGED TABLE audit_pending_xacts (xact xid8 PRIMARY KEY)""",
    """CREATE UNLOGGED TABLE audit_pending_events (
        xact xid8 NOT NULL, event_id integer NOT NULL, PRIMARY KEY (xact, event_id))""",
    """CREATE UNLOGGED TABLE audit_pending_units (
        xact xid8 NOT NULL, unit_id integer NOT NULL, old_hand integer NOT NULL, old_order integer NOT NULL,
        old_status integer NOT NULL, created boolean NOT NULL DEFAULT false, PRIMARY KEY (xact, unit_id))""",
    "REVOKE ALL ON audit_pending_xacts, audit_pending_events, audit_pending_units FROM PUBLIC",
)

FUNCTIONS = (
    # 1. Append-only: only the tables' owner (or a member of it, e.g. a superuser) may rewrite history.
    """CREATE FUNCTION audit_forbid_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'permission denied for table %: the history is append-only (% refused for role %)',
            TG_TABLE_NAME, TG_OP, current_user USING ERRCODE = 'insufficient_privilege';
    END $$""",
    # 2. Who and when: the connected role and the server's clock (SECURITY INVOKER: current_user is the caller).
    """CREATE FUNCTION audit_event_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.who := current_user;
        NEW.at := clock_timestamp();
        RETURN NEW;
    END $$""",
    # 3. Bookkeeping: this transaction's events, and the units whose counts or status it changed (with the
    #    values it found first). SECURITY DEFINER: the callers have no rights on the bookkeeping tables.
    """CREATE FUNCTION audit_note_event() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = {schema}, pg_temp AS $$
    BEGIN
        INSERT INTO audit_pending_events (xact, event_id) VALUES (pg_current_xact_id(), NEW.id);
        INSERT INTO audit_pending_xacts (xact) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION audit_note_updated_units() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = {schema}, pg_temp AS $$
    BEGIN
        INSERT INTO audit_pending_units (xact, unit_id, old_hand, old_order, old_status)
        SELECT pg_current_xact_id(), o.id, o.on_hand, o.on_order, o.status_id
        FROM audit_old o JOIN audit_new n ON n.id = o.id
        WHERE (o.on_hand, o.on_order, o.status_id) IS DISTINCT FROM (n.on_hand, n.on_order, n.status_id)
        ON CONFLICT DO NOTHING;
        IF FOUND THEN
            INSERT INTO audit_pending_xacts (xact) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION audit_note_inserted_units() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = {schema}, pg_temp AS $$
    BEGIN
        -- Every new item is noted: its counts must be explained like any change, but the status it ends the
        -- transaction with is still its creation's (a product created with its variants settles on theirs).
        INSERT INTO audit_pending_units (xact, unit_id, old_hand, old_order, old_status, created)
        SELECT pg_current_xact_id(), n.id, 0, 0, n.status_id, true FROM audit_new n
        ON CONFLICT DO NOTHING;
        IF FOUND THEN
            INSERT INTO audit_pending_xacts (xact) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
    END $$""",
    # History rows belong to an event of this transaction (checked per statement, set-wise).
    """CREATE FUNCTION audit_check_new_history() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = {schema}, pg_temp AS $$
    DECLARE
        stray integer;
    BEGIN
        SELECT d.event_id INTO stray FROM (SELECT DISTINCT event_id FROM audit_new) d
        WHERE NOT EXISTS (SELECT 1 FROM audit_pending_events p
                          WHERE p.xact = pg_current_xact_id() AND p.event_id = d.event_id)
        LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'permission denied for table %: history is added with an event of its own '
                'transaction, not to event % (the history is append-only)', TG_TABLE_NAME, stray
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NULL;
    END $$""",
    # At COMMIT: the history of this transaction explains every count and status it changed. The queries are
    # planned at each run (EXECUTE): the bookkeeping tables' statistics say nothing about this transaction, and
    # a big one (an import) wants hash joins where a small one (an order) wants index lookups.
    """CREATE FUNCTION audit_check_transaction() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = {schema}, pg_temp AS $$
    DECLARE
        x xid8 := NEW.xact;
        evs integer[];
        bad record;
        label text;
    BEGIN
        SELECT coalesce(array_agg(event_id), '{}') INTO evs FROM audit_pending_events WHERE xact = x;
        IF (SELECT count(*) FROM (SELECT 1 FROM audit_pending_units WHERE xact = x LIMIT 1000) s) >= 1000 THEN
            PERFORM set_config('enable_nestloop', 'off', true);
        END IF;
        -- Each movement continues the chain from the count the transaction found.
        EXECUTE $q$
            SELECT m.unit_id, m.quantity, m.after, m.expected FROM (
                SELECT mv.unit_id, mv.quantity, mv.after,
                       CASE mv.quantity WHEN 'on_hand' THEN u.old_hand ELSE u.old_order END
                       + SUM(mv.delta) OVER (PARTITION BY mv.unit_id, mv.quantity ORDER BY mv.id) AS expected
                FROM movements mv
                LEFT JOIN audit_pending_units u ON u.xact = $1 AND u.unit_id = mv.unit_id
                WHERE mv.event_id = ANY ($2)) m
            WHERE m.expected IS DISTINCT FROM m.after LIMIT 1 $q$ INTO bad USING x, evs;
        IF bad.unit_id IS NOT NULL THEN
            SELECT coalesce(item_number, '#' || item_id::text, 'item id ' || id::text) INTO label
            FROM items WHERE id = bad.unit_id;
            RAISE EXCEPTION 'refused: a movement of the % count of % says % after it, but %',
                replace(bad.quantity, '_', ' '), label, bad.after, coalesce(
                    'the count before this change plus its movements is ' || bad.expected::text,
                    'that count did not change')
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        -- Each changed count is explained by this transaction's movements; a product's are its variants' sums.
        EXECUTE $q$
            SELECT i.id, coalesce(i.item_number, '#' || i.item_id::text) AS label, u.old_hand, i.on_hand,
                   u.old_order, i.on_order, i.use_variant_inventory AS uvi
            FROM audit_pending_units u
            JOIN items i ON i.id = u.unit_id
            LEFT JOIN (
                SELECT mv.unit_id, sum(mv.delta) FILTER (WHERE mv.quantity = 'on_hand') AS d_hand,
                       sum(mv.delta) FILTER (WHERE mv.quantity = 'on_order') AS d_order
                FROM movements mv WHERE mv.event_id = ANY ($2) GROUP BY mv.unit_id) s ON s.unit_id = u.unit_id
            LEFT JOIN LATERAL (
                SELECT coalesce(sum(v.on_hand), 0) AS hand, coalesce(sum(v.on_order), 0) AS ord
                FROM items v WHERE i.use_variant_inventory AND v.parent_id = i.id) sums ON true
            WHERE u.xact = $1 AND CASE
                WHEN i.use_variant_inventory THEN (i.on_hand, i.on_order) IS DISTINCT FROM (sums.hand, sums.ord)
                ELSE i.on_hand - u.old_hand <> coalesce(s.d_hand, 0)
                     OR i.on_order - u.old_order <> coalesce(s.d_order, 0) END
            LIMIT 1 $q$ INTO bad USING x, evs;
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
        EXECUTE $q$
            SELECT coalesce(i.item_number, '#' || i.item_id::text, 'item id ' || coalesce(u.unit_id, s.unit_id))
                   AS label, st.name AS status, s.to_status
            FROM (SELECT * FROM audit_pending_units WHERE xact = $1) u
            FULL JOIN (
                SELECT DISTINCT ON (sc.unit_id) sc.unit_id, sc.to_status
                FROM status_changes sc WHERE sc.event_id = ANY ($2) ORDER BY sc.unit_id, sc.id DESC
            ) s ON s.unit_id = u.unit_id
            LEFT JOIN items i ON i.id = coalesce(u.unit_id, s.unit_id)
            LEFT JOIN statuses st ON st.id = i.status_id
            WHERE u.unit_id IS NULL
               OR (NOT u.created AND (i.status_id <> u.old_status OR s.unit_id IS NOT NULL)
                   AND s.to_status IS DISTINCT FROM st.name)
            LIMIT 1 $q$ INTO bad USING x, evs;
        IF bad.label IS NOT NULL THEN
            RAISE EXCEPTION 'refused: the status of % is % but the history of this change says %',
                bad.label, coalesce(bad.status, '?'), coalesce(bad.to_status, 'nothing')
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        DELETE FROM audit_pending_units WHERE xact = x;
        DELETE FROM audit_pending_events WHERE xact = x;
        DELETE FROM audit_pending_xacts WHERE xact = x;
        RETURN NULL;
    END $$""",
)

TRIGGERS = (
    *(
        statement
        for table in HISTORY_TABLES
        for statement in (
            # Per statement: an UPDATE or DELETE is refused even when it would touch no row.
            f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION audit_forbid_rewrite()""",
            f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION audit_forbid_rewrite()""",
        )
    ),
    """CREATE TRIGGER events_stamp BEFORE INSERT ON events
        FOR EACH ROW EXECUTE FUNCTION audit_event_stamp()""",
    """CREATE TRIGGER events_note AFTER INSERT ON events
        FOR EACH ROW EXECUTE FUNCTION audit_note_event()""",
    """CREATE TRIGGER movements_in_own_event AFTER INSERT ON movements REFERENCING NEW TABLE AS audit_new
        FOR EACH STATEMENT EXECUTE FUNCTION audit_check_new_history()""",
    """CREATE TRIGGER status_changes_in_own_event AFTER INSERT ON status_changes
        REFERENCING NEW TABLE AS audit_new FOR EACH STATEMENT EXECUTE FUNCTION audit_check_new_history()""",
    """CREATE TRIGGER field_changes_in_own_event AFTER INSERT ON field_changes
        REFERENCING NEW TABLE AS audit_new FOR EACH STATEMENT EXECUTE FUNCTION audit_check_new_history()""",
    """CREATE TRIGGER items_note_updates AFTER UPDATE ON items
        REFERENCING OLD TABLE AS audit_old NEW TABLE AS audit_new
        FOR EACH STATEMENT EXECUTE FUNCTION audit_note_updated_units()""",
    """CREATE TRIGGER items_note_inserts AFTER INSERT ON items REFERENCING NEW TABLE AS audit_new
        FOR EACH STATEMENT EXECUTE FUNCTION audit_note_inserted_units()""",
    """CREATE CONSTRAINT TRIGGER audit_at_commit AFTER INSERT ON audit_pending_xacts
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_check_transaction()""",
)

FUNCTION_NAMES = (
    "audit_forbid_rewrite",
    "audit_event_stamp",
    "audit_note_event",
    "audit_note_updated_units",
    "audit_note_inserted_units",
    "audit_check_new_history",
    "audit_check_transaction",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    bind = op.get_bind()
    # SECURITY DEFINER functions must not find a caller's temporary table first: their own schema, pg_temp last.
    schema = bind.exec_driver_sql("SELECT quote_ident(current_schema())").scalar_one()
    for statement in BOOKKEEPING:
        op.execute(statement)
    for statement in FUNCTIONS:
        op.execute(statement.replace("{schema}", schema))
    for name in FUNCTION_NAMES:
        op.execute(f"REVOKE ALL ON FUNCTION {name}() FROM PUBLIC")
    for statement in TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE audit_pending_xacts, audit_pending_events, audit_pending_units")
    for table in HISTORY_TABLES:
        op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
    for trigger, table in (
        ("events_stamp", "events"),
        ("events_note", "events"),
        ("movements_in_own_event", "movements"),
        ("status_changes_in_own_event", "status_changes"),
        ("field_changes_in_own_event", "field_changes"),
        ("items_note_updates", "items"),
        ("items_note_inserts", "items"),
    ):
        op.execute(f"DROP TRIGGER {trigger} ON {table}")
    for name in FUNCTION_NAMES:
        op.execute(f"DROP FUNCTION {name}()")
