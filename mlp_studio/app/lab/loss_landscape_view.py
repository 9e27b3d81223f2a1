"""Tools > Loss Landscape: the open network's training loss over two of its parameters (the
others fixed at their current values), the path its weights took while this window was open,
the loss along the negative gradient, and the Hessian with one Newton step.

All numbers come from ``core.loss_landscape`` and ``core.hessian``; this window draws them.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel, QMessageBox,
                               QPushButton, QSpinBox, QVBoxLayout, QWidget)

from mlp_studio.app.document.document import Document
from mlp_studio.app.widgets.appearance import appearance, line_width, style_plot
from mlp_studio.app.widgets.refresh import Refresher
from mlp_studio.core.evaluation import holdout_split
from mlp_studio.core.hessian import MAX_PARAMETERS, hessian_report
from mlp_studio.core.loss_landscape import (LossPlane, Objective, Parameter, flat, gradient_slice, loss_plane,
                                            parameters, span_around, with_flat)
from mlp_studio.core.network import Network
from mlp_studio.errors import MLPError

#: the plane is computed in the window: at most this many rows x parameters x grid points
MAX_WORK = 200_000_000
LEVELS = 12
COLORMAP = pg.ColorMap([0.0, 0.5, 1.0], [(58, 96, 156), (150, 196, 214), (246, 240, 222)])


def parameter_name(p: Parameter, n_layers: int) -> str:
    """``p``'s symbol in the notation chosen (``wh[0][1][0]``, ``w⁽¹⁾₂₁``, ``bo[0]``)."""
    names = appearance().notation(n_layers)
    return names.bias(p.layer, p.node) if p.input is None else names.weight(p.layer, p.node, p.input)


def training_objective(document: Document) -> Objective:
    """The loss the training minimises: the project's rows (less the held-out ones), loss and
    reduction, at the project's current network."""
    project = document.project
    if project.data is None:
        raise MLPError("load data first: the loss landscape is the loss on the training rows")
    rows, _ = holdout_split(project.data.n_rows, project.training.holdout, project.training.seed)
    return Objective(project.network.astype(np.float64), project.data.X[rows], project.data.Z[rows],
                     project.loss, project.training.batch_reduction)


