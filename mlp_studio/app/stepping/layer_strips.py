"""Activations and deltas of every layer as small bar strips, and the output
against the target in the data's own units, from the document's trace."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QWidget

from mlp_studio.app.widgets.appearance import appearance, line_width, style_plot
from mlp_studio.app.widgets.refresh import Refresher

#: layers up to this many nodes get their numbers written on the bars
LABEL_LIMIT = 8
LABEL_PX = 12
AXIS_WIDTH = 36  # pixels of a strip's value axis, before scaling with the text
_A_BRUSH = pg.mkBrush("#4a7fb5")
_Y_BRUSH = pg.mkBrush("#4a7fb5")
_Z_BRUSH = pg.mkBrush("#e69f00")


def _first_row(values: np.ndarray | None) -> np.ndarray | None:
    """Per-sample values of the (first) row: the trace holds (n,) or (rows, n)."""
    if values is None:
        return None
    values = np.asarray(values)
    return values[0] if values.ndim == 2 else values


def _fit_y(plot: pg.PlotItem, low: float, high: float, room: bool,
           current: tuple[float, float] | None) -> tuple[float, float]:
    """Y range over [low, high] (which include 0), with room for labels above/below; the
    plot is left alone when ``current`` is already that range (a moved range redraws its
    axes). Returns the range."""
    span = (high - low) or 1.0
    extra = 1.0 * span if room else 0.05 * span
    wanted = (low - (extra if low < 0 else 0.0), high + (extra if high > 0 or low == high else 0.0))
    if wanted != current:
        plot.setYRange(*wanted, padding=0.02)
    return wanted


def _steady_axes(plot: pg.PlotItem) -> None:
    """No SI prefixes on the axes: they have no labels to show one, and looking for one
    laid each axis's label out again whenever the range moved."""
    for side in ("left", "bottom"):
        plot.getAxis(side).enableAutoSIPrefix(False)


def _label(label: pg.TextItem, text: str, x: float, y: float) -> None:
    """Write ``text`` at (x, y), above a bar that is not negative and below one that is."""
    if label.toPlainText() != text:
        label.setText(text)
    anchor = (0.5, 1.0) if y >= 0 else (0.5, 0.0)
    if tuple(label.anchor) != anchor:
        label.setAnchor(anchor)
    label.setPos(x, y)


