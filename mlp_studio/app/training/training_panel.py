"""The training dock: settings, Run / Pause / Resume / Stop / Run N, progress,
accuracy and confusion matrix for class targets, and the live loss plot.

Settings edits go through ``document.set_training`` (undoable). The run itself
belongs to a ``TrainingSession``; its snapshots show in the document through
``Document.show_snapshot`` (display only) and in this panel.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (QAbstractScrollArea, QCheckBox, QComboBox, QDoubleSpinBox,
                               QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                               QProgressBar, QPushButton, QSizePolicy, QSlider, QSpinBox, QStatusBar,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from mlp_studio.app.document.document import Document
from mlp_studio.app.training.loss_plot import LossPlot
from mlp_studio.app.training.training_worker import IDLE, PAUSED, RUNNING, TrainingSession
from mlp_studio.app.training.update_rule_box import UpdateRuleBox
from mlp_studio.app.widgets.appearance import colour_text
from mlp_studio.app.widgets.elided_label import ElidedLabel
from mlp_studio.core.evaluation import BINARY, class_kind
from mlp_studio.core.training_run import STOP_ERROR, RunResult, Snapshot
from mlp_studio.core.training import MODES, STOP_DIVERGED
from mlp_studio.errors import MLPError

#: speed slider positions: seconds to wait after each epoch (the last is full speed)
DELAYS = (1.0, 0.5, 0.25, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0)
#: the speed a run starts at: the bundled examples' 500 to 3000 epochs take a few seconds
DEFAULT_DELAY = 0.002
CONFUSION_ROWS_SHOWN = 4  # rows of the confusion matrix in view (more classes scroll)
PLOT_MIN_HEIGHT = 200
#: the window's status bar shows a running run's progress at most this often (repainting
#: it repaints much of the window); the panel's own line follows every snapshot
STATUS_BAR_HZ = 4.0


def _double_spin(lo: float, hi: float, decimals: int, step: float, special: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setKeyboardTracking(False)
    if special:
        box.setSpecialValueText(special)
    return box


def _speed_text(delay: float) -> str:
    return "Fastest" if delay == 0 else f"{delay * 1000:g} ms/epoch"


def _spin(lo: int, hi: int, special: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setKeyboardTracking(False)
    if special:
        box.setSpecialValueText(special)
    return box


class TrainingPanel(QWidget):
    """See the module docstring. ``status_bar`` (the window's) shows the progress too."""

    def __init__(self, document: Document, status_bar: QStatusBar | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.status_bar = status_bar
        self.session = TrainingSession(document, self)
        self._run_epochs: int | None = None
        self._shown_names: list[str] = []  # the confusion matrix's class names
        self._status_bar_shown = -float("inf")  # when the status bar last took a progress line
        self._unapplied_note = ""  # why the last run's result was not applied, if it was not
        self._loading = False
        self._eta = 0.0  # the running run's current learning rate
        self._build_settings()
        self._build_run_controls()
        self._build_classification()
        self.plot = LossPlot()
        self.plot.setMinimumHeight(PLOT_MIN_HEIGHT)  # the plot never folds away under the rest
        self._lay_out()
        self._wire_settings()
        self._wire_session()
        self._load_settings()
        self._reserve_classification()
        self._on_speed(self.speed.value())
        self._on_state(IDLE)

    # ---------------------------------------------------------------- build
    def _build_settings(self) -> None:
        self.lr = _double_spin(1e-6, 1e6, 6, 0.01)
        self.lr.setToolTip("Learning rate η: each update moves a weight by η times its gradient")
        self.mode = QComboBox()
        self.mode.addItems(MODES)
        self.mode.setToolTip("online: one update per row; minibatch: per batch of rows; batch: per epoch")
        self.batch = _spin(1, 1_000_000)
        self.batch.setToolTip("Rows per update in minibatch mode")
        self.momentum = _double_spin(0.0, 0.99, 3, 0.05)
        self.momentum.setToolTip("Momentum μ: each step keeps this share of the previous step (0: plain descent)")
        self.epochs = _spin(0, 100_000_000, "no limit")
        self.epochs.setToolTip("Stop after this many epochs (passes over the data)")
        self.target = _double_spin(0.0, 1e6, 8, 1e-4, "off")
        self.target.setToolTip("Stop when the epoch's loss reaches this value")
        self.patience = _spin(0, 1_000_000, "off")
        self.patience.setToolTip("Stop after this many epochs without a new best loss: of the held-out "
                                 "rows when some are held out (early stopping), else of the training rows")
        self.shuffle = QCheckBox("shuffle rows")
        self.shuffle.setToolTip("Visit the rows in a new random order every epoch (seeded by Seed)")
        self.seed = _spin(0, 2**31 - 1)
        self.seed.setToolTip("Seed of the row shuffling and the held-out rows: same seed, same run")
        self.holdout = _double_spin(0.0, 0.9, 2, 0.05)
        self.holdout.setToolTip("Fraction of the rows held out (seeded by Seed) for the validation loss")
        self.speed = QSlider(Qt.Horizontal)
        self.speed.setRange(0, len(DELAYS) - 1)
        self.speed.setPageStep(1)  # a click on the groove moves one position, not to an end
        self.speed.setSingleStep(1)
        self.speed.setValue(DELAYS.index(DEFAULT_DELAY))
        self.speed.setToolTip("Slow training down to watch it (a pause after every epoch), "
                              "or let it run as fast as it can")
        self.speed_label = QLabel()
        metrics = self.speed_label.fontMetrics()
        self.speed_label.setFixedWidth(max(metrics.horizontalAdvance(_speed_text(d)) for d in DELAYS) + 4)
        self.live = QCheckBox("Live network views")
        self.live.setChecked(True)
        self.live.setToolTip("Redraw the canvas and the other views from snapshots while training; "
                             "turn off to keep a big network's training smooth")
        self.update_rule = UpdateRuleBox()  # optimiser, penalty and schedule (opens from a header)

    def _build_run_controls(self) -> None:
        self.run_button = QPushButton("Run")
        self.run_button.setToolTip("Train until a stop rule fires (the Epochs setting, target loss, patience)")
        self.pause_button = QPushButton("Pause")
        self.pause_button.setToolTip("Pause the run; Resume carries on from the same point")
        self.resume_button = QPushButton("Resume")
        self.resume_button.setToolTip("Carry on with the paused run")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("End the run; the weights reached so far enter the document (undoable)")
        self.run_n_button = QPushButton("Run N")
        self.run_n_button.setToolTip("Train the number of epochs in the field on the right")
        self.run_n = _spin(1, 100_000_000)
        self.run_n.setValue(100)
        self.run_n.setToolTip("Epochs for Run N")
        self.progress = QProgressBar()
        self.progress.setFormat("epoch %v of %m")
        self.progress.setFixedWidth(190)
        self.status = QLabel("Ready")
        # fixed-size labels: new text repaints the label only, no relayout of the window
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        # the reason a run stopped has its line always: nothing below moves when it shows
        self.reason = ElidedLabel()
        self.apply_anyway = QPushButton("Apply trained weights")
        self.apply_anyway.setToolTip("Put the trained network on top of the change made while "
                                     "training ran (Undo goes back to that change)")
        self.apply_anyway.setVisible(False)
        # the reason's line is as tall as this button beside it: nothing moves when it shows
        self.reason.setFixedHeight(self.apply_anyway.sizeHint().height())

    def _build_classification(self) -> None:
        self.accuracy = QLabel("")
        self.accuracy.setWordWrap(True)
        self.accuracy.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.accuracy.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.confusion = QTableWidget(0, 0)
        self.confusion.setEditTriggers(QTableWidget.NoEditTriggers)
        self.confusion.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.confusion.setToolTip("Rows: true class; columns: predicted class")
        self.confusion.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.confusion.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.confusion.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        # compact rows: ten classes stay readable
        self.confusion.verticalHeader().setDefaultSectionSize(self.confusion.fontMetrics().height() + 4)
        # the matrix beside the accuracy, as tall as its classes: the loss plot keeps the height
        self.class_box = QWidget()
        self.class_box.setToolTip("Classification: the accuracy and the confusion matrix")
        class_layout = QHBoxLayout(self.class_box)
        class_layout.setContentsMargins(0, 0, 0, 0)
        class_layout.addWidget(self.confusion)
        class_layout.addWidget(self.accuracy, 1)
        self.class_box.setVisible(False)  # shown for class targets, from the moment they are loaded

    # --------------------------------------------------------------- layout
    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setSpacing(3)
        layout.addWidget(self._settings_grid())
        controls = QHBoxLayout()
        for w in (self.run_button, self.pause_button, self.resume_button, self.stop_button,
                  self.run_n_button, self.run_n):
            controls.addWidget(w)
        layout.addLayout(controls)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress)
        progress_row.addWidget(self.status, 1)
        progress_row.addWidget(self.update_rule.header)
        layout.addLayout(progress_row)
        layout.addWidget(self.update_rule)
        reason_row = QHBoxLayout()
        reason_row.addWidget(self.reason, 1)
        reason_row.addWidget(self.apply_anyway)
        layout.addLayout(reason_row)
        layout.addWidget(self.class_box)
        layout.addWidget(self.plot, 1)

    def _settings_grid(self) -> QWidget:
        """The settings in a compact grid, three label/field pairs a row, so the loss plot
        below gets the dock's height."""
        settings = QWidget()
        grid = QGridLayout(settings)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(3)
        pairs = (("Learning rate", self.lr), ("Mode", self.mode), ("Batch size", self.batch),
                 ("Momentum", self.momentum), ("Seed", self.seed), ("Hold out", self.holdout),
                 ("Epochs", self.epochs), ("Target loss", self.target), ("Patience", self.patience))
        for k, (text, field) in enumerate(pairs):
            field.setMinimumWidth(0)
            field.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            label = QLabel(text)
            label.setBuddy(field)
            grid.addWidget(label, k // 3, 2 * (k % 3))
            grid.addWidget(field, k // 3, 2 * (k % 3) + 1)
        for col in (1, 3, 5):
            grid.setColumnStretch(col, 1)
        speed_row = QHBoxLayout()
        speed_row.addWidget(self.shuffle)
        speed_row.addSpacing(12)
        speed_row.addWidget(QLabel("Speed"))
        speed_row.addWidget(self.speed, 1)
        speed_row.addSpacing(6)
        speed_row.addWidget(self.speed_label)
        speed_row.addSpacing(12)
        speed_row.addWidget(self.live)
        grid.addLayout(speed_row, 3, 0, 1, 6)
        return settings

    # --------------------------------------------------------------- wiring
    def _wire_settings(self) -> None:
        """Setting widgets -> the document (undoable); the document -> the widgets."""
        self.lr.valueChanged.connect(lambda v: self._edit("learning_rate", v, f"Set learning rate to {v:g}"))
        self.mode.activated.connect(lambda i: self._edit("mode", MODES[i], f"Set mode to {MODES[i]}"))
        self.batch.valueChanged.connect(lambda v: self._edit("batch_size", v, f"Set batch size to {v}"))
        self.momentum.valueChanged.connect(lambda v: self._edit("momentum", v, f"Set momentum to {v:g}"))
        self.seed.valueChanged.connect(lambda v: self._edit("seed", v, f"Set seed to {v}"))
        self.epochs.valueChanged.connect(
            lambda v: self._edit("epochs", v or None, f"Set epochs to {v or 'no limit'}"))
        self.target.valueChanged.connect(
            lambda v: self._edit("target_loss", v or None, f"Set target loss to {v or 'off'}"))
        self.patience.valueChanged.connect(
            lambda v: self._edit("patience", v or None, f"Set patience to {v or 'off'}"))
        self.shuffle.toggled.connect(lambda on: self._edit("shuffle", on, f"Shuffle rows {'on' if on else 'off'}"))
        self.holdout.valueChanged.connect(lambda v: self._edit("holdout", v, f"Set hold-out fraction to {v:g}"))
        self.update_rule.edited.connect(self._edit)
        self.speed.valueChanged.connect(self._on_speed)
        self.live.toggled.connect(self._on_live)
        self.document.settings_changed.connect(self._load_settings)
        self.document.project_replaced.connect(self._on_project_replaced)
        self.document.data_changed.connect(self._reserve_classification)

    def _wire_session(self) -> None:
        """Run controls -> the session; the session's events -> this panel."""
        self.run_button.clicked.connect(lambda: self.start(None))
        self.run_n_button.clicked.connect(lambda: self.start(self.run_n.value()))
        self.pause_button.clicked.connect(self.session.pause)
        self.resume_button.clicked.connect(self.session.resume)
        self.stop_button.clicked.connect(self.session.stop)
        self.apply_anyway.clicked.connect(self.session.apply_unapplied)
        self.session.snapshot.connect(self._on_snapshot)
        self.session.finished.connect(self._on_finished)
        self.session.failed.connect(self._on_failed)
        self.session.unapplied_changed.connect(self._on_unapplied)
        self.session.state_changed.connect(self._on_state)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - a panel shown on its own
        self.session.shutdown()
        super().closeEvent(event)

    # -------------------------------------------------------------- actions
    def start(self, epochs: int | None) -> None:
        """Run N epochs (or, for None, until the settings' stop rules fire)."""
        try:
            self.session.start(epochs)
        except MLPError as exc:
            self._set_reason(str(exc), error=True)
            return
        self._run_epochs = epochs if epochs is not None else self.document.project.training.epochs
        self.progress.setRange(0, self._run_epochs or 0)
        self.progress.setValue(0)
        self.progress.setVisible(self._run_epochs is not None)
        self._set_reason("")

    def _edit(self, field: str, value, text: str) -> None:
        if self._loading:
            return
        config = self.document.project.training
        if getattr(config, field) == value:
            return
        try:
            self.document.set_training(replace(config, **{field: value}), text)
        except MLPError as exc:
            self._set_reason(str(exc), error=True)
            self._load_settings()

    def _load_settings(self) -> None:
        c = self.document.project.training
        self._loading = True
        try:
            self.lr.setValue(c.learning_rate)
            self.mode.setCurrentIndex(MODES.index(c.mode))
            self.batch.setValue(c.batch_size)
            self.batch.setEnabled(c.mode == "minibatch")
            self.momentum.setValue(c.momentum)
            self.seed.setValue(c.seed)
            self.epochs.setValue(c.epochs or 0)
            self.target.setValue(c.target_loss or 0.0)
            self.patience.setValue(c.patience or 0)
            self.shuffle.setChecked(c.shuffle)
            self.holdout.setValue(c.holdout)
            self.update_rule.load(c)
        finally:
            self._loading = False

    def _on_speed(self, position: int) -> None:
        delay = DELAYS[position]
        self.session.set_delay(delay)
        self.speed_label.setText(_speed_text(delay))

    def _on_live(self, on: bool) -> None:
        self.session.live_views = on
        if not on:
            self.document.show_snapshot(None)

    # ------------------------------------------------------- session events
    def _on_state(self, state: str) -> None:
        idle = state == IDLE
        buttons = {self.run_button: idle, self.run_n_button: idle, self.pause_button: state == RUNNING,
                   self.resume_button: state == PAUSED, self.stop_button: not idle}
        lost_focus = any(w.hasFocus() and not on for w, on in buttons.items())
        for on in (True, False):  # enable first: a disabled button's focus never passes to Run N's field
            for w, wanted in buttons.items():
                if wanted == on:
                    w.setEnabled(on)
        if lost_focus:  # the button pressed is disabled now: the next one to press takes the focus
            next_button = {IDLE: self.run_button, RUNNING: self.pause_button, PAUSED: self.resume_button}
            next_button[state].setFocus(Qt.FocusReason.OtherFocusReason)
        for w in (self.lr, self.mode, self.batch, self.momentum, self.seed, self.epochs,
                  self.target, self.patience, self.shuffle, self.holdout, self.update_rule):
            w.setEnabled(idle and (w is not self.batch or self.mode.currentText() == "minibatch"))
        if state == PAUSED:
            short = self.status.text()
            self._show_status(self.status.toolTip().replace("Training", "Paused", 1),
                              short if short.startswith("Paused") else f"Paused: {short}")

    def _on_snapshot(self, snap: Snapshot) -> None:
        self.plot.add_snapshot(snap)
        if self._run_epochs:
            self.progress.setValue(min(snap.epoch, self._run_epochs))
        loss = f"{snap.train_loss[-1]:.6g}" if snap.train_loss.size else "–"
        val = snap.val_loss[-1] if snap.val_loss is not None and snap.val_loss.size else None
        if snap.rate is not None and snap.rate.size:
            self._eta = float(snap.rate[-1])
        # the current rate where a schedule changes it (else it is the Learning rate field)
        eta = self._eta if self.document.project.training.schedule != "constant" else None
        rate = snap.updates / snap.elapsed if snap.elapsed > 0 else 0.0
        state = "Paused" if self.session.state == PAUSED else "Training"
        text = (f"{state}: epoch {snap.epoch}, loss {loss}"
                + (f", validation {val:.6g}" if val is not None else "")
                + (f", learning rate {eta:.6g}" if eta is not None else "")
                + f", {rate:,.0f} updates/s, {snap.elapsed:.1f} s")
        # the panel's line is narrow: fewer digits there, all of them in the window's status bar;
        # "Training" and the epoch only where the buttons and the progress bar do not say them
        short_loss = f"{snap.train_loss[-1]:.4g}" if snap.train_loss.size else "–"
        parts = ([] if self._run_epochs else [f"epoch {snap.epoch}"]) + [f"loss {short_loss}"]
        parts += [f"val. {val:.4g}"] if val is not None else []
        parts += [f"η {eta:.4g}"] if eta is not None else []
        parts += [f"{rate:,.0f}/s", f"{snap.elapsed:.1f} s"]
        short = ("Paused: " if state == "Paused" else "") + " · ".join(parts)
        self._show_status(text, short, progress=True)
        if snap.evaluation is not None:
            self._show_evaluation(snap)

    def _on_finished(self, result: RunResult) -> None:
        self._set_reason(f"Stopped: {result.stop.message}{self._unapplied_note}",
                         error=result.stop.code in (STOP_DIVERGED, STOP_ERROR) or bool(self._unapplied_note))
        last = f", loss {self.plot.train.y.view[-1]:.6g}" if self.plot.train.y.n else ""
        self._show_status(f"Done: {result.epochs} epochs in {result.elapsed:.1f} s{last}")

    def _on_failed(self, message: str) -> None:
        self._set_reason(message, error=True)

    def _on_unapplied(self, message: str) -> None:
        """A finished run's result was kept out of the document (``message`` says why), or
        the one kept out was applied after all (no message)."""
        self.apply_anyway.setVisible(self.session.unapplied is not None)
        self._unapplied_note = f". Not applied: {message}" if message else ""

    def _on_project_replaced(self) -> None:
        """A new document: nothing of the last run's progress, losses or scores stays."""
        self.plot.clear()
        self._reserve_classification()
        self._set_reason("")
        self.progress.reset()
        self.status.setText("Ready")
        self.status.setToolTip("")
        if self.status_bar is not None:
            self.status_bar.clearMessage()

    def _reserve_classification(self) -> None:
        """Show the Classification box, empty, whenever the targets are classes, so it never
        appears (and moves the plot) in the middle of a run."""
        data = self.document.project.data
        kind = class_kind(data.raw_targets) if data is not None else None
        self.class_box.setVisible(kind is not None)
        if kind is None:
            return
        self.accuracy.setText("Accuracy: shown while training")
        n = 2 if kind == BINARY else data.raw_targets.shape[1]
        self._fill_matrix(np.full((n, n), "–"))

    def _set_reason(self, text: str, error: bool = False) -> None:
        self.reason.setText(text)
        colour_text(self.reason, "error" if error else None)

    def _show_status(self, text: str, short: str | None = None, progress: bool = False) -> None:
        """``text`` in the window's status bar (a ``progress`` line at most ``STATUS_BAR_HZ``
        times a second), ``short`` (else ``text``) in the panel."""
        self.status.setText(short or text)
        self.status.setToolTip(text)
        now = time.perf_counter()
        if self.status_bar is not None and (not progress
                                            or now - self._status_bar_shown >= 1.0 / STATUS_BAR_HZ):
            self.status_bar.showMessage(text)
            self._status_bar_shown = now

    def _class_names(self, n: int) -> list[str]:
        """The classes' names: a one-hot target column each (``species=setosa`` shows as
        ``setosa``), else their numbers."""
        data = self.document.project.data
        if data is not None and n > 1 and len(data.targets) == n:  # one-hot: a column per class
            return [t.split("=", 1)[-1] for t in data.targets]
        return [str(k) for k in range(n)]

    def _show_evaluation(self, snap: Snapshot) -> None:
        """The latest accuracy on the training and the held-out rows; the confusion matrix of
        the held-out rows when some are held out, else of the training rows."""
        ev, train = snap.evaluation, snap.train_evaluation
        m = ev.confusion
        self.class_box.setVisible(True)
        if snap.val_loss is None:
            self.accuracy.setText(f"Accuracy {ev.accuracy:.1%} on the {ev.rows} training rows "
                                  "(the matrix's)")
        else:
            parts = [f"training {train.accuracy:.1%} ({train.rows} rows)"] if train is not None else []
            parts.append(f"held out {ev.accuracy:.1%} ({ev.rows} rows, the matrix's)")
            self.accuracy.setText("Accuracy: " + " · ".join(parts))
        self._fill_matrix(m.astype(str))

    def _fill_matrix(self, texts: np.ndarray) -> None:
        """The confusion matrix's cells (rows: true class, columns: predicted) from ``texts``."""
        n = texts.shape[0]
        self._set_matrix_shape(n)
        model = self.confusion.model()
        model.blockSignals(True)  # one repaint for the whole matrix, not a relayout per cell
        try:
            for i in range(n):
                for j in range(n):
                    self.confusion.item(i, j).setText(str(texts[i, j]))
        finally:
            model.blockSignals(False)
        model.dataChanged.emit(model.index(0, 0), model.index(n - 1, n - 1))
        table = self.confusion  # as tall as its header and rows (at most CONFUSION_ROWS_SHOWN; more scroll)
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
                             + min(n, CONFUSION_ROWS_SHOWN) * table.verticalHeader().defaultSectionSize())

    def _set_matrix_shape(self, n: int) -> None:
        """``n`` classes' rows and columns, named; new items only for a new shape or names."""
        names = self._class_names(n)
        if self.confusion.rowCount() != n or self._shown_names != names:
            self._shown_names = names
            self.confusion.setRowCount(n)
            # scroll bars only where the matrix is too big to show: its size never depends on them
            self.confusion.setVerticalScrollBarPolicy(
                Qt.ScrollBarPolicy.ScrollBarAsNeeded if n > CONFUSION_ROWS_SHOWN else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.confusion.setColumnCount(n)
            self.confusion.setHorizontalHeaderLabels([f"pred. {k}" for k in names])
            self.confusion.setVerticalHeaderLabels([f"true {k}" for k in names])
            for i in range(n):
                for j in range(n):
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignCenter)
                    self.confusion.setItem(i, j, item)
