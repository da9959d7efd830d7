"""Which file line first claimed each item, so that a second row for the same item is refused as a duplicate.

The claims live in a temporary table of the import's connection (``import_claims``): the set-based path checks
a whole chunk against it in SQL and adds its rows' claims in one statement, without reading its rows back. The
row-by-row path asks about the few items its chunk names (``load``, one query per 900 items) and records its own
claims, which go to the table before the next set-based check (``sync``).
"""

from __future__ import annotations

from sqlalchemy import Connection, text

CLAIMS = "import_claims"


class Claims:
    """The first line of the file that names each item (by row id), for one import."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        conn.exec_driver_sql(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {CLAIMS} (item INTEGER PRIMARY KEY, line INTEGER NOT NULL)"
        )
        conn.exec_driver_sql(f"DELETE FROM {CLAIMS}")
        self._known: dict[int, int] = {}  # items asked about in this chunk: their line (0: unclaimed)
        self._pending: dict[int, int] = {}  # claims made row by row, not yet in the table

    def load(self, pks) -> None:
        """Read the claims of these items (the row-by-row path's chunk) in a few queries."""
        self.sync()
        self._known = {}
        wanted = sorted(set(pks))
        for start in range(0, len(wanted), 900):
            part = wanted[start : start + 900]
            self._known.update(dict.fromkeys(part, 0))
            listed = ", ".join(str(int(p)) for p in part)
            for item, line in self.conn.execute(text(f"SELECT item, line FROM {CLAIMS} WHERE item IN ({listed})")):
                self._known[item] = line

    def get(self, pk: int) -> int:
        """The line that claimed ``pk``, or 0."""
        line = self._known.get(pk)
        if line is None:
            self.sync()
            found = self.conn.execute(text(f"SELECT line FROM {CLAIMS} WHERE item = :pk"), {"pk": pk}).first()
            line = self._known[pk] = found[0] if found else 0
        return line

    def set(self, pk: int, line: int) -> None:
        """``line`` claims ``pk`` (it may take over a later line's claim)."""
        self._known[pk] = line
        self._pending[pk] = line

    def sync(self) -> None:
        """Write the claims made row by row into the table (before a set-based check reads it)."""
        if not self._pending:
            return
        self.conn.execute(
            text(
                f"INSERT INTO {CLAIMS} (item, line) VALUES (:item, :line) "
                "ON CONFLICT (item) DO UPDATE SET line = excluded.line"
            ),
            [{"item": item, "line": line} for item, line in self._pending.items()],
        )
        self._pending.clear()

    def claim_staged(self, stage: str) -> None:
        """Every row left in the stage claims its item (the caller dropped duplicates and refused rows)."""
        self.sync()
        self.conn.exec_driver_sql(f"INSERT INTO {CLAIMS} (item, line) SELECT item, line FROM {stage}")
        self._known.clear()  # asked-about lines may be stale now

    def claim_staged_if_first(self, stage: str, refusable: str) -> bool:
        """The common case in one statement: every staged row claims its item, if none of them names an item
        claimed before or by another staged row, and none is ``refusable`` (an SQL condition on the stage's
        row ``s``). Otherwise nothing is claimed and False is returned: the caller sorts the rows out."""
        self.sync()
        if self.conn.exec_driver_sql(f"SELECT 1 FROM {stage} s WHERE {refusable} LIMIT 1").first():
            return False
        claimed = self.conn.exec_driver_sql(
            f"INSERT INTO {CLAIMS} (item, line) SELECT item, line FROM {stage} WHERE true ON CONFLICT (item) DO NOTHING"
        ).rowcount
        if claimed != self.conn.exec_driver_sql(f"SELECT COUNT(*) FROM {stage}").scalar_one():
            # An item named twice, or claimed before: this chunk's claims are taken back (its lines are its own).
            self.conn.exec_driver_sql(f"DELETE FROM {CLAIMS} WHERE line IN (SELECT line FROM {stage})")
            return False
        self._known.clear()
        return True
