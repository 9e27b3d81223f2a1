"""File > New from Generator: make a teaching data set, watching it change with the noise.

The preview redraws on every change of kind, rows, noise, classes, seed or test share. On OK
the generated table goes through the data panel's column dialog, like an opened CSV, and the
test share becomes the training settings' hold-out fraction (one more undoable step).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel,
                               QSlider, QSpinBox, QVBoxLayout, QWidget)

from mlp_studio.app.data.data_panel import DataPanel
from mlp_studio.app.widgets.dialog_buttons import ok_cancel_buttons
from mlp_studio.app.widgets.appearance import appearance, style_plot
from mlp_studio.core.evaluation import holdout_split
from mlp_studio.core.generators import CLASS_KINDS, KINDS, MAX_CLASSES, Generated, generate
from mlp_studio.io.generated_csv import as_table

#: class colours of the preview (colour-blind-safe Okabe-Ito order)
CLASS_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                 "#D55E00", "#F0E442", "#000000", "#999999", "#882255"]
NOISE_STEPS = 100  # the noise slider: 0 to 1 in steps of 0.01


def _labelled_slider(maximum: int, value: int, tip: str) -> tuple[QSlider, QLabel]:
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(0, maximum)
    slider.setValue(value)
    slider.setPageStep(5)
    slider.setToolTip(tip)
    label = QLabel()
    label.setMinimumWidth(48)
    return slider, label


class GeneratorDialog(QDialog):
    """Choose a generated data set; ``generated()`` and ``test_share()`` give the choice."""

    def __init__(self, holdout_seed: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New from Generator")
        self.holdout_seed = holdout_seed  # the training settings' seed picks the held-out rows
        self.kind = QComboBox()
        self.kind.addItems(KINDS)
        self.kind.setCurrentText("moons")
        self.kind.setToolTip("The shape of the data: five kinds of classes in the plane, two regressions")
        self.rows = QSpinBox()
        self.rows.setRange(10, 100_000)
        self.rows.setValue(200)
        self.rows.setSingleStep(50)
        self.rows.setToolTip("Number of rows to make")
        self.classes = QSpinBox()
        self.classes.setRange(2, MAX_CLASSES)
        self.classes.setToolTip("Number of classes (gaussians and spiral)")
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        self.seed.setToolTip("Random seed: the same seed gives the same rows")
        self.noise, self.noise_label = _labelled_slider(
            NOISE_STEPS, 10, "Standard deviation of the Gaussian noise: moves the points of the class "
            "kinds (in the inputs' units), the target of sine and plane")
        self.test, self.test_label = _labelled_slider(
            90, 20, "Share of the rows held out for the validation (test) loss")
        self.plot = pg.PlotWidget()
        style_plot(self.plot)
        self.plot.setMinimumSize(360, 300)
        self.plot.setAspectLocked(True)
        self.plot.hideButtons()
        self.scatter = pg.ScatterPlotItem(size=7)
        self.plot.addItem(self.scatter)
        self._layout()
        for signal in (self.kind.currentTextChanged, self.rows.valueChanged, self.classes.valueChanged,
                       self.seed.valueChanged, self.noise.valueChanged, self.test.valueChanged):
            signal.connect(self.refresh)
        self.refresh()

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("Kind", self.kind)
        form.addRow("Rows", self.rows)
        form.addRow("Classes", self.classes)
        form.addRow("Seed", self.seed)
        for name, slider, label in (("Noise", self.noise, self.noise_label),
                                    ("Test share", self.test, self.test_label)):
            row = QHBoxLayout()
            row.addWidget(slider, 1)
            row.addWidget(label)
            form.addRow(name, row)
        buttons = ok_cancel_buttons(self)
        body = QHBoxLayout()
        body.addLayout(form)
        body.addWidget(self.plot, 1)
        outer = QVBoxLayout(self)
        outer.addLayout(body, 1)
        outer.addWidget(buttons)

    def noise_value(self) -> float:
        return self.noise.value() / NOISE_STEPS

    def test_share(self) -> float:
        return self.test.value() / 100

    def generated(self) -> Generated:
        kind = self.kind.currentText()
        classes = self.classes.value() if kind in ("gaussians", "spiral") else 2
        return generate(kind, self.rows.value(), self.noise_value(), self.seed.value(), classes)

    def refresh(self) -> None:
        """Regenerate and redraw the preview (held-out rows drawn hollow)."""
        kind = self.kind.currentText()
        self.classes.setEnabled(kind in ("gaussians", "spiral"))
        self.noise_label.setText(f"{self.noise_value():.2f}")
        self.test_label.setText(f"{self.test.value()} %")
        data = self.generated()
        if kind in CLASS_KINDS:
            x, y = data.inputs[:, 0], data.inputs[:, 1]
            colours = [CLASS_COLOURS[int(k)] for k in data.target]
        else:
            x = data.inputs[:, 0]
            y = data.target if data.inputs.shape[1] == 1 else data.inputs[:, 1]
            colours = [CLASS_COLOURS[0]] * data.n_rows
        held = np.zeros(data.n_rows, bool)
        held[holdout_split(data.n_rows, self.test_share(), self.holdout_seed)[1]] = True
        brushes = [pg.mkBrush(None) if h else pg.mkBrush(c) for c, h in zip(colours, held)]
        pens = [pg.mkPen(c, width=1.5) if h else pg.mkPen(appearance().colours().text, width=0.6) for c, h in zip(colours, held)]
        self.scatter.setData(x=x, y=y, brush=brushes, pen=pens)
        self.plot.setAspectLocked(kind != "sine")


def new_from_generator(panel: DataPanel, parent: QWidget | None = None) -> bool:
    """Ask for a generated data set and load it through ``panel``; True when it was loaded."""
    dialog = GeneratorDialog(panel.document.project.training.seed, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    document = panel.document
    before = document.project.data
    panel.choose_columns(as_table(dialog.generated()))
    if document.project.data is before:
        return False
    config = document.project.training
    if config.holdout != dialog.test_share():
        document.set_training(replace(config, holdout=dialog.test_share()),
                              f"Set hold-out fraction to {dialog.test_share():g}")
    return True
