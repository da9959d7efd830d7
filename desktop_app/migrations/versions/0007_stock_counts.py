"""Stock counts (SPEC section 7): a count, its lines, and the scans it could not place yet.

A line is one unit of one count (unique), so that scans from several workstations add up in one row with an
atomic ``INSERT ... ON CONFLICT DO UPDATE SET counted = counted + N``. Unresolved scans (an unknown or
ambiguous code) are kept with the count until someone assigns or drops them, so none is lost on a restart.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("store_id", sa.Integer(), sa.ForeignKey("stores.id", name="fk_counts_store_id_stores")),
        sa.Column("state", sa.String(10), nullable=False, server_default="open"),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(100), nullable=False, server_default=""),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("closed_by", sa.String(100)),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("events.id", name="fk_counts_event_id_events")),
        sa.CheckConstraint("state IN ('open', 'posted', 'cancelled')", name="ck_counts_state"),
    )
    op.create_index("ix_counts_state", "counts", ["state"])
    op.create_table(
        "count_lines",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "count_id", sa.Integer(), sa.ForeignKey("counts.id", name="fk_count_lines_count_id_counts"),
            nullable=False,
        ),
        sa.Column(
            "unit_id", sa.Integer(), sa.ForeignKey("items.id", name="fk_count_lines_unit_id_items"),
            nullable=False,
        ),
        sa.Column("counted", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("count_id", "unit_id", name="uq_count_lines_count_id_unit_id"),
    )
    op.create_table(
        "count_unresolved",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "count_id", sa.Integer(), sa.ForeignKey("counts.id", name="fk_count_unresolved_count_id_counts"),
            nullable=False, index=True,
        ),
        sa.Column("code", sa.String(200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("count_unresolved")
    op.drop_table("count_lines")
    op.drop_index("ix_counts_state", table_name="counts")
    op.drop_table("counts")
