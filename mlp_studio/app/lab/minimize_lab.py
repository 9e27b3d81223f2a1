"""The gradient-descent lab: a self-contained tab that minimises a typed
function step by step and plots the path. All maths is in
``mlp_studio.core.expression`` and ``mlp_studio.core.minimize``."""

from __future__ import annotations

import html
import time
from typing import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPointF, QRectF, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QTransform
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mlp_studio.app.lab.lab_plots import (
    PATH_COLOR,
    PATH_SYMBOLS_UP_TO,
    IterationPlot,
    PlotNote,
    lab_colours,
    lab_plot,
)
from mlp_studio.app.widgets.appearance import appearance
from mlp_studio.core import minimize as mz
from mlp_studio.core.expression import ExpressionError, Objective, latex_name
from mlp_studio.errors import MLPError
from mlp_studio.io.iteration_table import (
    compact_cell,
    format_cell,
    iterations_csv,
    iterations_markdown,
    table_columns,
    table_row,
)

METHOD_LABELS = {"gd": "Gradient descent", "newton": "Newton-Raphson"}
CELL_WIDTH_TEXT = "-0000.000"  # as wide as the widest number the table shows
CUSTOM = "Custom"  # the preset box's entry for a function typed by the user
RUN_CHUNK_SECONDS = 0.03
TANGENTS_FADED = 2  # tangents drawn faded behind the current one (one variable)
TANGENT_HALF_PX = 60  # each tangent's half-length on screen
FADED_ALPHA = 130
#: contour lines drawn (as many bands in the image below them)
CONTOUR_LEVELS = 14
#: points per side of the grid the contour lines are traced on (pyqtgraph's marching squares
#: is plain Python: 60 x 60 keeps a redraw short; the bands image uses the finer grid)
CONTOUR_POINTS = 60


class IterationTableModel(QAbstractTableModel):
    """The iteration table of a run (rows appended as the run grows)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._columns: list[str] = []
        self._iterations: Sequence[mz.Iteration] = []
        self._rows = 0

    def set_run(self, variables: Sequence[str], iterations: Sequence[mz.Iteration]) -> None:
        self.beginResetModel()
        self._columns = table_columns(variables)
        self._iterations = iterations  # the run's own list; records are immutable
        self._rows = len(iterations)
        self.endResetModel()

    def sync(self) -> None:
        """Show the rows appended to the run's list since the last call."""
        n = len(self._iterations)
        if n > self._rows:
            self.beginInsertRows(QModelIndex(), self._rows, n - 1)
            self._rows = n
            self.endInsertRows()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return self._columns[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role not in (Qt.DisplayRole, Qt.ToolTipRole):
            return None
        value = table_row(self._iterations, index.row())[index.column()]
        if index.column() == 0:
            return str(index.row())
        return compact_cell(value) if role == Qt.DisplayRole else format_cell(value, None)


def _mono() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.FixedFont)


def _form_box(title: str, rows: Sequence[tuple[str, QWidget]]) -> QGroupBox:
    """A titled box of labelled rows (an empty label: the widget spans the row)."""
    box = QGroupBox(title)
    form = QFormLayout(box)
    for label, widget in rows:
        if label:
            form.addRow(label, widget)
        else:
            form.addRow(widget)
    return box


