"""Crash guard and autosave/recovery."""

import json
import sys

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from mlp_studio.app.shell import autosave, crash_guard
from mlp_studio.app.shell.autosave import Autosaver, RecoveryFiles, orphaned_recoveries
from mlp_studio.app.shell.main import _offer_recovery
from mlp_studio.io.project_file import load_project
from mlp_studio.io.resources import EXAMPLE_PROJECT, resource_path


@pytest.fixture
def shown_boxes(monkeypatch):
    """Message boxes built by the crash guard: recorded, not shown."""
    boxes = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: boxes.append(self) or 0)
    return boxes


def test_uncaught_exception_is_logged_and_shown_and_window_stays(window, shown_boxes, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    crash_guard.install_excepthook()
    window.document.set_weight(0, 0, 0, 0.25)  # unsaved work
    try:
        raise ZeroDivisionError("boom in a slot")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())
    assert window.isVisible() and window.document.is_modified
    box = shown_boxes[-1]
    assert "ZeroDivisionError: boom in a slot" in box.text()
    assert "Traceback" in box.detailedText() and "boom in a slot" in box.detailedText()
    copy = next(b for b in box.buttons() if b.text() == "Copy details")
    copy.click()
    assert "boom in a slot" in QApplication.clipboard().text()
    assert "boom in a slot" in crash_guard.log_path().read_text(encoding="utf-8")


def _write_orphan(project, original=None, name="session-1-crashed"):
    """Files a crashed session left: a project and its note, no live lock."""
    files = RecoveryFiles(autosave.recovery_dir() / name)
    autosave.recovery_dir().mkdir(parents=True, exist_ok=True)
    from mlp_studio.io.project_file import save_project

    save_project(project, files.project)
    files.note.write_text(json.dumps({"original": None if original is None else str(original)}))
    return files


def _release_all() -> None:
    for recovery in orphaned_recoveries():
        recovery.release()


def test_autosave_writes_recovery_only_when_modified_and_clean_close_removes_it(window):
    saver = Autosaver(window.document, interval_ms=10_000_000)
    saver.save_if_modified()
    assert not saver.files.project.exists()  # nothing unsaved, nothing written
    window.document.set_weight(0, 1, 1, -0.125)
    saver.save_if_modified()
    assert saver.files.project.exists() and saver.files.original() is None  # an untitled example
    recovered = load_project(saver.files.project)
    assert recovered.network.equals(window.document.project.network)
    assert recovered.network.layers[0].weights[1, 1] == -0.125
    assert orphaned_recoveries() == []  # this instance is alive: its file is not offered
    saver.close_cleanly()
    assert not saver.files.project.exists() and not saver.files.lock_path.exists()


def test_two_instances_keep_their_own_recovery_files(window):
    first = Autosaver(window.document, interval_ms=10_000_000)
    second = Autosaver(window.document, interval_ms=10_000_000)
    window.document.set_weight(0, 0, 0, 0.5)
    first.save_now()
    second.save_now()
    assert first.files.project != second.files.project
    assert first.files.project.exists() and second.files.project.exists()
    assert orphaned_recoveries() == []  # both alive: neither is offered as a crash
    first.close_cleanly()
    assert not first.files.project.exists() and second.files.project.exists()
    second.close_cleanly()


def test_recovery_offered_after_a_crash_restores_the_work(window, monkeypatch, tmp_path):
    project = load_project(resource_path(EXAMPLE_PROJECT))
    project.network.layers[1].biases[0] = 0.75
    original = tmp_path / "lesson.mlp.json"
    files = _write_orphan(project, original)
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    _offer_recovery(window, window.document)
    assert asked and str(original) in asked[0]
    assert window.document.project.network.layers[1].biases[0] == 0.75
    assert orphaned_recoveries() == [] and not files.project.exists()


def test_damaged_recovery_file_is_reported_not_fatal(window, shown_boxes, monkeypatch):
    files = RecoveryFiles(autosave.recovery_dir() / "session-2-damaged")
    autosave.recovery_dir().mkdir(parents=True, exist_ok=True)
    files.project.write_text('{"format": "mlp-studio-project", "vers')
    before = window.document.project.network.copy()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    _offer_recovery(window, window.document)
    assert "session-2-damaged.mlp.json" in shown_boxes[-1].text()
    assert window.document.project.network.equals(before)
    assert orphaned_recoveries() == []
    assert np.isfinite(window.document.project.network.layers[0].weights).all()


HOLD_LOCK = """
import sys, time
from PySide6.QtCore import QLockFile
lock = QLockFile(sys.argv[1]); lock.setStaleLockTime(0)
print(lock.tryLock(0), flush=True)
time.sleep(600)
"""


def test_a_live_instance_in_another_process_is_never_offered_nor_deleted(window, monkeypatch):
    import subprocess

    project = load_project(resource_path(EXAMPLE_PROJECT))
    files = _write_orphan(project, name="session-3-other")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(files.lock_path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "True"  # the other instance holds its lock
        asked = []
        monkeypatch.setattr(QMessageBox, "question",
                            lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
        _offer_recovery(window, window.document)
        assert asked == [] and files.project.exists()  # alive: not offered, not deleted
    finally:
        holder.kill()  # as a crash: its lock file stays, its process is gone
        holder.wait(timeout=30)
        holder.stdout.close()
    assert files.lock_path.exists()
    _offer_recovery(window, window.document)
    assert len(asked) == 1 and not files.project.exists()  # offered once, declined, deleted


def test_a_save_that_cannot_be_encoded_never_raises_from_the_timer(window, monkeypatch):
    saver = Autosaver(window.document, interval_ms=10_000_000)
    window.document.set_weight(0, 0, 0, 0.5)

    def broken(*args, **kw):
        raise ValueError("Out of range float values are not JSON compliant")

    monkeypatch.setattr(autosave, "save_project", broken)
    saver.save_if_modified()  # from the timer: must not raise
    assert "not JSON compliant" in saver.last_error
    saver.close_cleanly()


def test_save_of_an_unencodable_project_is_a_dialog_not_a_crash(window, tmp_path, dialogs):
    window.document.project.training.target_loss = float("nan")  # JSON has no NaN
    path = tmp_path / "p.mlp.json"
    assert window._save_to(path) is False
    assert "NaN or infinite" in dialogs.texts("warning")[-1]
    assert not path.exists()
