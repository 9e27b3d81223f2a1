"""`mlp-studio --self-test`: the whole app once, end to end, in a few seconds.

Opens the main window (offscreen with ``QT_QPA_PLATFORM=offscreen``, else on the
display), loads the bundled example, takes a backpropagation step through the step
controller, trains a few epochs on the training worker thread, renders the loss plot
and the network canvas and checks that they drew something, and closes the window.
Prints one line per check; returns 0 when all pass, else prints the failure to stderr
and returns 1 (3 from the watchdog if the app hangs). Packaged builds run it so that a
missing Qt plugin, library or data file fails the build. The user's settings are not
touched (they go to a temporary folder).
"""

from __future__ import annotations

import faulthandler
import os
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from mlp_studio.errors import MLPError

TIMEOUT_S = 120.0
TRAIN_EPOCHS = 5
#: a folder to save the rendered images in (for a person, or CI artefacts); unset: none saved
IMAGES_ENV = "MLP_STUDIO_SELF_TEST_IMAGES"


class SelfTestError(Exception):
    """A self-test check failed; the message says which."""


def _say(text: str) -> None:
    print(f"self-test: {text}", flush=True)


def _since_process_start() -> float | None:
    """Seconds since this process started (Linux), else None."""
    try:
        with open("/proc/self/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _start_watchdog(timeout_s: float) -> threading.Timer:
    """End the process with every thread's stack if the self-test has not finished in time."""

    def expire() -> None:
        try:  # sys.stderr is None in a Windows GUI build: still exit
            print(f"mlp-studio self-test: FAILED: no result after {timeout_s:.0f} s; the threads:",
                  file=sys.stderr, flush=True)
            faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
            sys.stderr.flush()
        finally:
            os._exit(3)

    timer = threading.Timer(timeout_s, expire)
    timer.daemon = True
    timer.start()
    return timer


def _wait(app, condition: Callable[[], bool], what: str, timeout_s: float = 30.0) -> None:
    """Run the event loop until ``condition()`` holds; SelfTestError after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SelfTestError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        app.processEvents()
        time.sleep(0.005)


def _check_drawn(image, what: str, min_colours: int, colour=None) -> str:
    """The image is not empty, has several colours and (if given) pixels near ``colour``.
    Saved as ``what``.png in the folder ``$MLP_STUDIO_SELF_TEST_IMAGES`` if that is set."""
    folder = os.environ.get(IMAGES_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        image.save(str(Path(folder) / f"{what.replace(' ', '-')}.png"))
    if image.isNull() or image.width() < 40 or image.height() < 40:
        raise SelfTestError(f"{what}: rendered an empty image ({image.width()}x{image.height()})")
    colours: set[int] = set()
    near = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            colours.add(c.rgb())
            if colour is not None and (abs(c.red() - colour.red()) + abs(c.green() - colour.green())
                                       + abs(c.blue() - colour.blue())) < 60:
                near += 1
    if len(colours) < min_colours:
        raise SelfTestError(f"{what}: looks blank ({len(colours)} colours in "
                            f"{image.width()}x{image.height()})")
    if colour is not None and near < 5:
        raise SelfTestError(f"{what}: the curve ({colour.name()}) was not drawn")
    return f"{image.width()}x{image.height()}, {len(colours)} colours"


def _check_about(window) -> str:
    """Help > About lists the components with licences; a bundle carries their licence texts."""
    from mlp_studio.app.shell.about import AboutDialog, bundled_licence_folder

    dialog = AboutDialog(window)
    licences = {name: licence for name, _, licence in dialog.rows()}
    dialog.deleteLater()
    missing = [name for name in ("Qt", "PySide6 (Qt for Python)", "pyqtgraph", "NumPy", "Python")
               if licences.get(name, "unknown") in ("unknown", "see its licence file")]
    if missing or "0+unknown" in dialog.header.text():
        raise SelfTestError(f"About: no version or licence for {missing or 'MLP Studio'} (package metadata?)")
    if getattr(sys, "frozen", False):
        folder = bundled_licence_folder()
        if folder is None or not (folder / "Qt" / "LGPL-3.0.txt").is_file():
            raise SelfTestError("the bundle carries no licence texts (licenses/Qt/LGPL-3.0.txt)")
    return f"about: {len(licences)} components with licences"


def _isolate_settings(folder: str) -> None:
    """QSettings and QStandardPaths point away from the user's own files."""
    from PySide6.QtCore import QSettings, QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)


