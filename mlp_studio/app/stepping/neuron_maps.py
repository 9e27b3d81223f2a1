"""Neuron maps: for a network with 2 inputs, each hidden and output node's activation over
the input plane, one small map per node in a block per layer, following every step and a
training run's snapshots. A click on a map shows it large, with the data points on it
(filled by their first target).

The maps come from core ``activation_grids`` on the output surface's window of the scaled
inputs; the large map's axes are in the data's own units.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QWidget

from mlp_studio.app.stepping.decision_surface import MARGIN
from mlp_studio.app.widgets.appearance import appearance, colour_scale, line_width, style_plot
from mlp_studio.app.widgets.point_styles import PointStyles
from mlp_studio.app.widgets.refresh import Refresher
from mlp_studio.core.activations import get_activation
from mlp_studio.core.surface import activation_grids, grid_axes, input_window

GRID = 41
MAX_NODES = 16  # maps shown per layer; wider layers show their first ones
MAP_SIZE = 60
ROWS = 3  # maps stacked per column of a layer's block (the dock is wide and low)


def levels_for(activation: str, values: np.ndarray) -> tuple[float, float]:
    """The colour range: the activation's range where bounded, else the values' own."""
    lo, hi = get_activation(activation).value_range
    if np.isfinite(lo) and np.isfinite(hi):
        return float(lo), float(hi)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    return (low, high) if high > low else (low - 0.5, high + 0.5)


class NeuronMaps(QStackedWidget):
    """Page 0: a message; page 1: the small maps (left) and the chosen map large (right)."""

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.setObjectName("neuron_maps")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setMargin(12)
        self.maps = pg.GraphicsLayoutWidget()
        self.maps_styler = style_plot(self.maps)
        self.maps.setToolTip("Each node's activation over the two inputs; click a map to enlarge it")
        self.large = pg.PlotWidget()
        self.large.setMenuEnabled(False)
        self.large.hideButtons()
        self.large_image = pg.ImageItem(axisOrder="row-major")
        self.large.addItem(self.large_image)
        self.large_points = pg.ScatterPlotItem()
        self._point_styles = PointStyles()  # pens and brushes reused: see point_styles
        self.large.addItem(self.large_points)
        style_plot(self.large)
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.maps, 3)
        row.addWidget(self.large, 2)
        self.addWidget(self.message)
        self.addWidget(page)
        self.grids: list[np.ndarray] = []
        self.images: dict[tuple[int, int], pg.ImageItem] = {}
        self.chosen: tuple[int, int] = (0, 0)
        self.colour_map = colour_scale(appearance().colours())
        self._shape: list[int] | None = None
        self.refresher = Refresher(self, self.refresh)
        for signal in (document.network_changed, document.data_changed):
            signal.connect(self.refresher.request)
        appearance().changed.connect(self._on_appearance)
        self.refresher.request()  # drawn when first on screen

    def _on_appearance(self) -> None:
        self._shape = None  # titles, fonts and colours made again
        self.refresher.request()

    def _say(self, text: str) -> None:
        self.grids = []
        self.message.setText(text)
        self.setCurrentIndex(0)

    def refresh(self) -> None:
        """Recompute every node's map from the document's network (a run's snapshot too)."""
        net, data = self.doc.network, self.doc.project.data
        if net.n_inputs != 2:
            self._say(f"Neuron maps are drawn for networks with 2 inputs; this one has {net.n_inputs}.")
            return
        if data is None:
            self._say("Load data with 2 input columns to see what each node computes over the inputs.")
            return
        self.setCurrentIndex(1)
        self.window_ranges = input_window(data.X, MARGIN)
        with np.errstate(all="ignore"):
            self.grids = activation_grids(net, *self.window_ranges, GRID)
        sizes = [layer.n_out for layer in net.layers]
        if sizes != self._shape:
            self._build(sizes)
        for (i, k), image in self.images.items():
            values = self.grids[i][k]
            image.setImage(np.nan_to_num(values), levels=levels_for(net.layers[i].activation, values))
        self._draw_large()

    def _build(self, sizes: list[int]) -> None:
        """Per layer, its title over a block of small maps, ROWS maps high."""
        self.maps.clear()
        self.images = {}
        self._shape = sizes
        if self.chosen[0] >= len(sizes) or self.chosen[1] >= sizes[self.chosen[0]]:
            self.chosen = (0, 0)
        names = appearance().notation(len(sizes))
        self.colour_map = colour_scale(appearance().colours())
        self.large_image.setColorMap(colour_scale(appearance().colours(), pale=True))  # points stand out
        for i, n in enumerate(sizes):
            block = self.maps.addLayout(row=0, col=i)
            shown = min(n, MAX_NODES)
            title = names.layer_name(i) + ("" if n <= MAX_NODES else f" (first {MAX_NODES} of {n})")
            block.addLabel(title, row=0, col=0, colspan=max(1, -(-shown // ROWS)),
                           size=f"{appearance().px(13)}px")
            for k in range(shown):
                box = block.addViewBox(row=1 + k % ROWS, col=k // ROWS, lockAspect=True, enableMouse=False)
                box.setFixedHeight(MAP_SIZE)
                box.setFixedWidth(MAP_SIZE)
                image = pg.ImageItem(axisOrder="row-major")
                image.setColorMap(self.colour_map)
                image.setToolTip(f"{names.node_words(i, k)}: click to enlarge")
                image.mouseClickEvent = lambda event, key=(i, k): self.choose(*key)
                box.addItem(image)
                self.images[(i, k)] = image
        self.maps_styler.apply()

    def choose(self, layer: int, node: int) -> None:
        """Show node ``node`` of ``layer`` large."""
        self.chosen = (layer, node)
        self._draw_large()

    def _draw_large(self) -> None:
        layer, node = self.chosen
        data, net = self.doc.project.data, self.doc.network
        values = self.grids[layer][node]
        self.large_image.setImage(np.nan_to_num(values), levels=levels_for(net.layers[layer].activation, values))
        xs, ys = grid_axes(*self.window_ranges, GRID)
        dx, dy = xs[1] - xs[0], ys[1] - ys[0]
        corners = data.input_scaler.inverse(np.array([[xs[0] - dx / 2, ys[0] - dy / 2],
                                                      [xs[-1] + dx / 2, ys[-1] + dy / 2]]))
        self.large_image.setRect(QRectF(corners[0, 0], corners[0, 1], corners[1, 0] - corners[0, 0],
                                        corners[1, 1] - corners[0, 1]))
        raw, targets = data.raw_inputs, data.raw_targets[:, 0]
        low, high = float(targets.min()), float(targets.max())
        styles = self._point_styles
        self.large_points.setData(
            x=raw[:, 0], y=raw[:, 1], size=9 * appearance().font_scale,
            pen=styles.pen(appearance().colours().text, line_width(1.2)),
            brush=styles.brushes(self.colour_map.map((targets - low) / ((high - low) or 1.0), mode="qcolor")))
        self.large.setLabel("bottom", data.inputs[0])
        self.large.setLabel("left", data.inputs[1])
        words = appearance().notation(len(net.layers)).node_words(layer, node)
        self.large.setTitle(f"{words[0].upper()}{words[1:]}: {net.layers[layer].activation}",
                            size=f"{appearance().px(13)}px")
