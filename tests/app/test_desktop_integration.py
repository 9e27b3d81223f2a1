"""Start-up as a desktop launcher sees it: the app's names and paths, an unreadable file
given with no terminal to read stderr, files sent by the system, and a log made only when used."""

from __future__ import annotations

import gc
import io
import json
import logging
import sys
import weakref

import pytest
from PySide6.QtCore import QCoreApplication, QStandardPaths, QTimer
from PySide6.QtGui import QFileOpenEvent, QGuiApplication
from PySide6.QtWidgets import QApplication

from mlp_studio.app.shell import crash_guard, identity, main
from mlp_studio.app.shell.main_window import MainWindow
from mlp_studio.errors import MLPError


@pytest.fixture
def app_identity(qapp, monkeypatch):
    """The app named as run_app names it. Afterwards the test process's names, the log
    handlers (run_app adds one for the app's data folder) and the excepthook are restored."""
    names = (qapp.applicationName(), qapp.applicationDisplayName(), qapp.organizationName(),
             qapp.organizationDomain(), QGuiApplication.desktopFileName())
    logger = logging.getLogger("mlp_studio")
    handlers = list(logger.handlers)
    for handler in handlers:
        logger.removeHandler(handler)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    identity.apply_identity(qapp)
    yield qapp
    qapp.setApplicationName(names[0])
    qapp.setApplicationDisplayName(names[1])
    qapp.setOrganizationName(names[2])
    qapp.setOrganizationDomain(names[3])
    QGuiApplication.setDesktopFileName(names[4])
    for handler in list(logger.handlers):
        handler.close()
        logger.removeHandler(handler)
    for handler in handlers:
        logger.addHandler(handler)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _close_window_soon(seen: dict) -> None:
    def close() -> None:
        win = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        seen["title"] = win.windowTitle()
        win.close()

    QTimer.singleShot(200, close)


def test_names_and_paths_have_no_spaces_and_no_doubled_folder(app_identity, isolated_settings):
    assert QGuiApplication.desktopFileName() == "mlp-studio"
    assert QCoreApplication.organizationDomain() == "mlp-studio.github.io"
    data = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    assert data.endswith("/mlp-studio") and " " not in data and "mlp-studio/mlp-studio" not in data
    settings_file = identity.settings().fileName()
    assert settings_file == str(isolated_settings / "mlp-studio.ini")


def test_damaged_project_without_a_terminal_opens_the_window_and_says_why(
        app_identity, tmp_path, monkeypatch, dialogs):
    broken = tmp_path / "broken.mlp.json"
    broken.write_text('{"format": "mlp-studio", "network": ', encoding="utf-8")
    monkeypatch.setattr("sys.stderr", io.StringIO())  # a launcher's stderr: nobody reads it
    seen: dict = {}
    _close_window_soon(seen)
    assert main.run_app([str(broken)]) == 0
    [(kind, title, text)] = dialogs.shown
    assert kind == "warning" and title == "Could not open the project"
    assert str(broken) in text and "line 1" in text  # the reader's message: what and where
    assert seen["title"].startswith("reference.mlp.json (example)")


def test_missing_file_without_a_terminal_says_so_in_a_dialog(app_identity, tmp_path, monkeypatch, dialogs):
    monkeypatch.setattr("sys.stderr", None)  # a Windows GUI program has no stderr at all
    seen: dict = {}
    _close_window_soon(seen)
    assert main.run_app([str(tmp_path / "gone.mlp.json")]) == 0
    assert dialogs.texts("warning") == [f"{tmp_path / 'gone.mlp.json'}: cannot read the file: "
                                        "No such file or directory"]


def test_from_a_terminal_the_error_goes_to_stderr_and_no_window_opens(app_identity, tmp_path,
                                                                       monkeypatch, dialogs):
    from mlp_studio.cli import main as cli_main

    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert cli_main([str(tmp_path / "gone.mlp.json")]) == 2
    assert terminal.getvalue().startswith("mlp-studio: error: ") and "gone.mlp.json" in terminal.getvalue()
    assert dialogs.shown == []
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]


def _send_file_open_event(window, qapp, path) -> None:
    """What macOS sends when a document is double-clicked in Finder."""
    events = main.FileOpenEvents(window)
    qapp.installEventFilter(events)
    try:
        QCoreApplication.sendEvent(qapp, QFileOpenEvent(str(path)))
    finally:
        qapp.removeEventFilter(events)


