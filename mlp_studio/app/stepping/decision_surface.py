"""For a network with 2 inputs: its output over the input plane as an image, the
decision boundary as a contour, and the data points coloured by their target.
With several outputs (one per class, say) a box picks the output shown.

The grid is evaluated by core ``output_grid`` in the scaled input space (a
margin around the data); axes and colours are in the data's own units (the
scalers' inverses). The axes cover that window only, in the plane's own shape: the
plot is as wide as that shape makes it (``AspectFrame``), centred in the dock.
Redrawn after every network change (each step).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from mlp_studio.app.stepping.output_chooser import OutputChooser
from mlp_studio.app.widgets.aspect_frame import AspectFrame
from mlp_studio.app.widgets.appearance import appearance, colour_scale, line_width, style_plot
from mlp_studio.app.widgets.point_styles import PointStyles
from mlp_studio.app.widgets.refresh import Refresher
from mlp_studio.core.activations import get_activation
from mlp_studio.core.evaluation import holdout_split
from mlp_studio.core.surface import grid_axes, input_window, output_grid

GRID = 101
SAME_UNITS = 4.0  # inputs whose spans differ by less than this factor are drawn 1:1
MARGIN = 0.1  # of the data's scaled span, on each side
TOP_MARGIN = 8  # pixels above the view
POINT_SIZE = 12  # pixels: the points stay this size in presenter mode, in the same small plane
RING_SIZE = 22  # pixels of the ring round the row in use, before scaling with the text
COLORBAR_AXIS_WIDTH = 45  # pyqtgraph's, for the colour bar's ticks and title, before scaling


class DecisionSurface(QStackedWidget):
    """Page 0: a message; page 1: the output box (several outputs only), the title and the plot.
    ``values`` is the image of output ``output`` (data units, ``[iy, ix]``), on the
    scaled grid ``xs``, ``ys``."""

    def __init__(self, document, parent: QWidget | None = None, grid: int = GRID) -> None:
        super().__init__(parent)
        self.doc = document
        self.grid = grid
        self.setObjectName("decision_surface")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setMargin(12)
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.boundary = pg.IsocurveItem(axisOrder="row-major")
        self.boundary.setParentItem(self.image)
        self.points = pg.ScatterPlotItem()
        self.plot.addItem(self.points)
        self.current = pg.ScatterPlotItem(brush=None)
        self.plot.addItem(self.current)
        self._drawn_colours = appearance().colours()
        self.colorbar = pg.ColorBarItem(colorMap=colour_scale(self._drawn_colours, pale=True),
                                        interactive=False, width=14)
        self.colorbar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        style_plot(self.plot)
        # room above the view for the top labels of the axis and the colour bar (no title there)
        self.plot.getPlotItem().layout.setContentsMargins(1, TOP_MARGIN, 1, 1)
        self.chooser = OutputChooser("The output drawn over the inputs")
        self.chooser.chosen.connect(self.refresh)
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.chooser)
        # the title above the frame, as wide as the dock: in the plot it would set the
        # plot's least width, wider than the plane's shape wants in a short dock
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # sets no width
        column.addWidget(self.title)
        self.frame = AspectFrame(self.plot)
        column.addWidget(self.frame, 1)
        self.addWidget(self.message)
        self.addWidget(page)
        self.values: np.ndarray | None = None
        self._window: tuple[float, ...] | None = None  # the plane's corners the view was set to
        self._point_styles = PointStyles()
        self.xs: np.ndarray | None = None
        self.ys: np.ndarray | None = None
        self.refresher = Refresher(self, self.refresh)
        for signal in (document.network_changed, document.data_changed, document.row_changed,
                       appearance().changed):
            signal.connect(self.refresher.request)
        self.refresher.request()  # drawn when first on screen

    def flush(self) -> None:
        """Bring the view up to date now (it redraws lazily: ``mlp_studio.app.widgets.refresh``)."""
        self.refresher.flush()

    def refresh(self) -> None:
        """Redraw now from the document's network."""
        net, data = self.doc.network, self.doc.project.data  # a training run's weights too
        if net.n_inputs != 2:
            self._say(f"The output surface is drawn for networks with 2 inputs; this one has {net.n_inputs}.")
            return
        if data is None:
            self._say("Load data with 2 input columns to see the output surface behind the points.")
            return
        self.setCurrentIndex(1)
        colours = appearance().colours()
        points_scale = colour_scale(colours)
        k = self.chooser.offer(list(data.targets))
        x_range, y_range = input_window(data.X, MARGIN)
        self.xs, self.ys = grid_axes(x_range, y_range, self.grid)
        with np.errstate(all="ignore"):
            scaled = output_grid(net, x_range, y_range, self.grid, output=k)
        values = self._in_target_units(scaled.ravel()).reshape(scaled.shape)
        self.values = values
        # Pixel centres on the grid points, in the data's input units.
        dx, dy = self.xs[1] - self.xs[0], self.ys[1] - self.ys[0]
        corners = data.input_scaler.inverse(np.array([[self.xs[0] - dx / 2, self.ys[0] - dy / 2],
                                                      [self.xs[-1] + dx / 2, self.ys[-1] + dy / 2]]))
        targets = data.raw_targets[:, k]
        levels = self._levels(values, targets)
        self.image.setImage(np.nan_to_num(values), levels=levels)
        self.image.setRect(QRectF(corners[0, 0], corners[0, 1], corners[1, 0] - corners[0, 0],
                                  corners[1, 1] - corners[0, 1]))
        if colours != self._drawn_colours:  # a new colour map re-renders the colour bar: only on a change
            self.colorbar.setColorMap(colour_scale(colours, pale=True))
            self.colorbar.axis.setWidth(round(COLORBAR_AXIS_WIDTH * appearance().font_scale))
            self._drawn_colours = colours
        self.colorbar.setLevels(levels)
        self.colorbar.setLabel("right", "output")  # the title above names the output in full
        self._boundary(net.layers[-1].activation, colours)
        raw = data.raw_inputs
        fills = points_scale.map((targets - levels[0]) / ((levels[1] - levels[0]) or 1.0), mode="qcolor")
        training = self.doc.project.training
        held = np.zeros(data.n_rows, bool)
        held[holdout_split(data.n_rows, training.holdout, training.seed)[1]] = True
        # training rows: filled with their target's colour, ringed in the text's colour;
        # held-out rows: hollow
        styles = self._point_styles
        ring = styles.pen(colours.text, 1.5)
        self.points.setData(x=raw[:, 0], y=raw[:, 1], size=POINT_SIZE,
                            brush=styles.brushes(None if h else c for c, h in zip(fills, held)),
                            pen=[styles.pen(c, 3) if h else ring for c, h in zip(fills, held)])
        # the view: the grid's window, in data units (the image's outer half pixels left out)
        self._lock_aspect(data.input_scaler.inverse(np.array([[x_range[0], y_range[0]], [x_range[1], y_range[1]]])))
        row = min(self.doc.selected_row, data.n_rows - 1)
        self.current.setData(x=[raw[row, 0]], y=[raw[row, 1]], size=RING_SIZE * appearance().font_scale,
                             pen=pg.mkPen(colours.text, width=line_width(2.5)))
        self.plot.setLabel("bottom", data.inputs[0])
        self.plot.setLabel("left", data.inputs[1])
        font = self.title.font()
        font.setPixelSize(appearance().px(13))
        self.title.setFont(font)
        self.title.setText(f"output {data.targets[k]} over the inputs (ring: row {row})")

    def _lock_aspect(self, corners: np.ndarray) -> None:
        """Keep the plane's shape instead of stretching it to the dock: one unit of x as long as
        one of y when the inputs' spans are alike (the data's own shape), else the window drawn
        square (inputs in unlike units, e.g. years and euros). The view shows the window and
        the plot takes the window's shape. (pyqtgraph's view limits are not used: with a
        locked aspect they shift the view and leave the axes' labels behind.) ``corners``: the
        window's lower-left and upper-right points, in data units."""
        width, height = corners[1] - corners[0]
        if not (width > 0 and height > 0):
            self.plot.setAspectLocked(True, ratio=1.0)
            self.frame.set_aspect(None)
            return
        ratio = 1.0 if 1 / SAME_UNITS <= height / width <= SAME_UNITS else float(height / width)
        self.plot.setAspectLocked(True, ratio=ratio)
        self.frame.set_aspect(float(width / height) * ratio)  # pyqtgraph's ratio: x's pixels per y's
        window = tuple(corners.ravel().tolist())
        if window != self._window:  # new data: show all of it (a zoom of the same data stays)
            self._window = window
            vb = self.plot.getPlotItem().vb
            vb.setRange(xRange=(corners[0, 0], corners[1, 0]), yRange=(corners[0, 1], corners[1, 1]),
                        padding=0.0)

    def _in_target_units(self, scaled: np.ndarray) -> np.ndarray:
        """Scaled values of output ``output`` in its target column's own units."""
        data, k = self.doc.project.data, self.chooser.index
        full = np.zeros((scaled.size, len(data.targets)))
        full[:, k] = scaled
        return data.target_scaler.inverse(full)[:, k]

    def _levels(self, values: np.ndarray, targets: np.ndarray) -> tuple[float, float]:
        """Colour range in data units: the output activation's range if bounded, else the values'."""
        lo, hi = get_activation(self.doc.network.layers[-1].activation).value_range
        if np.isfinite(lo) and np.isfinite(hi):
            ends = self._in_target_units(np.array([lo, hi]))
        else:
            both = np.concatenate([values[np.isfinite(values)], targets])
            ends = np.array([both.min(), both.max()])
        low, high = float(ends.min()), float(ends.max())
        return (low, high) if high > low else (low - 0.5, high + 0.5)

    def _boundary(self, activation: str, colours) -> None:
        """The contour where the output is half-way through the activation's range."""
        self.boundary.setPen(pg.mkPen(colours.text, width=line_width(2)))
        lo, hi = get_activation(activation).value_range
        if not (np.isfinite(lo) and np.isfinite(hi)):
            self.boundary.setData(None)
            return
        level = self._in_target_units(np.array([(lo + hi) / 2]))[0]
        # The isocurve is drawn in image pixels, mapped by the image's transform.
        self.boundary.setData(np.nan_to_num(self.values), level=float(level))

    def _say(self, text: str) -> None:
        self.values = None
        self.message.setText(text)
        self.setCurrentIndex(0)
