"""Tools › Data Import › Product Import, as a wizard: file, store, dry-run preview, apply.

The preview and the import run in a worker thread with a progress bar; Cancel during the import rolls the
whole file back. The preview checks and stages the file once (``Inventory.prepare_import``); Import applies
that work, or imports the file afresh when the catalog or the file changed in between, and says so. The pages live in
``ui.import_pages`` (file, store) and ``ui.import_run`` (preview, import).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget, QWizard

from ui import look
from ui.import_pages import FilePage, OptionsPage
from ui.import_run import _DETACHED, RunPage, wait_for_detached  # noqa: F401  (tests and the app use them here)
from ui.state import AppState
from ui.storefront_import import OrdersFlow
from ui.widgets import fit_to_screen


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
        # The pages in order. Another transfer (the storefront orders export) hooks in here: build its page
        # in its own module and add it to this list (QWizard.nextId can branch to it from the first page).
        self.pages = [self.files, self.options, self.preview, self.run_page]
        for page in self.pages:
            self.addPage(page)
        self.orders_flow = OrdersFlow(self)  # the storefront's orders export: its own pages
        self.setButtonText(QWizard.WizardButton.NextButton, "&Next ›")
        self.setButtonText(QWizard.WizardButton.BackButton, "‹ &Back")
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Import")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Finish")
        self.preview.setCommitPage(True)
        self.prepared = None  # the previewed import (Inventory.prepare_import): its staged work, until closed
        fit_to_screen(self, 860, 600)
        if path:
            self.files.path.setText(path)

    def close_prepared(self) -> None:
        """Drop the preview's staged work (Back, a new preview, the wizard closing); a preview still running
        drops it when it ends."""
        if self.prepared is not None:
            self.prepared.close()
            self.prepared = None

    def done(self, result: int) -> None:
        self.close_prepared()
        super().done(result)

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