def _run(settings_dir: str, timings: dict[str, float]) -> None:
    started = time.perf_counter()
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication, QDockWidget

    app = QApplication.instance() or QApplication(["mlp-studio"])
    _say(f"Qt platform {app.platformName()}")
    _isolate_settings(settings_dir)

    import numpy as np

    from mlp_studio.app.document.document import Document
    from mlp_studio.app.shell.main_window import MainWindow
    from mlp_studio.core.trace import step_trace
    from mlp_studio.io.project_file import load_project
    from mlp_studio.io.resources import EXAMPLE_PROJECT, resource_path

    # Bundled files, found where they should be; the SVG also needs Qt's svg image plugin.
    path = resource_path(EXAMPLE_PROJECT)
    if getattr(sys, "frozen", False):  # a PyInstaller bundle: its own copy, not a stray file
        folder = Path(sys.executable).resolve().parent
        root = folder.parent if folder.name == "MacOS" else folder  # macOS: the .app's Contents
        if root not in path.resolve().parents:
            raise SelfTestError(f"the example was found outside the bundle {root}: {path}")
    for name in ("mlp-studio.png", "mlp-studio.svg"):
        if QImage(str(resource_path(name))).isNull():
            raise SelfTestError(f"could not read the bundled image {name} (Qt image plugins?)")
    project = load_project(path)
    if project.data is None:
        raise SelfTestError(f"the example {path} has no data")
    _say(f"loaded {path} ({project.data.n_rows} rows, network {project.network.sizes})")

    document = Document()
    document.new_project(project, name=f"{EXAMPLE_PROJECT} (example)")
    window = MainWindow(document)
    window.show()
    _wait(app, lambda: window.windowHandle() is not None and window.windowHandle().isExposed(),
          "the main window to be shown")
    timings["window shown"] = time.perf_counter() - started
    since_start = _since_process_start()
    if since_start is not None:
        timings["window shown since process start"] = since_start
    _say("main window shown")

    try:
        _step(app, window, document, step_trace, np)
        engine = _train(app, window, document, np, QDockWidget)
        _say("canvas " + _check_drawn(window.canvas.grab().toImage(), "network canvas", 8))
        _say("canvas export " + _check_drawn(window.canvas.render_image(), "canvas export", 8))
        _say("window " + _check_drawn(window.grab().toImage(), "main window", 8))
        _say(_check_about(window))
    finally:
        document.undo_stack.setClean()  # no "save changes?" question on close
        window.close()
        app.processEvents()
    panel = window.training_panel
    if panel.session.thread is not None:
        raise SelfTestError("the training thread was still there after the window closed")
    if engine.alive or engine.process.exitcode != 0:
        raise SelfTestError(f"the training process did not end cleanly (exit code {engine.process.exitcode})")
    if window.isVisible():
        raise SelfTestError("the main window did not close")
    window.deleteLater()
    app.processEvents()
    _say("window closed, training thread joined, training process ended")


