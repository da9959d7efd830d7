"""Tools › Data Import › Product Import, as a wizard: file, store, dry-run preview, apply.

The preview and the import run in a worker thread with a progress bar; Cancel during the import rolls the
whole file back. Both go through the same ``import_file`` as the command line.

The window never waits for the worker: Cancel answers at once (the import stops and rolls back at its next
check), a cancelled preview closes straight away (a preview writes nothing; its thread finishes on its own),
and the bar is busy until the import reports how far it is.
"""

from __future__ import annotations

import atexit
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QElapsedTimer, Qt, QThread, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop_app.csvio.importer import ImportRefused, ImportSummary, import_file, inspect_file
from desktop_app.errors import InventoryError
from ui import look
from ui.state import AppState
from ui.storefront_import import OrdersFlow
from ui.widgets import fit_to_screen, read_only_table
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


FORMAT_NAMES = {
    "storefront": "Storefront product export (ItemID / ItemNumber columns)",
    "shopify": "Shopify product CSV (Handle / Variant SKU columns)",
}


def _fill(table: QTableWidget, rows: list[list], limit: int = 5000) -> None:
    table.setRowCount(min(len(rows), limit))
    for r, row in enumerate(rows[:limit]):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))
    table.resizeColumnsToContents()


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Choose a product file")
        self.setSubTitle(
            "A CSV exported by the storefront or by Shopify, or an .xlsx workbook with the same columns."
        )
        self.path = QLineEdit()
        self.path.setPlaceholderText("path to a .csv or .xlsx file")
        browse = QPushButton("Br&owse…")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.detected = QLabel()
        self.detected.setWordWrap(True)
        self.detected.setTextFormat(Qt.TextFormat.RichText)
        self.ignored = QLabel()
        self.ignored.setWordWrap(True)
        self.ignored.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.detected)
        layout.addWidget(self.ignored)
        layout.addStretch()
        self.path.textChanged.connect(self.inspect)
        self.layout_ok = False

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Product file", str(Path.home()), "Product files (*.csv *.xlsx *.txt);;All files (*)"
        )
        if path:
            self.path.setText(path)

    def inspect(self) -> None:
        self.layout_ok = False
        path = self.path.text().strip()
        if not path:
            self.detected.clear()
            self.ignored.clear()
        elif not Path(path).is_file():
            self.detected.setText(f"<span style='color:#b3261e'>There is no file {path}</span>")
            self.ignored.clear()
        elif self.w.orders_flow.recognise(path, self.detected, self.ignored):
            self.layout_ok = True  # the storefront's orders export: its own pages (ui/storefront_import.py)
        else:
            try:
                reader, layout = inspect_file(path)
                reader.close()
            except InventoryError as exc:
                self.detected.setText(f"<span style='color:#b3261e'>{exc.message}</span>")
                self.ignored.setText("\n".join(exc.details))
            else:
                self.layout_ok = True
                kind = (
                    "Excel workbook"
                    if reader.is_xlsx
                    else (
                        f"{reader.encoding} text, delimiter {'tab' if reader.delimiter == chr(9) else repr(reader.delimiter)}"
                    )
                )
                self.detected.setText(
                    f"<b>Detected:</b> {FORMAT_NAMES[layout.format]} — {kind}<br>"
                    f"<b>Columns used ({len(layout.used)}):</b> {', '.join(layout.used)}"
                )
                self.ignored.setText(
                    f"Ignored ({len(layout.ignored)}): {', '.join(layout.ignored)}"
                    if layout.ignored
                    else "No columns are ignored."
                )
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.layout_ok


class OptionsPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Choose a store")
        self.setSubTitle("As in the storefront: status changes are triggered only when a store is selected.")
        self.no_store = QRadioButton("No store — counts change; statuses stay as they are")
        self.for_store = QRadioButton("For a store — count changes run that store's status rules:")
        self.store = QComboBox()
        self.store.addItems([s.name for s in wizard.state.stores])
        if wizard.state.current_store:
            self.store.setCurrentText(wizard.state.current_store)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setObjectName("hint")
        self.no_store.setChecked(True)
        self.for_store.setEnabled(self.store.count() > 0)
        self.skip_invalid = QCheckBox("Skip invalid rows (import the valid ones, list the rest)")
        self.update_only = QCheckBox(
            "Update only (unknown items and statuses are errors, nothing is created)"
        )
        store_row = QHBoxLayout()
        store_row.addWidget(self.for_store)
        store_row.addWidget(self.store, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.no_store)
        layout.addLayout(store_row)
        layout.addWidget(self.explain)
        layout.addSpacing(12)
        layout.addWidget(self.skip_invalid)
        layout.addWidget(self.update_only)
        layout.addStretch()
        for widget in (self.no_store, self.for_store):
            widget.toggled.connect(self._explain)
        self.store.currentTextChanged.connect(self._explain)
        self._explain()

    def chosen_store(self) -> str | None:
        return self.store.currentText() if self.for_store.isChecked() and self.store.currentText() else None

    def _explain(self) -> None:
        store = self.w.state.store(self.chosen_store())
        if store is None:
            self.explain.setText(
                "NumberInStock changes the counts only; no item changes status by itself. "
                "A ProductStatus cell still sets the status it names."
            )
        elif not store.track_inventory:
            self.explain.setText(f"{store.name} does not track inventory, so its rules change no status.")
        else:
            self.explain.setText(
                f"A count reaching 0 sets {store.name}'s Out of Stock status ({store.default_out_of_stock}; "
                f"{store.default_back_order} if back orders are allowed, {store.default_discontinued} if "
                f"discontinued); a count rising above 0 sets {store.default_in_stock}. A different ProductStatus "
                "in the same row wins."
            )


class RunPage(QWizardPage):
    """Runs the import (as a dry run for the preview, or for real) in a worker thread."""

    def __init__(self, wizard: ImportWizard, *, dry_run: bool) -> None:
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
        skip, update_only, dry_run, db = (
            options.skip_invalid.isChecked(),
            options.update_only.isChecked(),
            self.dry_run,
            self.w.state.inventory.db,
        )

        def work(progress, cancelled):
            try:
                return import_file(
                    db,
                    path,
                    store=store,
                    dry_run=dry_run,
                    skip_invalid=skip,
                    update_only=update_only,
                    progress=progress,
                    cancelled=cancelled,
                )
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

    def cleanupPage(self) -> None:  # Back from the preview while it runs
        self.detach()
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
            if late and summary.written:
                text = "<b>Cancel came too late: the import had already been written.</b> " + text
        self.summary_label.setText(text)
        _fill(self.errors, [[e.line, e.column, e.reason] for e in summary.rejected])
        _fill(
            self.statuses,
            [[c.item_number, c.from_status, c.to_status, c.rule] for c in summary.status_changes],
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


class ImportWizard(QWizard):
    def __init__(self, state: AppState, parent: QWidget | None = None, path: str | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("Product import")
        self.setObjectName("ImportWizard")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setStyleSheet(look.STYLE_SHEET)
        self.files = FilePage(self)
        self.options = OptionsPage(self)
        self.preview = RunPage(self, dry_run=True)
        self.run_page = RunPage(self, dry_run=False)
        for page in (self.files, self.options, self.preview, self.run_page):
            self.addPage(page)
        self.orders_flow = OrdersFlow(self)
        self.setButtonText(QWizard.WizardButton.NextButton, "&Next ›")
        self.setButtonText(QWizard.WizardButton.BackButton, "‹ &Back")
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Import")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Finish")
        self.preview.setCommitPage(True)
        fit_to_screen(self, 860, 600)
        if path:
            self.files.path.setText(path)

    def nextId(self) -> int:
        return self.orders_flow.next_id(self.currentId(), super().nextId())

    def reject(self) -> None:
        """Cancel/Escape: a running preview is dropped at once; a running import is cancelled and the
        wizard stays open to show that nothing was changed (or that the import had already finished)."""
        if self.run_page.running():
            self.run_page.cancel()
            return
        if self.orders_flow.reject():
            return
        self.preview.detach()
        super().reject()
