"""Autosave to a recovery file of this instance, and the offer to restore one left by a crash.

While a document has unsaved changes it is written every minute (and when
``save_now`` is called, e.g. at the end of a training run) to
``<AppDataLocation>/recovery/session-<pid>-<id>.mlp.json``, with a note of the
file it came from. Each running instance holds a lock (``QLockFile``, which
records its PID) on its own files, so several instances never share or delete
each other's. A clean close removes this instance's files; a file whose lock
nobody holds (its instance crashed or was killed) is what is offered at
start-up, and only its files are ever deleted by another instance.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer

from mlp_studio.errors import MLPError
from mlp_studio.io.atomic import write_text_atomic
from mlp_studio.io.project_file import load_project, save_project

INTERVAL_MS = 60_000
PROJECT_SUFFIX = ".mlp.json"
NOTE_SUFFIX = ".note.json"
LOCK_SUFFIX = ".lock"


def recovery_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "recovery"


def _lock(path: Path) -> QLockFile | None:
    """The lock at ``path``, taken now, or None when a running process holds it. A lock
    whose process is gone is taken over (QLockFile checks the PID it recorded)."""
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # never by age: a session may run for days
    return lock if lock.tryLock(0) else None


@dataclass
class RecoveryFiles:
    """One session's recovery files: the project, the note of its original path, the lock."""

    stem: Path  # the folder and the name without suffix

    @property
    def project(self) -> Path:
        return self.stem.with_name(self.stem.name + PROJECT_SUFFIX)

    @property
    def note(self) -> Path:
        return self.stem.with_name(self.stem.name + NOTE_SUFFIX)

    @property
    def lock_path(self) -> Path:
        return self.stem.with_name(self.stem.name + LOCK_SUFFIX)

    def original(self) -> str | None:
        try:
            value = json.loads(self.note.read_text(encoding="utf-8")).get("original")
        except (OSError, ValueError, AttributeError):
            return None
        return value if isinstance(value, str) else None

    def remove(self) -> None:
        for path in (self.project, self.note):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass


class Recovery:
    """A recovery file whose session is gone; its lock is held until ``release`` or ``discard``."""

    def __init__(self, files: RecoveryFiles, lock: QLockFile) -> None:
        self.files, self._lock = files, lock
        self.path, self.original = files.project, files.original()

    def load(self):
        """The recovered project (MLPError if the file is damaged)."""
        return load_project(self.path)

    def discard(self) -> None:
        """Delete the files (they were restored, or the user declined them)."""
        self.files.remove()
        self.release()

    def release(self) -> None:
        """Leave the files for a later start."""
        self._lock.unlock()


def orphaned_recoveries() -> list[Recovery]:
    """Recovery files whose instance is gone (newest first), each locked by the caller;
    files of running instances are left alone."""
    folder = recovery_dir()
    try:
        found = sorted(folder.glob("*" + PROJECT_SUFFIX), key=_mtime, reverse=True)
    except OSError:
        return []
    out = []
    for path in found:
        files = RecoveryFiles(path.with_name(path.name[:-len(PROJECT_SUFFIX)]))
        lock = _lock(files.lock_path)
        if lock is not None and files.project.exists():
            out.append(Recovery(files, lock))
        elif lock is not None:
            lock.unlock()  # its instance closed cleanly meanwhile
    return out


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


class Autosaver(QObject):
    """Writes ``document`` to this instance's recovery file on a timer while it has unsaved
    changes; its files are locked from the first save until ``close_cleanly``."""

    def __init__(self, document, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(document)
        self.document = document
        self.files = RecoveryFiles(recovery_dir() / f"session-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        self._lock: QLockFile | None = None
        self.last_error: str | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.save_if_modified)
        self.timer.start()

    def save_if_modified(self) -> None:
        if self.document.is_modified:
            self.save_now()

    def save_now(self) -> None:
        """Write the recovery file now; a failure is remembered, never raised (this runs from
        a timer: an exception would reach the crash dialog every minute)."""
        try:
            if self._lock is None:
                recovery_dir().mkdir(parents=True, exist_ok=True)
                self._lock = _lock(self.files.lock_path)
                if self._lock is None:
                    raise MLPError("the recovery file is locked by another process",
                                   where=str(self.files.lock_path))
            save_project(self.document.project, self.files.project)
            original = str(self.document.path) if self.document.path else None
            write_text_atomic(self.files.note, json.dumps({"original": original}))
            self.last_error = None
        except Exception as exc:  # noqa: BLE001 - remembered and shown by whoever asks
            self.last_error = str(exc)

    def close_cleanly(self) -> None:
        """Called when the window closes without losing work: no recovery needed."""
        self.timer.stop()
        if self._lock is not None:
            self.files.remove()
            self._lock.unlock()
            self._lock = None
