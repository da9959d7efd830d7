"""``ConnectDialog``: File › Connect to server — a shared PostgreSQL database."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import URL

from desktop_app.errors import InventoryError
from desktop_app.logs import mask_secrets
from desktop_app.service import Inventory, explain

log = logging.getLogger(__name__)


class ConnectDialog(QDialog):
    """Host, port, database, user and password; the schema is created or upgraded on connect."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to a shared database")
        self.setObjectName("ConnectDialog")
        self.inventory: Inventory | None = None
        self.host = QLineEdit("localhost")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit("inventory")
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("Server", self.host)
        form.addRow("Port", self.port)
        form.addRow("Database", self.database)
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
        note = QLabel("PostgreSQL. What you may change depends on the role you connect as (owner or staff).")
        note.setObjectName("hint")
        note.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("error")
        self.problem.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton("&Connect", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.connect_now)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def url(self) -> str:
        return URL.create(
            "postgresql+psycopg",
            username=self.user.text().strip() or None,
            password=self.password.text() or None,
            host=self.host.text().strip() or None,
            port=self.port.value(),
            database=self.database.text().strip() or None,
        ).render_as_string(hide_password=False)

    def connect_now(self) -> None:
        try:
            self.inventory = Inventory(self.url())
        except InventoryError as exc:  # wrong password, no such database, newer schema…: one sentence
            self.problem.setText(mask_secrets(exc.message))
            return
        except Exception as exc:  # anything else: the server's own first line, never the password
            log.exception("cannot connect")
            problem = explain(exc, self.url())
            message = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            self.problem.setText(mask_secrets(problem.message if problem else f"Cannot connect: {message}"))
            return
        self.accept()