class LossLandscapeView(QWidget):
    """Contour of the loss over two parameters with the path taken, and a gradient slice."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.path: list[Network] = []
        self.plane: LossPlane | None = None
        self.refresher = Refresher(self, self.redraw)
        self._build_controls()
        self._build_plots()
        self._layout()
        document.network_changed.connect(self._on_network_changed)
        document.project_replaced.connect(self.reset)
        document.data_changed.connect(self.refresher.request)
        document.settings_changed.connect(self.refresher.request)
        self.reset()

    # ------------------------------------------------------------------ build
    def _build_controls(self) -> None:
        self.first, self.second = QComboBox(), QComboBox()
        self.first.setToolTip("The parameter along the horizontal axis")
        self.second.setToolTip("The parameter along the vertical axis")
        self.half_width = QDoubleSpinBox()
        self.half_width.setRange(0.01, 100.0)
        self.half_width.setValue(2.0)
        self.half_width.setSingleStep(0.5)
        self.half_width.setToolTip("How far each axis reaches on either side of the current value")
        self.points = QSpinBox()
        self.points.setRange(5, 101)
        self.points.setValue(41)
        self.points.setToolTip("Grid points per axis")
        self.slice_length = QDoubleSpinBox()
        self.slice_length.setRange(0.01, 100.0)
        self.slice_length.setValue(2.0)
        self.slice_length.setToolTip("How far the slice goes along the negative gradient (distance in "
                                     "parameter space)")
        self.clear_path = QPushButton("Clear path")
        self.clear_path.setToolTip("Forget the path; it restarts at the current weights")
        self.clear_path.clicked.connect(self._restart_path)
        self.hessian_button = QPushButton("Hessian…")
        self.hessian_button.setToolTip(f"The loss's Hessian at the current weights (networks of up to "
                                       f"{MAX_PARAMETERS} parameters), its eigenvalues, and one Newton step")
        self.hessian_button.clicked.connect(self.show_hessian)
        self.status = QLabel()
        self.status.setWordWrap(True)
        for control in (self.first, self.second):
            control.currentIndexChanged.connect(self.refresher.request)
        for spin in (self.half_width, self.points, self.slice_length):
            spin.editingFinished.connect(self.refresher.request)

    def _build_plots(self) -> None:
        self.contour = pg.PlotWidget()
        self.contour.setMinimumSize(320, 280)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(COLORMAP)
        self.contour.addItem(self.image)
        self.isocurves = [pg.IsocurveItem(pen=pg.mkPen((40, 40, 40, 170), width=1), axisOrder="row-major")
                          for _ in range(LEVELS)]
        for iso in self.isocurves:
            iso.setParentItem(self.image)  # drawn in the image's pixel coordinates
        self.path_item = pg.PlotDataItem(pen=pg.mkPen((200, 30, 30), width=2), symbol="o", symbolSize=6,
                                         symbolBrush=(200, 30, 30))
        # on the image, whatever the theme: a black cross edged in white shows on its dark and light ends
        self.here = pg.ScatterPlotItem(size=18, symbol="x", brush=pg.mkBrush(0, 0, 0),
                                       pen=pg.mkPen(255, 255, 255, width=1.5))
        self.contour.addItem(self.path_item)
        self.contour.addItem(self.here)
        self.slice_plot = pg.PlotWidget()
        self.slice_plot.setMinimumSize(320, 200)
        self.slice_plot.setLabel("bottom", "distance along −g / |g|")
        self.slice_plot.setLabel("left", "loss")
        self.slice_curve = self.slice_plot.plot()
        self.slice_best = pg.InfiniteLine(angle=90)
        self.slice_plot.addItem(self.slice_best)
        for plot in (self.contour, self.slice_plot):
            style_plot(plot)
        appearance().changed.connect(self._on_appearance)
        self._on_appearance()
        self.slice_plot.getAxis("left").enableAutoSIPrefix(False)  # plain losses, no "(x0.001)"
        self.slice_label = QLabel()
        self.slice_label.setWordWrap(True)

    def _on_appearance(self) -> None:
        """The slice's colours from the palette, its widths with the text size, the
        parameters' names in the notation chosen."""
        colours = appearance().colours()
        self.slice_curve.setPen(pg.mkPen(colours.positive, width=line_width(2)))
        self.slice_best.setPen(pg.mkPen(colours.negative, width=line_width(1.5), style=Qt.PenStyle.DashLine))
        n_layers = len(self.document.project.network.layers)
        for box, side in ((self.first, "bottom"), (self.second, "left")):
            for k in range(box.count()):
                box.setItemText(k, parameter_name(box.itemData(k), n_layers))
            if self.plane is not None:
                self.contour.setLabel(side, box.currentText())

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("Horizontal", self.first)
        form.addRow("Vertical", self.second)
        form.addRow("Half-width", self.half_width)
        form.addRow("Grid points", self.points)
        form.addRow("Slice length", self.slice_length)
        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(self.clear_path)
        side.addWidget(self.hessian_button)
        side.addWidget(self.status)
        side.addStretch(1)
        plots = QVBoxLayout()
        plots.addWidget(self.contour, 3)
        plots.addWidget(self.slice_plot, 2)
        plots.addWidget(self.slice_label)
        outer = QHBoxLayout(self)
        outer.addLayout(side)
        outer.addLayout(plots, 1)

    # ------------------------------------------------------------------ state
    def reset(self) -> None:
        """Fill the parameter lists from the network and start a new path."""
        params = parameters(self.document.project.network)
        for box, default in ((self.first, 0), (self.second, 1)):
            box.blockSignals(True)
            box.clear()
            for p in params:
                box.addItem(parameter_name(p, len(self.document.project.network.layers)), p)
            box.setCurrentIndex(min(default, len(params) - 1))
            box.blockSignals(False)
        self._restart_path()

    def _restart_path(self) -> None:
        self.path = [self.document.project.network.copy()]
        self.refresher.request()

    def _on_network_changed(self) -> None:
        net = self.document.network  # a training run's snapshot while it runs
        if self.path and net.sizes != self.path[-1].sizes:
            self.reset()
            return
        if not self.path or not net.equals(self.path[-1]):
            self.path.append(net.copy())
        if self.document.snapshot is not None and self.plane is not None:
            self._draw_path()  # while training: the path grows over the last plane drawn
        else:
            self.refresher.request()

    # ------------------------------------------------------------------ draw
    def redraw(self) -> None:
        """Recompute the plane and the slice at the current weights (``refresher`` calls this)."""
        try:
            objective = training_objective(self.document)
            first, second = self.first.currentData(), self.second.currentData()
            if not isinstance(first, Parameter) or not isinstance(second, Parameter):
                return
            n = self.points.value()
            work = objective.x.shape[0] * objective.net.n_parameters * n * n
            if work > MAX_WORK:
                raise MLPError(f"too much to draw here: {objective.x.shape[0]:,} rows x "
                               f"{objective.net.n_parameters:,} parameters x {n * n:,} grid points; "
                               "use fewer grid points or a smaller network")
            theta = flat(objective.net)
            index = {p: k for k, p in enumerate(parameters(objective.net))}
            half = self.half_width.value()
            self.plane = loss_plane(objective, first, second, span_around(theta[index[first]], half, n),
                                    span_around(theta[index[second]], half, n))
            self._draw_plane()
            self._draw_slice(objective)
            self.status.setText(f"Path: {len(self.path) - 1} change(s) of the weights since this "
                                "window opened (steps, edits, training snapshots).")
        except MLPError as exc:
            self.status.setText(str(exc))

    def _draw_path(self) -> None:
        path = self.plane.project(self.path)
        self.path_item.setData(path[:, 0], path[:, 1])
        self.here.setData(path[-1:, 0], path[-1:, 1])

    def _draw_plane(self) -> None:
        plane = self.plane
        values = np.log10(np.maximum(plane.values, 1e-12))  # losses span decades: contour their log
        self.image.setImage(values)
        dx, dy = plane.xs[1] - plane.xs[0], plane.ys[1] - plane.ys[0]
        self.image.setRect(plane.xs[0] - dx / 2, plane.ys[0] - dy / 2, dx * plane.xs.size, dy * plane.ys.size)
        for iso, level in zip(self.isocurves, np.linspace(values.min(), values.max(), LEVELS + 2)[1:-1]):
            iso.setData(values, level)
        self._draw_path()
        self.contour.setLabel("bottom", self.first.currentText())
        self.contour.setLabel("left", self.second.currentText())
        self.contour.setTitle("log10 of the training loss; × the current weights, red: the path")

    def _draw_slice(self, objective: Objective) -> None:
        try:
            cut = gradient_slice(objective, self.slice_length.value())
        except MLPError as exc:
            self.slice_curve.setData([], [])
            self.slice_label.setText(str(exc))
            return
        self.slice_curve.setData(cut.steps, cut.values)
        self.slice_best.setValue(cut.best_step)
        best = float(np.nanmin(cut.values))
        if cut.best_step >= cut.steps[-1]:
            where = "and is still falling at the end of the slice: lengthen it to see where a line search stops"
        else:
            where = f"at distance {cut.best_step:.3g}: an exact line search would stop there"
        step = self.document.project.training.learning_rate * cut.gradient_norm
        self.slice_label.setText(f"|g| = {cut.gradient_norm:.4g}. Along −g the loss falls from "
                                 f"{cut.values[0]:.4g} to {best:.4g} {where}. One gradient step of "
                                 f"learning rate η moves η·|g| = {step:.3g}.")

    # ---------------------------------------------------------------- Hessian
    def show_hessian(self) -> None:
        from mlp_studio.app.lab.hessian_dialog import HessianDialog

        try:
            objective = training_objective(self.document)
            report = hessian_report(objective)
        except MLPError as exc:
            QMessageBox.information(self, "Hessian", str(exc))
            return
        dialog = HessianDialog(report, parameters(objective.net), self)
        if dialog.exec() and dialog.newton_requested:
            try:
                theta = flat(objective.net) + report.newton_step()
                self.document.set_network(with_flat(self.document.project.network, theta).astype(
                    self.document.project.network.dtype), "Newton step")
            except MLPError as exc:
                QMessageBox.warning(self, "Newton step", str(exc))