class MinimizeLab(QWidget):
    """Type f, choose a start point and a method, then Step / Run N and watch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.objective: Objective | None = None
        self.minimizer: mz.Minimizer | None = None
        self._base_view: tuple[float, ...] = ()
        self._fitted_view: tuple[float, ...] = ()
        self._remaining = 0
        self._has_error = False
        self._run_timer = QTimer(self)
        self._run_timer.setInterval(0)
        self._run_timer.timeout.connect(self._run_chunk)
        self._parse_timer = QTimer(self)
        self._parse_timer.setSingleShot(True)
        self._parse_timer.setInterval(300)
        self._parse_timer.timeout.connect(self.apply_function)
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(50)
        self._redraw_timer.timeout.connect(self.draw_function)
        self._build()
        self.load_preset(0)
        appearance().changed.connect(self._on_appearance)

    # ------------------------------------------------------------------ UI

    def _build(self) -> None:
        """Widgets, then their layout, then their signals."""
        self._build_function_fields()
        self._build_method_fields()
        self._build_run_controls()
        self._build_results()
        self._lay_out()
        self._wire()

    def _build_function_fields(self) -> None:
        self.preset_combo = QComboBox()
        for preset in mz.PRESETS:
            self.preset_combo.addItem(preset.name)
        self.preset_combo.addItem(CUSTOM)
        self.preset_combo.setToolTip("A worked example; the box says Custom once f is your own")
        self.function_edit = QLineEdit()
        self.function_edit.setFont(_mono())
        self.function_edit.setPlaceholderText("e.g. x**2 + y**2")
        self.error_label = QLabel()
        self.error_label.setFont(_mono())
        self.error_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.error_label.hide()
        self.vars_edit = QLineEdit()
        self.vars_edit.setPlaceholderText("automatic: alphabetical")
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.start_spins: list[QDoubleSpinBox] = []

    def _build_method_fields(self) -> None:
        self.method_combo = QComboBox()
        for key, label in METHOD_LABELS.items():
            self.method_combo.addItem(label, key)
        self.eta_edit = self._number_edit("0.1")
        self.momentum_spin = QDoubleSpinBox()
        self.momentum_spin.setRange(0.0, 0.99)
        self.momentum_spin.setSingleStep(0.1)
        self.momentum_spin.setKeyboardTracking(False)
        self.tol_edit = self._number_edit("1e-8", "off")
        self.step_tol_edit = self._number_edit("", "off")
        self.max_iter_spin = QSpinBox()
        self.max_iter_spin.setRange(1, 1_000_000)
        self.max_iter_spin.setValue(1000)
        self.max_iter_spin.setKeyboardTracking(False)

    def _build_run_controls(self) -> None:
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip("Take one iteration")
        self.run_button = QPushButton("Run")
        self.run_button.setToolTip("Take N iterations (click again to stop)")
        self.run_steps = QSpinBox()
        self.run_steps.setRange(1, 1_000_000)
        self.run_steps.setValue(10)
        self.run_steps.setPrefix("N = ")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Back to the start point")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.formula_label = QLabel()
        self.formula_label.setWordWrap(True)
        self.formula_label.setTextFormat(Qt.RichText)
        self.formula_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.copy_latex_button = QPushButton("Copy as LaTeX")

    def _build_results(self) -> None:
        self.main_plot = lab_plot("f", "x")
        self.main_note = PlotNote(self.main_plot)
        self.f_plot = IterationPlot()
        self.model = IterationTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Stretch)
        # room for the widest cell ("-4336.988"): a narrow window scrolls the table sideways
        header.setMinimumSectionSize(self.table.fontMetrics().horizontalAdvance(CELL_WIDTH_TEXT) + 10)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.copy_csv_button = QPushButton("Copy as CSV")
        self.copy_md_button = QPushButton("Copy as Markdown")

    def _lay_out(self) -> None:
        """Settings in a scrolling column on the left; the plot over the table and f per
        iteration on the right."""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._settings_column())
        layout.addWidget(self._results_splitter(), 1)

    def _settings_column(self) -> QScrollArea:
        controls = QWidget()
        col = QVBoxLayout(controls)
        col.setContentsMargins(6, 6, 6, 6)
        col.addWidget(_form_box("Function", [
            ("Preset", self.preset_combo), ("f =", self.function_edit), ("", self.error_label),
            ("Variables", self.vars_edit), ("", self.note_label)]))
        start = QGroupBox("Start point (or click on the plot)")
        self.start_form = QFormLayout(start)
        col.addWidget(start)
        col.addWidget(_form_box("Method", [
            ("Method", self.method_combo), ("Learning rate η", self.eta_edit),
            ("Momentum μ", self.momentum_spin), ("Stop at |∇f| ≤", self.tol_edit),
            ("Stop at step ≤", self.step_tol_edit), ("Max iterations", self.max_iter_spin)]))
        row = QHBoxLayout()
        for widget in (self.step_button, self.run_button, self.run_steps, self.reset_button):
            row.addWidget(widget)
        col.addLayout(row)
        col.addWidget(self.status_label)
        derivatives = QGroupBox("Derivatives")
        box_col = QVBoxLayout(derivatives)
        box_col.addWidget(self.formula_label)
        box_col.addWidget(self.copy_latex_button, 0, Qt.AlignRight)
        col.addWidget(derivatives)
        col.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(controls)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(330)
        scroll.setMaximumWidth(400)
        return scroll

    def _results_splitter(self) -> QSplitter:
        table_box = QWidget()
        table_col = QVBoxLayout(table_box)
        table_col.setContentsMargins(0, 0, 0, 0)
        table_col.addWidget(self.table)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_csv_button)
        buttons.addWidget(self.copy_md_button)
        table_col.addLayout(buttons)
        bottom = QSplitter(Qt.Horizontal)
        bottom.addWidget(table_box)
        bottom.addWidget(self.f_plot)
        bottom.setSizes([680, 320])
        right = QSplitter(Qt.Vertical)
        right.addWidget(self.main_plot)
        right.addWidget(bottom)
        right.setSizes([600, 400])
        return right

    def _wire(self) -> None:
        self.preset_combo.activated.connect(self.load_preset)
        self.function_edit.textEdited.connect(self._function_edited)
        self.function_edit.returnPressed.connect(self.apply_function)
        self.vars_edit.editingFinished.connect(self.apply_function)
        self.method_combo.currentIndexChanged.connect(self._settings_changed)
        for edit in (self.eta_edit, self.tol_edit, self.step_tol_edit):
            edit.editingFinished.connect(self._settings_changed)
        self.momentum_spin.valueChanged.connect(self._settings_changed)
        self.max_iter_spin.valueChanged.connect(self._settings_changed)
        self.step_button.clicked.connect(self.step)
        self.run_button.clicked.connect(self._toggle_run)
        self.reset_button.clicked.connect(self.reset)
        self.copy_latex_button.clicked.connect(self.copy_latex)
        self.copy_csv_button.clicked.connect(self.copy_csv)
        self.copy_md_button.clicked.connect(self.copy_markdown)
        self.main_plot.scene().sigMouseClicked.connect(self._plot_clicked)
        self.main_plot.getPlotItem().getViewBox().sigRangeChanged.connect(
            lambda *_: self._redraw_timer.start())

    def _number_edit(self, text: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        edit.setPlaceholderText(placeholder)
        return edit

    # --------------------------------------------------------------- state

    @property
    def running(self) -> bool:
        return self._run_timer.isActive()

    def load_preset(self, index: int) -> None:
        """Fill in preset ``index`` and start afresh (the Custom entry keeps the function)."""
        if index >= len(mz.PRESETS):
            self._show_preset()
            return
        preset = mz.PRESETS[index]
        self.preset_combo.setCurrentIndex(index)
        cfg = preset.config
        for edit, text in ((self.function_edit, preset.text), (self.vars_edit, ""),
                           (self.eta_edit, f"{cfg.eta:g}"), (self.step_tol_edit, ""),
                           (self.tol_edit, "" if cfg.tol is None else f"{cfg.tol:g}")):
            with QSignalBlocker(edit):
                edit.setText(text)
        with QSignalBlocker(self.momentum_spin), QSignalBlocker(self.max_iter_spin), \
                QSignalBlocker(self.method_combo):
            self.momentum_spin.setValue(cfg.momentum)
            self.max_iter_spin.setValue(cfg.max_iterations or 1000)
            self.method_combo.setCurrentIndex(self.method_combo.findData(cfg.method))
        self._enable_method_fields()
        self.run_steps.setValue(preset.steps)
        self.apply_function(start=preset.x0, view=preset.view)

    def apply_function(self, start: Sequence[float] | None = None, view: Sequence[float] = ()) -> None:
        """Parse f (and the variable list); on success set up a fresh run."""
        self._parse_timer.stop()
        self._stop_running()
        text = self.function_edit.text()
        names = [v for v in self.vars_edit.text().replace(",", " ").split() if v]
        try:
            objective = Objective(text, names or None)
            if objective.n > 2:
                raise MLPError(f"the lab plots functions of one or two variables; f has {objective.n} "
                               f"({', '.join(objective.variables)}). Use `mlp-studio minimize` for more.")
        except MLPError as exc:
            self._show_error(exc)
            return
        self._show_error(None)
        preset = self._show_preset()
        self.note_label.setText(preset.note if preset else "")
        old = self.objective
        self.objective = objective
        if start is None:
            same = old is not None and old.variables == objective.variables
            start = [s.value() for s in self.start_spins] if same else [1.0] * objective.n
        self._build_start_fields(objective.variables, start)
        self._base_view = tuple(view) or mz.framing_view(objective, start)
        self._update_formulas()
        self._new_plot()
        self.reset()

    def _function_edited(self) -> None:
        self._show_preset()
        self._parse_timer.start()

    def _show_preset(self) -> mz.Preset | None:
        """Select the preset whose function is in the f field, else Custom; return that preset."""
        text = self.function_edit.text().strip()
        index = next((i for i, p in enumerate(mz.PRESETS) if p.text == text), None)
        self.preset_combo.setCurrentIndex(len(mz.PRESETS) if index is None else index)
        return None if index is None else mz.PRESETS[index]

    def _show_error(self, exc: MLPError | None) -> None:
        self._has_error = exc is not None
        self._colour_function_field()
        if exc is None:
            self.error_label.hide()
            return
        self.error_label.setText(exc.message if isinstance(exc, ExpressionError) else str(exc))
        self.error_label.setWordWrap(not isinstance(exc, ExpressionError))
        self.error_label.show()
        if isinstance(exc, ExpressionError):
            self.function_edit.setCursorPosition(exc.column - 1)
        self._set_buttons(enabled=False)

    def _build_start_fields(self, variables: Sequence[str], values: Sequence[float]) -> None:
        while self.start_form.rowCount():
            self.start_form.removeRow(0)
        self.start_spins = []
        for name, value in zip(variables, values):
            spin = QDoubleSpinBox()
            spin.setRange(-1e6, 1e6)
            spin.setDecimals(4)
            spin.setSingleStep(0.1)
            spin.setKeyboardTracking(False)
            spin.setValue(float(value))
            spin.valueChanged.connect(self._start_changed)
            self.start_form.addRow(f"{name}₀", spin)
            self.start_spins.append(spin)

    def start_point(self) -> list[float]:
        return [s.value() for s in self.start_spins]

    def set_start_point(self, point: Sequence[float]) -> None:
        for spin, value in zip(self.start_spins, point):
            with QSignalBlocker(spin):
                spin.setValue(float(value))
        self._start_changed()

    def _start_changed(self) -> None:
        self._base_view = mz.view_with_points(self._base_view, np.array([self.start_point()]), np.inf)
        self.reset()

    def _config(self) -> mz.MinimizeConfig:
        def number(edit: QLineEdit, what: str) -> float | None:
            text = edit.text().strip()
            if not text:
                return None
            try:
                return float(text)
            except ValueError:
                raise MLPError(f"{what} must be a number, got {text!r}") from None

        method = self.method_combo.currentData()
        eta = number(self.eta_edit, "the learning rate")
        if eta is None and method == "gd":
            raise MLPError("set a learning rate")
        return mz.MinimizeConfig(
            method=method,
            eta=0.1 if eta is None else eta,
            momentum=self.momentum_spin.value() if method == "gd" else 0.0,
            tol=number(self.tol_edit, "the gradient tolerance"),
            step_tol=number(self.step_tol_edit, "the step tolerance"),
            max_iterations=self.max_iter_spin.value(),
        )

    def _enable_method_fields(self) -> None:
        gd = self.method_combo.currentData() == "gd"
        self.eta_edit.setEnabled(gd)
        self.momentum_spin.setEnabled(gd)

    def _settings_changed(self) -> None:
        self._enable_method_fields()
        self._update_formulas()
        self.reset()

    def reset(self) -> None:
        """A fresh run from the start point with the current settings."""
        self._stop_running()
        self.minimizer = None
        if self.objective is None or self._has_error:
            return
        try:
            self.minimizer = mz.Minimizer(self.objective, self.start_point(), self._config())
        except MLPError as exc:
            self.model.set_run([], [])
            self.status_label.setText(f"<span style='color:{lab_colours().error.name()}'>"
                                      f"{html.escape(str(exc))}</span>")
            self._set_buttons(enabled=False)
            self._refresh_plots()
            return
        self.model.set_run(self.objective.variables, self.minimizer.iterations)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Fixed)  # k: no wider
        self.table.setColumnWidth(0, self.table.horizontalHeader().minimumSectionSize())
        self._refresh()

    # ------------------------------------------------------------- running

    def step(self) -> None:
        if self.minimizer is not None and not self.running:
            self.minimizer.step()
            self._refresh()

    def run(self, n: int | None = None) -> None:
        """Take ``n`` (default: the N field) iterations in timer-driven chunks."""
        if self.minimizer is None or self.minimizer.done:
            return
        self._remaining = self.run_steps.value() if n is None else n
        self.run_button.setText("Stop")
        self.step_button.setEnabled(False)
        self._run_timer.start()

    def _toggle_run(self) -> None:
        if self.running:
            self._stop_running()
            self._refresh()
        else:
            self.run()

    def _run_chunk(self) -> None:
        deadline = time.perf_counter() + RUN_CHUNK_SECONDS
        m = self.minimizer
        while self._remaining > 0 and not m.done and time.perf_counter() < deadline:
            if m.step() is None:
                break
            self._remaining -= 1
        if self._remaining <= 0 or m.done:
            self._stop_running()
        self._refresh()

    def _stop_running(self) -> None:
        self._run_timer.stop()
        self._remaining = 0
        self.run_button.setText("Run")

    def _set_buttons(self, enabled: bool) -> None:
        self.step_button.setEnabled(enabled and not self.running)
        self.run_button.setEnabled(enabled or self.running)

    def _refresh(self) -> None:
        m = self.minimizer
        self.model.sync()
        self.table.scrollToBottom()
        last = m.last
        point = ", ".join(f"{v:.6g}" for v in last.x)
        text = (f"Iteration {last.index}: ({point}), f = {last.f:.6g}, "
                f"|∇f| = {float(np.linalg.norm(last.grad)):.3g}")
        if m.stop is not None:
            colours = lab_colours()
            color = colours.error if m.stop.code in (mz.STOP_DIVERGED, mz.STOP_SINGULAR) else colours.good
            text = (f"{html.escape(text)}<br><span style='color:{color.name()}'>"
                    f"{html.escape(m.stop.message)}</span>")
        else:
            text = html.escape(text)
        self.status_label.setText(text)
        self._set_buttons(enabled=not m.done)
        self._refresh_plots()

    # ---------------------------------------------------------- formulas

    def _update_formulas(self) -> None:
        obj = self.objective
        if obj is None:
            return
        newton = self.method_combo.currentData() == "newton"
        text, names = obj.formulas(hessian=newton), obj.variables  # second derivatives: Newton only
        rows = [f"f({', '.join(names)}) = {text['f']}"]
        rows += [f"∂f/∂{v} = {g}" for v, g in zip(names, text["gradient"])]
        if newton:
            rows += [f"∂²f/∂{a}∂{b} = {text['hessian'][i][j]}"
                     for i, a in enumerate(names) for j, b in enumerate(names) if j >= i]
        family = _mono().family()
        self.formula_label.setText(
            f"<div style='font-family:\"{family}\"'>" + "<br>".join(html.escape(r) for r in rows) + "</div>")

    def formulas_latex(self) -> str:
        text = self.objective.formulas(latex=True, hessian=False)
        lines = [f"f = {text['f']}"]
        lines += [rf"\frac{{\partial f}}{{\partial {latex_name(v)}}} = {g}"
                  for v, g in zip(self.objective.variables, text["gradient"])]
        return "\n".join(lines) + "\n"

    def copy_latex(self) -> None:
        if self.objective is not None:
            QGuiApplication.clipboard().setText(self.formulas_latex())

    def copy_csv(self) -> None:
        if self.minimizer is not None:
            QGuiApplication.clipboard().setText(iterations_csv(self.objective.variables, self.minimizer.iterations))

    def copy_markdown(self) -> None:
        if self.minimizer is not None:
            QGuiApplication.clipboard().setText(
                iterations_markdown(self.objective.variables, self.minimizer.iterations))

    # --------------------------------------------------------------- plots

    def _new_plot(self) -> None:
        """Fresh plot items for the current function's dimension, in the appearance's colours."""
        plot = self.main_plot.getPlotItem()
        plot.clear()
        self._fitted_view = ()
        colours = lab_colours()
        one_d = self.objective.n == 1
        x, y = self.objective.variables[0], (self.objective.variables + ("",))[1]
        plot.setLabel("bottom", x)
        plot.setLabel("left", "f" if one_d else y)
        self.image = self.curve_item = None
        self.contour_items: list[pg.IsocurveItem] = []
        plot.setAspectLocked(not one_d)  # equal scales: the gradient is seen at right angles to contours
        if one_d:
            self.curve_item = plot.plot(pen=pg.mkPen(colours.curve, width=2))
            faded = QColor(colours.tangent)
            faded.setAlpha(FADED_ALPHA)
            self.faded_tangents = plot.plot(pen=pg.mkPen(faded, width=2), connect="finite")
            self.tangent_item = plot.plot(pen=pg.mkPen(colours.tangent, width=3))
        else:
            self.image = pg.ImageItem(axisOrder="col-major")
            plot.addItem(self.image)
            pen = pg.mkPen(colours.contour, width=1)
            self.contour_items = [pg.IsocurveItem(pen=pen, axisOrder="col-major") for _ in range(CONTOUR_LEVELS)]
            for item in self.contour_items:
                plot.addItem(item)
        # one variable: the iterates sit on the curve (a line between them would look like a secant)
        path_pen = None if one_d else pg.mkPen(PATH_COLOR, width=2)
        self.path_item = plot.plot(pen=path_pen, symbol="o", symbolSize=8,
                                   symbolBrush=PATH_COLOR, symbolPen=pg.mkPen(colours.background, width=1))
        self.start_item = plot.plot(pen=None, symbol="s", symbolSize=11, symbolBrush=colours.background,
                                    symbolPen=pg.mkPen(colours.text, width=1.5))
        self.current_item = plot.plot(pen=None, symbol="o", symbolSize=13, symbolBrush=(255, 215, 0),
                                      symbolPen=pg.mkPen("k", width=1.5))
        plot.disableAutoRange()

    def _points(self) -> np.ndarray:
        its = self.minimizer.iterations if self.minimizer else []
        return np.array([it.x for it in its]) if its else np.array(self.start_point(), ndmin=2)

    def _shown_iterations(self) -> int:
        """How many iterations the plots frame: all, or after a divergence those before the
        first that left the view by more than its width."""
        m = self.minimizer
        if m is None:
            return 0
        if m.stop is None or m.stop.code != mz.STOP_DIVERGED:
            return len(m.iterations)
        return mz.path_in_view(self._points(), self._base_view)

    def _refresh_plots(self) -> None:
        if self.objective is None:
            return
        keep = self._shown_iterations()
        points = self._points()
        view = mz.view_with_points(self._base_view, points[:max(keep, 1)])
        if view != self._fitted_view:
            self._fit_view(view)
        its = self.minimizer.iterations if self.minimizer else []
        fs = np.array([it.f for it in its])
        if self.objective.n == 1:
            xs, ys = points[:keep, 0], fs[:keep]
            self._draw_tangents()
        else:
            xs, ys = points[:keep, 0], points[:keep, 1]
        self.path_item.setData(xs, ys, symbol="o" if len(xs) <= PATH_SYMBOLS_UP_TO else None)
        self.start_item.setData(xs[:1], ys[:1])
        current = len(xs) > 1 and keep == len(its)
        self.current_item.setData(xs[-1:] if current else [], ys[-1:] if current else [])
        m, last = self.minimizer, len(its) - 1
        diverged = m is not None and m.stop is not None and m.stop.code == mz.STOP_DIVERGED
        note = f"diverged at step {last}" if diverged else ""
        if diverged and keep <= last:
            note += f": step {last} is off the plot" if keep == last else f": steps {keep} to {last} are off the plot"
        self.main_note.say(note)
        self.f_plot.show_values(fs, keep, f"diverged at step {last}" if diverged else "")

    def _fit_view(self, view: tuple[float, ...]) -> None:
        """Show ``view`` (for one variable: x bounds, with f's range there)."""
        self._fitted_view = view
        if self.objective.n == 1:
            xs, fs = mz.curve(self.objective, view[0], view[1])
            finite = fs[np.isfinite(fs)]
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
            pad = 0.05 * (hi - lo or 1.0)
            y_range = (lo - pad, hi + pad)
        else:
            y_range = view[2:]
        self.main_plot.getPlotItem().setRange(xRange=view[:2], yRange=y_range, padding=0)
        self.draw_function()

    def draw_function(self) -> None:
        """Draw f over the visible range (again after a zoom, pan or resize)."""
        self._redraw_timer.stop()
        if self.objective is None:
            return
        (x0, x1), (y0, y1) = self.main_plot.getPlotItem().getViewBox().viewRange()
        if self.objective.n == 1:
            xs, fs = mz.curve(self.objective, x0, x1)
            self.curve_item.setData(xs, fs, connect="finite")
            self._draw_tangents()
            return
        _, _, z = mz.grid(self.objective, (x0, x1, y0, y1))
        levels = mz.contour_levels(z, CONTOUR_LEVELS)
        self.image.setImage(mz.contour_bands(z, levels), levels=(0, max(len(levels), 1)))
        bands = pg.ColorMap([0.0, 0.5, 1.0], list(lab_colours().bands))
        self.image.setLookupTable(bands.getLookupTable(nPts=len(levels) + 1))
        self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self._draw_contours((x0, x1, y0, y1), levels)

    def _draw_tangents(self) -> None:
        """The tangent at the current iterate and, faded, at the few before it: short
        segments of one length on screen, whatever their slope."""
        its = self.minimizer.iterations[:self._shown_iterations()] if self.minimizer else []
        x_size, y_size = self.main_plot.getPlotItem().getViewBox().viewPixelSize()
        if not (np.isfinite(x_size) and np.isfinite(y_size) and x_size > 0 and y_size > 0):
            return  # not laid out yet
        half, y_per_x = TANGENT_HALF_PX * x_size, y_size / x_size
        self.tangent_item.setData(*mz.tangent_lines(its[-1:], half, y_per_x))
        self.faded_tangents.setData(*mz.tangent_lines(its[-1 - TANGENTS_FADED:-1], half, y_per_x))

    def _draw_contours(self, view: tuple[float, float, float, float], levels: np.ndarray) -> None:
        """One pyqtgraph isocurve per level, traced on a coarser grid of f over ``view``
        and placed there by a transform (grid pixel -> plot coordinates)."""
        x0, x1, y0, y1 = view
        _, _, z = mz.grid(self.objective, view, n=CONTOUR_POINTS)
        finite = np.isfinite(z)
        if finite.any():  # undefined f (log of a negative, ...) counts as above every level
            z = np.where(finite, z, max(float(z[finite].max()), float(levels[-1]) if len(levels) else 0.0))
        dx, dy = (x1 - x0) / (CONTOUR_POINTS - 1), (y1 - y0) / (CONTOUR_POINTS - 1)
        # pyqtgraph puts grid point i at the centre of pixel i, i + 0.5
        to_plot = QTransform.fromTranslate(x0 - dx / 2, y0 - dy / 2).scale(dx, dy)
        for k, item in enumerate(self.contour_items):
            item.setTransform(to_plot)
            item.setData(z if k < len(levels) and finite.any() else None,
                         float(levels[k]) if k < len(levels) else None)

    def _plot_clicked(self, event) -> None:
        """A left click inside the plot area chooses the start point."""
        if event.button() != Qt.LeftButton or self.objective is None or event.double():
            return
        vb = self.main_plot.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p: QPointF = vb.mapSceneToView(event.scenePos())
        self.set_start_point([p.x()] if self.objective.n == 1 else [p.x(), p.y()])
        event.accept()

    def _colour_function_field(self) -> None:
        """The error colour on the error text and the f field's border, muted notes."""
        colours = lab_colours()
        self.error_label.setStyleSheet(f"color: {colours.error.name()};")
        self.function_edit.setStyleSheet(f"border: 1px solid {colours.error.name()};" if self._has_error else "")
        self.note_label.setStyleSheet(f"color: {colours.muted.name()};")

    def _on_appearance(self) -> None:
        """Redraw in the new colours and fonts."""
        self._colour_function_field()
        if self.objective is not None and not self._has_error:
            self._new_plot()
            if self.minimizer is not None:
                self._refresh()
            else:
                self._refresh_plots()

    def closeEvent(self, event) -> None:
        self._stop_running()
        self._parse_timer.stop()
        super().closeEvent(event)