class _Strip:
    """One small plot of bars, optionally with the numbers written on them."""

    def __init__(self, plot: pg.PlotItem, n: int, title: str) -> None:
        self.plot = plot
        self.n = n
        plot.setTitle(title, size=f"{appearance().px(13)}px")
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.getAxis("bottom").setTicks([[(i, str(i)) for i in range(n)]] if n <= 20 else None)
        plot.getAxis("left").setWidth(round(AXIS_WIDTH * appearance().font_scale))
        _steady_axes(plot)
        plot.addLine(y=0, pen=pg.mkPen(appearance().colours().muted, width=line_width(1)))
        # Outlines would hide the colours of many thin bars.
        self.bars = pg.BarGraphItem(x=np.arange(n), height=np.zeros(n), width=0.7, brush=_A_BRUSH,
                                    pen=pg.mkPen(appearance().colours().muted) if n <= 40 else None)
        plot.addItem(self.bars)
        self.labels: list[pg.TextItem] = []
        if n <= LABEL_LIMIT:
            plot.hideAxis("left")  # the numbers are written on the bars
            for i in range(n):
                label = pg.TextItem("", color=appearance().colours().text, anchor=(0.5, 1.0))
                label.setFont(appearance().font(LABEL_PX))
                label.setPos(i, 0)
                plot.addItem(label)
                self.labels.append(label)
            plot.vb.sigResized.connect(self._fit_numbers)
        plot.setXRange(-0.6, n - 0.4, padding=0)
        self.values: np.ndarray | None = None
        self.shown = False  # nothing drawn yet, not even the empty strip
        self.y_range: tuple[float, float] | None = None
        self.numbers_shown = bool(self.labels)

    def _fit_numbers(self) -> None:
        """The numbers on the bars only where they can be read: each bar's slot as wide as a
        number and the strip tall enough for bars and a line of numbers. Where they cannot,
        the bars alone show signs and sizes (the Math panel has every value)."""
        metrics = QFontMetricsF(appearance().font(LABEL_PX))
        room = self.plot.vb.boundingRect()
        fits = (room.width() / self.n >= metrics.horizontalAdvance(appearance().number(-1.0)) + 4
                and room.height() >= 4 * metrics.height())
        if fits == self.numbers_shown:
            return
        self.numbers_shown = fits
        for label in self.labels:
            label.setVisible(fits)
        if self.values is not None:  # room above and below the bars for numbers, or none
            self._fit_range(np.nan_to_num(self.values))

    def show(self, values: np.ndarray | None, signed_colours: bool = False) -> None:
        """Bars (and numbers) for ``values``; nothing is touched when they are the ones shown."""
        if values is None and self.values is None and self.shown:
            return
        if values is not None and self.values is not None and np.array_equal(values, self.values):
            return
        self.shown = True
        self.values = None if values is None else np.asarray(values, dtype=float).copy()
        heights = np.zeros(self.n) if values is None else np.nan_to_num(self.values)
        colours = appearance().colours()
        positive, negative = pg.mkBrush(colours.positive), pg.mkBrush(colours.negative)
        brushes = ([positive if v >= 0 else negative for v in heights] if signed_colours
                   else [_A_BRUSH] * self.n)
        self.bars.setOpts(height=heights, brushes=brushes)
        for i, label in enumerate(self.labels):
            if values is None:
                label.setText("")
                continue
            _label(label, appearance().number(self.values[i]), i, heights[i])
        self._fit_range(heights)

    def _fit_range(self, heights: np.ndarray) -> None:
        """The y range over the bars and 0, with room for the numbers when they are shown."""
        low, high = (float(min(heights.min(), 0.0)), float(max(heights.max(), 0.0))) if self.n else (0, 1)
        self.y_range = _fit_y(self.plot, low, high, self.numbers_shown, self.y_range)


