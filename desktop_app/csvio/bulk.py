"""The import's set-based path: rows that only change counts or the status of existing stock units.

Most rows of a stock file name an existing unit and give its new count. Those rows are written into a
temporary table, and each step of the row-by-row path becomes one SQL statement over all of them: finding
the items and locking them here; then the ledger's set-wise entry point (``Ledger.apply_staged``) decides the
statuses by the rules of SPEC section 2 (their SQL form) and writes the counts, the parents' sums, and the
movement and status history.
Rows that turn out not to be simple (an unknown item, a rename, an ItemID to take) go back to the
row-by-row path. Tests check that both paths leave identical data and history.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter

from sqlalchemy import Connection, text

from desktop_app import bulk_sql
from desktop_app.csvio import columns
from desktop_app.csvio.claims import CLAIMS
from desktop_app.csvio.formats import Layout, RowInput
from desktop_app.csvio.summary import STALE
from desktop_app.ledger import STAGED_CHANGED

STAGE = "import_stage"
SIMPLE_FIELDS = frozenset({"item_id", "item_number", "on_hand", "on_order", "status"})
_ALL_COLUMNS = ["line", "sid", "num", "hand", "ord", "req", "pk", "ver"]

# The import's own columns, beside the ledger's (ledger.STAGE_COLUMNS): the row's keys and cells as given,
# what matching found (a variant product?), and for grid rows the row id and version loaded.
_OWN_COLUMNS = """sid INTEGER, num VARCHAR(200), hand INTEGER, ord INTEGER, uvi INTEGER,
    pk INTEGER, ver INTEGER, cur_ver INTEGER"""
# The rows as the file gives them, before their items are found (one statement fills the stage from them).
RAW = "import_raw"
_RAW_COLUMNS = """line INTEGER PRIMARY KEY, sid INTEGER, num VARCHAR(200), hand INTEGER, ord INTEGER, req INTEGER,
    pk INTEGER, ver INTEGER"""
# Each raw row with what the rules need from its item, read in the statement that finds the item.
_FOUND = """r.line, r.sid, r.num, r.hand, r.ord, r.req, r.pk, r.ver, i.id, i.version, i.parent_id, i.on_hand,
    i.on_order, i.status_id, COALESCE(r.hand, i.on_hand), COALESCE(r.ord, i.on_order),
    CASE WHEN i.use_variant_inventory THEN 1 ELSE 0 END, CASE WHEN i.discontinued THEN 1 ELSE 0 END,
    CASE WHEN i.non_inventory THEN 1 ELSE 0 END, CASE WHEN st.id IS NULL THEN NULL WHEN st.back_order THEN 1 ELSE 0 END"""
_FOUND_INTO = """line, sid, num, hand, ord, req, pk, ver, item, cur_ver, parent, old_hand, old_ord, old_status, new_hand,
    new_ord, uvi, disc, noninv, back"""
# Find each row's item: by ItemID where given (and then its item number must be the row's), else by item
# number; anything else (a new item, a rename, an ItemID to take) is for the row-by-row path. (The grid names
# its rows by row id, with the version it loaded.) The three are exclusive, and each finds one item at most.
_MATCHES = (
    ("pk", "r.pk IS NOT NULL AND i.id = r.pk"),
    ("sid", "r.pk IS NULL AND r.sid IS NOT NULL AND i.item_id = r.sid AND (r.num IS NULL OR i.item_number = r.num)"),
    ("num", "r.pk IS NULL AND r.sid IS NULL AND i.item_number = r.num"),
)


@dataclass
class RawChunk:
    """Rows of a file whose columns are all simple, still as the reader gave them: (line, cells)."""

    layout: Layout
    rows: list[tuple[int, list[str]]]


def row_input(layout: Layout, line: int, cells: list[str]) -> RowInput:
    width = len(cells)
    return RowInput(
        line, {name: (cells[i] if i < width else "", layout.headers[i]) for name, i in layout.columns.items()}
    )


def is_structurally_simple(row: RowInput) -> bool:
    """Could this row be set-based? (Whether its item exists is found out in SQL.)"""
    if row.error or row.implied:
        return False
    return all(name in SIMPLE_FIELDS or not text.strip() for name, (text, _) in row.cells.items())


class BulkStage:
    """Set-based application of simple rows inside one import's transaction."""

    lock_items = True  # on a server, lock the items found (a preview that writes nothing does not)

    def __init__(self, job) -> None:
        """``job``: the ``ImportJob`` (csvio/job.py) whose transaction, ledger and summary these rows share."""
        self.job = job
        self.conn: Connection = job.conn
        self.qmark = self.conn.dialect.paramstyle == "qmark"
        job.ledger.create_stage(STAGE, _OWN_COLUMNS)
        self.server = self.conn.dialect.name != "sqlite"
        self.conn.exec_driver_sql(f"CREATE TEMPORARY TABLE IF NOT EXISTS {RAW} ({_RAW_COLUMNS})")
        self._empty(RAW)
        self.staged: dict[int, RowInput | list[str]] = {}
        self.layout: Layout | None = None
        self.deferred: list[tuple[RowInput, int]] = []  # duplicates, reported once the chunk's claims settle
        self.refused: list[tuple[int, int, object]] = []  # (line, item, error) likewise
        self._rows_refused: dict[int, RowInput] = {}

    def _row(self, line: int) -> RowInput:
        row = self.staged[line]
        return row if isinstance(row, RowInput) else row_input(self.layout, line, row)

    def _sql(self, statement: str, params: dict | None = None):
        return self.conn.execute(text(statement), params or {})

    # -- staging ---------------------------------------------------------------------------------------------
    def stage(self, rows: list[tuple[RowInput, dict]]) -> list[RowInput]:
        """Stage parsed simple rows; returns those that are not simple after all (for the row-by-row path)."""
        tuples = []
        for row, values in rows:
            tuples.append(
                (
                    row.line,
                    values.get("item_id"),
                    values.get("item_number"),
                    values.get("on_hand"),
                    values.get("on_order"),
                    values.get("status_id"),
                    row.pk,
                    row.version,
                )
            )
            self.staged[row.line] = row
        return self._insert(tuples, _ALL_COLUMNS)

    def stage_raw(self, chunk: RawChunk) -> list[RowInput]:
        """Stage a stock file's rows straight from their cells; any row that is not plainly valid and simple
        goes to the row-by-row path (which reports its errors exactly as for any other file)."""
        self.layout = layout = chunk.layout
        fields = ("item_id", "item_number", "on_hand", "on_order", "status")
        indexes = [layout.columns.get(f) for f in fields]
        if not chunk.rows:
            return []
        lines = list(map(itemgetter(0), chunk.rows))
        cells = list(map(itemgetter(1), chunk.rows))
        width = min(map(len, cells))
        # Each column of the file checked and converted whole (columns.py); the rows any check refused go
        # to the row-by-row path, which says why.
        status_ids = self.job.status_ids
        parse = {
            "item_id": columns.item_ids,
            "item_number": columns.item_numbers,
            "on_hand": lambda texts: columns.counts(texts, negative=True),
            "on_order": lambda texts: columns.counts(texts, negative=False),
            "status": lambda texts: columns.statuses(texts, status_ids),
        }
        # Only the file's own columns go into the stage (fewer values to bind, no keys matched that no row has).
        names, values, bad = ["line"], [lines], set()
        keys = []
        for name, field, index in zip(_ALL_COLUMNS[1:], fields, indexes, strict=False):
            if index is None:
                continue
            found, refused = parse[field](columns.column_texts(cells, index, width))
            names.append(name)
            values.append(found)
            bad |= refused
            if field in ("item_id", "item_number"):
                keys.append(found)
        if all(None in key for key in keys):  # rows naming no item at all (an empty key cell)
            bad |= {i for i, row_keys in enumerate(zip(*keys, strict=True)) if row_keys.count(None) == len(keys)}
        tuples = list(zip(*values, strict=True))
        general = []
        if bad:
            general = [row_input(layout, lines[i], cells[i]) for i in sorted(bad)]
            kept = [i for i in range(len(lines)) if i not in bad]
            tuples = [tuples[i] for i in kept]
            self.staged.update((lines[i], cells[i]) for i in kept)
        else:
            self.staged.update(zip(lines, cells, strict=True))
        summary = self.job.summary
        summary.rows += len(tuples)
        returned = self._insert(tuples, names)
        summary.rows -= len(returned)
        if not general:
            return returned
        return sorted(general + returned, key=lambda r: r.line)

    def _insert(self, tuples: list[tuple], names: list[str]) -> list[RowInput]:
        if not tuples:
            return []
        if self.conn.dialect.driver == "psycopg":
            # COPY: one stream instead of a statement per row (a 20,000-row chunk took 3 s as INSERTs).
            cursor = self.conn.connection.dbapi_connection.cursor()
            try:
                with cursor.copy(f"COPY {RAW} ({', '.join(names)}) FROM STDIN") as copy:
                    for values in tuples:
                        copy.write_row(values)
            finally:
                cursor.close()
        else:
            mark = "?" if self.qmark else "%s"
            self.conn.exec_driver_sql(
                f"INSERT INTO {RAW} ({', '.join(names)}) VALUES ({', '.join([mark] * len(names))})", tuples
            )
        if self.server:
            # A temporary table has no statistics until analysed: without them the server's planner joins the
            # stage to every item by a full scan of the catalog, per chunk.
            bulk_sql.analyse(self.conn, RAW)
        # Each row is written into the stage once, with everything the rules need from its item, read (on a
        # server: after locking it) in the statement that finds it. A kind of key no row gives is skipped.
        found = 0
        for key, match in _MATCHES:
            if key not in names:
                continue
            if self.server and self.lock_items:
                self._sql(f"SELECT i.id FROM items i JOIN {RAW} r ON {match} ORDER BY i.id FOR UPDATE OF i")
            found += self.conn.exec_driver_sql(
                f"""INSERT INTO {STAGE} ({_FOUND_INTO}) SELECT {_FOUND} FROM {RAW} r JOIN items i ON {match}
                LEFT JOIN statuses st ON st.id = i.status_id ORDER BY r.line"""
            ).rowcount
        # Each row finds one item at most: when every row found one (a stock file, as a rule), none is left.
        lines = [] if found == len(tuples) else [
            line
            for (line,) in self.conn.exec_driver_sql(
                f"""SELECT r.line FROM {RAW} r WHERE NOT EXISTS (SELECT 1 FROM {STAGE} s WHERE s.line = r.line)
                ORDER BY r.line"""
            )
        ]
        self._empty(RAW)
        if self.server:
            bulk_sql.analyse(self.conn, STAGE)
        returned = [self._row(line) for line in lines]
        for line in lines:
            del self.staged[line]
        self._after_found()
        if "ver" in names:
            self._refuse_stale()  # a refused row claims no item (as in the row-by-row path)
        self._mark_seen()
        return returned

    def _empty(self, table: str) -> None:
        # On a server, emptied with TRUNCATE: DELETE leaves dead rows that every later chunk's scans wade through.
        self.conn.exec_driver_sql(f"TRUNCATE {table}" if self.server else f"DELETE FROM {table}")

    def _mark_seen(self) -> None:
        """In file order, as the row-by-row path: a row for an item an earlier row claimed is a duplicate;
        otherwise a row setting a variant product's counts is refused (and claims nothing); otherwise the
        row claims its item.

        A duplicate's error is written after the chunk's row-by-row rows ran, since one of those, earlier in
        the file, may take the claim over (``give_up``): the message then names the line that really came first.
        """
        job = self.job
        rejected_lines = []
        refusable = (
            "(s.uvi = 1 AND ((s.hand IS NOT NULL AND s.hand <> s.old_hand) "
            "OR (s.ord IS NOT NULL AND s.ord <> s.old_ord)))"
        )
        if job.seen.claim_staged_if_first(STAGE, refusable):
            return  # every row is first for its item, and none is refused (a stock file, as a rule)
        # Only the rows that are not plainly first for their item come back: an item claimed before (an
        # earlier chunk, or a row-by-row row), named twice in this chunk, or a variant product's count set.
        rows = self.conn.exec_driver_sql(
            f"""SELECT s.line, s.item, {refusable}, s.hand, s.ord, s.old_hand, s.old_ord, c.line
                FROM {STAGE} s LEFT JOIN {CLAIMS} c ON c.item = s.item
                WHERE c.item IS NOT NULL OR {refusable}
                   OR s.item IN (SELECT item FROM {STAGE} GROUP BY item HAVING COUNT(*) > 1)
                ORDER BY s.line"""
        ).fetchall()
        firsts: dict[int, int] = {}
        for line, item, refused, hand, ord_, old_hand, old_ord, claimed in rows:
            first = firsts.get(item) or claimed
            if first and first != line:
                self.deferred.append((self._row(line), item))
                rejected_lines.append(line)
            elif refused and (error := self._variant_sum_error(line, hand, ord_, old_hand, old_ord)):
                # Refused, claiming nothing; reported once the chunk settles, since an earlier row-by-row row
                # for the same item makes this row a duplicate instead.
                self.refused.append((line, item, error))
                self._rows_refused[line] = self._row(line)
                rejected_lines.append(line)
            else:
                firsts[item] = line
        self._drop(rejected_lines)
        job.seen.claim_staged(STAGE)

    def _duplicate(self, line: int, other: int, row: RowInput | None = None) -> None:
        row = row or self._row(line)
        column = row.column("item_id") if row.text("item_id") else row.column("item_number")
        key = row.text("item_id") or row.text("item_number")
        self.job.summary.rejected.append(self.job.error(line, column, f"'{key}' is also on line {other}"))

    def owns(self, line: int) -> bool:
        return line in self.staged

    def give_up(self, line: int, earlier: int) -> None:
        """A row-by-row row earlier in the file names the same item: this staged row is the duplicate."""
        self._duplicate(line, earlier)
        self._drop([line])

    # -- applying --------------------------------------------------------------------------------------------
    def apply(self) -> None:
        """Check, decide and write everything staged; update the import's summary."""
        job = self.job
        summary = job.summary
        for row, item in self.deferred:
            self._duplicate(row.line, job.seen.get(item), row)
        self.deferred.clear()
        for line, item, error in self.refused:
            first = job.seen.get(item)
            if first and first < line:
                self._duplicate(line, first, self._rows_refused.pop(line))
            else:
                self._rows_refused.pop(line, None)
                summary.rejected.append(error)
        self.refused.clear()
        if not self.staged:
            return
        changed = job.ledger.apply_staged(STAGE)
        total = self._sql(f"SELECT COUNT(*) FROM {STAGE}").scalar_one()
        summary.updated += changed
        summary.unchanged += total - changed
        if changed and summary.changes is not None:
            self._note_changes()
        self._empty(STAGE)
        self.staged.clear()

    def _drop(self, lines: list[int]) -> None:
        for start in range(0, len(lines), 900):
            part = lines[start : start + 900]
            self._sql(f"DELETE FROM {STAGE} WHERE line IN ({', '.join(str(int(n)) for n in part)})")
            for line in part:
                self.staged.pop(line, None)

    def _after_found(self) -> None:
        """Every chunk's rows are found and staged (a prepared import adjusts what earlier chunks change)."""

    def _refuse_stale(self) -> None:
        """A grid row whose item changed after the grid loaded it is a conflict, never an overwrite."""
        stale = [
            line
            for (line,) in self._sql(
                f"SELECT line FROM {STAGE} WHERE ver IS NOT NULL AND ver <> cur_ver ORDER BY line"
            )
        ]
        for line in stale:
            self.job.summary.rejected.append(self.job.error(line, "Item", STALE))
        self._drop(stale)

    def _variant_sum_error(self, line: int, hand, ord_, old_hand, old_ord):
        """A product using variant inventory: its counts are sums, not values a row may set."""
        row = self._row(line)
        for name, label, value, old in (
            ("on_hand", "on-hand", hand, old_hand),
            ("on_order", "on-order", ord_, old_ord),
        ):
            if value is not None and value != old:
                return self.job.error(
                    line,
                    row.column(name),
                    f"this product uses variant inventory: its {label} count is the sum of its "
                    f"variants' ({old}); change the variants' rows instead",
                )
        return None

    def _note_changes(self) -> None:
        names = {sid: s.name for sid, s in self.job.ledger.statuses.items()}
        changes = self.job.summary.changes
        for label, old_hand, new_hand, old_ord, new_ord, old_status, new_status in self._sql(
            f"""SELECT COALESCE(i.item_number, '#' || CAST(i.item_id AS VARCHAR(20)), i.name), s.old_hand, s.new_hand,
                s.old_ord, s.new_ord, s.old_status, s.new_status FROM {STAGE} s JOIN items i ON i.id = s.item
                WHERE {STAGED_CHANGED} ORDER BY s.line"""
        ):
            for name, old, new in (("on_hand", old_hand, new_hand), ("on_order", old_ord, new_ord)):
                if old != new:
                    changes.append({"item": label, "field": name, "from": old, "to": new})
            if old_status != new_status:
                changes.append(
                    {"item": label, "field": "status", "from": names[old_status], "to": names[new_status]}
                )
