"""The stock count window's dialogs: the post preview, and choosing among the units a code names."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.count_models import CountPost
from desktop_app.counts import Candidate
from ui.widgets import fit_within_screen, read_only_table


class PostPreviewDialog(QDialog):
    """Every change a post would make (a dry run, rolled back), status changes included; Post writes it."""

    def __init__(self, title: str, preview: CountPost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("count_post_preview")
        self.setWindowTitle(f"Post {title}")
        layout = QVBoxLayout(self)
        statuses = sum(1 for c in preview.changes if c[3] != c[4])
        summary = QLabel(
            f"Posting changes the on-hand count of {preview.changed:,} unit{'s' if preview.changed != 1 else ''}"
            f" ({statuses:,} status change{'s' if statuses != 1 else ''}) as one batch, which History by batch "
            "can revert. Lines with no difference change nothing."
            if preview.changed
            else "No line differs from what was expected: posting only closes the count."
        )
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.table = read_only_table(
            ["Item", "On hand", "After", "Status", "Status after"], len(preview.changes)
        )
        self.table.setObjectName("preview_table")
        # Status changes first (what a person most wants to see), then by item.
        ordered = sorted(preview.changes, key=lambda c: (c[3] == c[4], c[0].lower()))
        for row, (label, before, after, status, new_status) in enumerate(ordered):
            for column, value in enumerate(
                (label, f"{before:,}", f"{after:,}", status, new_status if new_status != status else "")
            ):
                cell = QTableWidgetItem(value)
                if column in (1, 2):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, cell)
        layout.addWidget(self.table)
        if preview.skipped:
            skipped = QLabel("Not posted (changed since counted):\n" + "\n".join(preview.skipped[:20]))
            skipped.setObjectName("error")
            layout.addWidget(skipped)
        buttons = QDialogButtonBox()
        self.post_button = buttons.addButton("&Post", QDialogButtonBox.ButtonRole.AcceptRole)
        back = buttons.addButton("&Back to the count", QDialogButtonBox.ButtonRole.RejectRole)
        self.post_button.setAutoDefault(False)
        back.setDefault(True)  # Enter does not write stock by accident
        back.setFocus()
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_within_screen(self, 760, 520)


def choose_candidate(parent: QWidget, code: str, candidates: list[Candidate]) -> Candidate | None:
    """Ask which of several units a code meant; None if the person cancels."""
    labels = [c.description for c in candidates]
    chosen, ok = QInputDialog.getItem(
        parent,
        "Which item?",
        f"'{code}' names {len(candidates)} items. Which one did you count?",
        labels,
        0,
        False,
    )
    if not ok:
        return None
    return candidates[labels.index(chosen)]
