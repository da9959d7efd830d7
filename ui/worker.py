"""Long operations (imports, exports) off the GUI thread, with progress and a Cancel that rolls back."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop_app.errors import InventoryError
from desktop_app.logs import log_file

log = logging.getLogger(__name__)


class Job(QObject):
    """Runs ``fn(progress, cancelled)`` in a worker thread; reports back through signals."""

    progress = Signal(float)
    succeeded = Signal(object)
    failed = Signal(object)  # an InventoryError, in the user's words
    done = Signal()

    def __init__(self, fn: Callable[[Callable[[float], None], Callable[[], bool]], object]) -> None:
        super().__init__()
        self._fn = fn
        self._cancel = threading.Event()
        self.running = False

    def cancel(self) -> None:
        self._cancel.set()

    @Slot()
    def run(self) -> None:
        self.running = True
        try:
            result = self._fn(self.progress.emit, self._cancel.is_set)
        except InventoryError as exc:
            self.failed.emit(exc)
        except Exception as exc:  # a fault: logged, shown as a message, the transaction rolled back
            log.exception("background job failed")
            self.failed.emit(
                InventoryError(
                    f"Unexpected error: {exc}; nothing was changed.", details=[f"details are in {log_file()}"]
                )
            )
        else:
            self.succeeded.emit(result)
        finally:
            self.running = False
            self.done.emit()


def start(job: Job, owner: QObject) -> QThread:
    """Start ``job`` on a new thread owned by ``owner``; the thread ends when the job is done."""
    thread = QThread(owner)
    job.moveToThread(thread)
    thread.started.connect(job.run)
    job.done.connect(thread.quit)
    thread.start()
    return thread
