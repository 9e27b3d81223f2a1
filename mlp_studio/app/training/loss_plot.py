"""Live loss plot: training loss per epoch (and per update when online), validation
loss when rows are held out, the data loss and the penalty apart with a weight penalty;
on request the accuracy (right axis, class targets) and the learning rate (a small plot
below, on the same epochs).

Points go into preallocated ``GrowingBuffer``s; a timer redraws at most
``REDRAW_HZ`` times a second with ``setData(buffer[:n])``, clip-to-view and peak
downsampling, so a million points stay smooth; the ranges follow the data in
steps (``plot_range``), so most frames redraw only the curves. The log scale
clips losses to ``LOG_FLOOR`` (a zero loss has no logarithm).
"""

from __future__ import annotations

import io

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QGraphicsItem, QHBoxLayout, QLabel, QMessageBox,
                               QPushButton, QSizePolicy, QVBoxLayout, QWidget)

from mlp_studio.app.widgets.plot_range import epoch_range, value_range
from mlp_studio.errors import MLPError

REDRAW_HZ = 30
LOG_FLOOR = 1e-12
MAX_UPDATE_POINTS = 4_000_000  # per-update losses kept (online training of big data makes many)


TRAIN_COLOUR = "#1f77b4"
VAL_COLOUR = "#d62728"
UPDATE_COLOUR = "#aaaaaa"
PENALTY_COLOUR = "#2ca02c"
RATE_COLOUR = "#9467bd"
RATE_PLOT_HEIGHT = 90
#: the axes' widths, the same in the loss and the learning-rate plot, so their epochs line up
LEFT_AXIS_WIDTH = 56
RIGHT_AXIS_WIDTH = 44


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
        if values.size:
            self.lo = min(self.lo, float(np.nanmin(values)))
            self.hi = max(self.hi, float(np.nanmax(values)))

    def clear(self) -> None:
        self.n = 0
        self.lo, self.hi = np.inf, -np.inf


def log_safe(values: np.ndarray) -> np.ndarray:
    """Losses for a log axis: values below ``LOG_FLOOR`` (zero included) become ``LOG_FLOOR``."""
    return np.maximum(values, LOG_FLOOR)


