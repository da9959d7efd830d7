"""Item numbers and names sort as a person reads them: "sku-5" between "SKU-4" and "SKU-6".

The views sort by ``lower(item_number)`` and ``lower(name)``; the partial indexes of 0002 on the bare columns
are replaced by the same partial indexes on those expressions, so a sort of a million units stays an index scan.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SCOPES = {
    "units": {"sqlite_where": sa.text("use_variant_inventory = 0"),
              "postgresql_where": sa.text("use_variant_inventory = false")},
    "products": {"sqlite_where": sa.text("parent_id IS NULL"), "postgresql_where": sa.text("parent_id IS NULL")},
}


def upgrade() -> None:
    for scope, where in SCOPES.items():
        for column in ("item_number", "name"):
            op.drop_index(f"ix_{scope}_{column}", table_name="items")
            op.create_index(f"ix_{scope}_{column}", "items", [sa.text(f"lower({column})")], **where)
    op.execute("ANALYZE")


def downgrade() -> None:
    for scope, where in SCOPES.items():
        for column in ("item_number", "name"):
            op.drop_index(f"ix_{scope}_{column}", table_name="items")
            op.create_index(f"ix_{scope}_{column}", "items", [column], **where)
