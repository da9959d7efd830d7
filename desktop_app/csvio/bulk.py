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

from desktop_app.csvio import values as cv
from desktop_app.csvio.claims import CLAIMS
from desktop_app.csvio.formats import Layout, RowInput
from desktop_app.csvio.summary import STALE
from desktop_app.ledger import STAGED_CHANGED

STAGE = "import_stage"
SIMPLE_FIELDS = frozenset({"item_id", "item_number", "on_hand", "on_order", "status"})
_KEY_MAX = cv.ITEM_NUMBER_MAX
_ALL_COLUMNS = ["line", "sid", "num", "hand", "ord", "req", "pk", "ver"]

# The import's own columns, beside the ledger's (ledger.STAGE_COLUMNS): the row's keys and cells as given,
# what matching found (a variant product? its label), and for grid rows the row id and version loaded.
_OWN_COLUMNS = """sid INTEGER, num VARCHAR(200), hand INTEGER, ord INTEGER, uvi INTEGER, label VARCHAR(200),
    pk INTEGER, ver INTEGER, cur_ver INTEGER"""
_FILL = f"""item = i.id, cur_ver = i.version, parent = i.parent_id, old_hand = i.on_hand, old_ord = i.on_order,
    old_status = i.status_id, new_hand = COALESCE({STAGE}.hand, i.on_hand), new_ord = COALESCE({STAGE}.ord, i.on_order),
    uvi = CASE WHEN i.use_variant_inventory THEN 1 ELSE 0 END, disc = CASE WHEN i.discontinued THEN 1 ELSE 0 END,
    noninv = CASE WHEN i.non_inventory THEN 1 ELSE 0 END,
    label = COALESCE(i.item_number, '#' || CAST(i.item_id AS VARCHAR(20)), i.name),
    back = (SELECT CASE WHEN st.back_order THEN 1 ELSE 0 END FROM statuses st WHERE st.id = i.status_id)"""


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
        columns = layout.columns
        i_sid, i_num, i_hand, i_ord, i_status = (
            columns.get(f) for f in ("item_id", "item_number", "on_hand", "on_order", "status")
        )
        status_ids = self.job.status_ids
        summary = self.job.summary
        tuples, general = [], []
        # Only the file's own columns go into the stage (fewer values to bind, no keys matched that no row has).
        present = [i is not None for i in (True, i_sid, i_num, i_hand, i_ord, i_status)]
        names = [n for n, keep in zip(_ALL_COLUMNS, present, strict=False) if keep]
        pick = itemgetter(*(i for i, keep in enumerate(present) if keep))  # always 2 or more: a tuple
        for line, cells in chunk.rows:
            width = len(cells)
            sid = num = hand = ord_ = req = None
            simple = True
            # Anything the cell checks would refuse (values.py) goes to the row-by-row path, which says why.
            if i_sid is not None and i_sid < width and (text := cells[i_sid].strip()):
                sid = cv.int_or_none(text)
                simple = sid is not None and sid > 0
            if simple and i_num is not None and i_num < width and (text := cells[i_num].strip()):
                num = text[1:] if text.startswith("'") else text
                num = num or None
                # (printable: no control character; the regular expression only for the rest)
                simple = num is None or (len(num) <= _KEY_MAX and num.isprintable()) or cv.is_plain_key(num)
            if simple and i_hand is not None and i_hand < width and (text := cells[i_hand].strip()):
                # Up to nine ASCII digits is always a count (the common case, without a regular expression).
                hand = int(text) if len(text) < 10 and text.isascii() and text.isdigit() else cv.count_or_none(text)
                simple = hand is not None
            if simple and i_ord is not None and i_ord < width and (text := cells[i_ord].strip()):
                ord_ = cv.count_or_none(text)
                simple = ord_ is not None and ord_ >= 0
            if simple and i_status is not None and i_status < width and (text := cells[i_status].strip()):
                req = status_ids.get((text[1:] if text.startswith("'") else text).lower())
                simple = req is not None
            if simple and (sid is not None or num is not None):
                tuples.append(pick((line, sid, num, hand, ord_, req)))
                self.staged[line] = cells
            else:
                general.append(row_input(layout, line, cells))
        summary.rows += len(tuples)
        returned = self._insert(tuples, names)
        summary.rows -= len(returned)
        return sorted(general + returned, key=lambda r: r.line)

    def _insert(self, tuples: list[tuple], names: list[str]) -> list[RowInput]:
        if not tuples:
            return []
        if self.conn.dialect.driver == "psycopg":
            # COPY: one stream instead of a statement per row (a 20,000-row chunk took 3 s as INSERTs).
            cursor = self.conn.connection.dbapi_connection.cursor()
            try:
                with cursor.copy(f"COPY {STAGE} ({', '.join(names)}) FROM STDIN") as copy:
                    for values in tuples:
                        copy.write_row(values)
            finally:
                cursor.close()
        else:
            mark = "?" if self.qmark else "%s"
            self.conn.exec_driver_sql(
                f"INSERT INTO {STAGE} ({', '.join(names)}) VALUES ({', '.join([mark] * len(names))})", tuples
            )
        if self.conn.dialect.name != "sqlite":
            # A temporary table has no statistics until analysed: without them the server's planner joins the
            # stage to every item by a full scan of the catalog, per chunk.
            self._sql(f"ANALYZE {STAGE}")
        # Find each row's item: by ItemID where given (and then its item number must be the row's), else by
        # item number; anything else (a new item, a rename, an ItemID to take) is for the row-by-row path.
        # Finding it reads (on a server: after locking) everything the rules need, in the same statement.
        # (The grid names its rows by row id, with the version it loaded.) A kind of key no row gives is skipped.
        by_pk = f"{STAGE}.pk IS NOT NULL AND i.id = {STAGE}.pk"
        by_id = (
            f"{STAGE}.pk IS NULL AND {STAGE}.sid IS NOT NULL AND i.item_id = {STAGE}.sid "
            f"AND ({STAGE}.num IS NULL OR i.item_number = {STAGE}.num)"
        )
        by_number = f"{STAGE}.pk IS NULL AND {STAGE}.sid IS NULL AND i.item_number = {STAGE}.num"
        keys = set(names)
        for match, key in ((by_pk, "pk"), (by_id, "sid"), (by_number, "num")):
            if key not in keys:
                continue
            if self.conn.dialect.name != "sqlite" and self.lock_items:
                self._sql(f"SELECT i.id FROM items i JOIN {STAGE} ON {match} ORDER BY i.id FOR UPDATE OF i")
            self._sql(f"UPDATE {STAGE} SET {_FILL} FROM items i WHERE {match}")
        lines = [line for (line,) in self._sql(f"SELECT line FROM {STAGE} WHERE item IS NULL ORDER BY line")]
        self._sql(f"DELETE FROM {STAGE} WHERE item IS NULL")
        returned = [self._row(line) for line in lines]
        for line in lines:
            del self.staged[line]
        self._refuse_stale()  # a refused row claims no item (as in the row-by-row path)
        self._mark_seen()
        return returned

    def _mark_seen(self) -> None:
        """In file order, as the row-by-row path: a row for an item an earlier row claimed is a duplicate;
        otherwise a row setting a variant product's counts is refused (and claims nothing); otherwise the
        row claims its item.

        A duplicate's error is written after the chunk's row-by-row rows ran, since one of those, earlier in
        the file, may take the claim over (``give_up``): the message then names the line that really came first.
        """
        job = self.job
        rejected_lines = []
        job.seen.sync()
        # Only the rows that are not plainly first for their item come back: an item claimed before (an
        # earlier chunk, or a row-by-row row), named twice in this chunk, or a variant product's count set.
        refusable = (
            "(s.uvi = 1 AND ((s.hand IS NOT NULL AND s.hand <> s.old_hand) "
            "OR (s.ord IS NOT NULL AND s.ord <> s.old_ord)))"
        )
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
        # On a server, emptied with TRUNCATE: DELETE leaves dead rows that every later chunk's scans wade through.
        self._sql(f"DELETE FROM {STAGE}" if self.conn.dialect.name == "sqlite" else f"TRUNCATE {STAGE}")
        self.staged.clear()

    def _drop(self, lines: list[int]) -> None:
        for start in range(0, len(lines), 900):
            part = lines[start : start + 900]
            self._sql(f"DELETE FROM {STAGE} WHERE line IN ({', '.join(str(int(n)) for n in part)})")
            for line in part:
                self.staged.pop(line, None)

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
            f"""SELECT label, old_hand, new_hand, old_ord, new_ord, old_status, new_status FROM {STAGE}
                WHERE {STAGED_CHANGED} ORDER BY line"""
        ):
            for name, old, new in (("on_hand", old_hand, new_hand), ("on_order", old_ord, new_ord)):
                if old != new:
                    changes.append({"item": label, "field": name, "from": old, "to": new})
            if old_status != new_status:
                changes.append(
                    {"item": label, "field": "status", "from": names[old_status], "to": names[new_status]}
                )
