"""Run the command line against PostgreSQL wherever a test names a SQLite file (for ../shared/acceptance).

    INVENTORY_EDITOR="python tests/pg_cli.py" python -m pytest ../shared/acceptance

Each distinct ``--db PATH`` becomes its own database on the server named by INVENTORY_EDITOR_TEST_PG
(created on first use), so the black-box tests exercise the PostgreSQL path unchanged.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys

import psycopg
from sqlalchemy.engine import make_url


def main() -> int:
    args = sys.argv[1:]
    server = make_url(os.environ["INVENTORY_EDITOR_TEST_PG"])
    if "--db" in args:
        index = args.index("--db") + 1
        path = args[index]
        if "://" not in path:
            name = "acc_" + hashlib.sha1(os.path.abspath(path).encode()).hexdigest()[:16]
            admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
            with psycopg.connect(admin, autocommit=True) as conn:
                if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                    with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                        conn.execute(f'CREATE DATABASE "{name}"')
            args[index] = server.set(database=name).render_as_string(hide_password=False)
    from desktop_app.cli import main as cli

    return cli(args)


if __name__ == "__main__":
    sys.exit(main())
