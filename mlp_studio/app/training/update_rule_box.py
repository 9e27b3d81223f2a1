"""The training dock's optimiser, weight-penalty and learning-rate-schedule settings.

Edits leave as ``edited(field, value, undo text)``; the panel applies them to the
document. ``header`` (a button the panel places in a row of its own) sums the settings up
(optimiser, penalties, schedule) and opens the box; closed, the loss
plot keeps the dock's height. Open, only the settings the chosen optimiser and schedule
use are shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QGridLayout, QLabel, QSizePolicy,
                               QSpinBox, QToolButton, QWidget)

from mlp_studio.core.optimizers import OPTIMIZERS, SCHEDULES

#: which optimiser and schedule settings each choice uses
_USES = {"adam": ("beta1", "beta2", "epsilon"), "rmsprop": ("rho", "epsilon"),
         "invscaling": ("power_t",), "step": ("gamma", "step_epochs")}
#: (row, column) of each setting: the optimiser's on the second row, the schedule's on the third
_CELLS = {"optimizer": (0, 0), "l1": (0, 1), "l2": (0, 2), "beta1": (1, 0), "rho": (1, 0),
          "beta2": (1, 1), "epsilon": (1, 2), "schedule": (2, 0), "power_t": (2, 1), "gamma": (2, 1),
          "step_epochs": (2, 2)}
_TIPS = {
    "optimizer": "sgd (with Momentum), nesterov (scikit-learn's), adam (scikit-learn's, bias-corrected), "
                 "rmsprop (PyTorch's)",
    "l1": "L1 penalty: adds l1·Σ|W| to the loss (weights only, not biases)",
    "l2": "L2 penalty (scikit-learn's alpha): adds l2/2·ΣW² to the loss (weights only)",
    "schedule": "constant; invscaling: η/(t+1)^power_t, t the rows seen; step: η·γ every N epochs; "
                "cosine: from η down to 0 over Epochs",
    "step_epochs": "step: the rate is multiplied by γ every this many epochs",
    "beta1": "adam: decay of the running mean of the gradients (β1)",
    "beta2": "adam: decay of the running mean of the squared gradients (β2)",
    "epsilon": "adam, rmsprop: added to the denominator so a step never divides by zero (ε)",
    "rho": "rmsprop: decay of the running mean of the squared gradients (ρ)",
    "power_t": "invscaling: the exponent of the learning rate's decay, η/(t+1)^power_t",
    "gamma": "step: the factor the learning rate is multiplied by every N epochs (γ)",
}


def _number(lo: float, hi: float, decimals: int, step: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setKeyboardTracking(False)
    return box


def summary(config) -> str:
    """One line: optimiser, penalties, schedule, e.g. ``sgd · L2 0.3 · constant η``."""
    parts = [config.optimizer + (f" + momentum {config.momentum:g}"
                                 if config.optimizer in ("sgd", "nesterov") and config.momentum else "")]
    parts += [f"{key.upper()} {getattr(config, key):g}" for key in ("l1", "l2") if getattr(config, key)]
    parts.append(f"{config.schedule} η")
    return " · ".join(parts)


class UpdateRuleBox(QWidget):
    """See the module docstring."""

    edited = Signal(str, object, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QToolButton()
        self.header.setCheckable(True)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setArrowType(Qt.ArrowType.RightArrow)
        self.header.setAutoRaise(True)
        self.setVisible(False)
        self.header.toggled.connect(self._open)
        self.optimizer = QComboBox()
        self.optimizer.addItems(OPTIMIZERS)
        self.schedule = QComboBox()
        self.schedule.addItems(SCHEDULES)
        self.fields: dict[str, QWidget] = {
            "optimizer": self.optimizer,
            "l1": _number(0.0, 1e3, 6, 1e-3),
            "l2": _number(0.0, 1e3, 6, 1e-3),
            "schedule": self.schedule,
            "beta1": _number(0.0, 0.9999, 4, 0.01),
            "beta2": _number(0.0, 0.99999, 5, 0.001),
            "epsilon": _number(1e-10, 1.0, 10, 1e-8),
            "rho": _number(0.0, 0.9999, 4, 0.01),
            "power_t": _number(0.0, 10.0, 3, 0.05),
            "gamma": _number(0.0001, 1.0, 4, 0.05),
            "step_epochs": QSpinBox(),
        }
        self.fields["step_epochs"].setRange(1, 1_000_000)
        self.fields["step_epochs"].setKeyboardTracking(False)
        labels = {"optimizer": "Optimizer", "l1": "L1", "l2": "L2", "schedule": "Schedule",
                  "beta1": "β1", "beta2": "β2", "epsilon": "ε", "rho": "ρ", "power_t": "power t",
                  "gamma": "γ", "step_epochs": "every"}
        self.labels: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(3)
        for name, field in self.fields.items():
            row, col = _CELLS[name]  # settings never shown together may share a cell
            field.setMinimumWidth(0)
            field.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            field.setToolTip(_TIPS.get(name, ""))
            label = self.labels[name] = QLabel(labels[name])
            label.setBuddy(field)
            grid.addWidget(label, row, 2 * col)
            grid.addWidget(field, row, 2 * col + 1)
        for col in (1, 3, 5):
            grid.setColumnStretch(col, 1)

        for name, choices in (("optimizer", OPTIMIZERS), ("schedule", SCHEDULES)):
            self.fields[name].activated.connect(
                lambda i, n=name, c=choices: self.edited.emit(n, c[i], f"Set {n} to {c[i]}"))
        for name, field in self.fields.items():
            if name not in ("optimizer", "schedule"):
                field.valueChanged.connect(
                    lambda v, n=name: self.edited.emit(n, v, f"Set {labels[n]} to {v:g}"))

    def _open(self, on: bool) -> None:
        self.setVisible(on)
        self.header.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    def load(self, config) -> None:
        """Show a ``TrainingConfig``'s settings (signals blocked: loading is no edit)."""
        for name, field in self.fields.items():
            field.blockSignals(True)
            try:
                if name == "optimizer":
                    field.setCurrentIndex(OPTIMIZERS.index(config.optimizer))
                elif name == "schedule":
                    field.setCurrentIndex(SCHEDULES.index(config.schedule))
                else:
                    field.setValue(getattr(config, name))
            finally:
                field.blockSignals(False)
        self.header.setText(f"Optimiser: {summary(config)}")
        self.header.setToolTip("The optimiser, the weight penalty and the learning rate's schedule: "
                               "click to show or hide their settings")
        used = set(_USES.get(config.optimizer, ())) | set(_USES.get(config.schedule, ()))
        for name in ("beta1", "beta2", "epsilon", "rho", "power_t", "gamma", "step_epochs"):
            self.fields[name].setVisible(name in used)
            self.labels[name].setVisible(name in used)
