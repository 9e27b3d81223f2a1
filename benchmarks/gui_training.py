"""GUI responsiveness and speed while training on the worker thread.

    QT_QPA_PLATFORM=offscreen python benchmarks/gui_training.py [--quick] [--epochs N]

Trains a 784-128-64-10 network (ReLU, softmax + cross-entropy, float32, random
data, minibatch 64, full speed) in the app's window through the training dock
(the app's training process; a one-epoch run first starts it), while a 1 ms
QTimer records when the GUI event loop runs. Prints JSON:

- ``max_tick_gap_ms``: the largest gap between two ticks during the run
  (target < 20 ms), with percentiles;
- ``speed_ratio``: epochs per second with the GUI open divided by the same
  training headless (``Trainer.train``) in the same process (target >= 0.9).
  The GUI time is wall time from ``start`` to the result being in the document.

Each round: headless, then two GUI runs: with live network views (the canvas
and other views redraw from snapshots) and with only the loss plot and status
updating. ``best`` summarises the rounds of each: the median of the rounds' largest
gaps (and the worst), and the median of each round's GUI run against that round's
headless run (``speed_ratio_best``: best against best). The machine may be shared;
``load_average_1min`` says how busy it was. Gaps are measured while
training; the one-off repaint when the result enters the document is reported
separately (``max_tick_gap_ms_result_landing``). Set ``OPENBLAS_NUM_THREADS``
to compare BLAS thread counts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from mlp_studio.core.dataset import Dataset  # noqa: E402
from mlp_studio.core.network import Network  # noqa: E402
from mlp_studio.core.project import Project  # noqa: E402
from mlp_studio.core.training import Trainer, TrainingConfig  # noqa: E402

SIZES = [784, 128, 64, 10]
LOSS = "cross_entropy"


def make_project(rows: int, seed: int = 0) -> Project:
    rng = np.random.default_rng(seed)
    x = rng.random((rows, SIZES[0]))
    labels = rng.integers(0, SIZES[-1], rows)
    z = np.eye(SIZES[-1])[labels]
    cols = [f"x{i}" for i in range(SIZES[0])] + [f"c{k}" for k in range(SIZES[-1])]
    data = Dataset(cols, np.hstack([x, z]), cols[:SIZES[0]], cols[SIZES[0]:],
                   input_scaling="none", target_scaling="none")
    net = Network.create(SIZES, ["relu", "relu", "softmax"], "he", seed=seed).astype(np.float32)
    config = TrainingConfig(learning_rate=0.01, mode="minibatch", batch_size=64, shuffle=True,
                            epochs=None, seed=seed)
    return Project(net, LOSS, data, config)


def headless_seconds(project: Project, epochs: int) -> float:
    t0 = time.perf_counter()
    Trainer(project.network.copy(), project.data.X, project.data.Z, LOSS, project.training).train(epochs)
    return time.perf_counter() - t0


def make_window(document):
    """The app's MainWindow, as ``mlp-studio`` opens it, and its training panel."""
    from mlp_studio.app.shell.main_window import MainWindow

    window = MainWindow(document)
    return window, window.training_panel, "MainWindow"


def warm_up(app, panel) -> None:
    """One epoch in the window first: the training process is started and its BLAS warmed
    (the app starts the process a second after its window shows; the headless run is
    warmed up the same way)."""
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    panel.session.finished.connect(loop.quit)
    panel.start(1)
    loop.exec()
    panel.session.finished.disconnect(loop.quit)
    panel.plot.clear()


