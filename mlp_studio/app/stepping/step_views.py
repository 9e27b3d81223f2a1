"""The step-through part of the main window: the step toolbar, a Step menu (with
the exports), and docks for the math panel, the layer strips, the sensitivity view,
the output surface and the neuron maps."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMessageBox, QWidget

from mlp_studio.app.document.document import Document

from mlp_studio.app.stepping.decision_surface import DecisionSurface
from mlp_studio.app.stepping.layer_strips import LayerStrips
from mlp_studio.app.stepping.math_panel import MathPanel
from mlp_studio.app.stepping.neuron_maps import NeuronMaps
from mlp_studio.app.stepping.sensitivity_view import SensitivityView
from mlp_studio.app.stepping.step_toolbar import StepToolBar
from mlp_studio.app.stepping.controller import StepController
from mlp_studio.app.widgets.appearance import appearance
from mlp_studio.errors import MLPError
from mlp_studio.io.atomic import write_bytes_atomic, write_text_atomic
from mlp_studio.io.worked_example import worked_example_markdown

STATUS_MS = 6000


def png_bytes(widget: QWidget) -> bytes:
    """The widget as it looks now, as PNG data."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    widget.grab().save(buffer, "PNG")
    buffer.close()
    return bytes(data)


#: puts a widget in a dock of the window: (widget, title, area, object name) -> the dock
AddDock = Callable[[QWidget, str, Qt.DockWidgetArea, str], QDockWidget]


class StepViews:
    """The step-through widgets of ``window``, docked with ``add_dock``, and the export
    commands."""

    def __init__(self, window: QMainWindow, document: Document, add_dock: AddDock) -> None:
        self.window = window
        self.doc = document
        self.controller = StepController(document, parent=window)
        self.toolbar = StepToolBar(self.controller, window)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.math = MathPanel(document)
        self.strips = LayerStrips(document)
        self.sensitivity = SensitivityView(document)
        self.surface = DecisionSurface(document)
        self.neuron_maps = NeuronMaps(document)
        right, bottom = Qt.DockWidgetArea.RightDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea
        self.docks = {
            "math": add_dock(self.math, "Math", right, "dock_math"),
            "strips": add_dock(self.strips, "Layers", bottom, "dock_layer_strips"),
            "surface": add_dock(self.surface, "Output surface", bottom, "dock_output_surface"),
            "sensitivity": add_dock(self.sensitivity, "Sensitivity", bottom, "dock_sensitivity"),
            "neuron_maps": add_dock(self.neuron_maps, "Neuron maps", bottom, "dock_neuron_maps"),
        }
        self.act_export_md = QAction("Export step as worked example (Markdown)…", window)
        self.act_export_md.setToolTip("Write the shown step with every formula filled in, as Markdown")
        self.act_export_md.triggered.connect(self.export_worked_example)
        self.act_export_png = QAction("Export step plots as PNG…", window)
        self.act_export_png.setToolTip("Write the layer, output-surface and sensitivity plots as PNG files")
        self.act_export_png.triggered.connect(self.export_plots)
        menu = window.menuBar().addMenu("&Step")
        menu.setObjectName("menu_step")
        c = self.controller
        for group in ((c.act_forward, c.act_substep, c.act_update, c.act_epoch),
                      (c.act_prev_row, c.act_next_row, c.act_batch, c.act_advance),
                      (c.act_reset,), (self.act_export_md, self.act_export_png)):
            menu.addActions(list(group))
            menu.addSeparator()
        self.menu = menu
        c.message.connect(self._status)
        document.trace_changed.connect(self._enable_exports)
        self._enable_exports()

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, STATUS_MS)

    def _enable_exports(self) -> None:
        self.act_export_md.setEnabled(self.doc.trace is not None)

    def _error(self, exc: MLPError) -> None:
        QMessageBox.warning(self.window, "MLP Studio", str(exc))

    def export_worked_example(self, path: str | Path | None = None) -> Path | None:
        """Write the shown step as Markdown (asks for a file name when ``path`` is None)."""
        if self.doc.trace is None:
            self._status("Take a step first: there is no step to export")
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self.window, "Export worked example",
                                                  "worked_example.md", "Markdown (*.md)")
            if not path:
                return None
        try:
            write_text_atomic(path, worked_example_markdown(
                self.doc.trace, self.doc.project, notation=appearance().prefs.notation))
        except MLPError as exc:
            self._error(exc)
            return None
        self._status(f"Worked example written to {path}")
        return Path(path)

    def export_plots(self, path: str | Path | None = None) -> list[Path]:
        """Write the layer strips, output surface and sensitivity chart as PNGs named
        ``<stem>_layers.png`` etc. next to ``path``."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self.window, "Export plots as PNG", "step.png",
                                                  "PNG images (*.png)")
            if not path:
                return []
        base = Path(path)
        stem = base.with_suffix("")
        written = []
        try:
            for name, widget in (("layers", self.strips), ("surface", self.surface),
                                 ("sensitivity", self.sensitivity)):
                widget.flush()  # a view behind another dock's tab redraws lazily
                target = Path(f"{stem}_{name}.png")
                write_bytes_atomic(target, png_bytes(widget))
                written.append(target)
        except MLPError as exc:
            self._error(exc)
        if written:
            self._status(f"Plots written: {', '.join(p.name for p in written)}")
        return written
