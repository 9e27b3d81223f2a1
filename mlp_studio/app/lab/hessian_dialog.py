"""The Hessian at the current weights: the matrix, its eigenvalues, and what they say."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QListWidget, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from mlp_studio.app.lab.loss_landscape_view import parameter_name
from mlp_studio.core.hessian import HessianReport
from mlp_studio.core.loss_landscape import Parameter


def summary(report: HessianReport) -> str:
    """One paragraph for a student: curvature, definiteness, conditioning."""
    eig = report.eigenvalues
    if report.positive_definite:
        shape = "All eigenvalues are positive: the loss curves upwards in every direction here (a bowl)."
    elif eig[-1] < 0:
        shape = "All eigenvalues are negative: the loss curves downwards in every direction (a hilltop)."
    else:
        shape = (f"{int(np.sum(eig < 0))} eigenvalue(s) are negative: a saddle, where the loss curves "
                 "down in some directions; Newton's step may then go uphill.")
    if report.singular:
        shape += " Some eigenvalues are (numerically) zero: the Hessian is singular, so Newton's step is undefined."
    return (f"{shape} Condition number |λ|max / |λ|min = {report.condition_number:.4g}: the larger it is, "
            "the more gradient descent zig-zags, since one learning rate must suit the steepest and the "
            "flattest direction at once.")


class HessianDialog(QDialog):
    """Shows ``report``; ``newton_requested`` is True when the user asked for a Newton step."""

    def __init__(self, report: HessianReport, params: list[Parameter], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Hessian of the training loss")
        self.newton_requested = False
        n_layers = max((p.layer for p in params), default=0) + 1
        labels = [parameter_name(p, n_layers) for p in params]
        table = QTableWidget(len(labels), len(labels))
        table.setHorizontalHeaderLabels(labels)
        table.setVerticalHeaderLabels(labels)
        for i, row in enumerate(report.matrix):
            for j, value in enumerate(row):
                table.setItem(i, j, QTableWidgetItem(f"{value:.4g}"))
        table.resizeColumnsToContents()
        table.setToolTip("d²L / dp_i dp_j at the current weights (exact, from backpropagation)")
        eigen = QListWidget()
        eigen.addItems([f"λ{k + 1} = {v:.6g}" for k, v in enumerate(report.eigenvalues)])
        eigen.setToolTip("Eigenvalues of the Hessian, smallest first")
        eigen.setMaximumWidth(180)
        text = QLabel(summary(report))
        text.setWordWrap(True)
        newton = QPushButton("Take one Newton step")
        newton.setToolTip("Set the weights to θ − H⁻¹ g (one undoable step)")
        newton.clicked.connect(self._newton)
        if report.singular:
            newton.setEnabled(False)
            newton.setToolTip("The Hessian is singular here: Newton's step θ − H⁻¹ g is not defined")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(newton, QDialogButtonBox.ButtonRole.ActionRole)
        body = QHBoxLayout()
        body.addWidget(table, 1)
        body.addWidget(eigen)
        outer = QVBoxLayout(self)
        outer.addLayout(body, 1)
        outer.addWidget(text)
        outer.addWidget(buttons)
        self.table, self.eigen, self.text = table, eigen, text
        self.resize(900, 560)

    def _newton(self) -> None:
        self.newton_requested = True
        self.accept()
