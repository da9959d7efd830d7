"""Initial schema: statuses, stores, items, orders, and the history tables; the four default statuses.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('statuses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('unavailable', sa.Boolean(), nullable=False),
    sa.Column('back_order', sa.Boolean(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('show_quantity', sa.Boolean(), nullable=False),
    sa.Column('ships_in', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statuses'))
    )
    op.create_table('items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('item_number', sa.String(length=200), nullable=True),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('options', sa.String(length=500), nullable=True),
    sa.Column('status_id', sa.Integer(), nullable=False),
    sa.Column('discontinued', sa.Boolean(), nullable=False),
    sa.Column('non_inventory', sa.Boolean(), nullable=False),
    sa.Column('min_qty', sa.Integer(), nullable=False),
    sa.Column('max_qty', sa.Integer(), nullable=False),
    sa.Column('multiple_qty', sa.Integer(), nullable=False),
    sa.Column('on_hand', sa.Integer(), nullable=False),
    sa.Column('on_order', sa.Integer(), nullable=False),
    sa.Column('committed', sa.Integer(), nullable=False),
    sa.Column('eta_date', sa.Date(), nullable=True),
    sa.Column('low_stock_qty', sa.Integer(), nullable=False),
    sa.Column('low_stock_warning', sa.Boolean(), nullable=False),
    sa.Column('use_variant_inventory', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('min_qty >= 0 AND max_qty >= 0 AND multiple_qty >= 1', name=op.f('ck_items_order_limits')),
    sa.ForeignKeyConstraint(['parent_id'], ['items.id'], name=op.f('fk_items_parent_id_items')),
    sa.ForeignKeyConstraint(['status_id'], ['statuses.id'], name=op.f('fk_items_status_id_statuses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_items')),
    sa.UniqueConstraint('item_id', name=op.f('uq_items_item_id')),
    sa.UniqueConstraint('item_number', name=op.f('uq_items_item_number'))
    )
    op.create_index('ix_items_name', 'items', ['name'], unique=False)
    op.create_index(op.f('ix_items_on_hand'), 'items', ['on_hand'], unique=False)
    op.create_index(op.f('ix_items_parent_id'), 'items', ['parent_id'], unique=False)
    op.create_index(op.f('ix_items_status_id'), 'items', ['status_id'], unique=False)

    op.create_index('uq_statuses_name_ci', 'statuses', [sa.text('lower(name)')], unique=True)
    op.create_table('stores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('track_inventory', sa.Boolean(), nullable=False),
    sa.Column('remove_when', sa.String(length=10), nullable=False),
    sa.Column('default_in_stock_id', sa.Integer(), nullable=False),
    sa.Column('default_out_of_stock_id', sa.Integer(), nullable=False),
    sa.Column('default_back_order_id', sa.Integer(), nullable=False),
    sa.Column('default_discontinued_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("remove_when IN ('ordered', 'paid', 'shipped')", name=op.f('ck_stores_remove_when')),
    sa.ForeignKeyConstraint(['default_back_order_id'], ['statuses.id'], name=op.f('fk_stores_default_back_order_id_statuses')),
    sa.ForeignKeyConstraint(['default_discontinued_id'], ['statuses.id'], name=op.f('fk_stores_default_discontinued_id_statuses')),
    sa.ForeignKeyConstraint(['default_in_stock_id'], ['statuses.id'], name=op.f('fk_stores_default_in_stock_id_statuses')),
    sa.ForeignKeyConstraint(['default_out_of_stock_id'], ['statuses.id'], name=op.f('fk_stores_default_out_of_stock_id_statuses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stores'))
    )
    op.create_index('uq_stores_name_ci', 'stores', [sa.text('lower(name)')], unique=True)
    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('paid', sa.Boolean(), nullable=False),
    sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('who', sa.String(length=100), nullable=False),
    sa.CheckConstraint("state IN ('placed', 'paid', 'shipped', 'returned', 'cancelled', 'deleted')", name=op.f('ck_orders_state')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_orders_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders'))
    )
    op.create_index(op.f('ix_orders_state'), 'orders', ['state'], unique=False)
    op.create_index(op.f('ix_orders_store_id'), 'orders', ['store_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cause', sa.String(length=30), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('reverts_id', sa.Integer(), nullable=True),
    sa.Column('who', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_events_order_id_orders')),
    sa.ForeignKeyConstraint(['reverts_id'], ['events.id'], name=op.f('fk_events_reverts_id_events')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_events_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    op.create_index(op.f('ix_events_reverts_id'), 'events', ['reverts_id'], unique=False)

    op.create_table('order_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('removed', sa.Integer(), nullable=False),
    sa.Column('restored', sa.Integer(), nullable=False),
    sa.Column('returned', sa.Integer(), nullable=False),
    sa.Column('committed', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity >= 1', name=op.f('ck_order_lines_quantity')),
    sa.CheckConstraint('restored <= removed AND removed <= quantity', name=op.f('ck_order_lines_removal')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_lines_order_id_orders')),
    sa.ForeignKeyConstraint(['unit_id'], ['items.id'], name=op.f('fk_order_lines_unit_id_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lines'))
    )
    op.create_index(op.f('ix_order_lines_order_id'), 'order_lines', ['order_id'], unique=False)
    op.create_index(op.f('ix_order_lines_unit_id'), 'order_lines', ['unit_id'], unique=False)

    op.create_table('movements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.String(length=10), nullable=False),
    sa.Column('delta', sa.Integer(), nullable=False),
    sa.Column('after', sa.Integer(), nullable=False),
    sa.CheckConstraint("quantity IN ('on_hand', 'on_order')", name=op.f('ck_movements_quantity')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_movements_event_id_events')),
    sa.ForeignKeyConstraint(['unit_id'], ['items.id'], name=op.f('fk_movements_unit_id_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_movements'))
    )
    op.create_index(op.f('ix_movements_event_id'), 'movements', ['event_id'], unique=False)
    op.create_index('ix_movements_unit', 'movements', ['unit_id', 'id'], unique=False)

    op.create_table('status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=100), nullable=False),
    sa.Column('to_status', sa.String(length=100), nullable=False),
    sa.Column('rule', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_status_changes_event_id_events')),
    sa.ForeignKeyConstraint(['unit_id'], ['items.id'], name=op.f('fk_status_changes_unit_id_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_changes'))
    )
    op.create_index(op.f('ix_status_changes_event_id'), 'status_changes', ['event_id'], unique=False)
    op.create_index('ix_status_changes_unit', 'status_changes', ['unit_id', 'id'], unique=False)
    statuses = sa.table(
        "statuses",
        sa.column("name", sa.String),
        sa.column("unavailable", sa.Boolean),
        sa.column("back_order", sa.Boolean),
        sa.column("hidden", sa.Boolean),
        sa.column("show_quantity", sa.Boolean),
    )
    op.bulk_insert(
        statuses,
        [
            {"name": name, "unavailable": unavailable, "back_order": back_order, "hidden": False, "show_quantity": False}
            for name, unavailable, back_order in (
                ("In Stock", False, False),
                ("Back Order", False, True),
                ("Out of Stock", True, False),
                ("Discontinued", True, False),
            )
        ],
    )


def downgrade() -> None:
    op.drop_index('ix_status_changes_unit', table_name='status_changes')
    op.drop_index(op.f('ix_status_changes_event_id'), table_name='status_changes')

    op.drop_table('status_changes')
    op.drop_index('ix_movements_unit', table_name='movements')
    op.drop_index(op.f('ix_movements_event_id'), table_name='movements')

    op.drop_table('movements')
    op.drop_index(op.f('ix_order_lines_unit_id'), table_name='order_lines')
    op.drop_index(op.f('ix_order_lines_order_id'), table_name='order_lines')

    op.drop_table('order_lines')
    op.drop_index(op.f('ix_events_reverts_id'), table_name='events')

    op.drop_table('events')
    op.drop_index(op.f('ix_orders_store_id'), table_name='orders')
    op.drop_index(op.f('ix_orders_state'), table_name='orders')

    op.drop_table('orders')
    op.drop_index('uq_stores_name_ci', table_name='stores')
    op.drop_table('stores')
    op.drop_index(op.f('ix_items_status_id'), table_name='items')
    op.drop_index(op.f('ix_items_parent_id'), table_name='items')
    op.drop_index(op.f('ix_items_on_hand'), table_name='items')
    op.drop_index('ix_items_name', table_name='items')

    op.drop_table('items')
    op.drop_index('uq_statuses_name_ci', table_name='statuses')
    op.drop_table('statuses')
