"""``run_app(argv)``: the GUI entry point (``mlp-studio`` with no command, a project path
or a lesson path: a lesson opens in the Lesson panel).

A file that cannot be opened ends the program with the message on stderr when it was
started from a terminal (exit 2, like every command). Started without one (a launcher, a
file manager, Finder, Explorer: nobody would see stderr), the window opens on the example
and a dialog says what was wrong.
"""

from __future__ import annotations

import gc
import os
import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFileOpenEvent, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox
from pyqtgraph.util.garbage_collector import GarbageCollector

from mlp_studio.app.shell.identity import apply_identity
from mlp_studio.errors import MLPError


def has_terminal() -> bool:
    """True when a person can read stderr: it is a terminal (GUI programs on Windows have none)."""
    stream = sys.stderr
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # replaced by an object without a file, or closed
        return False


def _initial_document(argv: list[str]):
    """The document to open: the file given, else the bundled reference example (MLPError
    when the file cannot be opened)."""
    from mlp_studio.app.document.document import Document
    from mlp_studio.io.project_file import load_project
    from mlp_studio.io.resources import EXAMPLE_PROJECT, resource_path

    document = Document()
    if argv:
        document.open(argv[0])
    else:
        document.new_project(load_project(resource_path(EXAMPLE_PROJECT)),
                             name=f"{EXAMPLE_PROJECT} (example)")
    return document


def _initial_lesson(argv: list[str]):
    """The lesson given on the command line (``*.mlp-lesson.json``), else None (MLPError
    when it cannot be read)."""
    from mlp_studio.io.lesson_file import is_lesson_path, load_lesson

    return load_lesson(argv[0]) if argv and is_lesson_path(argv[0]) else None


def _offer_recovery(window, document) -> None:
    """After a crash, offer the autosaved copy of the newest session that is gone (another
    running instance's file is never offered; older orphans wait for the next start)."""
    from mlp_studio.app.shell.autosave import orphaned_recoveries
    from mlp_studio.app.shell.crash_guard import show_error

    found = orphaned_recoveries()
    if not found:
        return
    newest, older = found[0], found[1:]
    for recovery in older:
        recovery.release()
    original = newest.original
    answer = QMessageBox.question(
        window, "Restore unsaved work?",
        "MLP Studio did not close cleanly last time. Restore the unsaved work"
        + (f" on {original}?" if original else "?"))
    if answer == QMessageBox.StandardButton.Yes:
        try:
            document.restore(newest.load(), original)
        except MLPError as exc:
            show_error(window, exc)
    newest.discard()


class FileOpenEvents(QObject):
    """Opens the files the system asks the running app to open (macOS Finder sends a
    QFileOpenEvent, not a command-line argument, for a double-clicked document)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent) and event.file():
            self.window.open_path(event.file())
            return True
        return False


def _exit_after_show(app, window) -> None:
    """Start-up benchmark hook (``MLP_STUDIO_EXIT_AFTER_SHOW=1``): say so, with the window's
    title (what it opened), and quit once shown."""
    print(f"mlp-studio: window shown: {window.windowTitle()}", flush=True)
    app.quit()


WARM_UP_DELAY_MS = 1000


def prefer_serial_painting() -> None:
    """Keep Qt's painting on the GUI thread (``QT_NO_GUI_THREADPOOL``; before the
    QApplication is made). Qt's raster engine hands large fills to a thread pool and
    waits for it: for this window the hand-off cost more than the fills (a step on
    two_moons redrew in 13.9 ms with the pool, 7.8 ms without), and on a busy machine,
    or beside the training process that leaves the window one core, the wait is for a
    core to come free."""
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")


def collect_garbage_in_the_event_loop() -> GarbageCollector:
    """Python's cyclic garbage collector runs from a timer of the event loop, never at some
    allocation inside a Qt call or on another thread: destroying a Qt object there can
    deadlock on a lock Qt holds (seen inside a pyqtgraph disconnect) or crash. pyqtgraph's
    GarbageCollector turns automatic collection off and collects on its timer;
    ``stop_collecting`` turns it back on."""
    return GarbageCollector(interval=1.0)


def stop_collecting(collector: GarbageCollector) -> None:
    collector.timer.stop()
    gc.enable()
    gc.collect()


def run_app(argv: list[str]) -> int:
    """Open the main window on ``argv[0]`` (a project or a lesson file) or the example; run
    the event loop."""
    prefer_serial_painting()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_identity(app)
    collector = collect_garbage_in_the_event_loop()
    try:
        return _open_and_run(app, argv)
    finally:
        stop_collecting(collector)


def _open_and_run(app: QApplication, argv: list[str]) -> int:
    """run_app's window: open ``argv``'s file (a dialog instead of an exit when there is no
    terminal), offer recovery, run the event loop and shut down."""
    from mlp_studio.app.data.data_panel import still_reading
    from mlp_studio.app.shell.autosave import Autosaver
    from mlp_studio.app.shell.crash_guard import install_excepthook
    from mlp_studio.app.shell.main_window import MainWindow
    from mlp_studio.io.resources import resource_path

    install_excepthook()
    try:
        lesson = _initial_lesson(list(argv))
        document, open_error = _initial_document([] if lesson else list(argv)), None
    except MLPError as exc:
        if has_terminal():
            raise  # the CLI prints it and exits 2; no window
        lesson, document, open_error = None, _initial_document([]), exc
    window = MainWindow(document)  # installs the step-through and training panels too
    file_open_events = FileOpenEvents(window)
    app.installEventFilter(file_open_events)
    app.setWindowIcon(QIcon(str(resource_path("mlp-studio.png"))))
    autosaver = Autosaver(document)
    window.training_panel.session.finished.connect(lambda _result: autosaver.save_now())
    window.show()
    if open_error is not None:
        window.show_open_error(argv[0], open_error)
    _offer_recovery(window, document)
    if lesson is not None:  # on the example until now
        window.teaching_views.start_lesson(lesson)
    if os.environ.get("MLP_STUDIO_EXIT_AFTER_SHOW"):  # benchmarks/gui.py measures start-up
        QTimer.singleShot(0, lambda: _exit_after_show(app, window))
    else:  # the training process starts once the window is up, so Run answers at once
        session = window.training_panel.session
        QTimer.singleShot(WARM_UP_DELAY_MS, window, lambda: window.isVisible() and session.warm_up())
    code = app.exec()
    app.removeEventFilter(file_open_events)
    window.training_panel.session.shutdown()  # also when the app quit without closing the window
    autosaver.close_cleanly()
    if still_reading():  # a CSV read let go at close: Python's exit would wait on it, then abort
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