def gui_run(app, project: Project, epochs: int, live: bool) -> dict:
    """One run in the window; ``live``: the canvas and other views redraw from snapshots."""
    from PySide6.QtCore import QEventLoop, QTimer

    from mlp_studio.app.document.document import Document

    document = Document(project)
    window, panel, kind = make_window(document)
    panel.live.setChecked(live)
    panel.speed.setValue(panel.speed.maximum())  # Fastest: no pause between epochs
    window.resize(1400, 900)
    window.show()
    for _ in range(20):
        app.processEvents()
    warm_up(app, panel)
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    done: list[float] = []
    trained: list[float] = []
    loop = QEventLoop()
    panel.session.finished.connect(lambda _r: (done.append(time.perf_counter()), loop.quit()))
    timer.start()
    t0 = time.perf_counter()
    panel.start(epochs)
    # runs in the worker thread: the moment training ended, before the GUI takes the result
    panel.session.worker.finished.connect(lambda _r: trained.append(time.perf_counter()))
    loop.exec()  # the event loop as the app runs it (waits in the OS, not holding the GIL)
    end = time.perf_counter() + 0.3
    while time.perf_counter() < end:  # the result's repaint
        app.processEvents()
        time.sleep(0.0005)
    timer.stop()
    t = np.array(ticks)
    during = np.diff(t[(t >= t0) & (t <= trained[0])]) * 1000.0
    landing = np.diff(t[t >= trained[0] - 0.002]) * 1000.0
    points = panel.plot.train.x.n
    document.undo_stack.setClean()  # no unsaved-changes prompt
    window.close()
    app.processEvents()
    return {
        "window": kind,
        "live_views": live,
        "seconds": done[0] - t0,
        "training_seconds": panel.session.last_result.elapsed,  # in the training process
        "epochs_per_s": epochs / (done[0] - t0),
        "ticks": int(during.size + 1),
        "max_tick_gap_ms": float(during.max()),
        "p99_tick_gap_ms": float(np.percentile(during, 99)),
        "median_tick_gap_ms": float(np.median(during)),
        "max_tick_gap_ms_result_landing": float(landing.max()),
        "points_plotted": points,
    }


def run(quick: bool = False, epochs: int | None = None, rows: int | None = None,
        rounds: int | None = None) -> dict:
    """Rounds of headless, GUI with live views, GUI plot only; medians over the rounds
    (the machine is shared and drifts), the best and worst too, and every run listed."""
    from PySide6.QtWidgets import QApplication

    from mlp_studio.app.shell.main import prefer_serial_painting

    prefer_serial_painting()  # as ``mlp-studio`` starts
    app = QApplication.instance() or QApplication([])
    rows = rows or (3200 if quick else 6400)
    epochs = epochs or (10 if quick else 60)
    rounds = rounds or (1 if quick else 5)
    project = make_project(rows)
    headless_seconds(project, 2)  # warm up BLAS and caches
    headless: list[float] = []
    gui: dict[str, list[dict]] = {"live_views": [], "plot_only": []}
    for _ in range(rounds):
        headless.append(headless_seconds(project, epochs))
        for key, live in (("live_views", True), ("plot_only", False)):
            gui[key].append(gui_run(app, project, epochs, live))
    best_headless = min(headless)
    summary = {}
    for key, runs in gui.items():
        median = lambda name: float(np.median([r[name] for r in runs]))  # noqa: E731
        summary[key] = {
            # each GUI run against the headless run of its own round (the machine drifts)
            "speed_ratio": float(np.median([h / r["seconds"] for h, r in zip(headless, runs)])),
            "speed_ratio_best": best_headless / min(r["seconds"] for r in runs),
            "max_tick_gap_ms": median("max_tick_gap_ms"),
            "max_tick_gap_ms_worst": max(r["max_tick_gap_ms"] for r in runs),
            "p99_tick_gap_ms": median("p99_tick_gap_ms"),
            "max_tick_gap_ms_result_landing": median("max_tick_gap_ms_result_landing"),
        }
    return {
        "benchmark": "gui_training",
        "network": SIZES,
        "dtype": "float32",
        "rows": rows,
        "batch_size": 64,
        "updates_per_epoch": -(-rows // 64),
        "epochs": epochs,
        "rounds": rounds,
        "targets": {"max_tick_gap_ms": "< 20", "speed_ratio": ">= 0.9"},
        "best": summary,
        "headless_seconds": headless,
        "headless_epochs_per_s": epochs / best_headless,
        "switch_interval_s": sys.getswitchinterval(),
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        "cpus": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0],  # other processes on the machine
        "gui_runs": gui,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--epochs", type=int)
    p.add_argument("--rows", type=int)
    p.add_argument("--rounds", type=int)
    p.add_argument("--switch-interval", type=float, help="sys.setswitchinterval (seconds)")
    args = p.parse_args()
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval)
    print(json.dumps(run(args.quick, args.epochs, args.rows, args.rounds), indent=2))


if __name__ == "__main__":
    main()
