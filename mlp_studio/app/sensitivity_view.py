"""Which parameters move the output most, for one sample: d y / d parameter from
the trace's sensitivity arrays (sorted by size), and each parameter's share of
the negative gradient −∂L/∂parameter once the update sub-step has run."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlp_studio.core.trace import StepTrace

#: bars drawn in the chart (the table lists every parameter)
TOP_BARS = 8


def parameter_name(n_layers: int, layer: int, node: int, input: int | None = None) -> str:  # noqa: A002
    """The reference document's plain-text name: ``wh[0][2][1]``, ``bh[0][2]``, ``wo[0][1]``, ``bo[0]``."""
    head = "o" if layer == n_layers - 1 else f"h[{layer}]"
    if input is None:
        return f"b{head}[{node}]"
    return f"w{head}[{node}][{input}]"


def sensitivity_rows(trace: StepTrace) -> list[tuple[str, float, float, float | None]]:
    """(name, value before the step, d y/d parameter, −∂L/∂parameter or None), sorted
    by |d y/d parameter|, largest first. Empty when the trace has no sensitivities."""
    rows = []
    n = len(trace.layers)
    for i, lt in enumerate(trace.layers):
        if lt.sensitivity_weights is None:
            return []
        for j in range(lt.weights_before.shape[0]):
            for k in range(lt.weights_before.shape[1]):
                neg = None if lt.grad_weights is None else -float(lt.grad_weights[j, k])
                rows.append((parameter_name(n, i, j, k), float(lt.weights_before[j, k]),
                             float(lt.sensitivity_weights[j, k]), neg))
            neg = None if lt.grad_biases is None else -float(lt.grad_biases[j])
            rows.append((parameter_name(n, i, j), float(lt.biases_before[j]),
                         float(lt.sensitivity_biases[j]), neg))
    order = np.argsort([-abs(r[2]) for r in rows], kind="stable")
    return [rows[o] for o in order]


class SensitivityView(QWidget):
    """A bar chart of the largest sensitivities and a table of all of them."""

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.setObjectName("sensitivity_view")
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.chart = pg.PlotWidget(background="w")
        self.chart.setMenuEnabled(False)
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.hideButtons()
        self.chart.getAxis("left").setWidth(80)
        self.chart.setLabel("bottom", "d y / d parameter")
        self.chart.getAxis("bottom").enableAutoSIPrefix(False)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["parameter", "value", "d y / d param", "−∂L/∂param"])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.chart)
        split.addWidget(self.table)
        split.setSizes([500, 500])  # half each, whatever the dock's width
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.caption)
        layout.addWidget(split, 1)
        self.rows: list[tuple[str, float, float, float | None]] = []
        document.trace_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        trace = self.doc.trace
        self.chart.clear()
        self.rows = sensitivity_rows(trace) if trace is not None else []
        if trace is None:
            self.caption.setText("Step forward on one row (F10) to see which parameters move the output most.")
        elif not self.rows:
            self.caption.setText("Sensitivities are shown for a step on one row, not a batch.")
        else:
            grads = "" if self.rows[0][3] is not None else (
                " The −∂L/∂param column fills in at the update sub-step.")
            self.caption.setText(
                f"Row {trace.rows[0]}: change of the output y<sub>o[0]</sub> per unit change of each "
                f"parameter (weights before the step), largest first. −∂L/∂param: the parameter's "
                f"part of the downhill direction (the update moves it η times that).{grads}")
        self._fill_table()
        self._fill_chart()

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.rows))
        for r, (name, value, sens, neg) in enumerate(self.rows):
            cells = [name, f"{value:.4f}", f"{sens:.6f}", "" if neg is None else f"{neg:.6f}"]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text.replace("-", "\u2212") if c else text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)

    def _fill_chart(self) -> None:
        top = self.rows[:TOP_BARS]
        if not top:
            return
        n = len(top)
        pos = np.arange(n)[::-1]  # largest at the top
        sens = np.array([r[2] for r in top])
        brushes = [pg.mkBrush("#c0504d" if v >= 0 else "#4f81bd") for v in sens]
        self.chart.addItem(pg.BarGraphItem(x0=np.zeros(n), y=pos, height=0.6, width=sens, brushes=brushes))
        self.chart.getAxis("left").setTicks([[(p, r[0]) for p, r in zip(pos, top)]])
        self.chart.addLine(x=0, pen=pg.mkPen("#999"))
        self.chart.setYRange(-0.6, n - 0.4, padding=0)
