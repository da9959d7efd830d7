"""The import wizard's preview and import pages: ``Inventory.import_file`` in a worker thread, with a progress
bar, a Cancel that answers at once, and the summary (errors, status changes) when it ends.

The window never waits for the worker: Cancel answers at once (the import stops and rolls back at its next
check), a cancelled preview closes straight away (a preview writes nothing; its thread finishes on its own),
and the bar is busy until the import reports how far it is.
"""

from __future__ import annotations

import atexit
import html
from itertools import islice

from PySide6.QtCore import QCoreApplication, QElapsedTimer, Qt, QThread, QTimer
from PySide6.QtWidgets import (
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
from desktop_app.service import ImportRefused, ImportSummary
from ui.widgets import read_only_table
from ui.worker import Job, start

# Previews cancelled by closing the wizard: their threads finish (and roll back) after the window is gone.
_DETACHED: set[tuple[QThread, Job]] = set()
_HOOKED = False


def _detach(thread: QThread, job: Job) -> None:
    """Let a cancelled job's thread outlive its page; it is dropped when it ends (or waited for at exit)."""
    global _HOOKED
    if not _HOOKED:
        _HOOKED = True
        atexit.register(wait_for_detached)  # before Qt's own clean-up, which would destroy a running thread
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(wait_for_detached)
    entry = (thread, job)
    thread.setParent(None)
    _DETACHED.add(entry)
    thread.finished.connect(lambda: _DETACHED.discard(entry))


def wait_for_detached(timeout_ms: int = 120_000) -> None:
    """Block until cancelled previews have rolled back (at exit, so no thread is destroyed while running)."""
    for thread, _job in list(_DETACHED):
        thread.wait(timeout_ms)
    _DETACHED.clear()


LISTED = 5000  # rows a result table lists


def _fill(table: QTableWidget, rows: list[list], limit: int = LISTED) -> None:
    table.setRowCount(min(len(rows), limit))
    for r, row in enumerate(rows[:limit]):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))
    table.resizeColumnsToContents()


