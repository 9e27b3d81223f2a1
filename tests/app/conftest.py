"""Fixtures for the app tests: isolated settings, no blocking dialogs, no leaked threads,
and a main window on the bundled example."""

from __future__ import annotations

import gc
import multiprocessing
import weakref

import pytest
from PySide6.QtCore import QSettings, QStandardPaths, QThread
from PySide6.QtWidgets import QMessageBox

from mlp_studio.app.widgets.appearance import reset_appearance


@pytest.fixture(autouse=True)
def garbage_collected_between_tests():
    """As in the app (``collect_garbage_in_the_event_loop``): Python's cyclic collector never
    runs at an allocation inside a Qt call, where destroying a Qt object can deadlock; it is
    off during a test and runs after it, once the test's windows are closed."""
    gc.disable()
    yield
    gc.enable()
    gc.collect()


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, qapp):
    """QSettings and the app's data folder point into the test's temporary folder."""
    QStandardPaths.setTestModeEnabled(True)
    old = QSettings.defaultFormat()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    reset_appearance()  # preferences are read again from this test's settings
    yield tmp_path / "settings"
    reset_appearance()
    QSettings.setDefaultFormat(old)


@pytest.fixture(autouse=True)
def no_thread_left_running(monkeypatch, qapp):
    """Fail a test that leaves a QThread running (every QThread started from Python is tracked)."""
    started: list[weakref.ref] = []
    original = QThread.start

    def start(self, *args):
        started.append(weakref.ref(self))
        return original(self, *args)

    monkeypatch.setattr(QThread, "start", start)
    yield
    running = []
    for ref in started:
        thread = ref()
        try:
            if thread is not None and thread.isRunning():
                running.append(thread)
        except RuntimeError:  # the C++ object is gone: it was stopped and deleted
            pass
    for thread in running:  # do not let one test's thread disturb the next
        thread.quit()
        thread.wait(5000)
    assert not running, f"{len(running)} QThread(s) still running after the test"


class Dialogs:
    """Records message boxes instead of showing them; ``answers`` are popped for questions."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []
        self.answers: list[QMessageBox.StandardButton] = []

    def _record(self, kind: str, default):
        def show(parent, title, text, *args, **kwargs):
            self.shown.append((kind, title, text))
            return self.answers.pop(0) if kind == "question" and self.answers else default
        return show

    def texts(self, kind: str | None = None) -> list[str]:
        return [text for k, _, text in self.shown if kind in (None, k)]


@pytest.fixture(autouse=True)
def dialogs(monkeypatch):
    """No test blocks on a message box. Unanswered questions (e.g. the unsaved-changes
    prompt when a test's window is closed at teardown) get Discard."""
    rec = Dialogs()
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        rec._record("question", QMessageBox.StandardButton.Discard)))
    for kind in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(rec._record(kind, QMessageBox.StandardButton.Ok)))
    return rec


@pytest.fixture
def window(qtbot):
    """A MainWindow on the bundled reference example, as ``mlp-studio`` opens it."""
    from mlp_studio.app.shell.main import _initial_document
    from mlp_studio.app.shell.main_window import MainWindow

    document = _initial_document([])
    win = MainWindow(document)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture(autouse=True)
def no_process_left_running():
    """Fail a test that leaves a child process (the training engine) running."""
    yield
    left = multiprocessing.active_children()
    for process in left:
        process.kill()
        process.join()
    assert not left, f"{len(left)} child process(es) still running after the test: {left}"
