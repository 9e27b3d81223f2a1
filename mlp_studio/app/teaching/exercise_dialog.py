"""File > New Exercise: the `mlp-studio exercise` sheets from a dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLineEdit, QMessageBox, QPushButton, QSpinBox, QWidget)

from mlp_studio.core.activations import ACTIVATIONS
from mlp_studio.core.losses import LOSSES
from mlp_studio.errors import MLPError
from mlp_studio.io.exercise_sheet import FORMATS, PROJECT_NAME, write_exercises


class ExerciseDialog(QDialog):
    """Asks for the sheet's settings and a folder; ``folders`` holds what was written."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New exercise sheets")
        self.folders: list[Path] = []
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        self.seed.setToolTip("Which set of numbers: the same seed writes the same sheets")
        self.layers = QLineEdit("2,3,1")
        self.layers.setToolTip("Layer sizes from the inputs to the outputs, e.g. 2,3,1")
        self.activation = QComboBox()
        self.activation.addItems(list(ACTIVATIONS))
        self.activation.setToolTip("The activation of every layer")
        self.loss = QComboBox()
        self.loss.addItems(list(LOSSES))
        self.loss.setToolTip("The loss the sheet's step uses")
        self.count = QSpinBox()
        self.count.setRange(1, 200)
        self.count.setValue(4)
        self.count.setToolTip("How many variants (one folder each)")
        self.format = QComboBox()
        self.format.addItems(list(FORMATS))
        self.format.setToolTip("latex also writes .tex files for pdflatex")
        self.out = QLineEdit()
        self.out.setToolTip("The folder the variants are written into")
        browse = QPushButton("Choose…")
        browse.setToolTip("Pick the folder")
        browse.clicked.connect(self._choose)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out, 1)
        out_row.addWidget(browse)
        form = QFormLayout(self)
        for label, widget in (("Seed", self.seed), ("Layers", self.layers), ("Activation", self.activation),
                              ("Loss", self.loss), ("Variants", self.count), ("Format", self.format)):
            form.addRow(label, widget)
        form.addRow("Folder", out_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.write)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _choose(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the exercise sheets")
        if folder:
            self.out.setText(folder)

    def write(self) -> bool:
        """Write the sheets; a bad setting is shown and the dialog stays open."""
        try:
            if not self.out.text().strip():
                raise MLPError("choose a folder for the sheets")
            try:
                sizes = [int(v) for v in self.layers.text().split(",")]
            except ValueError:
                raise MLPError(f"layers are sizes separated by commas, e.g. 2,3,1; got {self.layers.text()!r}"
                               ) from None
            self.folders = write_exercises(self.out.text().strip(), self.seed.value(), sizes,
                                           self.activation.currentText(), self.loss.currentText(),
                                           self.count.value(), self.format.currentText())
        except (MLPError, OSError) as exc:
            QMessageBox.warning(self, "Could not write the sheets", str(exc))
            return False
        self.accept()
        return True

    @property
    def first_project(self) -> Path | None:
        return self.folders[0] / PROJECT_NAME if self.folders else None