class _Series:
    """x and y buffers of one curve."""

    def __init__(self) -> None:
        self.x = GrowingBuffer()
        self.y = GrowingBuffer()

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        self.x.extend(x)
        self.y.extend(y)

    def clear(self) -> None:
        self.x.clear()
        self.y.clear()


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
        self._dirty = False

        self.plot_widget = pg.PlotWidget(background="w")
        item = self.plot_widget.getPlotItem()
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        item.setLabel("bottom", "epoch")
        item.setLabel("left", "loss")
        item.getAxis("left").enableAutoSIPrefix(False)
        item.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        # No grid: pyqtgraph draws it with the axes, across the plot, so each new point
        # replayed it (half the GUI's time while training) and each range change redrew it
        # (~10 ms more); the axes are drawn once per range and then blitted.
        for name in ("left", "bottom"):
            item.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.update_curve = item.plot(pen=pg.mkPen(UPDATE_COLOUR, width=1))
        self.train_curve = item.plot(pen=pg.mkPen(TRAIN_COLOUR, width=2))
        self.val_curve = item.plot(pen=pg.mkPen(VAL_COLOUR, width=2))
        self.data_curve = item.plot(pen=pg.mkPen(TRAIN_COLOUR, width=2, style=Qt.DashLine))
        self.penalty_curve = item.plot(pen=pg.mkPen(PENALTY_COLOUR, width=2))
        self.update_curve.setVisible(False)  # "Per update" starts off: the epoch curve sets the range
        self._loss_curves = ((self.train, self.train_curve), (self.val, self.val_curve),
                             (self.updates, self.update_curve), (self.data, self.data_curve),
                             (self.penalty, self.penalty_curve))
        self._build_accuracy_axis(item)
        self.rate_widget = self._build_rate_plot()
        # the legend sits above the plot, never over the curves, and names only curves with points
        self._legend_entries = (
            (self.train_curve, self.train, "training", TRAIN_COLOUR, "━"),
            (self.data_curve, self.data, "data loss", TRAIN_COLOUR, "╍"),
            (self.penalty_curve, self.penalty, "penalty", PENALTY_COLOUR, "━"),
            (self.val_curve, self.val, "held out", VAL_COLOUR, "━"),
            (self.update_curve, self.updates, "per update", UPDATE_COLOUR, "━"),
            (self.train_acc_curve, self.train_acc, "accuracy: training", TRAIN_COLOUR, "┅"),
            (self.val_acc_curve, self.val_acc, "accuracy: held out", VAL_COLOUR, "┅"),
            (self.rate_curve, self.rate, "learning rate", RATE_COLOUR, "━"))
        self.legend = QLabel("")
        self.legend.setToolTip("The curves drawn: the loss of each epoch on the training rows (with a "
                               "weight penalty: its data part and the penalty apart) and on the held-out "
                               "rows, each update's loss (online training), the accuracy (right axis) "
                               "and the learning rate (below)")
        self._vline = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen((120, 120, 120), style=Qt.DashLine))
        self._hline = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen((120, 120, 120), style=Qt.DashLine))
        for line in (self._vline, self._hline):
            line.setVisible(False)
            item.addItem(line, ignoreBounds=True)
        self.plot_widget.scene().sigMouseMoved.connect(self._on_mouse_moved)
        # the ranges follow the data in steps (see _follow); panning or zooming stops that,
        # pyqtgraph's "A" (auto range) button starts it again
        item.vb.disableAutoRange()
        item.vb.sigRangeChangedManually.connect(self._stop_following)
        self._following = True
        self._shown: tuple | None = None  # (x range, y range) last set

        self.log_box = QCheckBox("Log scale")
        self.log_box.setToolTip("Show the loss on a logarithmic axis")
        self.log_box.toggled.connect(self.set_log)
        self.updates_box = QCheckBox("Per update")
        self.updates_box.setToolTip("Show each update's loss (online training) behind the epoch curve")
        self.updates_box.toggled.connect(self._show_updates)
        self.accuracy_box = QCheckBox("Accuracy")
        self.accuracy_box.setToolTip("Show the accuracy on the training and held-out rows (class targets) "
                                     "on the right axis")
        self.accuracy_box.setChecked(True)
        self.accuracy_box.setEnabled(False)  # until a run reports an accuracy
        self.accuracy_box.toggled.connect(self._show_accuracy)
        self.rate_box = QCheckBox("Learning rate")
        self.rate_box.setToolTip("Plot each epoch's learning rate (its schedule's) below the loss")
        self.rate_box.toggled.connect(self._show_rate)
        self.readout = QLabel("")
        self.readout.setMinimumWidth(90)
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        png = QPushButton("PNG…")
        png.setToolTip("Export the plot as a PNG image")
        png.clicked.connect(self._ask_png)
        csv = QPushButton("CSV…")
        csv.setToolTip("Export the losses (epoch, training, validation, per update) as CSV")
        csv.clicked.connect(self._ask_csv)
        clear = QPushButton("Clear")
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
        key.addWidget(self.legend, 3)
        key.addWidget(self.readout, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(tools)
        layout.addLayout(key)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.rate_widget)

        self._timer = QTimer(self)
        self._timer.setInterval(int(1000 / REDRAW_HZ))
        self._timer.timeout.connect(self.redraw)
        self._timer.start()

    def _build_accuracy_axis(self, item: pg.PlotItem) -> None:
        """A second view box on the right axis for the accuracy, in [0, 1], on the loss's epochs;
        mouse drags and wheel turns go through to the loss's view box."""
        self.acc_vb = pg.ViewBox(enableMouse=False)
        self.acc_vb.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        item.scene().addItem(self.acc_vb)
        axis = item.getAxis("right")
        axis.linkToView(self.acc_vb)
        axis.setLabel("accuracy")
        axis.setWidth(RIGHT_AXIS_WIDTH)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.acc_vb.setXLink(item.vb)
        self.acc_vb.setYRange(0.0, 1.0, padding=0.02)
        item.vb.sigResized.connect(lambda vb: self.acc_vb.setGeometry(vb.sceneBoundingRect()))
        dotted = Qt.PenStyle.DotLine
        self.train_acc_curve = pg.PlotDataItem(pen=pg.mkPen(TRAIN_COLOUR, width=2, style=dotted))
        self.val_acc_curve = pg.PlotDataItem(pen=pg.mkPen(VAL_COLOUR, width=2, style=dotted))
        for curve in (self.train_acc_curve, self.val_acc_curve):
            self.acc_vb.addItem(curve)
        item.showAxis("right", False)  # until accuracies arrive

    def _build_rate_plot(self) -> pg.PlotWidget:
        """The learning rate per epoch in a small plot below, on the loss plot's epochs."""
        widget = pg.PlotWidget(background="w")
        widget.setFixedHeight(RATE_PLOT_HEIGHT)
        item = widget.getPlotItem()
        item.setLabel("left", "η")
        item.getAxis("left").enableAutoSIPrefix(False)
        item.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        item.getAxis("right").setWidth(RIGHT_AXIS_WIDTH)
        item.getAxis("right").setStyle(showValues=False)
        item.setXLink(self.plot_widget.getPlotItem())
        item.setMouseEnabled(x=False, y=False)
        self.rate_curve = item.plot(pen=pg.mkPen(RATE_COLOUR, width=2))
        widget.setVisible(False)
        return widget

    # ----------------------------------------------------------------- data
    @property
    def n_points(self) -> int:
        return self.train.x.n + self.val.x.n + self.updates.x.n

    @property
    def last_epoch(self) -> float:
        return float(self.train.x.view[-1]) if self.train.x.n else 0.0

    def add_snapshot(self, snap) -> None:
        """Append a ``training_worker.Snapshot``'s new points; a new run continues the x axis."""
        if snap.run != self._run:
            self._run = snap.run
            self._offset = self.last_epoch
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

    def clear(self) -> None:
        for s in self._all_series():
            s.clear()
        self._offset = 0.0
        self._run = None
        self._following, self._shown = True, None
        self._dirty = True
        self.redraw()

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
        self._dirty = True
        self.redraw()

    def redraw(self) -> None:
        """Push the buffers to the curves if anything changed (the timer calls this)."""
        if not self._dirty:
            return
        self._dirty = False
        for series, curve in self._loss_curves:
            y = series.y.view
            curve.setData(series.x.view, log_safe(y) if self.is_log else y)
        for series, curve in ((self.train_acc, self.train_acc_curve), (self.val_acc, self.val_acc_curve),
                              (self.rate, self.rate_curve)):
            curve.setData(series.x.view, series.y.view)
        has_accuracy = bool(self.train_acc.x.n or self.val_acc.x.n)
        self.accuracy_box.setEnabled(has_accuracy)
        right = has_accuracy and self.accuracy_box.isChecked()
        for widget in (self.plot_widget, self.rate_widget):
            widget.getPlotItem().showAxis("right", right)
        self._sync_legend()
        self._follow()

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
        if not self._following or not drawn:
            return
        lo, hi = min(s.y.lo for s in drawn), max(s.y.hi for s in drawn)
        if self.is_log:
            lo, hi = (float(np.log10(max(v, LOG_FLOOR))) for v in (lo, hi))
        x = epoch_range(max(s.x.hi for s in drawn))
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

    def _show_accuracy(self, on: bool) -> None:
        for curve in (self.train_acc_curve, self.val_acc_curve):
            curve.setVisible(on)
        self._dirty = True
        self.redraw()

    def _show_rate(self, on: bool) -> None:
        self.rate_widget.setVisible(on)
        self._dirty = True
        self.redraw()

    def _stop_following(self, *_args) -> None:
        self._following = False

    def _sync_legend(self) -> None:
        """Name the curves that are drawn and have points, each in its colour."""
        shown = [f'<span style="color:{colour}">{line}</span>&nbsp;{name}'
                 for curve, series, name, colour, line in self._legend_entries
                 if series.y.n and curve.isVisible() and self._on_screen(curve)]
        self.legend.setText("&nbsp;&nbsp;".join(shown))

    def _on_screen(self, curve: pg.PlotDataItem) -> bool:
        """Whether ``curve``'s plot is shown (the learning rate's is only on request)."""
        return curve is not self.rate_curve or self.rate_box.isChecked()

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
