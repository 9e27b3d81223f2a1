"""Data > Add Column: a derived input column from an expression of other columns, previewed
on the first rows as it is typed; on OK it becomes an input of the data (one undoable step)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from mlp_studio.app.widgets.dialog_buttons import ok_cancel_buttons
from mlp_studio.core.dataset import Dataset
from mlp_studio.core.derived import DerivedColumn, derived_values
from mlp_studio.errors import MLPError

PREVIEW_ROWS = 5


def with_new_input(data: Dataset, column: DerivedColumn) -> Dataset:
    """``data`` with ``column`` appended and chosen as one more input (scalers fitted again)."""
    values = np.column_stack([data.values, derived_values(list(data.columns), data.values, column)])
    return replace(data, columns=[*data.columns, column.name], values=values,
                   inputs=[*data.inputs, column.name], input_scaler=None,
                   derived=(*data.derived, column))


class DerivedColumnDialog(QDialog):
    """Name and expression of a new column; ``column()`` is the choice."""

    def __init__(self, data: Dataset, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a derived column")
        self.data = data
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. x1x2")
        self.name.setToolTip("The new column's name")
        self.expression = QLineEdit()
        self.expression.setPlaceholderText("e.g. x1*x2, x1**2, sin(x1)")
        self.expression.setToolTip("An expression of other columns: + - * / **, exp log sqrt sin cos tanh abs, pi")
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.buttons = ok_cancel_buttons(self)
        columns = QLabel("Columns: " + ", ".join(data.columns))
        columns.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Expression", self.expression)
        layout = QVBoxLayout(self)
        layout.addWidget(columns)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)
        self.name.textChanged.connect(self.update_preview)
        self.expression.textChanged.connect(self.update_preview)
        self.resize(480, 220)
        self.update_preview()

    def column(self) -> DerivedColumn:
        return DerivedColumn(self.name.text().strip(), self.expression.text().strip())

    def update_preview(self) -> None:
        """The first rows' values, or what is wrong; OK only when the column can be made."""
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if not self.expression.text().strip():
            self.preview.setText("Type an expression of the columns above.")
            ok.setEnabled(False)
            return
        try:
            values = derived_values(list(self.data.columns), self.data.values, self.column())
        except MLPError as exc:
            self.preview.setText(f"⚠ {exc}")
            ok.setEnabled(False)
            return
        shown = ", ".join(f"{v:.4g}" for v in values[:PREVIEW_ROWS])
        more = "" if values.size <= PREVIEW_ROWS else f", … ({values.size} rows)"
        self.preview.setText(f"{self.column().name} = {shown}{more}")
        ok.setEnabled(True)
