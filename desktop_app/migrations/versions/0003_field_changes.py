"""History of every other field a batch changes (name, limits, flags, dates…), so a revert can put it back.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "field_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("item_pk", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=30), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_field_changes_event_id_events")),
        sa.ForeignKeyConstraint(["item_pk"], ["items.id"], name=op.f("fk_field_changes_item_pk_items")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_changes")),
    )
    op.create_index(op.f("ix_field_changes_event_id"), "field_changes", ["event_id"], unique=False)
    op.create_index("ix_field_changes_item", "field_changes", ["item_pk", "id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # Roles made before this table (``db roles``) may write it as they write the status history.
        grants = op.get_bind().exec_driver_sql(
            "SELECT DISTINCT r.rolname, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a "
            "JOIN pg_roles r ON r.oid = a.grantee "
            "WHERE c.oid = 'status_changes'::regclass AND a.grantee <> c.relowner ORDER BY 1, 2"
        )
        sequence = op.get_bind().exec_driver_sql("SELECT pg_get_serial_sequence('field_changes', 'id')").scalar()
        for role, privilege in grants.all():
            op.execute(f'GRANT {privilege} ON field_changes TO "{role}"')
            op.execute(f'GRANT USAGE, SELECT ON SEQUENCE {sequence} TO "{role}"')


def downgrade() -> None:
    op.drop_index("ix_field_changes_item", table_name="field_changes")
    op.drop_index(op.f("ix_field_changes_event_id"), table_name="field_changes")
    op.drop_table("field_changes")