class RunPage(QWizardPage):
    """Runs the import (as a dry run for the preview, or for real) in a worker thread."""

    def __init__(self, wizard, *, dry_run: bool) -> None:
        super().__init__()
        self.w = wizard
        self.dry_run = dry_run
        self.setTitle("Preview" if dry_run else "Import")
        self.setSubTitle(
            "What the import would do; nothing has been written yet."
            if dry_run
            else "The file is imported as one batch: all of it, or (cancelled or refused) none of it."
        )
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.cancel_button = QPushButton("&Stop preview" if dry_run else "&Cancel import")
        self.cancel_button.clicked.connect(self.cancel)
        self.elapsed = QElapsedTimer()
        self.ticker = QTimer(self)
        self.ticker.setInterval(250)
        self.ticker.timeout.connect(self._tick)
        self.fraction: float | None = None
        self.cancel_requested = False
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.errors = read_only_table(["Line", "Column", "Reason"])
        self.statuses = read_only_table(["Item", "From", "To", "Rule"])
        for table in (self.errors, self.statuses):
            table.setTabKeyNavigation(False)
        self.created_statuses = QLabel()
        self.created_statuses.setObjectName("hint")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.errors, "Errors")
        self.tabs.addTab(self.statuses, "Status changes")
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.tabs)
        layout.addWidget(self.created_statuses)
        self.job: Job | None = None
        self.result: ImportSummary | None = None
        self.finished = False

    def initializePage(self) -> None:
        self.finished = False
        self.result = None
        self.fraction = None
        self.cancel_requested = False
        self.progress.setRange(0, 0)  # busy (it moves) until the import reports how far it is
        self.progress.setVisible(True)
        self.summary_label.setText("Reading the file…" if self.dry_run else "Importing…")
        self.errors.setRowCount(0)
        self.statuses.setRowCount(0)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setVisible(True)
        self.cancel_button.setText("&Stop preview" if self.dry_run else "&Cancel import")
        if not self.dry_run:
            self.w.setOption(QWizard.WizardOption.NoCancelButton, False)
        options = self.w.options
        path, store = self.w.files.path.text().strip(), options.chosen_store()
        skip, update_only, dry_run, inventory = (
            options.skip_invalid.isChecked(),
            options.update_only.isChecked(),
            self.dry_run,
            self.w.state.inventory,
        )

        # The preview checks and stages the file once (``prepare_import``); Import applies that work, or (if the
        # catalog or the file changed in between) imports the file afresh and says why.
        if dry_run:
            self.w.close_prepared()
            self.w.prepared = prepared = inventory.prepare_import(
                path, store=store, skip_invalid=skip, update_only=update_only
            )
        else:
            prepared = self.w.prepared

        def work(progress, cancelled):
            try:
                if prepared is None:
                    return inventory.import_file(
                        path,
                        store=store,
                        dry_run=dry_run,
                        skip_invalid=skip,
                        update_only=update_only,
                        progress=progress,
                        cancelled=cancelled,
                    )
                run = prepared.preview if dry_run else prepared.apply
                return run(progress=progress, cancelled=cancelled)
            except ImportRefused as refused:
                return refused.summary

        self.job = Job(work)
        # Bound methods of this page (a GUI-thread object): the worker's signals arrive queued.
        self.job.progress.connect(self._progress)
        self.job.succeeded.connect(self._show)
        self.job.failed.connect(self._failed)
        self.thread = start(self.job, self)
        self.elapsed.start()
        self.ticker.start()
        self.completeChanged.emit()

    def _progress(self, fraction: float) -> None:
        if self.cancel_requested:
            return
        self.fraction = fraction
        self.progress.setRange(0, 1000)
        self.progress.setValue(int(fraction * 1000))
        self._tick()

    def _tick(self) -> None:
        """Seconds go by on screen while a long step runs, so the window never looks stuck."""
        if self.finished:
            self.ticker.stop()
            return
        seconds = self.elapsed.elapsed() // 1000
        if self.cancel_requested:
            what = "Stopping the preview" if self.dry_run else "Cancelling: the import stops and rolls back"
            self.summary_label.setText(f"{what} at its next check; nothing will be changed… ({seconds} s)")
            return
        done = f"{self.fraction:.0%} of the file · " if self.fraction is not None else ""
        what = "Reading and checking the file" if self.dry_run else "Importing"
        self.summary_label.setText(f"{what}… {done}{seconds} s")

    def running(self) -> bool:
        # Not ``job.running``: that turns on in the worker thread, a moment after the job was started.
        return self.job is not None and not self.finished

    def cancel(self) -> None:
        """Answers at once: the job is told to stop; the page says so and shows the outcome when it ends."""
        if self.running() and not self.cancel_requested:
            self.job.cancel()
            self.cancel_requested = True
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText("Cancelling…")
            self.progress.setRange(0, 0)
            self._tick()

    def detach(self) -> None:
        """Cancel, and let the worker finish without this page (a preview: nothing to wait for)."""
        if self.running():
            self.cancel()
            self.ticker.stop()
            self.job.progress.disconnect(self._progress)
            self.job.succeeded.disconnect(self._show)
            self.job.failed.disconnect(self._failed)
            _detach(self.thread, self.job)
            self.job = None
            self.finished = True

    def cleanupPage(self) -> None:  # Back from the preview (while it runs, or after): its staged work goes
        self.detach()
        if self.dry_run:
            self.w.close_prepared()
        super().cleanupPage()

    def _end(self) -> None:
        self.finished = True
        self.ticker.stop()
        self.cancel_button.setVisible(False)
        if not self.dry_run:
            # The import is over: Finish closes; there is nothing left to cancel.
            self.w.setOption(QWizard.WizardOption.NoCancelButton, True)

    def _failed(self, exc: InventoryError) -> None:
        self._end()
        # A cancelled or refused import changed nothing: no percentage beside that message.
        self.progress.setVisible(False)
        self.summary_label.setText(f"<span style='color:#b3261e'><b>{exc.message}</b></span>")
        self.completeChanged.emit()

    def _show(self, summary: ImportSummary) -> None:
        self.result = summary
        late = self.cancel_requested
        self._end()
        self.progress.setRange(0, 1000)
        self.progress.setValue(1000)
        blocked = (
            bool(summary.rejected) and not summary.written and not self.w.options.skip_invalid.isChecked()
        )
        verb = "Would create" if self.dry_run else ("Nothing was imported" if blocked else "Imported")
        text = (
            f"<b>{summary.rows} rows:</b> {summary.created} created, {summary.updated} updated, "
            f"{summary.unchanged} unchanged, {summary.error_count:,} with errors, "
            f"{len(summary.status_changes)} status changes."
        )
        if blocked:
            text += (
                "<br><span style='color:#b3261e'>The file has errors: fix them, or go back and choose to skip "
                "invalid rows. Nothing is written while any row is invalid.</span>"
            )
        elif not self.dry_run:
            text = f"{verb}: " + text + (f" Batch {summary.batch} in the history." if summary.batch else "")
            notice = self.w.prepared.notice if self.w.prepared is not None else None
            if notice:  # the preview's work was not reused: the person sees why the figures may differ
                text = f"<span style='color:#8a5300'><b>{html.escape(notice)}</b></span><br>" + text
            if late and summary.written:
                text = "<b>Cancel came too late: the import had already been written.</b> " + text
        self.summary_label.setText(text)
        _fill(self.errors, [[e.line, e.column, e.reason] for e in summary.rejected])
        # Only the rows the table lists are made (a million-row file may change a third of a million statuses).
        _fill(
            self.statuses,
            [[c.item_number, c.from_status, c.to_status, c.rule] for c in islice(summary.status_changes, LISTED)],
        )
        self.tabs.setTabText(0, f"Errors ({summary.error_count:,})")
        self.tabs.setTabText(1, f"Status changes ({len(summary.status_changes)})")
        self.tabs.setCurrentIndex(0 if summary.rejected else 1)
        self.created_statuses.setText(
            f"New statuses: {', '.join(summary.created_statuses)}" if summary.created_statuses else ""
        )
        if not self.dry_run and summary.written:
            self.w.state.refresh_statuses()
            self.w.state.notify()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        if not self.finished or self.result is None:
            return False
        if self.dry_run:
            return not self.result.rejected or self.w.options.skip_invalid.isChecked()
        return True