def _step(app, window, document, step_trace, np) -> None:
    """One whole backpropagation step (the Update action), checked against core."""
    controller = window.step_controller
    project = document.project
    before = project.network.copy()
    rows = controller.rows()
    commands = document.undo_stack.count()
    controller.act_update.trigger()
    app.processEvents()
    trace = document.trace
    if trace is None or document.revealed != len(controller.phases):
        raise SelfTestError("the step did not show a complete trace")
    if document.undo_stack.count() != commands + 1:
        raise SelfTestError("the step did not enter the undo stack")
    cfg = project.training
    expected = step_trace(before, project.data.X[rows], project.data.Z[rows], project.loss,
                          cfg.rate_at(0, project.data.n_rows), cfg.batch_reduction, rows=rows,
                          optimizer=cfg.optimizer_rule(), penalty=cfg.penalty_rule())
    for i, (layer, lt) in enumerate(zip(document.project.network.layers, expected.layers)):
        if not (np.allclose(layer.weights, lt.weights_after) and np.allclose(layer.biases, lt.biases_after)):
            raise SelfTestError(f"layer {i}: the step's new weights differ from the core's")
    _say(f"step on rows {rows}: loss {trace.loss_before:.6g} -> {trace.loss_after:.6g}")


def _train(app, window, document, np, dock_type):
    """Run N epochs on the training worker and its process; the result is one undo step,
    the plot draws it. Returns the training engine (checked again after the window closes)."""
    panel = window.training_panel
    session = panel.session
    dock = window.findChild(dock_type, "training_dock")
    if dock is not None:
        dock.raise_()
    before = document.project.network.copy()
    panel.run_n.setValue(TRAIN_EPOCHS)
    panel.run_n_button.click()
    thread = session.thread
    if thread is None or not thread.isRunning() or thread is app.thread():
        raise SelfTestError("training did not start on a worker thread")
    _wait(app, lambda: session.thread is None and session.last_result is not None,
          f"{TRAIN_EPOCHS} epochs of training", timeout_s=60.0)
    result = session.last_result
    if result.epochs < 1:
        raise SelfTestError(f"training ran no epoch ({result.stop.message})")
    if document.project.network.equals(before):
        raise SelfTestError("training did not change the document's network")
    if document.undo_stack.undoText() != f"Train {result.epochs} epochs":
        raise SelfTestError(f"training's undo step is {document.undo_stack.undoText()!r}")
    plot = panel.plot
    _wait(app, lambda: plot.isVisible(), "the loss plot to be visible")
    def plotted() -> int:
        y = plot.train_curve.getData()[1]
        return 0 if y is None else len(y)

    _wait(app, lambda: plotted() >= result.epochs, "the loss plot to show the run")
    losses = plot.train_curve.getData()[1]
    if not np.all(np.isfinite(losses)):
        raise SelfTestError(f"the loss plot holds non-finite losses: {losses}")
    engine = session.engine
    _say(f"trained {result.epochs} epochs on thread {thread.objectName()!r} with process "
         f"{engine.process.pid}: {result.stop.message}; loss {losses[0]:.6g} -> {losses[-1]:.6g}")
    colour = plot.train_curve.opts["pen"].color()
    _say("loss plot " + _check_drawn(plot.plot_widget.grab().toImage(), "loss plot", 3, colour))
    return engine


def run_self_test(timeout_s: float = TIMEOUT_S) -> int:
    """Run the self-test (see the module docstring); 0 when every check passes."""
    started = time.perf_counter()
    watchdog = _start_watchdog(timeout_s)
    timings: dict[str, float] = {}
    errors: list[str] = []
    old_hook = sys.excepthook

    def hook(kind, exc, tb) -> None:  # exceptions raised inside Qt slots end up here
        errors.append("".join(traceback.format_exception(kind, exc, tb)))

    sys.excepthook = hook
    try:
        with tempfile.TemporaryDirectory(prefix="mlp-studio-self-test-") as settings_dir:
            _run(settings_dir, timings)
        if errors:
            raise SelfTestError(f"{len(errors)} exception(s) in Qt slots:\n" + "\n".join(errors))
    except Exception as exc:  # every failure becomes a message and a non-zero code
        if not isinstance(exc, (SelfTestError, MLPError)):
            traceback.print_exc(file=sys.stderr)
        print(f"mlp-studio self-test: FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        sys.excepthook = old_hook
        watchdog.cancel()
    timings["total"] = time.perf_counter() - started
    print("mlp-studio self-test: passed (" +
          ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()) + ")", flush=True)
    return 0
