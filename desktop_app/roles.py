"""Who may do what on a shared PostgreSQL database, enforced by the server's own GRANTs.

Owners change everything but the history. Staff change stock, items and orders (and add the history those
write) but not store settings or statuses: the server refuses, whatever a client tries. The editor reads the
connected role's privileges to grey out what it may not do, with a tooltip saying why.

The history (events, movements, status changes) is append-only for both roles: INSERT only, never UPDATE,
DELETE or TRUNCATE; migration 0004's triggers refuse those for anyone but the tables' owner too, stamp each
event with the database role, and check at commit that every changed count and status has its history.
No role may change an item's id (the commit check follows items by id).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import text

from desktop_app.db import Database
from desktop_app.errors import InventoryError

# Append-only for both roles: INSERT, never UPDATE/DELETE/TRUNCATE.
HISTORY = ("events", "movements", "status_changes", "field_changes")
# Tables staff change (items by every column but its id); everything else is read-only for them.
STAFF_WRITES = (
    "items", "orders", "order_lines", "purchase_orders", "po_lines", "counts", "count_lines", "count_unresolved"
)
OWNER_WRITES = (*STAFF_WRITES, "stores", "statuses", "alembic_version")
ALL_TABLES = (*OWNER_WRITES, *HISTORY)


@dataclass(frozen=True)
class Permissions:
    role: str
    change_settings: bool = True
    change_statuses: bool = True

    def why_not(self, what: str) -> str:
        return f"Your database role '{self.role}' may not change {what}; ask an owner."


def permissions(db: Database) -> Permissions:
    """What the connected role may change (everything, on a SQLite file)."""
    if db.is_sqlite:
        return Permissions(role=db.who)

    def read(conn):
        role = conn.execute(text("SELECT current_user")).scalar_one()
        settings = conn.execute(text("SELECT has_table_privilege('stores', 'UPDATE')")).scalar_one()
        statuses = conn.execute(text("SELECT has_table_privilege('statuses', 'INSERT')")).scalar_one()
        return Permissions(role=role, change_settings=bool(settings), change_statuses=bool(statuses))

    return db.read(read)


def create_roles(
    db: Database,
    *,
    owner: str = "inventory_owner",
    staff: str = "inventory_staff",
    owner_password: str | None = None,
    staff_password: str | None = None,
) -> dict[str, str]:
    """Create (or update) the owner and staff login roles with their GRANTs; returns the passwords set."""
    if db.is_sqlite:
        raise InventoryError(
            "Roles belong to a shared PostgreSQL database; a SQLite file has no server to "
            "enforce them (use --db postgresql://…)"
        )
    for name in (owner, staff):
        if not name.replace("_", "").isalnum():
            raise InventoryError(f"'{name}' is not a plain role name (letters, digits and _)")
    passwords = {
        owner: owner_password or secrets.token_urlsafe(12),
        staff: staff_password or secrets.token_urlsafe(12),
    }

    def run(conn) -> dict[str, str]:
        database = conn.execute(text("SELECT current_database()")).scalar_one()
        for name, password in passwords.items():
            exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
            verb = "ALTER" if exists else "CREATE"
            quoted = password.replace("'", "''")
            conn.exec_driver_sql(f"{verb} ROLE {name} LOGIN PASSWORD '{quoted}'")
            conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{database}" TO {name}')
            conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {name}")
            conn.exec_driver_sql(f"REVOKE ALL ON {', '.join(ALL_TABLES)} FROM {name}")
            conn.exec_driver_sql(f"GRANT SELECT ON {', '.join(ALL_TABLES)} TO {name}")
            conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}")
        item_columns = ", ".join(
            conn.execute(
                text(
                    "SELECT quote_ident(column_name) FROM information_schema.columns WHERE table_name = 'items' "
                    "AND table_schema = current_schema() AND column_name <> 'id' ORDER BY ordinal_position"
                )
            ).scalars()
        )
        others = [t for t in OWNER_WRITES if t != "items"]
        conn.exec_driver_sql(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(others)} TO {owner}")
        conn.exec_driver_sql(f"GRANT INSERT, DELETE, UPDATE ({item_columns}) ON items TO {owner}")
        conn.exec_driver_sql(f"GRANT INSERT ON {', '.join(HISTORY)} TO {owner}, {staff}")
        conn.exec_driver_sql(f"GRANT INSERT ON items, {', '.join(STAFF_WRITES[1:])} TO {staff}")
        conn.exec_driver_sql(f"GRANT UPDATE ({item_columns}) ON items TO {staff}")
        conn.exec_driver_sql(f"GRANT UPDATE, DELETE ON {', '.join(STAFF_WRITES[1:])} TO {staff}")
        return passwords

    try:
        return db.write(run)
    except InventoryError:
        raise
    except Exception as exc:
        message = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise InventoryError(
            f"The server refused to create the roles: {message} (connect as a superuser or "
            "the database's owner)"
        ) from None
