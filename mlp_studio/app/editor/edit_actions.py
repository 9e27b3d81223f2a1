"""Network structure actions shared by the Edit menu and the inspector.

Each action builds a new network (``network_edit``) and hands it to the
document as one undo step; an impossible edit shows its message in a dialog.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QMessageBox,
                               QSpinBox, QWidget)

from mlp_studio.app.editor import network_edit
from mlp_studio.app.document.document import Document
from mlp_studio.app.widgets.dialog_buttons import ok_cancel_buttons
from mlp_studio.core.initializers import INITIALIZERS
from mlp_studio.errors import MLPError

NEW_LAYER_NODES = 3


class EditActions(QObject):
    """QActions for add/remove layer and node and re-initialise, acting on the selection."""

    def __init__(self, document: Document, parent: QWidget) -> None:
        super().__init__(parent)
        self.document = document
        self.parent_widget = parent
        self.initializer = "uniform"
        self.seed = 0

        def action(text: str, slot, tip: str) -> QAction:
            act = QAction(text, parent)
            act.setStatusTip(tip)
            act.setToolTip(tip)
            act.triggered.connect(slot)
            return act

        self.add_layer = action("Add hidden layer", self.on_add_layer,
                                "Insert a hidden layer after the selected node's layer")
        self.remove_layer = action("Remove hidden layer", self.on_remove_layer,
                                   "Remove the selected node's hidden layer (or the last one)")
        self.add_node = action("Add node", self.on_add_node,
                               "Add a node to the selected node's layer (or the last hidden layer)")
        self.remove_node = action("Remove node", self.on_remove_node, "Remove the selected node")
        self.reinitialise = action("Re-initialise weights…", self.on_reinitialise,
                                   "Draw all weights and biases afresh with an initialiser and seed")
        document.selection_changed.connect(self._update_enabled)
        document.network_changed.connect(self._update_enabled)
        document.data_changed.connect(self._update_enabled)
        document.edit_lock_changed.connect(self._update_enabled)
        self._update_enabled()

    @property
    def actions(self) -> list[QAction]:
        return [self.add_layer, self.remove_layer, self.add_node, self.remove_node, self.reinitialise]

    # ----------------------------------------------------------- targets
    def _selected_column(self) -> int | None:
        """The column (0 = inputs) of the selected node or input, if any."""
        sel = self.document.selection
        if sel is None:
            return None
        if sel[0] == "input":
            return 0
        if sel[0] == "node":
            return sel[1] + 1
        return None

    def _hidden_column(self) -> int | None:
        """The selected node's column if hidden, else the last hidden column, else None."""
        n_layers = len(self.document.project.network.layers)
        col = self._selected_column()
        if col is not None and 1 <= col < n_layers:
            return col
        return n_layers - 1 if n_layers > 1 else None

    def _update_enabled(self) -> None:
        sel, free = self.document.selection, self.document.edit_lock is None
        self.add_layer.setEnabled(free)
        self.remove_layer.setEnabled(free and self._hidden_column() is not None)
        self.add_node.setEnabled(free and self._node_target() is not None)
        self.remove_node.setEnabled(free and sel is not None and sel[0] in ("node", "input"))
        self.reinitialise.setEnabled(free)

    def _node_target(self) -> int | None:
        col = self._selected_column()
        if col is not None and (self.document.project.data is None
                                or 1 <= col < len(self.document.project.network.layers)):
            return col
        return self._hidden_column()

    def _apply(self, build, text: str) -> bool:
        """Build the new network and push it; show the reason if it is impossible."""
        try:
            self.document.set_network(build(), text)
        except MLPError as exc:
            QMessageBox.warning(self.parent_widget, "MLP Studio", str(exc))
            return False
        return True

    def _fresh_seed(self) -> int:
        """A seed for new weights that differs from edit to edit but is reproducible."""
        return self.seed + self.document.project.network.n_parameters

    # ----------------------------------------------------------- slots
    def on_add_layer(self) -> None:
        net = self.document.project.network
        col = self._selected_column()
        position = col + 1 if col is not None and col < len(net.layers) else len(net.layers)
        position = max(position, 1)
        hidden = [l.activation for l in net.layers[:-1]]
        activation = hidden[-1] if hidden else "sigmoid"
        self._apply(lambda: network_edit.add_layer(net, position, NEW_LAYER_NODES, activation,
                                                   self.initializer, self._fresh_seed()),
                    f"Add hidden layer {position}")

    def on_remove_layer(self) -> None:
        col = self._hidden_column()
        if col is None:
            return
        net = self.document.project.network
        if self._apply(lambda: network_edit.remove_layer(net, col - 1, self.initializer,
                                                         self._fresh_seed()),
                       f"Remove hidden layer {col}"):
            self.document.select(None)

    def on_add_node(self) -> None:
        col = self._node_target()
        if col is None:
            QMessageBox.information(self.parent_widget, "MLP Studio",
                                    "Add a hidden layer first: the inputs and outputs follow the "
                                    "data's columns.")
            return
        net = self.document.project.network
        self._apply(lambda: network_edit.add_node(net, col, self.initializer, self._fresh_seed()),
                    f"Add node to column {col}")

    def on_remove_node(self) -> None:
        sel = self.document.selection
        if sel is None or sel[0] not in ("node", "input"):
            return
        col, node = (0, sel[1]) if sel[0] == "input" else (sel[1] + 1, sel[2])
        net = self.document.project.network
        self._apply(lambda: network_edit.remove_node(net, col, node), f"Remove node {node} of column {col}")

    def on_reinitialise(self) -> None:
        dialog = ReinitialiseDialog(self.initializer, self.seed, self.parent_widget)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reinitialise_with(*dialog.choice())

    def reinitialise_with(self, initializer: str, seed: int) -> None:
        self.initializer, self.seed = initializer, seed
        net = self.document.project.network
        self._apply(lambda: network_edit.reinitialise(net, initializer, seed),
                    f"Re-initialise ({initializer}, seed {seed})")


class ReinitialiseDialog(QDialog):
    """Choose the initialiser and the seed."""

    def __init__(self, initializer: str, seed: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Re-initialise weights")
        form = QFormLayout(self)
        self.initializer = QComboBox()
        self.initializer.addItems(list(INITIALIZERS))
        self.initializer.setCurrentText(initializer)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(seed)
        form.addRow("Initialiser", self.initializer)
        form.addRow("Seed", self.seed)
        form.addRow(ok_cancel_buttons(self))

    def choice(self) -> tuple[str, int]:
        return self.initializer.currentText(), self.seed.value()
