"""GUI rows of ``benchmarks/run.py``: the step redraw (``benchmarks/gui_step.py``), a
million-point loss plot, start-up, and (from ``benchmarks/gui_training.py``) the
event-loop gap while training.

Runs offscreen (``QT_QPA_PLATFORM=offscreen``): painting goes to Qt's raster
backing store, as on screen, without the window system's compositing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.gui_step import make_app, step_redraw  # noqa: E402 - after the platform is chosen


def _row(workload: str, unit: str, values: list[float], limit: float, note: str = "",
         extra: dict | None = None) -> dict:
    best = min(values)
    return {"workload": workload, "unit": unit, "value": best, "median": float(np.median(values)),
            "limit": limit, "met": best < limit, "notes": [note] if note else [], **(extra or {})}


def loss_plot_redraw(quick: bool) -> dict:
    """The loss plot holding 1,000,000 points: append one, push the data, repaint."""
    from mlp_studio.app.training.loss_plot import LossPlot

    app = make_app()
    plot = LossPlot()
    plot.resize(900, 500)
    plot.show()
    n = 1_000_000
    x = np.arange(1, n + 1, dtype=np.float64)
    rng = np.random.default_rng(0)
    y = 1.0 / np.sqrt(x) + 0.01 * rng.random(n)
    plot.train.extend(x, y)
    plot._dirty = True
    plot.redraw()
    plot.plot_widget.repaint()
    app.processEvents()
    times = []
    for k in range(5 if quick else 15):
        t0 = time.perf_counter()
        plot.train.extend(np.array([n + 1.0 + k]), np.array([y[-1]]))
        plot._dirty = True
        plot.redraw()
        plot.plot_widget.repaint()
        times.append((time.perf_counter() - t0) * 1e3)
    points = plot.n_points
    plot.close()
    app.processEvents()
    return _row(f"GUI: loss plot holding {points:,} points, one redraw", "ms", times, 16.0,
                "append one point, setData on the buffer view, repaint (clip-to-view, peak downsampling)")


def _time_to_line(cmd: list[str], marker: str, env: dict) -> float:
    """Seconds from launching ``cmd`` to it printing a line containing ``marker``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        for line in proc.stdout:
            if marker in line:
                return time.perf_counter() - t0
        raise RuntimeError(f"{cmd[0]} exited without printing {marker!r}")
    finally:
        proc.wait(timeout=60)


BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph as pg
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.setCentralWidget(pg.PlotWidget()); w.show()
QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
app.exec()
"""


def startup(quick: bool) -> dict:
    """``mlp-studio`` launched offscreen until its main window is shown (MLP_STUDIO_EXIT_AFTER_SHOW),
    beside a bare PySide6 + pyqtgraph window launched the same way."""
    exe = Path(sys.executable).with_name("mlp-studio")
    app_cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "mlp_studio"]
    with tempfile.TemporaryDirectory() as home:  # no settings, no recovery prompt
        env = {**os.environ, "HOME": home, "XDG_CONFIG_HOME": home, "XDG_DATA_HOME": home,
               "XDG_CACHE_HOME": home, "QT_QPA_PLATFORM": "offscreen",
               "MLP_STUDIO_EXIT_AFTER_SHOW": "1"}
        app_times, bare_times = [], []
        for _ in range(2 if quick else 4):
            app_times.append(_time_to_line(app_cmd, "window shown", env))
            bare_times.append(_time_to_line([sys.executable, "-c", BARE_WINDOW], "shown", env))
    bare = min(bare_times)
    return _row("start-up to a shown main window (`mlp-studio`, offscreen)", "s", app_times, 1.5,
                f"a bare PySide6 + pyqtgraph window takes {bare:.2f} s in the same run",
                {"bare_window_s": bare})


def gui_training(quick: bool) -> list[dict]:
    """Rows from ``benchmarks/gui_training.py``, run in a subprocess."""
    script = ROOT / "benchmarks" / "gui_training.py"
    if not script.exists():
        return [{"workload": "GUI: event-loop gap while training", "skipped": "gui_training.py missing",
                 "notes": ["benchmarks/gui_training.py is not there yet"]}]
    cmd = [sys.executable, str(script)] + (["--quick"] if quick else [])
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=900,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    if out.returncode != 0:
        return [{"workload": "GUI: event-loop gap while training", "skipped": "gui_training.py failed",
                 "notes": [out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "no output"]}]
    data = json.loads(out.stdout[out.stdout.index("{"):])
    what = f"784-128-64-10, float32, minibatch 64, {data['rows']} rows, {data['epochs']} epochs"
    rows = []
    for key, best in data["best"].items():  # live_views, plot_only
        gap, ratio = best["max_tick_gap_ms"], best["speed_ratio"]
        rows.append({
            "workload": f"GUI ({key}): largest event-loop gap while training ({what})", "unit": "ms",
            "value": gap, "limit": 20.0, "met": gap < 20.0,
            "notes": [f"median of {data['rounds']} runs; worst {best['max_tick_gap_ms_worst']:.1f} ms; "
                      f"p99 gap {best['p99_tick_gap_ms']:.1f} ms; when the result lands "
                      f"{best['max_tick_gap_ms_result_landing']:.1f} ms"]})
        rows.append({
            "workload": f"GUI ({key}): training speed with the window open / headless", "unit": "x",
            "value": ratio, "min": 0.9, "met": ratio >= 0.9,
            "notes": [f"median of {data['rounds']} paired runs; best against best "
                      f"{best['speed_ratio_best']:.2f}; load average {data['load_average_1min']:.1f} "
                      f"on {data['cpus']} cores"]})
    return rows


def run_all(quick: bool) -> list[dict]:
    rows = step_redraw(quick)
    for fn in (loss_plot_redraw, startup):
        rows.append(fn(quick))
    rows.extend(gui_training(quick))
    return rows
