"""The step redraw: a sub-step (F8) or a whole step (F11) pressed in the main window, until
the window is repainted; beside it, a bare QGraphicsScene redrawing the canvas's picture.

    QT_QPA_PLATFORM=offscreen python benchmarks/gui_step.py [--quick] [--tab DOCK]

The window is the one a new user sees: fresh settings (the default dock layout and
window size), the bundled 2-3-1 reference example and the 2-8-1 two_moons example.
A press is timed from the action to ``window.repaint()`` returning, so the whole window
is painted, not only what changed (an upper bound of a press). Sub-steps cycle through
every phase, the update and its change marks included; after an update the marks stay
until the next one, as in the app. ``--tab`` brings another dock of the bottom tab group
to the front instead of Data (e.g. ``dock_layer_strips``, ``dock_sensitivity``).

The peer is a QGraphicsView of the canvas's size and zoom holding a plain item for each
item the canvas shows (nodes and their texts, edges, weight labels, the change glows and
rings, titles), each given new text, brush or pen and the view repainted: what drawing
the same picture costs without the canvas's caching. Presses and peer frames alternate,
so both see the same load and the ratio holds on a busy machine; medians are reported,
with the CPU time of a press (all the process's threads): the work, which load does not
stretch.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

EXAMPLES = ("reference.mlp.json", "two_moons.mlp.json")
LIMIT_MS = 16.0
ACTIONS = (("sub_step", "sub-step (F8)"), ("step_update", "whole step (F11)"))


def make_app():
    """The QApplication, made as ``mlp-studio`` makes it."""
    from PySide6.QtWidgets import QApplication

    from mlp_studio.app.shell.main import prefer_serial_painting

    prefer_serial_painting()
    return QApplication.instance() or QApplication(["mlp-studio-bench"])


@contextmanager
def fresh_settings():
    """Settings (window layout, preferences) in a temporary folder, as on a first start."""
    from PySide6.QtCore import QSettings

    from mlp_studio.app.widgets.appearance import reset_appearance

    ini = QSettings.Format.IniFormat
    old = QSettings.defaultFormat()
    with tempfile.TemporaryDirectory() as folder:
        QSettings.setDefaultFormat(ini)
        QSettings.setPath(ini, QSettings.Scope.UserScope, folder)
        reset_appearance()
        try:
            yield
        finally:
            reset_appearance()
            QSettings.setDefaultFormat(old)


class BareCanvas:
    """Plain QGraphicsItems copying what ``canvas`` shows, in a view of its size and zoom."""

    def __init__(self, canvas) -> None:
        from PySide6.QtGui import QPainter
        from PySide6.QtWidgets import (QGraphicsEllipseItem, QGraphicsItem, QGraphicsLineItem,
                                       QGraphicsRectItem, QGraphicsScene, QGraphicsSimpleTextItem,
                                       QGraphicsView)

        self.scene = QGraphicsScene()
        self.view = QGraphicsView(self.scene)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setBackgroundBrush(canvas.backgroundBrush())
        self.view.resize(canvas.size())
        self.view.setSceneRect(canvas.sceneRect())
        self.view.setTransform(canvas.transform())
        self.texts, self.shapes, self.lines = [], [], []
        for order, item in enumerate(reversed(canvas.scene().items())):  # bottom first
            if not item.isVisible():
                continue
            no_contents = bool(item.flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
            if isinstance(item, QGraphicsSimpleTextItem):
                copy = QGraphicsSimpleTextItem(item.text())
                copy.setFont(item.font())
                copy.setBrush(item.brush())
                self.texts.append(copy)
            elif isinstance(item, QGraphicsLineItem):  # an edge, or a glow (the canvas caches those)
                copy = QGraphicsLineItem(item.line())
                copy.setPen(item.pen())
                self.lines.append(copy)
            elif isinstance(item, (QGraphicsEllipseItem, QGraphicsRectItem)) and not no_contents:
                plain = QGraphicsEllipseItem if isinstance(item, QGraphicsEllipseItem) else QGraphicsRectItem
                copy = plain(item.rect())
                copy.setPen(item.pen())
                copy.setBrush(item.brush())
                self.shapes.append(copy)
            else:
                continue
            copy.setPos(item.scenePos())
            copy.setZValue(order)  # the canvas's stacking, children included
            self.scene.addItem(copy)
        self.view.show()
        self.frames = 0

    @property
    def n_items(self) -> int:
        return len(self.texts) + len(self.shapes) + len(self.lines)

    def frame(self) -> None:
        """New texts, fills and pens for every item, then the view repainted."""
        from PySide6.QtGui import QBrush, QColor

        self.frames += 1
        k = self.frames
        for i, text in enumerate(self.texts):
            text.setText(f"{0.1234 + 0.001 * (i + k):.4f}")
        for i, shape in enumerate(self.shapes):
            shape.setBrush(QBrush(QColor.fromHsv((20 * (i + k)) % 360, 60, 250)))
        for line in self.lines:
            pen = line.pen()
            pen.setWidthF(pen.widthF() + (0.125 if k % 2 else -0.125))
            line.setPen(pen)
        self.view.viewport().repaint()


def _example_window(example: str, tab: str | None = None):
    from mlp_studio.app.document.document import Document
    from mlp_studio.app.shell.main_window import MainWindow
    from mlp_studio.io.project_file import load_project
    from mlp_studio.io.resources import resource_path

    document = Document()
    document.new_project(load_project(resource_path(example)), name=f"{example} (example)")
    window = MainWindow(document)  # DEFAULT_SIZE and the default layout: the settings are fresh
    window.show()
    if tab is not None:
        from PySide6.QtWidgets import QDockWidget

        dock = window.findChild(QDockWidget, tab)
        if dock is None:
            raise SystemExit(f"no dock named {tab!r}")
        dock.raise_()
    return document, window


def press_and_peer(example: str, presses: int, tab: str | None = None) -> list[dict]:
    """Rows for the sub-step and the whole step on ``example``."""
    app = make_app()
    rows = []
    with fresh_settings():
        document, window = _example_window(example, tab)
        for _ in range(5):
            app.processEvents()
        controller = window.step_controller
        sizes = "-".join(map(str, document.network.sizes))
        for action, what in ACTIONS:
            press = getattr(controller, action)
            for _ in range(6):  # warm up; a sub-step cycle reaches the update and its marks
                press()
                app.processEvents()
                window.repaint()
            peer = BareCanvas(window.canvas)
            load = os.getloadavg()[0]
            times, cpu_times, peer_times = [], [], []
            for _ in range(presses):
                t0, c0 = time.perf_counter(), time.process_time()
                press()
                app.processEvents()  # queued signals, coalesced redraws, layout
                window.repaint()  # paint the window and all its docks now
                t1, c1 = time.perf_counter(), time.process_time()
                peer.frame()
                t2 = time.perf_counter()
                times.append((t1 - t0) * 1e3)
                cpu_times.append((c1 - c0) * 1e3)
                peer_times.append((t2 - t1) * 1e3)
            peer.view.close()
            ours, bare = float(np.median(times)), float(np.median(peer_times))
            cpu = float(np.median(cpu_times))
            load = max(load, os.getloadavg()[0])
            rows.append({
                "workload": f"GUI: {what} on {example.removesuffix('.mlp.json')} ({sizes}), "
                            f"window redrawn{f' ({tab} in front)' if tab else ''}", "unit": "ms",
                "value": ours, "median": ours, "best": min(times), "limit": LIMIT_MS,
                "met": ours < LIMIT_MS, "cpu_ms": cpu, "peer_ms": bare, "ratio": ours / bare,
                "load_average": load,
                "notes": [f"median of {presses} presses (best {min(times):.1f} ms; CPU time "
                          f"{cpu:.1f} ms, every thread of the process), action to "
                          f"window.repaint() at {window.width()}x{window.height()}; a bare "
                          f"QGraphicsScene redrawing the canvas's {peer.n_items} items: "
                          f"{bare:.1f} ms, ratio {ours / bare:.2f}; load average {load:.1f} "
                          f"on {os.cpu_count()} cores"]})
        document.undo_stack.setClean()  # no "save changes?" prompt on close
        window.close()
        app.processEvents()
    return rows


def step_redraw(quick: bool, tab: str | None = None) -> list[dict]:
    """Sub-step and whole-step redraws on the bundled examples, each beside its peer."""
    rows = []
    for example in EXAMPLES:
        rows.extend(press_and_peer(example, 15 if quick else 40, tab))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer presses")
    parser.add_argument("--out", default=None, help="write the rows as JSON here")
    parser.add_argument("--tab", default=None,
                        help="dock brought to the front of the bottom tabs (e.g. dock_layer_strips)")
    args = parser.parse_args(argv)
    rows = step_redraw(args.quick, args.tab)
    for row in rows:
        print(f"{row['workload']}: {row['median']:.2f} ms median "
              f"({'met' if row['met'] else 'NOT met'}: < {row['limit']:g} ms)")
        for note in row["notes"]:
            print(f"  {note}")
    if args.out:
        Path(args.out).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
