"""Tools > Gradient Check: backprop's gradients against finite differences for the open
network, per layer the largest relative difference and which parameter it is."""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from mlp_studio.core.gradcheck import GradientCheck, check_gradients

MAX_ROWS = 32
AGREE = 1e-6  # below this relative difference backprop and finite differences agree


class GradientCheckDialog(QDialog):
    """Runs the check on a worker thread (finite differences take two forward passes per
    parameter; a large network is sampled) and lists the result; ``finished_check`` fires
    when it is shown."""

    finished_check = Signal()
    _done = Signal(object)

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Gradient check")
        self.result: GradientCheck | None = None
        self.summary = QLabel("Checking…")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            ["layer", "largest relative difference", "parameter", "backprop", "finite differences"])
        self.table.setToolTip("Per layer, the parameter whose two gradients differ most")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        self.resize(720, 300)
        self._done.connect(self._show)
        project = document.project
        self._thread: threading.Thread | None = None
        if project.data is None:
            self.summary.setText("The check needs data: load a CSV first.")
            return
        n = min(project.data.n_rows, MAX_ROWS)
        args = (project.network.copy(), np.array(project.data.X[:n]), np.array(project.data.Z[:n]),
                project.loss, project.training.batch_reduction)
        self.summary.setText(f"Checking {project.network.n_parameters} parameters on {n} rows…")
        self._thread = threading.Thread(target=lambda: self._done.emit(check_gradients(*args)),
                                        name="gradient-check", daemon=True)
        self._thread.start()

    def _show(self, result: GradientCheck) -> None:
        self.wait()
        self.result = result
        worst = max(result.max_relative_difference)
        verdict = "agree" if worst < AGREE else "DISAGREE: backprop may be wrong for this setup"
        sampled = " (a random sample of each layer's parameters)" if result.sampled else ""
        self.summary.setText(f"Backpropagation and central differences {verdict}{sampled}: "
                             f"largest relative difference {worst:.2e}; below {AGREE:g} is agreement.")
        rows = list(zip(result.max_relative_difference, result.worst, result.backprop, result.numeric))
        self.table.setRowCount(len(rows))
        for r, (diff, address, b, n) in enumerate(rows):
            for col, text in enumerate((str(r), f"{diff:.3e}", str(address), f"{b:.6g}", f"{n:.6g}")):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, col, item)
        self.table.resizeColumnsToContents()
        self.finished_check.emit()

    def wait(self) -> None:
        """Join the worker thread (it ends on its own; the dialog never outlives it)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def done(self, result: int) -> None:  # noqa: D102 - Qt's name
        self.wait()
        super().done(result)
