"""``run_app(argv)``: the GUI entry point (``mlp-studio`` with no command or a project path)."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox


def _initial_document(argv: list[str]):
    """The document to open: the file given, else the bundled reference example."""
    from mlp_studio.app.document.document import Document
    from mlp_studio.io.project_file import load_project
    from mlp_studio.io.resources import EXAMPLE_PROJECT, resource_path

    document = Document()
    if argv:
        document.open(argv[0])  # an MLPError here is reported by the CLI, no window opens
    else:
        document.new_project(load_project(resource_path(EXAMPLE_PROJECT)),
                             name=f"{EXAMPLE_PROJECT} (example)")
    return document


def _offer_recovery(window, document) -> None:
    """After a crash, offer the autosaved copy of the last session's work."""
    from mlp_studio.app.shell.autosave import discard_recovery, load_recovery, pending_recovery
    from mlp_studio.app.shell.crash_guard import show_error
    from mlp_studio.errors import MLPError

    found = pending_recovery()
    if found is None:
        return
    _, original = found
    answer = QMessageBox.question(
        window, "Restore unsaved work?",
        "MLP Studio did not close cleanly last time. Restore the unsaved work"
        + (f" on {original}?" if original else "?"))
    if answer == QMessageBox.StandardButton.Yes:
        try:
            document.restore(load_recovery(), original)
        except MLPError as exc:
            show_error(window, exc)
    discard_recovery()


def _exit_after_show(app) -> None:
    """Start-up benchmark hook (``MLP_STUDIO_EXIT_AFTER_SHOW=1``): say so and quit once shown."""
    print("mlp-studio: window shown", flush=True)
    app.quit()


WARM_UP_DELAY_MS = 1000


def run_app(argv: list[str]) -> int:
    """Open the main window on ``argv[0]`` (a project file) or the example; run the event loop."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("MLP Studio")
    app.setApplicationName("MLP Studio")
    from mlp_studio.app.shell.autosave import Autosaver
    from mlp_studio.app.shell.crash_guard import install_excepthook
    from mlp_studio.app.shell.main_window import MainWindow
    from mlp_studio.io.resources import resource_path

    install_excepthook()
    document = _initial_document(list(argv))
    window = MainWindow(document)  # installs the step-through and training panels too
    app.setWindowIcon(QIcon(str(resource_path("mlp-studio.png"))))
    autosaver = Autosaver(document)
    window.training_panel.session.finished.connect(lambda _result: autosaver.save_now())
    window.show()
    _offer_recovery(window, document)
    if os.environ.get("MLP_STUDIO_EXIT_AFTER_SHOW"):  # benchmarks/gui.py measures start-up
        QTimer.singleShot(0, lambda: _exit_after_show(app))
    else:  # the training process starts once the window is up, so Run answers at once
        session = window.training_panel.session
        QTimer.singleShot(WARM_UP_DELAY_MS, window, lambda: window.isVisible() and session.warm_up())
    code = app.exec()
    window.training_panel.session.shutdown()  # also when the app quit without closing the window
    autosaver.close_cleanly()
    return code
