"""Live loss plot: training loss per epoch (and per update when online), validation
loss when rows are held out, the data loss and the penalty apart with a weight penalty;
on the right axis, one at a time, the accuracy (class targets) or the learning rate.

Runs: a run that carries on from the weights the last one left (Run N again) continues
the epoch axis, its curves broken from the last run's; a run from other weights (after
Undo, Reset weights, an edit) starts again at epoch 0 and the runs before it stay behind
it, faded, each named by ``run_label`` (the settings it differed in). ``begin_run`` and
``end_run`` frame each run; Clear forgets everything.

Points go into preallocated ``GrowingBuffer``s; a timer redraws at most
``REDRAW_HZ`` times a second with ``setData(buffer[:n])``, clip-to-view and peak
downsampling, so a million points stay smooth. The epoch axis is fixed while a run
with a planned number of epochs runs (to its end), follows in steps (``plot_range``)
while one without runs, and fits the epochs drawn when it ends; the loss axis follows
in steps, so most frames redraw only the curves. The log scale clips losses to
``LOG_FLOOR`` (a zero loss has no logarithm).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QGraphicsItem, QHBoxLayout, QLabel, QMessageBox,
                               QSizePolicy, QToolButton, QVBoxLayout, QWidget)

from mlp_studio.app.training.run_label import run_label
from mlp_studio.app.widgets.appearance import appearance, line_width, style_plot
from mlp_studio.app.widgets.plot_range import epoch_range, value_range
from mlp_studio.core.training import TrainingConfig
from mlp_studio.errors import MLPError

REDRAW_HZ = 30
LOG_FLOOR = 1e-12
MAX_UPDATE_POINTS = 4_000_000  # per-update losses kept (online training of big data makes many)
EMPTY_RANGE = ((0.0, 1.0), (0.0, 1.0))  # (epochs, loss) shown before any point
#: the penalty's and the learning rate's curves (Okabe-Ito bluish green and reddish purple:
#: told apart from either palette's two curve colours, also with colour-blind eyes)
PENALTY_COLOUR = "#009e73"
RATE_COLOUR = "#cc79a7"
RIGHT_AXIS_WIDTH = 48
EPOCH_MARGIN = 0.04  # room right of the last epoch (its tick label fits), as a share of the epochs
EARLIER_KEPT = 3  # earlier runs kept, faded, behind the current one
EARLIER_ALPHA = 90  # their curves' opacity (of 255)


class GrowingBuffer:
    """A 1-D float64 array that doubles its capacity when full; ``view`` is the filled part."""

    def __init__(self, capacity: int = 1024) -> None:
        self._data = np.empty(max(1, capacity))
        self.n = 0
        self.lo, self.hi = np.inf, -np.inf  # the smallest and largest value held

    @property
    def capacity(self) -> int:
        return self._data.size

    @property
    def view(self) -> np.ndarray:
        return self._data[: self.n]

    def extend(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=np.float64).ravel()
        need = self.n + values.size
        if need > self._data.size:
            capacity = self._data.size
            while capacity < need:
                capacity *= 2
            grown = np.empty(capacity)
            grown[: self.n] = self._data[: self.n]
            self._data = grown
        self._data[self.n:need] = values
        self.n = need
        if values.size:  # fmin/fmax skip NaN (a break between runs) without a warning
            self.lo = min(self.lo, float(np.fmin.reduce(values)))
            self.hi = max(self.hi, float(np.fmax.reduce(values)))

    def clear(self) -> None:
        self.n = 0
        self.lo, self.hi = np.inf, -np.inf


class LossAxis(pg.AxisItem):
    """The loss axis: on a log scale only 1, 2 and 5 times a power of ten are labelled (all
    nine labels of a decade overlap in a short plot); every tick is still drawn."""

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        strings = super().logTickStrings(values, scale, spacing)
        digits = [int(round(10 ** (v - np.floor(v)))) for v in values]
        return [text if digit in (1, 2, 5, 10) else "" for text, digit in zip(strings, digits)]


def log_safe(values: np.ndarray) -> np.ndarray:
    """Losses for a log axis: values below ``LOG_FLOOR`` (zero included) become ``LOG_FLOOR``."""
    return np.maximum(values, LOG_FLOOR)


class _Series:
    """x and y buffers of one curve; after a break between runs, copies with a NaN point
    there too (``drawn``), so the curve is not joined across it."""

    def __init__(self) -> None:
        self.x = GrowingBuffer()
        self.y = GrowingBuffer()
        self._gapped: tuple[GrowingBuffer, GrowingBuffer] | None = None

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        self.x.extend(x)
        self.y.extend(y)
        if self._gapped is not None:
            self._gapped[0].extend(x)
            self._gapped[1].extend(y)

    def break_line(self) -> None:
        """The next points belong to another run: no line joins them to the last one."""
        if not self.x.n:
            return
        if self._gapped is None:
            self._gapped = (GrowingBuffer(self.x.capacity), GrowingBuffer(self.y.capacity))
            self._gapped[0].extend(self.x.view)
            self._gapped[1].extend(self.y.view)
        self._gapped[0].extend(self.x.view[-1:])
        self._gapped[1].extend([np.nan])

    def drawn(self) -> tuple[np.ndarray, np.ndarray]:
        """x and y as drawn: NaN between runs."""
        gapped = self._gapped
        return (gapped[0].view, gapped[1].view) if gapped is not None else (self.x.view, self.y.view)

    def clear(self) -> None:
        self.x.clear()
        self.y.clear()
        self._gapped = None


@dataclass
class _Earlier:
    """An earlier run kept behind the current one: its training and held-out curves."""

    number: int
    config: TrainingConfig | None
    train: tuple[np.ndarray, np.ndarray]
    val: tuple[np.ndarray, np.ndarray]
    curves: tuple[pg.PlotDataItem, pg.PlotDataItem]
    label: pg.TextItem
    spans: list[tuple[float, float, float]]  # (last epoch, lowest, highest loss) of each curve with points


class LossPlot(QWidget):
    """The plot with its tool row (log scale, export PNG/CSV, clear)."""

    #: emitted with (epoch, loss) when the crosshair moves over the plot
    hovered = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.train = _Series()
        self.val = _Series()
        self.updates = _Series()
        self.data = _Series()  # the training loss without its penalty (with a penalty only)
        self.penalty = _Series()
        self.rate = _Series()  # each epoch's learning rate
        self.train_acc = _Series()  # accuracy at the evaluated epochs (class targets)
        self.val_acc = _Series()
        self._run: int | None = None
        self._offset = 0.0  # epochs of earlier runs: the x of this run's epoch 0
        self._planned: float | None = None  # the x where the running run's planned epochs end
        self._running = False
        self._announced = False  # begin_run announced the next run
        self._config: TrainingConfig | None = None  # the current run's settings
        self.earlier: list[_Earlier] = []  # oldest first
        self.number = 1  # the current run's number among those started again at epoch 0
        self._dirty = False

        self.plot_widget = pg.PlotWidget(axisItems={"left": LossAxis("left")})
        item = self.plot_widget.getPlotItem()
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        item.setLabel("bottom", "epoch")
        item.setLabel("left", "loss")
        item.getAxis("left").enableAutoSIPrefix(False)
        # No grid: pyqtgraph draws it with the axes, across the plot, so each new point
        # replayed it (half the GUI's time while training) and each range change redrew it
        # (~10 ms more); the axes are drawn once per range and then blitted.
        for name in ("left", "bottom"):
            item.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.update_curve = item.plot(connect="finite")
        self.train_curve = item.plot(connect="finite")
        self.val_curve = item.plot(connect="finite")
        self.data_curve = item.plot(connect="finite")
        self.penalty_curve = item.plot(connect="finite")
        self.update_curve.setVisible(False)  # "Per update" starts off: the epoch curve sets the range
        self._loss_curves = ((self.train, self.train_curve), (self.val, self.val_curve),
                             (self.updates, self.update_curve), (self.data, self.data_curve),
                             (self.penalty, self.penalty_curve))
        self._build_right_axis(item)
        # the legend sits above the plot, never over the curves, and names only curves with points
        self._legend_entries = (
            (self.train_curve, self.train, "training", "━"),
            (self.data_curve, self.data, "data loss", "╍"),
            (self.penalty_curve, self.penalty, "penalty", "━"),
            (self.val_curve, self.val, "held out", "━"),
            (self.update_curve, self.updates, "per update", "━"),
            (self.train_acc_curve, self.train_acc, "acc. training", "┅"),
            (self.val_acc_curve, self.val_acc, "acc. held out", "┅"),
            (self.rate_curve, self.rate, "η", "━"))
        self.legend = QLabel("")
        self.legend.setToolTip("The curves drawn: the loss of each epoch on the training rows (with a "
                               "weight penalty: its data part and the penalty apart) and on the held-out "
                               "rows, each update's loss (online training); on the right axis the "
                               "accuracy or the learning rate")
        self._vline = pg.InfiniteLine(angle=90, movable=False)
        self._hline = pg.InfiniteLine(angle=0, movable=False)
        for line in (self._vline, self._hline):
            line.setVisible(False)
            item.addItem(line, ignoreBounds=True)
        self.plot_widget.scene().sigMouseMoved.connect(self._on_mouse_moved)
        # the ranges follow the data in steps (see _follow); panning or zooming stops that,
        # pyqtgraph's "A" (auto range) button starts it again
        item.vb.disableAutoRange()
        self._empty_axes()
        item.vb.sigRangeChangedManually.connect(self._stop_following)
        self._following = True
        self._shown: tuple | None = None  # (x range, y range) last set
        style_plot(self.plot_widget)
        appearance().changed.connect(self._restyle)
        self._restyle()

        self.log_box = QCheckBox("Log scale")
        self.log_box.setToolTip("Show the loss on a logarithmic axis")
        self.log_box.toggled.connect(self.set_log)
        self.updates_box = QCheckBox("Per update")
        self.updates_box.setToolTip("Show each update's loss (online training) behind the epoch curve")
        self.updates_box.toggled.connect(self._show_updates)
        # the right axis shows one of the two: checking one unchecks the other
        self.accuracy_box = QCheckBox("Accuracy")
        self.accuracy_box.setToolTip("Show the accuracy on the training and held-out rows (class targets) "
                                     "on the right axis")
        self.accuracy_box.setChecked(True)
        self.accuracy_box.toggled.connect(lambda on: self._show_right(self.accuracy_box, on))
        self.rate_box = QCheckBox("Learning rate")
        self.rate_box.setToolTip("Show each epoch's learning rate (its schedule's) on the right axis")
        self.rate_box.toggled.connect(lambda on: self._show_right(self.rate_box, on))
        self.readout = QLabel("")
        png = QToolButton()
        png.setText("PNG…")
        png.setToolTip("Export the plot as a PNG image")
        png.clicked.connect(self._ask_png)
        csv = QToolButton()
        csv.setText("CSV…")
        csv.setToolTip("Export the losses (epoch, training, validation, per update) as CSV")
        csv.clicked.connect(self._ask_csv)
        clear = QToolButton()
        clear.setText("Clear")
        clear.setToolTip("Clear the plotted losses")
        clear.clicked.connect(self.clear)
        tools = QHBoxLayout()
        for box in (self.log_box, self.updates_box, self.accuracy_box, self.rate_box):
            tools.addWidget(box)
        tools.addStretch(1)
        for b in (png, csv, clear):
            tools.addWidget(b)
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        key = QHBoxLayout()
        key.addWidget(self.legend, 1)
        key.addWidget(self.readout)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(tools)
        layout.addLayout(key)
        layout.addWidget(self.plot_widget, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(int(1000 / REDRAW_HZ))
        self._timer.timeout.connect(self.redraw)
        self._timer.start()

    def _build_right_axis(self, item: pg.PlotItem) -> None:
        """Two view boxes over the loss's, on its epochs, for the right axis: the accuracy in
        [0, 1] and the learning rate (from 0 to its largest). Mouse drags and wheel turns go
        through to the loss's view box."""
        axis = item.getAxis("right")
        axis.setWidth(RIGHT_AXIS_WIDTH)
        axis.enableAutoSIPrefix(False)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.acc_vb, self.rate_vb = pg.ViewBox(enableMouse=False), pg.ViewBox(enableMouse=False)
        for vb in (self.acc_vb, self.rate_vb):
            vb.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            item.scene().addItem(vb)
            vb.setXLink(item.vb)
            vb.setVisible(False)
        item.vb.sigResized.connect(self._place_right_views)
        self.acc_vb.setYRange(0.0, 1.0, padding=0.02)
        self.train_acc_curve = pg.PlotDataItem()
        self.val_acc_curve = pg.PlotDataItem()
        for curve in (self.train_acc_curve, self.val_acc_curve):
            self.acc_vb.addItem(curve)
        self.rate_curve = pg.PlotDataItem()
        self.rate_vb.addItem(self.rate_curve)
        item.showAxis("right", False)  # until there is something to show on it

    def _place_right_views(self) -> None:
        rect = self.plot_widget.getPlotItem().vb.sceneBoundingRect()
        for vb in (self.acc_vb, self.rate_vb):
            vb.setGeometry(rect)

    def _right_view(self) -> tuple[pg.ViewBox, str] | None:
        """The right axis's view box and label, if it shows one now (checked, with points)."""
        if self.accuracy_box.isChecked() and (self.train_acc.x.n or self.val_acc.x.n):
            return self.acc_vb, "accuracy"
        if self.rate_box.isChecked() and self.rate.x.n:
            return self.rate_vb, "learning rate η"
        return None

    # ----------------------------------------------------------------- data
    @property
    def n_points(self) -> int:
        return self.train.x.n + self.val.x.n + self.updates.x.n

    @property
    def last_epoch(self) -> float:
        return float(self.train.x.view[-1]) if self.train.x.n else 0.0

    def begin_run(self, planned: int | None, config: TrainingConfig, continues: bool) -> None:
        """A run starts, of ``planned`` epochs (None: no limit) with ``config``: it carries on
        from the last run's weights (``continues``: the axis goes on) or starts again at
        epoch 0, the curves so far kept behind it, faded."""
        if not continues and self.train.x.n:
            self._keep_as_earlier()
        for s in self._all_series():
            s.break_line()
        self._run, self._announced = None, True  # the next snapshot's run is this one
        self._offset = self.last_epoch
        self._planned = self._offset + planned if planned else None
        self._running = True
        self._config = config
        self._relabel()
        self._shown = None
        self._dirty = True

    def end_run(self) -> None:
        """The run ended: the epoch axis fits the epochs drawn."""
        self._running, self._planned = False, None
        self._shown = None
        self._dirty = True
        self.redraw()

    def add_snapshot(self, snap) -> None:
        """Append a ``training_worker.Snapshot``'s new points; a run not begun with
        ``begin_run`` continues the axis."""
        if snap.run != self._run:
            if not self._announced:  # it continues, with no end planned
                for s in self._all_series():
                    s.break_line()
                self._offset = self.last_epoch
                self._running, self._planned = True, None
            self._run, self._announced = snap.run, False
        at = np.array([snap.epoch + self._offset], dtype=np.float64)
        for series, value in zip((self.train_acc, self.val_acc), snap.accuracy):
            if value is not None:
                series.extend(at, [value])
                self._dirty = True
        if snap.epochs.size == 0:
            return
        x = snap.epochs.astype(np.float64) + self._offset
        self.train.extend(x, snap.train_loss)
        if snap.val_loss is not None:
            self.val.extend(x, snap.val_loss)
        if snap.penalty is not None:
            self.penalty.extend(x, snap.penalty)
            self.data.extend(x, snap.data_loss)
        if snap.rate is not None:
            self.rate.extend(x, snap.rate)
        if snap.update_loss is not None and 0 < snap.update_loss.size <= MAX_UPDATE_POINTS - self.updates.x.n:
            per_epoch = snap.update_loss.size // snap.epochs.size
            frac = np.arange(1, per_epoch + 1) / per_epoch
            self.updates.extend((x[:, None] - 1.0 + frac[None, :]).ravel(), snap.update_loss)
        self._dirty = True

    def _keep_as_earlier(self) -> None:
        """The current run's training and held-out curves (with any it continued) go behind,
        faded; the series start empty; only the last ``EARLIER_KEPT`` are kept."""
        item = self.plot_widget.getPlotItem()
        curves = (pg.PlotDataItem(connect="finite"), pg.PlotDataItem(connect="finite"))
        label = pg.TextItem(anchor=(1.0, 1.0))
        for thing in (*curves, label):
            thing.setZValue(-1)  # under the current run's curves
            item.addItem(thing, ignoreBounds=True)
        self.earlier.append(_Earlier(self.number, self._config, tuple(a.copy() for a in self.train.drawn()),
                                     tuple(a.copy() for a in self.val.drawn()), curves, label,
                                     [(s.x.hi, s.y.lo, s.y.hi) for s in (self.train, self.val) if s.y.n]))
        self.number += 1
        while len(self.earlier) > EARLIER_KEPT:
            self._remove_earlier(self.earlier.pop(0))
        for s in self._all_series():
            s.clear()
        self._draw_earlier()
        self._restyle()

    def _remove_earlier(self, run: _Earlier) -> None:
        item = self.plot_widget.getPlotItem()
        for thing in (*run.curves, run.label):
            item.removeItem(thing)

    def _relabel(self) -> None:
        """Name each earlier run by its number and the settings it differs in from now's."""
        for run in self.earlier:
            run.label.setText(run_label(run.number, run.config, self._config)
                              if run.config is not None and self._config is not None else f"run {run.number}")

    def clear(self) -> None:
        """Forget every point and every earlier run; the axes go back to their empty ranges."""
        for s in self._all_series():
            s.clear()
        for run in self.earlier:
            self._remove_earlier(run)
        self.earlier.clear()
        self.number = 1
        self._offset = 0.0
        self._run, self._announced, self._running, self._planned = None, False, False, None
        self._following, self._shown = True, None
        self._empty_axes()
        for line in (self._vline, self._hline):
            line.setVisible(False)
        self.readout.setText("")
        self._dirty = True
        self.redraw()

    def _empty_axes(self) -> None:
        self.plot_widget.getPlotItem().vb.setRange(xRange=EMPTY_RANGE[0], yRange=EMPTY_RANGE[1], padding=0.0)

    def _restyle(self) -> None:
        """Curve colours from the palette (held-out dashed in the colour-blind one), widths
        with the text size: the data loss dashed in the training colour, the accuracies
        dotted in the training and held-out colours."""
        colours = appearance().colours()
        dash = Qt.PenStyle.DashLine if colours.dashed_negative else Qt.PenStyle.SolidLine
        wide = line_width(2)
        self.plot_widget.getPlotItem().getAxis("right").setWidth(round(RIGHT_AXIS_WIDTH * appearance().font_scale))
        self.train_curve.setPen(pg.mkPen(colours.positive, width=wide))
        self.val_curve.setPen(pg.mkPen(colours.negative, width=wide, style=dash))
        self.update_curve.setPen(pg.mkPen(colours.muted, width=line_width(1)))
        self.data_curve.setPen(pg.mkPen(colours.positive, width=wide, style=Qt.PenStyle.DashLine))
        self.penalty_curve.setPen(pg.mkPen(PENALTY_COLOUR, width=wide))
        self.train_acc_curve.setPen(pg.mkPen(colours.positive, width=wide, style=Qt.PenStyle.DotLine))
        self.val_acc_curve.setPen(pg.mkPen(colours.negative, width=wide, style=Qt.PenStyle.DotLine))
        self.rate_curve.setPen(pg.mkPen(RATE_COLOUR, width=wide))
        for line in (self._vline, self._hline):
            line.setPen(pg.mkPen(colours.muted, style=Qt.PenStyle.DashLine))
        for run in self.earlier:
            for curve, pen in zip(run.curves, (self.train_curve.opts["pen"], self.val_curve.opts["pen"])):
                faded = pg.mkPen(pen)
                colour = faded.color()
                colour.setAlpha(EARLIER_ALPHA)
                faded.setColor(colour)
                curve.setPen(faded)
            run.label.setColor(colours.muted)
        self._dirty = True
        self._sync_legend()

    # -------------------------------------------------------------- drawing
    @property
    def is_log(self) -> bool:
        return self.log_box.isChecked()

    def set_log(self, on: bool) -> None:
        if self.log_box.isChecked() != on:
            self.log_box.setChecked(on)  # comes back here through toggled
            return
        self.plot_widget.getPlotItem().setLogMode(y=on)
        self._shown = None  # the y range is re-fitted in the new units
        self._draw_earlier()
        self._dirty = True
        self.redraw()

    def redraw(self) -> None:
        """Push the buffers to the curves if anything changed (the timer calls this)."""
        if not self._dirty:
            return
        self._dirty = False
        for series, curve in self._loss_curves:
            x, y = series.drawn()
            curve.setData(x, log_safe(y) if self.is_log else y)
        for series, curve in ((self.train_acc, self.train_acc_curve), (self.val_acc, self.val_acc_curve),
                              (self.rate, self.rate_curve)):
            curve.setData(series.x.view, series.y.view)
        self._sync_right()
        self._sync_legend()
        self._follow()

    def _draw_earlier(self) -> None:
        """The earlier runs' curves (they never change: drawn when kept and in a new scale)
        and their names at the ends of their training curves."""
        for run in self.earlier:
            for (x, y), curve in zip((run.train, run.val), run.curves):
                curve.setData(x, log_safe(y) if self.is_log else y)
            x, y = run.train
            last = np.flatnonzero(np.isfinite(y))
            if last.size:
                end = float(y[last[-1]])
                run.label.setPos(float(x[last[-1]]), np.log10(max(end, LOG_FLOOR)) if self.is_log else end)

    def _all_series(self) -> tuple[_Series, ...]:
        return (self.train, self.val, self.updates, self.data, self.penalty, self.rate,
                self.train_acc, self.val_acc)

    def _follow(self) -> None:
        """Set the ranges from the data in steps (``plot_range``) while following it."""
        vb = self.plot_widget.getPlotItem().vb
        if any(vb.state["autoRange"]):  # the "A" button: follow again
            vb.disableAutoRange()
            self._following, self._shown = True, None
        drawn = [s for s, c in self._loss_curves if s.y.n and c.isVisible()]
        spans = [(s.x.hi, s.y.lo, s.y.hi) for s in drawn] + [span for run in self.earlier for span in run.spans]
        if not self._following or not spans:
            return
        last, lo, hi = (f(v[k] for v in spans) for k, f in enumerate((max, min, max)))
        if self.is_log:
            lo, hi = (float(np.log10(max(v, LOG_FLOOR))) for v in (lo, hi))
        if self._planned is not None:  # running to a planned end: the axis holds still
            last = max(last, self._planned)
        elif self._running:  # no end planned: the axis grows in steps
            last = epoch_range(last)[1]
        x = (0.0, max(last, 1.0) * (1.0 + EPOCH_MARGIN))
        y = value_range(self._shown[1] if self._shown else None, lo, hi, nonnegative=not self.is_log)
        if (x, y) != self._shown:
            vb.setRange(xRange=x, yRange=y, padding=0.0)
            self._shown = (x, y)

    def _show_updates(self, on: bool) -> None:
        self.update_curve.setVisible(on)
        self._sync_legend()
        self._shown = None  # re-fit to the curves shown
        self._dirty = True
        self.redraw()

    def _show_right(self, box: QCheckBox, on: bool) -> None:
        """One of the right axis's boxes was toggled: the other goes off when it comes on."""
        other = self.rate_box if box is self.accuracy_box else self.accuracy_box
        if on and other.isChecked():
            other.setChecked(False)  # comes back here, turned off
        self._sync_right()
        self._sync_legend()

    def _sync_right(self) -> None:
        """Show the right axis's chosen view box, the rate's ranged from 0 to its largest."""
        shown = self._right_view()
        item = self.plot_widget.getPlotItem()
        for vb in (self.acc_vb, self.rate_vb):
            vb.setVisible(shown is not None and vb is shown[0])
        item.showAxis("right", shown is not None)
        if shown is None:
            return
        vb, label = shown
        axis = item.getAxis("right")
        if axis.linkedView() is not vb:
            axis.linkToView(vb)
            axis.setLabel(label)
            self._place_right_views()
        if vb is self.rate_vb:
            top = value_range(None, 0.0, self.rate.y.hi, nonnegative=True)
            if tuple(vb.viewRange()[1]) != top:
                vb.setYRange(*top, padding=0.0)

    def _stop_following(self, *_args) -> None:
        self._following = False

    def _sync_legend(self) -> None:
        """Name the curves that are drawn and have points, each in its colour."""
        shown = [f'<span style="color:{curve.opts["pen"].color().name()}">{line}</span>&nbsp;{name}'
                 for curve, series, name, line in self._legend_entries
                 if series.y.n and curve.isVisible() and self._on_screen(curve)]
        if self.earlier:  # one entry for them all: each is named at the end of its curve
            shown.insert(0, f"run {self.number}:")
            shown.append(f'<span style="color:{appearance().colours().muted.name()}">━</span>'
                         "&nbsp;earlier runs (pale)")
        self.legend.setText("&nbsp;&nbsp;".join(shown))

    def _on_screen(self, curve: pg.PlotDataItem) -> bool:
        """Whether ``curve``'s view box is shown (the right axis's only when chosen)."""
        vb = curve.getViewBox()
        return vb is None or vb.isVisible()

    def _on_mouse_moved(self, pos) -> None:
        item = self.plot_widget.getPlotItem()
        if not item.sceneBoundingRect().contains(pos) or self.train.x.n == 0:
            return
        x = item.vb.mapSceneToView(pos).x()
        xs = self.train.x.view
        i = int(np.clip(np.searchsorted(xs, x), 0, xs.size - 1))
        if i > 0 and abs(xs[i - 1] - x) < abs(xs[i] - x):
            i -= 1
        epoch, loss = float(xs[i]), float(self.train.y.view[i])
        self._vline.setPos(epoch)
        self._hline.setPos(np.log10(max(loss, LOG_FLOOR)) if self.is_log else loss)
        for line in (self._vline, self._hline):
            line.setVisible(True)
        text = f"epoch {epoch:g}, loss {loss:.6g}"
        if self.val.x.n > i:
            text += f", validation {float(self.val.y.view[i]):.6g}"
        self.readout.setText(text)
        self.hovered.emit(epoch, loss)

    # ---------------------------------------------------------------- export
    def csv_text(self) -> str:
        """epoch,training_loss,validation_loss,penalty,learning_rate: a row per epoch, a
        value left empty where the epoch has none (no rows held out, no penalty)."""
        out = io.StringIO()
        out.write("epoch,training_loss,validation_loss,penalty,learning_rate\n")
        columns = [dict(zip(s.x.view.tolist(), s.y.view.tolist())) for s in (self.val, self.penalty, self.rate)]
        for x, y in zip(self.train.x.view.tolist(), self.train.y.view.tolist()):
            rest = ",".join(repr(c[x]) if x in c else "" for c in columns)
            out.write(f"{x:g},{y!r},{rest}\n")
        return out.getvalue()

    def png_bytes(self, width: int = 1200) -> bytes:
        import pyqtgraph.exporters  # noqa: F401 - registers the exporters

        self.redraw()
        exporter = pg.exporters.ImageExporter(self.plot_widget.getPlotItem())
        exporter.parameters()["width"] = width
        image = exporter.export(toBytes=True)
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.WriteOnly)
        image.save(buffer, "PNG")
        return bytes(data)

    def export_png(self, path: str) -> None:
        from mlp_studio.io.atomic import write_bytes_atomic

        write_bytes_atomic(path, self.png_bytes())

    def export_csv(self, path: str) -> None:
        from mlp_studio.io.atomic import write_text_atomic

        write_text_atomic(path, self.csv_text())

    def _ask_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export loss plot", "loss.png", "PNG image (*.png)")
        if path:
            self._export(self.export_png, path)

    def _ask_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export losses", "loss.csv", "CSV (*.csv)")
        if path:
            self._export(self.export_csv, path)

    def _export(self, fn, path: str) -> None:
        try:
            fn(path)
        except MLPError as exc:
            QMessageBox.warning(self, "Export failed", str(exc))
