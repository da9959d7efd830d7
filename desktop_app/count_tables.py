"""The tables of stock counts (migration 0007), on the one metadata of ``desktop_app.schema``."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, DateTime, ForeignKey, Integer, String, Table, UniqueConstraint

from desktop_app.schema import metadata

COUNT_STATES = ("open", "posted", "cancelled")

counts = Table(
    "counts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("store_id", ForeignKey("stores.id")),
    Column("state", String(10), nullable=False, default="open", index=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("started_by", String(100), nullable=False, default=""),
    Column("closed_at", DateTime(timezone=True)),
    Column("closed_by", String(100)),
    Column("event_id", ForeignKey("events.id")),  # the batch a post wrote
    CheckConstraint("state IN ('open', 'posted', 'cancelled')", name="state"),
)

# One row per unit and count: scans add to it atomically (ON CONFLICT ... counted = counted + N).
count_lines = Table(
    "count_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("count_id", ForeignKey("counts.id"), nullable=False),
    Column("unit_id", ForeignKey("items.id"), nullable=False),
    Column("counted", Integer, nullable=False),
    Column("expected", Integer, nullable=False),  # the unit's on hand when the line was last changed
    Column("changed_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("count_id", "unit_id"),
)

# Scans no unit could take (unknown, ambiguous): kept until assigned to an item or dropped.
count_unresolved = Table(
    "count_unresolved",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("count_id", ForeignKey("counts.id"), nullable=False, index=True),
    Column("code", String(200), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
