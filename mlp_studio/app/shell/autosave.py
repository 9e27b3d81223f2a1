"""Autosave to a recovery file, and the offer to restore it after a crash.

While a document has unsaved changes it is written every minute (and when
``save_now`` is called, e.g. at the end of a training run) to
``<AppDataLocation>/recovery/recovery.mlp.json``, with a note of the file it
came from. A clean close removes the recovery file; finding one at start-up
means the last session did not close cleanly.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from mlp_studio.errors import MLPError
from mlp_studio.io.atomic import write_text_atomic
from mlp_studio.io.project_file import load_project, save_project

INTERVAL_MS = 60_000


def recovery_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "recovery"


def recovery_file() -> Path:
    return recovery_dir() / "recovery.mlp.json"


def _note_file() -> Path:
    return recovery_dir() / "recovery.note.json"


def pending_recovery() -> tuple[Path, str | None] | None:
    """The recovery file left by a session that did not close cleanly, and its original path."""
    path = recovery_file()
    if not path.exists():
        return None
    try:
        original = json.loads(_note_file().read_text(encoding="utf-8")).get("original")
    except (OSError, ValueError):
        original = None
    return path, original


def load_recovery():
    """The recovered project (raises MLPError if the recovery file is damaged)."""
    found = pending_recovery()
    if found is None:
        raise MLPError("there is no recovery file")
    return load_project(found[0])


def discard_recovery() -> None:
    for path in (recovery_file(), _note_file()):
        path.unlink(missing_ok=True)


class Autosaver(QObject):
    """Writes ``document`` to the recovery file on a timer while it has unsaved changes."""

    def __init__(self, document, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(document)
        self.document = document
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_if_modified)
        self.timer.start()
        self.last_error: str | None = None

    def save_if_modified(self) -> None:
        if self.document.is_modified:
            self.save_now()

    def save_now(self) -> None:
        """Write the recovery file now; a failure is remembered, never raised."""
        try:
            recovery_dir().mkdir(parents=True, exist_ok=True)
            save_project(self.document.project, recovery_file())
            original = str(self.document.path) if self.document.path else None
            write_text_atomic(_note_file(), json.dumps({"original": original}))
            self.last_error = None
        except (OSError, MLPError) as exc:
            self.last_error = str(exc)

    def close_cleanly(self) -> None:
        """Called when the window closes without losing work: no recovery needed."""
        self.timer.stop()
        discard_recovery()
