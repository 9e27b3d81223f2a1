"""The inspector: the selected edge's weight, or the selected node's bias and activation,
with the trace's values; plus the network's structure and loss.

Editing a spin box or combo pushes an undo command through the document; the
widgets are refreshed from the document's signals (never the other way round).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QGridLayout, QGroupBox,
                               QLabel, QMessageBox, QSizePolicy, QToolButton, QVBoxLayout,
                               QWidget)

from mlp_studio.app.document.document import Document
from mlp_studio.app.editor.edit_actions import EditActions
from mlp_studio.app.widgets.appearance import appearance, colour_text
from mlp_studio.core.activations import ACTIVATIONS
from mlp_studio.core.losses import LOSSES
from mlp_studio.errors import MLPError

VALUE_RANGE = 1e6
DECIMALS = 6


def _value_box() -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(-VALUE_RANGE, VALUE_RANGE)
    box.setDecimals(DECIMALS)
    box.setSingleStep(0.01)
    box.setKeyboardTracking(False)  # one edit per Enter / focus change, not per keystroke
    box.setMinimumWidth(130)
    return box


def _text(value: float | None) -> str:
    return "–" if value is None else appearance().number(value)


class Inspector(QWidget):
    """Shows and edits the document's selection."""

    def __init__(self, document: Document, actions: EditActions, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        layout = QVBoxLayout(self)

        self.lock_note = QLabel()  # why nothing can be edited now (a training run)
        self.lock_note.setWordWrap(True)
        colour_text(self.lock_note, "warning")
        self.lock_note.hide()
        layout.addWidget(self.lock_note)

        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)

        self.form_box = QWidget()
        self.form = QFormLayout(self.form_box)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.weight = _value_box()
        self.weight.setToolTip("The selected weight: type a value and press Enter (undoable)")
        self.bias = _value_box()
        self.bias.setToolTip("The selected node's bias: type a value and press Enter (undoable)")
        self.activation = QComboBox()
        self.activation.addItems(list(ACTIVATIONS))
        self.activation.setToolTip("The activation function of the selected node's layer")
        self.values = {name: QLabel() for name in ("s", "a", "delta", "gradient", "change", "x")}
        for label in self.values.values():
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for widget in (self.weight, self.bias, self.activation, *self.values.values()):
            widget.setParent(self.form_box)
            widget.hide()
        self.weight.valueChanged.connect(self._on_weight)
        self.bias.valueChanged.connect(self._on_bias)
        self.activation.currentTextChanged.connect(self._on_activation)
        layout.addWidget(self.form_box)

        structure = QGroupBox("Network")
        grid = QGridLayout(structure)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        grid.addWidget(self.summary, 0, 0, 1, 2)
        for k, act in enumerate(actions.actions):
            button = QToolButton()
            button.setDefaultAction(act)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            grid.addWidget(button, 1 + k // 2, k % 2)
        self.loss = QComboBox()
        self.loss.addItems(list(LOSSES))
        self.loss.setToolTip("The loss the network is trained on")
        self.loss.currentTextChanged.connect(self._on_loss)
        grid.addWidget(QLabel("Loss"), 4, 0)
        grid.addWidget(self.loss, 4, 1)
        layout.addWidget(structure)
        layout.addStretch(1)

        for signal in (document.selection_changed, document.network_changed, document.trace_changed,
                       document.row_changed, document.data_changed, document.settings_changed,
                       document.edit_lock_changed, appearance().changed):
            signal.connect(self.refresh)
        self.refresh()

    # ------------------------------------------------------------- display
    def _clear_form(self) -> None:
        while self.form.rowCount():
            row = self.form.takeRow(0)
            for item in (row.labelItem, row.fieldItem):
                if item is not None and item.widget() is not None:
                    item.widget().hide()
                    if isinstance(item.widget(), QLabel) and item.widget() not in self.values.values():
                        item.widget().deleteLater()

    def _add_row(self, label: str, widget: QWidget) -> None:
        widget.show()
        self.form.addRow(label, widget)

    def _trace_values(self, layer: int):
        trace = self.document.shown_trace
        if trace is None or layer >= len(trace.layers):
            return None, 0
        row = 0
        if trace.is_batch and self.document.selected_row in trace.rows:
            row = trace.rows.index(self.document.selected_row)
        return trace.layers[layer], row

    @staticmethod
    def _at(arr: np.ndarray | None, row: int, *index: int) -> float | None:
        if arr is None:
            return None
        return float((arr if arr.ndim == len(index) else arr[row])[index])

    def refresh(self) -> None:
        doc = self.document
        net = doc.network
        sel = doc.selection
        self._clear_form()
        self._show_lock()
        data = doc.project.data
        with QSignalBlocker(self.loss):
            self.loss.setCurrentText(doc.project.loss)
        sizes = "-".join(str(n) for n in net.sizes)
        self.summary.setText(f"{sizes} · {net.n_parameters} parameters"
                             + (f" · {data.n_rows} rows" if data is not None else " · no data"))
        if sel is None or not doc.selection_exists(sel):
            self.title.setText("Nothing selected.\nClick a node or an edge on the canvas.")
            return
        names = appearance().notation(len(net.layers))
        if sel[0] == "input":
            words = names.input_words(sel[1], data.inputs[sel[1]] if data is not None else None)
            self.title.setText(words[0].upper() + words[1:])
            trace = doc.shown_trace
            x = None
            if trace is not None:
                _, row = self._trace_values(0)
                x = self._at(trace.input, row, sel[1])
            elif data is not None:
                x = float(data.X[doc.selected_row, sel[1]])
            self.values["x"].setText(_text(x))
            self._add_row("Value (scaled)", self.values["x"])
            return
        if sel[0] == "node":
            _, li, j = sel
            layer = net.layers[li]
            words = names.node_words(li, j)
            self.title.setText(f"{words[0].upper()}{words[1:]}\nbias {names.bias(li, j)}")
            with QSignalBlocker(self.bias):
                self.bias.setValue(float(layer.biases[j]))
            with QSignalBlocker(self.activation):
                self.activation.setCurrentText(layer.activation)
            self._add_row("Bias", self.bias)
            self._add_row("Activation (layer)", self.activation)
            lt, row = self._trace_values(li)
            for name in ("s", "a", "delta"):
                value = self._at(getattr(lt, name), row, j) if lt is not None else None
                self.values[name].setText(_text(value))
                self._add_row(names.symbol(name, li, j).plain(), self.values[name])
            return
        _, li, j, i = sel
        words = names.weight_words(li, j, i, data.inputs[i] if data is not None and li == 0 else None)
        self.title.setText(words[0].upper() + words[1:].replace(": from", "\nfrom", 1))
        with QSignalBlocker(self.weight):
            self.weight.setValue(float(net.layers[li].weights[j, i]))
        self._add_row("Weight", self.weight)
        lt, _ = self._trace_values(li)
        grad = self._at(lt.grad_weights, 0, j, i) if lt is not None else None
        change = None
        if lt is not None and lt.weights_after is not None:
            change = float(lt.weights_after[j, i] - lt.weights_before[j, i])
        self.values["gradient"].setText(_text(grad))
        self.values["change"].setText("–" if change is None else f"{change:+.6f}")
        self._add_row("Gradient", self.values["gradient"])
        self._add_row("Last change", self.values["change"])

    def _show_lock(self) -> None:
        locked = self.document.edit_lock
        self.lock_note.setText(locked or "")
        self.lock_note.setVisible(locked is not None)
        for field in (self.weight, self.bias, self.activation, self.loss):
            field.setEnabled(locked is None)

    # --------------------------------------------------------------- edits
    def _guard(self, edit) -> None:
        try:
            edit()
        except MLPError as exc:
            QMessageBox.warning(self, "MLP Studio", str(exc))
            self.refresh()

    def _on_weight(self, value: float) -> None:
        sel = self.document.selection
        if sel is not None and sel[0] == "edge":
            self._guard(lambda: self.document.set_weight(sel[1], sel[2], sel[3], value))

    def _on_bias(self, value: float) -> None:
        sel = self.document.selection
        if sel is not None and sel[0] == "node":
            self._guard(lambda: self.document.set_bias(sel[1], sel[2], value))

    def _on_activation(self, name: str) -> None:
        sel = self.document.selection
        if sel is not None and sel[0] == "node":
            self._guard(lambda: self.document.set_activation(sel[1], name))

    def _on_loss(self, name: str) -> None:
        self._guard(lambda: self.document.set_loss(name))