class LayerStrips(pg.GraphicsLayoutWidget):
    """Per layer (a column): activations a (blue) above deltas δ (red positive,
    blue negative); the last column is the output against the target.

    Follows ``document.network`` (a training run's snapshot too) and its
    ``shown_trace``. Plots and bars are made when the network's shape changes and
    updated in place otherwise; redraws are coalesced and skipped while hidden
    (``mlp_studio.app.widgets.refresh``)."""

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.setObjectName("layer_strips")
        self._styler = style_plot(self)
        self._sizes: list[int] | None = None
        self._targets: list[str] | None = None
        self.activations: list[_Strip] = []  # inputs, then each layer
        self.deltas: list[_Strip] = []  # each layer
        self.output_plot: pg.PlotItem | None = None
        self._output_bars: tuple[pg.BarGraphItem, pg.BarGraphItem] | None = None
        self._output_labels: list[pg.TextItem] = []
        self._output_y: tuple[float, float] | None = None
        self._output_title: str | None = None
        #: (y, z) in the data's units last drawn, for tests and tooltips
        self.output_units: tuple[np.ndarray, np.ndarray] | None = None
        self.refresher = Refresher(self, self.refresh)
        for signal in (document.trace_changed, document.network_changed, document.data_changed):
            signal.connect(self.refresher.request)
        appearance().changed.connect(self._on_appearance)
        self.refresher.request()  # drawn when first on screen

    def _on_appearance(self) -> None:
        self._sizes = None  # titles and labels in the new notation, fonts and colours
        self.refresher.request()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(640, 280)

    def flush(self) -> None:
        """Bring the strips up to date now (they redraw lazily)."""
        self.refresher.flush()

    def _build(self) -> None:
        self.clear()
        net, data = self.doc.network, self.doc.project.data
        self._sizes, self._targets = net.sizes, data.targets if data is not None else None
        n_layers = len(net.layers)
        names = appearance().notation(n_layers)
        # Columns follow the canvas: inputs, each layer, then the output against the target.
        self.activations = [_Strip(self.addPlot(row=0, col=0), net.n_inputs, "inputs x (scaled)")]
        self.deltas = []
        for i, layer in enumerate(net.layers):
            name = names.layer_name(i)
            a, delta = names.symbol("a", i, 0).base, "δ"
            self.activations.append(_Strip(self.addPlot(row=0, col=i + 1), layer.n_out,
                                           f"{name}: {a} ({layer.activation})"))
            self.deltas.append(_Strip(self.addPlot(row=1, col=i + 1), layer.n_out, f"{name}: {delta}"))
        plot = self.output_plot = self.addPlot(row=0, col=n_layers + 1, rowspan=2)
        _steady_axes(plot)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        n = net.n_outputs
        self._output_bars = (
            pg.BarGraphItem(x=np.arange(n) - 0.18, height=np.zeros(n), width=0.34, brush=_Y_BRUSH),
            pg.BarGraphItem(x=np.arange(n) + 0.18, height=np.zeros(n), width=0.34, brush=_Z_BRUSH))
        for bars in self._output_bars:
            plot.addItem(bars)
        self._output_labels = []
        if n <= LABEL_LIMIT:
            for k in range(n):
                for dx in (-0.18, 0.18):
                    label = pg.TextItem("", color=appearance().colours().text, anchor=(0.5, 1.0))
                    label.setFont(appearance().font(LABEL_PX))
                    label.setPos(k + dx, 0)
                    plot.addItem(label)
                    self._output_labels.append(label)
        if data is not None and n <= 20:
            plot.getAxis("bottom").setTicks([[(k, name) for k, name in enumerate(data.targets)]])
        plot.setXRange(-0.6, n - 0.4, padding=0)
        self._output_y, self._output_title = None, None
        self._styler.apply()

    def refresh(self) -> None:
        """Redraw now from the document (the network drawn and its shown trace)."""
        net, data, trace = self.doc.network, self.doc.project.data, self.doc.shown_trace
        if net.sizes != self._sizes or (data.targets if data is not None else None) != self._targets:
            self._build()
        self.activations[0].show(_first_row(trace.input) if trace is not None else None)
        for i in range(len(net.layers)):
            lt = trace.layers[i] if trace is not None else None
            self.activations[i + 1].show(_first_row(lt.a) if lt is not None else None)
            self.deltas[i].show(_first_row(lt.delta) if lt is not None else None, signed_colours=True)
        self._show_output(trace)
        # pyqtgraph moves the views and their number labels to new ranges when a paint
        # begins, which would change the scene again and paint it a second time; done
        # now, the paint finds them in place.
        self.scene().prepareForPaint()

    def _title_output(self, title: str) -> None:
        """Title the output plot (a new title lays the plot out again: only when it changes)."""
        if title != self._output_title:
            self._output_title = title
            self.output_plot.setTitle(title, size=f"{appearance().px(13)}px")

    def _show_output(self, trace) -> None:
        plot, data = self.output_plot, self.doc.project.data
        self.output_units = None
        if data is None or trace is None or trace.output is None:
            self._title_output("output against target<br>(after a forward pass)")
            for item in (*self._output_bars, *self._output_labels):
                item.setVisible(False)
            return
        row = trace.rows[0]
        y = data.target_scaler.inverse(np.atleast_2d(trace.output)[:1])[0]
        z = data.target_scaler.inverse(np.atleast_2d(trace.target)[:1])[0]
        self.output_units = (y, z)
        self._title_output(f"row {row}, data units:<br>y (blue), target (orange)")
        for bars, heights in zip(self._output_bars, (y, z)):
            bars.setOpts(height=heights)
            bars.setVisible(True)
        for label, (name, v) in zip(self._output_labels,
                                    ((name, v) for pair in zip(y, z) for name, v in zip("yz", pair))):
            _label(label, f"{name} {v:.6g}", label.pos().x(), v)
            label.setVisible(True)
        low, high = float(min(y.min(), z.min(), 0.0)), float(max(y.max(), z.max(), 0.0))
        self._output_y = _fit_y(plot, low, high, bool(self._output_labels), self._output_y)
