"""Roles made before 0006-0009 get what ``db roles`` grants on what those added; a PO gets a version.

Grants (PostgreSQL only). ``db roles`` (``desktop_app.roles``) grants on the tables that existed when it ran.
0006 added item columns (barcode, supplier, reorder_to) that the roles' column-level UPDATE on ``items`` does
not cover; 0007 and 0008 added the counts and purchase-order tables with no grant at all. So a shared database
whose roles existed stopped working for them after the upgrade ("permission denied"). As 0003 did for its
table, each role is given on the new tables what it holds on ``orders`` (which ``db roles`` grants alike to
the staff tables: SELECT for everyone it knows, INSERT/UPDATE/DELETE to owner and staff), USAGE and SELECT on
their id sequences, and UPDATE of every item column but the id where it holds UPDATE of an item's name.
A role that may only read orders may only read the new tables. (0009 added columns to ``orders``: its
table-level grants cover them.)

Version (both databases): ``purchase_orders.version`` goes up by one with every change of a PO, so a draft
saved from a stale editor is refused instead of overwriting another workstation's save.

Revision ID: 0012
Revises: 0010
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None

NEW_TABLES = ("counts", "count_lines", "count_unresolved", "purchase_orders", "po_lines")
# Privileges ``db roles`` hands out on tables (never TRUNCATE, REFERENCES or TRIGGER).
GRANTABLE = ("SELECT", "INSERT", "UPDATE", "DELETE")


def _grant_to_existing_roles() -> None:
    bind = op.get_bind()
    held = bind.exec_driver_sql(
        "SELECT quote_ident(r.rolname), a.privilege_type FROM pg_class c, aclexplode(c.relacl) a "
        "JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE c.oid = 'orders'::regclass AND a.grantee <> c.relowner ORDER BY 1, 2"
    ).all()
    by_role: dict[str, list[str]] = {}
    for role, privilege in held:
        if privilege in GRANTABLE:
            by_role.setdefault(role, []).append(privilege)
    sequences = [
        bind.exec_driver_sql(f"SELECT pg_get_serial_sequence('{table}', 'id')").scalar() for table in NEW_TABLES
    ]
    for role, privileges in by_role.items():
        op.execute(f'GRANT {", ".join(privileges)} ON {", ".join(NEW_TABLES)} TO {role}')  # quoted above
        op.execute(f'GRANT USAGE, SELECT ON SEQUENCE {", ".join(s for s in sequences if s)} TO {role}')
    # Column-level UPDATE on items: whoever may rename an item may change every column but the id.
    editors = bind.exec_driver_sql(
        "SELECT DISTINCT quote_ident(r.rolname) FROM pg_attribute t, aclexplode(t.attacl) a "
        "JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE t.attrelid = 'items'::regclass AND t.attname = 'name' AND a.privilege_type = 'UPDATE' ORDER BY 1"
    ).scalars().all()
    columns = bind.exec_driver_sql(
        "SELECT quote_ident(column_name) FROM information_schema.columns WHERE table_name = 'items' "
        "AND table_schema = current_schema() AND column_name <> 'id' ORDER BY ordinal_position"
    ).scalars().all()
    for role in editors:
        op.execute(f'GRANT UPDATE ({", ".join(columns)}) ON items TO {role}')  # quoted by the query


def upgrade() -> None:
    op.add_column(
        "purchase_orders", sa.Column("version", sa.Integer(), nullable=False, server_default="0")
    )
    if op.get_bind().dialect.name == "postgresql":
        _grant_to_existing_roles()


def downgrade() -> None:
    # The grants stay: revoking them would take away what ``db roles`` gives today.
    with op.batch_alter_table("purchase_orders") as batch:
        batch.drop_column("version")
