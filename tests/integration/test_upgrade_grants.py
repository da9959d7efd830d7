"""A shared PostgreSQL database whose roles were made by an older `db roles` keeps working after the upgrade.

Migrations 0006-0009 added item columns and tables (barcodes, counts, purchase orders) without granting them
to roles that already existed; migration 0012 grants them what `db roles` grants today. Here the roles are
made on a database at schema 0005 by that day's `db roles` (its table list), the database is upgraded, and
staff then count, order, receive and edit the new fields as the editor does.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy.engine import make_url

from desktop_app import roles
from desktop_app.db import Database
from desktop_app.service import Inventory
from tests.conftest import PG_URL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="roles live on the PostgreSQL server (INVENTORY_EDITOR_TEST_PG)"),
]

# What `db roles` knew at schema 0005: no counts, no purchase orders.
OLD_STAFF_WRITES = ("items", "orders", "order_lines")
OLD_OWNER_WRITES = (*OLD_STAFF_WRITES, "stores", "statuses", "alembic_version")


def test_roles_made_before_counts_and_purchase_orders_may_use_them_after_the_upgrade(empty_db_url, monkeypatch):
    old = Database(empty_db_url, migrate=False)
    old.ensure_schema("0005")
    suffix = uuid.uuid4().hex[:8]
    owner, staff = f"owner_{suffix}", f"staff_{suffix}"
    with monkeypatch.context() as m:  # that day's `db roles`
        m.setattr(roles, "STAFF_WRITES", OLD_STAFF_WRITES)
        m.setattr(roles, "OWNER_WRITES", OLD_OWNER_WRITES)
        m.setattr(roles, "ALL_TABLES", (*OLD_OWNER_WRITES, *roles.HISTORY))
        roles.create_roles(old, owner=owner, staff=staff, owner_password="o-pw", staff_password="s-pw")
    old.dispose()

    admin = Inventory(empty_db_url)  # the owner opens the database: it is upgraded
    people = []
    try:
        admin.add_store("Main")
        admin.set_store("Main", track_inventory=True, remove_when="ordered")
        admin.add_product("MUG", on_hand=3)
        admin.add_product("CAP")
        for role, password in ((staff, "s-pw"), (owner, "o-pw")):
            url = make_url(empty_db_url).set(username=role, password=password)
            person = Inventory(url.render_as_string(hide_password=False))
            people.append(person)
            # The item fields of migration 0006.
            person.edit_item("MUG", {"barcode": f"400{len(people)}", "supplier": "Acme", "reorder_to": 9})
            # Counts (0007).
            count = person.counts.start("Main").id
            person.counts.scan(count, [(f"400{len(people)}", 2)])
            person.counts.post(count)
            # Purchase orders (0008): a draft edited, ordered, received.
            po = person.purchasing.create("Acme", [("CAP", 1)], store="Main")
            draft = person.purchasing.get(po)
            person.purchasing.update_draft(
                po, supplier="Acme", store="Main", expected=dt.date(2026, 7, 1), lines=[("CAP", 4)],
                version=draft.version,
            )
            person.purchasing.order(po)
            person.purchasing.receive(po, [("CAP", 4)])
        assert admin.item("MUG").on_hand == 2 and admin.item("MUG").supplier == "Acme"
        assert admin.item("CAP").on_hand == 8 and admin.item("CAP").status == "In Stock"
    finally:
        for person in people:
            person.db.dispose()
        with admin.db.connect(write=True) as conn:
            for role in (owner, staff):
                conn.exec_driver_sql(f"DROP OWNED BY {role}")
                conn.exec_driver_sql(f"DROP ROLE {role}")
        admin.db.dispose()


def test_the_upgrade_grants_staff_no_more_than_db_roles_does(empty_db_url, monkeypatch):
    """Staff still may not change store settings or statuses after 0012; a read-only grant stays read-only."""
    old = Database(empty_db_url, migrate=False)
    old.ensure_schema("0005")
    suffix = uuid.uuid4().hex[:8]
    owner, staff, reader = f"owner_{suffix}", f"staff_{suffix}", f"reader_{suffix}"
    with monkeypatch.context() as m:
        m.setattr(roles, "STAFF_WRITES", OLD_STAFF_WRITES)
        m.setattr(roles, "OWNER_WRITES", OLD_OWNER_WRITES)
        m.setattr(roles, "ALL_TABLES", (*OLD_OWNER_WRITES, *roles.HISTORY))
        roles.create_roles(old, owner=owner, staff=staff, owner_password="o-pw", staff_password="s-pw")
    with old.connect(write=True) as conn:
        conn.exec_driver_sql(f"CREATE ROLE {reader} LOGIN")
        conn.exec_driver_sql(f"GRANT SELECT ON orders, items TO {reader}")
    old.dispose()
    admin = Inventory(empty_db_url)
    try:

        def may(role: str, table: str, privilege: str) -> bool:
            with admin.db.connect(write=False) as conn:
                return conn.exec_driver_sql(
                    f"SELECT has_table_privilege('{role}', '{table}', '{privilege}')"
                ).scalar()

        for table in ("counts", "count_lines", "count_unresolved", "purchase_orders", "po_lines"):
            assert may(staff, table, "UPDATE") and may(owner, table, "DELETE")
            assert may(reader, table, "SELECT") and not may(reader, table, "INSERT")
            assert not may(staff, table, "TRUNCATE")
        assert not may(staff, "stores", "UPDATE") and not may(staff, "statuses", "INSERT")
        with admin.db.connect(write=False) as conn:
            column = conn.exec_driver_sql(
                f"SELECT has_column_privilege('{staff}', 'items', 'barcode', 'UPDATE'), "
                f"has_column_privilege('{staff}', 'items', 'id', 'UPDATE')"
            ).one()
        assert tuple(column) == (True, False)  # the new columns, never the id
    finally:
        with admin.db.connect(write=True) as conn:
            for role in (owner, staff, reader):
                conn.exec_driver_sql(f"DROP OWNED BY {role}")
                conn.exec_driver_sql(f"DROP ROLE {role}")
        admin.db.dispose()