def test_a_file_sent_by_the_system_opens_in_the_window(window, qapp, tmp_path, dialogs):
    """macOS Finder sends a double-clicked document as a QFileOpenEvent."""
    from mlp_studio.io.project_file import load_project, save_project
    from mlp_studio.io.resources import resource_path

    path = tmp_path / "xor.mlp.json"
    save_project(load_project(resource_path("xor.mlp.json")), path)
    _send_file_open_event(window, qapp, path)
    assert window.document.path == path
    opened, xor = window.document.project.network.layers[0], load_project(path).network.layers[0]
    assert opened.weights.tolist() == xor.weights.tolist()
    assert dialogs.shown == []


def _lesson_file(tmp_path) -> tuple:
    """A copy of a bundled lesson, and its JSON as read without the app's reader."""
    from mlp_studio.io.lesson_file import bundled_lesson_path

    text = bundled_lesson_path("xor-2-2-1.mlp-lesson.json").read_text(encoding="utf-8")
    path = tmp_path / "xor.mlp-lesson.json"
    path.write_text(text, encoding="utf-8")
    return path, json.loads(text)


def _lesson_shown(window) -> dict:
    session = window.teaching_views.session
    return {"title": session.lesson.title if session else None,
            "weights": [layer.weights.tolist() for layer in window.document.project.network.layers],
            "panel": window.teaching_views.lesson_dock.isVisible()}


def test_a_lesson_given_on_the_command_line_opens_in_the_lesson_panel(app_identity, tmp_path, dialogs):
    """``mlp-studio x.mlp-lesson.json`` (the desktop entry's Exec for the lesson type)."""
    from mlp_studio.cli import main as cli_main

    path, data = _lesson_file(tmp_path)
    seen: dict = {}

    def close() -> None:
        win = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        seen.update(_lesson_shown(win))
        win.close()

    QTimer.singleShot(200, close)
    assert cli_main([str(path)]) == 0
    assert seen == {"title": data["title"], "panel": True,
                    "weights": [layer["weights"] for layer in data["project"]["network"]["layers"]]}
    assert dialogs.shown == []


def test_a_damaged_lesson_without_a_terminal_says_why_in_a_dialog(app_identity, tmp_path, monkeypatch, dialogs):
    broken = tmp_path / "broken.mlp-lesson.json"
    broken.write_text('{"format": "mlp-studio-lesson", "version": 1}', encoding="utf-8")
    monkeypatch.setattr("sys.stderr", io.StringIO())
    seen: dict = {}
    _close_window_soon(seen)
    assert main.run_app([str(broken)]) == 0
    [(kind, title, text)] = dialogs.shown
    assert kind == "warning" and title == "Could not open the lesson"
    assert str(broken) in text and "title" in text  # the missing key, named
    assert seen["title"].startswith("reference.mlp.json (example)")


def test_a_lesson_sent_by_the_system_opens_in_the_lesson_panel(window, qapp, tmp_path, dialogs):
    path, data = _lesson_file(tmp_path)
    _send_file_open_event(window, qapp, path)
    assert _lesson_shown(window)["title"] == data["title"]
    assert window.document.path is None  # a lesson's project is untitled: Save asks where
    assert dialogs.shown == []


def test_the_log_file_is_made_only_when_something_is_logged(app_identity):
    log = crash_guard.log_path()
    log.unlink(missing_ok=True)
    crash_guard.install_excepthook()
    assert not log.exists()
    logging.getLogger("mlp_studio").error("something to keep")
    assert "something to keep" in log.read_text(encoding="utf-8")


def test_has_terminal_needs_a_terminal(monkeypatch):
    for stream, expected in ((None, False), (io.StringIO(), False), (_Terminal(), True)):
        monkeypatch.setattr("sys.stderr", stream)
        assert main.has_terminal() is expected
    with pytest.raises(MLPError):
        main._initial_document(["/no/such/file.mlp.json"])


class _Cycle:
    """An object in a reference cycle: only the cyclic garbage collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_the_cyclic_garbage_collector_runs_only_from_the_event_loop(app_identity, dialogs):
    gc.enable()
    seen: dict = {}

    def make_garbage() -> None:
        seen["enabled while running"] = gc.isenabled()
        cycles = [_Cycle() for _ in range(2000)]  # past gc's first threshold (700)
        seen["ref"] = weakref.ref(cycles[0])
        del cycles

    def close() -> None:
        seen["collected by the timer"] = seen["ref"]() is None
        next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()).close()

    QTimer.singleShot(100, make_garbage)
    QTimer.singleShot(2500, close)  # after the collector's timer (every 1 s) has fired
    assert main.run_app([]) == 0
    assert seen == {"enabled while running": False, "ref": seen["ref"], "collected by the timer": True}
    assert gc.isenabled()  # as it was before run_app
