"""Uncaught exceptions in the GUI: log to a file, show a dialog, keep the window open.

Installed by ``run_app``. The dialog has a "Copy details" button; the log lives in
the user's data folder (QStandardPaths.AppDataLocation) as ``mlp-studio.log``, made
when the first line is logged.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QApplication, QMessageBox

from mlp_studio.errors import MLPError

_log = logging.getLogger("mlp_studio")


def log_path() -> Path:
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    return folder / "mlp-studio.log"


class _FileHandlerOnFirstRecord(logging.FileHandler):
    """A file handler that makes its folder and file only when the first record comes."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, encoding="utf-8", delay=True)

    def _open(self):
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()


def _configure_logging() -> Path:
    path = log_path()
    if not any(isinstance(h, logging.FileHandler) for h in _log.handlers):
        handler = _FileHandlerOnFirstRecord(path)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        _log.addHandler(handler)
        _log.setLevel(logging.INFO)
    return path


def show_error(parent, exc: BaseException, details: str = "") -> None:
    """A dialog for an error: the message, and (for bugs) a "Copy details" button."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if isinstance(exc, MLPError) else QMessageBox.Icon.Critical)
    box.setWindowTitle("MLP Studio")
    if isinstance(exc, MLPError):
        box.setText(str(exc))
    else:
        box.setText(f"Something went wrong: {exc.__class__.__name__}: {exc}\n\n"
                    "Your document is still open; save it under a new name to be safe. "
                    f"Details were written to {log_path()}.")
    if details:
        box.setDetailedText(details)
        copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()  # keep the box open after copying
        copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
    box.addButton(QMessageBox.StandardButton.Ok)
    box.exec()


def install_excepthook() -> None:
    """Route uncaught exceptions to the log and a dialog instead of ending the app."""
    _configure_logging()

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        details = "".join(traceback.format_exception(kind, exc, tb))
        _log.error("uncaught exception\n%s", details)
        if QApplication.instance() is not None:
            show_error(QApplication.activeWindow(), exc, details)

    sys.excepthook = hook
