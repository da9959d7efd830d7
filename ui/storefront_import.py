"""The import wizard's orders-export pages (SPEC section 9): store, dry-run preview, import with progress.

The product import wizard recognises the storefront's orders export by its header and hands over to these
pages: the preview lists the new orders and the events each order gets (placed, paid, shipped, cancelled),
skipped lines, oversold orders, status changes and errors before anything is written; the import then runs the
same ``inventory.storefront.import_orders`` as the command line, in a worker thread, with a Cancel that rolls
the whole file back.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, Qt, QThread, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from desktop_app.errors import InventoryError
from ui.widgets import read_only_table
from ui.worker import Job, start

OPTIONS_ID, PREVIEW_ID, RUN_ID = 100, 101, 102
ERROR = "<span style='color:#b3261e'>{}</span>"
_RUNNING: set[tuple[QThread, Job]] = set()  # previews dropped while running: they finish (roll back) alone


def _fill(table: QTableWidget, rows: list[list], limit: int = 5000) -> None:
    table.setRowCount(min(len(rows), limit))
    for r, row in enumerate(rows[:limit]):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))
    table.resizeColumnsToContents()


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


class OrdersFlow:
    """Adds the orders pages to the import wizard and routes to them when the file is an orders export."""

    def __init__(self, wizard: QWizard) -> None:
        self.w = wizard
        self.active = False
        self.title = wizard.windowTitle()
        self.options = OrdersOptionsPage(wizard)
        self.preview = OrdersRunPage(wizard, self, dry_run=True)
        self.run_page = OrdersRunPage(wizard, self, dry_run=False)
        wizard.setPage(OPTIONS_ID, self.options)
        wizard.setPage(PREVIEW_ID, self.preview)
        wizard.setPage(RUN_ID, self.run_page)
        self.preview.setCommitPage(True)

    def recognise(self, path: str, detected: QLabel, ignored: QLabel) -> bool:
        """Whether ``path`` is an orders export (shown on the file page); the wizard then takes these pages."""
        info = self.w.state.inventory.storefront.recognise(path)
        self.active = info is not None
        if not self.active:
            self.w.setWindowTitle(self.title or "Product import")
            return False
        self.title = self.title or self.w.windowTitle()
        self.w.setWindowTitle("Storefront orders import")
        kind = f"{info.encoding} text, delimiter {'tab' if info.delimiter == chr(9) else repr(info.delimiter)}"
        detected.setText(
            f"<b>Detected:</b> Storefront orders export (one row per line item, {info.columns} columns) — {kind}<br>"
            "<b>Columns used:</b> Name, Financial Status, Fulfillment Status, Created at, Cancelled at, "
            "Lineitem quantity, Lineitem sku"
        )
        ignored.setText(
            "Orders become the store's order events: placed, paid, shipped and cancelled, each applied once."
        )
        return True

    def next_id(self, current: int, default: int) -> int:
        """The page after ``current``: the orders pages after the file page for an orders export."""
        if current == self.w.startId() and self.active:
            return OPTIONS_ID
        if current in (OPTIONS_ID, PREVIEW_ID):
            return current + 1
        if current == RUN_ID or default >= OPTIONS_ID:
            return -1
        return default

    def reject(self) -> bool:
        """Cancel/Escape: a running import is cancelled (the wizard stays to show the outcome); True then."""
        if self.run_page.running():
            self.run_page.cancel()
            return True
        self.preview.detach()
        return False


class OrdersOptionsPage(QWizardPage):
    def __init__(self, wizard: QWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Choose the store these orders belong to")
        self.setSubTitle("Orders already imported are matched by their name (#1001) within the store.")
        self.store = QComboBox()
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setObjectName("hint")
        self.skip_invalid = QCheckBox("Skip invalid orders (import the valid ones, list the rest)")
        label = QLabel("&Store")
        label.setBuddy(self.store)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.store, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.explain)
        layout.addSpacing(12)
        layout.addWidget(self.skip_invalid)
        layout.addStretch()
        self.store.currentTextChanged.connect(self._explain)

    def initializePage(self) -> None:
        state = self.w.state
        self.store.blockSignals(True)
        self.store.clear()
        self.store.addItems([s.name for s in state.stores])
        if state.current_store:
            self.store.setCurrentText(state.current_store)
        self.store.blockSignals(False)
        self._explain()

    def _explain(self) -> None:
        store = self.w.state.store(self.store.currentText())
        if store is None:
            self.explain.setText("Add a store first (Settings › Catalog › General): every order belongs to one.")
        elif not store.track_inventory:
            self.explain.setText(f"{store.name} does not track inventory: the orders are recorded; no stock moves.")
        else:
            moment = {"ordered": "placed", "paid": "paid", "shipped": "shipped"}[store.remove_when]
            self.explain.setText(
                f"{store.name} removes stock when an order is {moment} (read at each event). The storefront "
                "already accepted these orders: none is refused; an order that takes stock below 0 is "
                "reported as oversold."
            )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.w.state.store(self.store.currentText()) is not None


class OrdersRunPage(QWizardPage):
    """The orders import as a dry run (the preview) or for real, in a worker thread."""

    def __init__(self, wizard: QWizard, flow: OrdersFlow, *, dry_run: bool) -> None:
        super().__init__()
        self.w, self.flow, self.dry_run = wizard, flow, dry_run
        self.setTitle("Preview of the orders" if dry_run else "Import of the orders")
        self.setSubTitle(
            "What the import would do; nothing has been written yet."
            if dry_run
            else "The file is imported as one transaction: all of it, or (cancelled or refused) none of it."
        )
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.cancel_button = QPushButton("&Stop preview" if dry_run else "&Cancel import")
        self.cancel_button.clicked.connect(self.cancel)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.orders = read_only_table(["Order", "New", "Events to apply"])
        self.skipped = read_only_table(["Line", "Order", "Reason"])
        self.oversold = read_only_table(["Order", "Note"])
        self.statuses = read_only_table(["Item", "From", "To", "Rule"])
        self.errors = read_only_table(["Line", "Column", "Reason"])
        self.tabs = QTabWidget()
        for table, title in (
            (self.orders, "Orders"),
            (self.skipped, "Skipped lines"),
            (self.oversold, "Oversold"),
            (self.statuses, "Status changes"),
            (self.errors, "Errors"),
        ):
            table.setTabKeyNavigation(False)
            self.tabs.addTab(table, title)
        self.elapsed = QElapsedTimer()
        self.ticker = QTimer(self)
        self.ticker.setInterval(250)
        self.ticker.timeout.connect(self._tick)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.tabs, 1)
        self.job: Job | None = None
        self.thread: QThread | None = None
        self.result = None
        self.finished = False
        self.cancel_requested = False

    def initializePage(self) -> None:
        self.finished, self.result, self.cancel_requested = False, None, False
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setVisible(True)
        for table in (self.orders, self.skipped, self.oversold, self.statuses, self.errors):
            table.setRowCount(0)
        if not self.dry_run:
            self.w.setOption(QWizard.WizardOption.NoCancelButton, False)
        path = self.w.files.path.text().strip()
        store = self.flow.options.store.currentText()
        skip, dry_run = self.flow.options.skip_invalid.isChecked(), self.dry_run
        storefront = self.w.state.inventory.storefront

        def work(progress, cancelled):
            try:
                return storefront.import_orders(
                    path, store=store, dry_run=dry_run, skip_invalid=skip, progress=progress, cancelled=cancelled
                )
            except InventoryError as exc:
                if hasattr(exc, "summary"):  # refused for invalid orders: the preview lists them
                    return exc.summary
                raise

        self.job = Job(work)
        self.job.progress.connect(self._progress)
        self.job.succeeded.connect(self._show)
        self.job.failed.connect(self._failed)
        self.thread = start(self.job, self)
        self.elapsed.start()
        self.ticker.start()
        self._tick()
        self.completeChanged.emit()

    def _progress(self, fraction: float) -> None:
        if not self.cancel_requested:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(fraction * 1000))

    def _tick(self) -> None:
        if self.finished:
            self.ticker.stop()
            return
        seconds = self.elapsed.elapsed() // 1000
        if self.cancel_requested:
            self.summary_label.setText(f"Stopping; nothing will be changed… ({seconds} s)")
        else:
            what = "Reading and checking the orders" if self.dry_run else "Importing the orders"
            self.summary_label.setText(f"{what}… {seconds} s")

    def running(self) -> bool:
        return self.job is not None and not self.finished

    def cancel(self) -> None:
        if self.running() and not self.cancel_requested:
            self.job.cancel()
            self.cancel_requested = True
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText("Cancelling…")
            self.progress.setRange(0, 0)
            self._tick()

    def detach(self) -> None:
        """Stop a running preview and let its thread end on its own (a preview writes nothing)."""
        if self.running():
            self.cancel()
            self.ticker.stop()
            for signal, slot in ((self.job.succeeded, self._show), (self.job.failed, self._failed)):
                signal.disconnect(slot)
            entry = (self.thread, self.job)
            self.thread.setParent(None)
            _RUNNING.add(entry)
            self.thread.finished.connect(lambda: _RUNNING.discard(entry))
            self.job, self.finished = None, True

    def cleanupPage(self) -> None:
        self.detach()
        super().cleanupPage()

    def _end(self) -> None:
        self.finished = True
        self.ticker.stop()
        self.cancel_button.setVisible(False)
        if not self.dry_run:
            self.w.setOption(QWizard.WizardOption.NoCancelButton, True)

    def _failed(self, exc: InventoryError) -> None:
        self._end()
        self.progress.setVisible(False)
        self.summary_label.setText(ERROR.format(f"<b>{exc.message}</b>") + "<br>".join([""] + exc.details[:5]))
        self.completeChanged.emit()

    def _show(self, summary) -> None:
        self.result = summary
        self._end()
        self.progress.setRange(0, 1000)
        self.progress.setValue(1000)
        blocked = bool(summary.rejected) and not summary.written and not self.flow.options.skip_invalid.isChecked()
        new = sum(1 for e in summary.events if e["new"])
        head = "Would apply" if self.dry_run or blocked else "Applied"
        text = (
            f"<b>{summary.orders:,} orders</b> in {summary.line_items:,} line items, {new:,} new. {head}: "
            f"{summary.placed:,} placed, {summary.paid:,} paid, {summary.shipped:,} shipped, "
            f"{summary.cancelled:,} cancelled; {summary.unchanged:,} unchanged. "
            f"{_count(len(summary.skipped_lines), 'skipped line')}, {len(summary.oversold):,} oversold, "
            f"{_count(len(summary.status_changes), 'status change')} (for {summary.store})."
        )
        if summary.not_cancelled:
            text += f"<br>Cancelled on the storefront after shipping, left shipped: {', '.join(summary.not_cancelled)}."
        if blocked:
            text += "<br>" + ERROR.format(
                f"{_count(len(summary.invalid_orders), 'invalid order')}: fix them, or go back and choose to skip invalid "
                "orders. Nothing is written while any order is invalid."
            )
        elif not self.dry_run and summary.written:
            text = "Imported. " + text
        self.summary_label.setText(text)
        _fill(self.orders, [[e["order"], "new" if e["new"] else "", " → ".join(e["events"])] for e in summary.events])
        _fill(self.skipped, [[s["line"], s.get("order", ""), s["reason"]] for s in summary.skipped_lines])
        _fill(self.oversold, [[name, "took stock below 0"] for name in summary.oversold])
        _fill(self.statuses, [[c.item_number, c.from_status, c.to_status, c.rule] for c in summary.status_changes])
        _fill(self.errors, [[e.line, e.column, e.reason] for e in summary.rejected])
        counts = (len(summary.events), len(summary.skipped_lines), len(summary.oversold),
                  len(summary.status_changes), len(summary.rejected) + summary.more_rejected)
        for index, (title, count) in enumerate(
            zip(("Orders", "Skipped lines", "Oversold", "Status changes", "Errors"), counts, strict=True)
        ):
            self.tabs.setTabText(index, f"{title} ({count:,})")
        self.tabs.setCurrentIndex(4 if summary.rejected else 0)
        if not self.dry_run and summary.written:
            self.w.state.notify()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        if not self.finished or self.result is None:
            return False
        if self.dry_run:
            return not self.result.rejected or self.flow.options.skip_invalid.isChecked()
        return True
