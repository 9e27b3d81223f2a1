"""Which parameters move the output most, for one sample: d y / d parameter from
the trace's sensitivity arrays (sorted by size), and each parameter's share of
the negative gradient −∂L/∂parameter once the update sub-step has run."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlp_studio.app.stepping.output_chooser import OutputChooser
from mlp_studio.app.widgets.appearance import appearance, follow_font, line_width, style_plot
from mlp_studio.app.widgets.refresh import Refresher
from mlp_studio.core.notation import REFERENCE, Notation
from mlp_studio.core.trace import StepTrace, sensitivity_for

#: bars drawn in the chart
TOP_BARS = 8
LABEL_WIDTH = 80  # pixels for the parameter names on the chart, before scaling with the text
#: rows listed in the table (the largest; a wide network has far more parameters)
TABLE_ROWS = 500


def sensitivity_rows(trace: StepTrace, limit: int | None = None, notation: str = REFERENCE
                     ) -> tuple[list[tuple[str, float, float, float | None]], int]:
    """(name, value before the step, d y/d parameter, −∂L/∂parameter or None) of the
    ``limit`` parameters (None: all) with the largest |d y/d parameter|, largest first,
    and how many parameters there are. Empty when the trace has no sensitivities."""
    if any(lt.sensitivity_weights is None for lt in trace.layers):
        return [], 0
    keys, values, sens, neg = [], [], [], []
    has_grad = all(lt.grad_weights is not None for lt in trace.layers)
    for i, lt in enumerate(trace.layers):
        n_out, n_in = lt.weights_before.shape
        # Per node: its weights, then its bias (the input index n_in stands for the bias).
        keys.append(np.column_stack([np.full(n_out * (n_in + 1), i),
                                     np.repeat(np.arange(n_out), n_in + 1),
                                     np.tile(np.arange(n_in + 1), n_out)]))
        values.append(np.column_stack([lt.weights_before, lt.biases_before]).ravel())
        sens.append(np.column_stack([lt.sensitivity_weights, lt.sensitivity_biases]).ravel())
        if has_grad:
            neg.append(-np.column_stack([lt.grad_weights, lt.grad_biases]).ravel())
    keys_all, values_all, sens_all = np.concatenate(keys), np.concatenate(values), np.concatenate(sens)
    neg_all = np.concatenate(neg) if has_grad else None
    order = np.argsort(-np.abs(sens_all), kind="stable")[:limit]
    names = Notation(notation, len(trace.layers))
    rows = []
    for o in order:
        layer, node, inp = (int(v) for v in keys_all[o])
        is_bias = inp == trace.layers[layer].weights_before.shape[1]
        name = names.bias(layer, node) if is_bias else names.weight(layer, node, inp)
        rows.append((name, float(values_all[o]),
                     float(sens_all[o]), None if neg_all is None else float(neg_all[o])))
    return rows, len(sens_all)


class SensitivityView(QWidget):
    """A bar chart of the largest sensitivities and a table of all of them."""

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.setObjectName("sensitivity_view")
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.chart = pg.PlotWidget()
        style_plot(self.chart)
        self.chart.setMenuEnabled(False)
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.hideButtons()
        self.chart.setLabel("bottom", "d y / d parameter")
        self.chart.getAxis("bottom").enableAutoSIPrefix(False)
        self.bars = pg.BarGraphItem(x0=[0.0], y=[0.0], height=0.6, width=[0.0])
        self.chart.addItem(self.bars)
        self.zero_line = self.chart.addLine(x=0)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["parameter", "value", "d y / d param", "−∂L/∂param"])
        self.table.verticalHeader().setVisible(False)
        follow_font(self.table)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.chart)
        split.addWidget(self.table)
        split.setSizes([500, 500])  # half each, whatever the dock's width
        self.chooser = OutputChooser("The output whose sensitivities are shown")
        self.chooser.chosen.connect(self.refresh)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.chooser)
        layout.addWidget(self.caption)
        layout.addWidget(split, 1)
        self.rows: list[tuple[str, float, float, float | None]] = []
        self.n_parameters = 0
        self._ticks: list | None = None
        self._n_bars = 0
        self._style: tuple | None = None
        self._shown: tuple | None = None  # the rows and appearance the table and chart show
        self._brushes: dict[bool, QBrush] = {}
        self.refresher = Refresher(self, self.refresh)
        document.trace_changed.connect(self.refresher.request)
        appearance().changed.connect(self.refresher.request)
        self.refresher.request()  # drawn when first on screen

    def flush(self) -> None:
        """Bring the view up to date now (it redraws lazily: ``mlp_studio.app.widgets.refresh``)."""
        self.refresher.flush()

    def refresh(self) -> None:
        """Redraw now from the document's trace."""
        trace = self.doc.trace
        k = self.chooser.offer(self._output_names())
        if k and trace is not None and trace.layers[0].sensitivity_weights is not None:
            trace = sensitivity_for(trace, k)  # the step computed output 0's
        self.rows, self.n_parameters = sensitivity_rows(
            trace, TABLE_ROWS, appearance().prefs.notation) if trace is not None else ([], 0)
        if trace is None:
            self.caption.setText("Step forward on one row (F10) to see which parameters move the output most.")
        elif not self.rows:
            self.caption.setText("Sensitivities are shown for a step on one row, not a batch.")
        else:
            grads = "" if self.rows[0][3] is not None else (
                " The −∂L/∂param column fills in at the update sub-step.")
            self.caption.setText(
                f"Row {trace.rows[0]}: change of the output y<sub>o[{k}]</sub> per unit change of each "
                f"parameter (weights before the step), largest first. −∂L/∂param: the parameter's "
                f"part of the downhill direction (the update moves it η times that).{grads}"
                + (f" The table lists the {TABLE_ROWS} largest of {self.n_parameters}."
                   if self.n_parameters > TABLE_ROWS else ""))
        shown = self.rows, appearance().prefs, appearance().colours()
        if shown != self._shown:  # a sub-step before the update changes no row
            self._shown = shown
            self._fill_table()
            self._fill_chart()

    def _output_names(self) -> list[str]:
        """The network's outputs, named by the target columns when there is data."""
        net, data = self.doc.project.network, self.doc.project.data
        if data is not None and len(data.targets) == net.n_outputs:
            return list(data.targets)
        return [f"y_o[{k}]" for k in range(net.n_outputs)]

    def _fill_table(self) -> None:
        """Write the rows into the table's cells, reusing the cells already there."""
        self.table.setUpdatesEnabled(False)
        self.table.setRowCount(len(self.rows))
        number = appearance().number
        for r, (name, value, sens, neg) in enumerate(self.rows):
            cells = [name, number(value), number(sens, 6), "" if neg is None else number(neg, 6)]
            for c, text in enumerate(cells):
                text = text.replace("-", "\u2212") if c else text
                item = self.table.item(r, c)
                if item is None:
                    item = QTableWidgetItem(text)
                    if c:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.table.setItem(r, c, item)
                elif item.text() != text:
                    item.setText(text)
        self.table.resizeColumnsToContents()
        self.table.setUpdatesEnabled(True)

    def _fill_chart(self) -> None:
        top = self.rows[:TOP_BARS]
        self.bars.setVisible(bool(top))
        ticks = [[(p, r[0]) for p, r in zip(range(len(top) - 1, -1, -1), top)]]  # largest at the top
        if ticks != self._ticks:  # new ticks lay the axis out again
            self._ticks = ticks
            self.chart.getAxis("left").setTicks(ticks)
        if top:
            n = len(top)
            pos = np.arange(n)[::-1]
            sens = np.array([r[2] for r in top])
            self._restyle()
            brushes = [self._brushes[bool(v >= 0)] for v in sens]
            self.bars.setOpts(x0=np.zeros(n), y=pos, width=sens, brushes=brushes)
            if n != self._n_bars:
                self._n_bars = n
                self.chart.setYRange(-0.6, n - 0.4, padding=0)
        # pyqtgraph fits the x range and moves the view when a paint begins, which would
        # change the scene again and paint it a second time; done now, the paint finds it.
        self.chart.scene().prepareForPaint()

    def _restyle(self) -> None:
        """Brushes, the zero line's pen and the label column's width for the current
        appearance (set again only when it changed)."""
        colours, scale = appearance().colours(), appearance().font_scale
        if (colours, scale) == self._style:
            return
        self._style = colours, scale
        self._brushes = {True: pg.mkBrush(colours.positive), False: pg.mkBrush(colours.negative)}
        self.zero_line.setPen(pg.mkPen(colours.muted, width=line_width(1)))
        self.chart.getAxis("left").setWidth(round(LABEL_WIDTH * scale))
