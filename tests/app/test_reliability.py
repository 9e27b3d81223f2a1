"""Crash guard and autosave/recovery."""

import json
import sys

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from mlp_studio.app.shell import autosave, crash_guard
from mlp_studio.app.shell.autosave import Autosaver, discard_recovery, load_recovery, pending_recovery
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


def test_autosave_writes_recovery_only_when_modified_and_clean_close_removes_it(window):
    discard_recovery()
    saver = Autosaver(window.document, interval_ms=10_000_000)
    saver.save_if_modified()
    assert pending_recovery() is None  # nothing unsaved, nothing written
    window.document.set_weight(0, 1, 1, -0.125)
    saver.save_if_modified()
    found = pending_recovery()
    assert found is not None and found[1] is None  # an untitled example
    recovered = load_recovery()
    assert recovered.network.equals(window.document.project.network)
    assert recovered.network.layers[0].weights[1, 1] == -0.125
    saver.close_cleanly()
    assert pending_recovery() is None


def test_recovery_offered_after_a_crash_restores_the_work(window, monkeypatch, tmp_path):
    project = load_project(resource_path(EXAMPLE_PROJECT))
    project.network.layers[1].biases[0] = 0.75
    original = tmp_path / "lesson.mlp.json"
    from mlp_studio.io.project_file import save_project

    autosave.recovery_dir().mkdir(parents=True, exist_ok=True)
    save_project(project, autosave.recovery_file())
    autosave._note_file().write_text(json.dumps({"original": str(original)}))
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    _offer_recovery(window, window.document)
    assert asked and str(original) in asked[0]
    assert window.document.project.network.layers[1].biases[0] == 0.75
    assert pending_recovery() is None


def test_damaged_recovery_file_is_reported_not_fatal(window, shown_boxes, monkeypatch):
    autosave.recovery_dir().mkdir(parents=True, exist_ok=True)
    autosave.recovery_file().write_text('{"format": "mlp-studio-project", "vers')
    before = window.document.project.network.copy()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    _offer_recovery(window, window.document)
    assert "recovery.mlp.json" in shown_boxes[-1].text()
    assert window.document.project.network.equals(before)
    assert pending_recovery() is None
    assert np.isfinite(window.document.project.network.layers[0].weights).all()
