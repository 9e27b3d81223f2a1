"""The inspector edits the document through undoable commands and shows trace values."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from mlp_studio.core.network import Network
from mlp_studio.core.trace import step_trace
from tests.core.reference_net import reference_network


def test_edit_weight_through_the_spin_box_then_undo_redo(window, qtbot):
    doc, ins = window.document, window.inspector
    doc.select(("edge", 0, 1, 0))
    assert ins.weight.isVisible() and ins.weight.value() == -0.5  # reference w[0][1][0]
    assert ins.weight.decimals() == 6 and ins.weight.maximum() >= 1e6
    ins.weight.lineEdit().selectAll()
    qtbot.keyClicks(ins.weight.lineEdit(), "0.123456")
    qtbot.keyClick(ins.weight.lineEdit(), Qt.Key.Key_Return)
    assert doc.project.network.layers[0].weights[1, 0] == 0.123456
    assert doc.undo_stack.count() == 1 and window.isWindowModified()
    window.undo_action.trigger()
    assert doc.project.network.layers[0].weights[1, 0] == -0.5
    assert ins.weight.value() == -0.5
    window.redo_action.trigger()
    assert ins.weight.value() == 0.123456


def test_spin_box_arrows_merge_into_one_undo_step(window, qtbot):
    doc, ins = window.document, window.inspector
    doc.select(("node", 1, 0))
    for _ in range(3):
        ins.bias.stepUp()
    assert doc.project.network.layers[1].biases[0] == 0.5 + 3 * 0.01
    assert doc.undo_stack.count() == 1
    window.undo_action.trigger()
    assert doc.project.network.layers[1].biases[0] == 0.5


def test_activation_combo_and_refused_choice(window, dialogs):
    doc, ins = window.document, window.inspector
    doc.select(("node", 0, 2))
    ins.activation.setCurrentText("tanh")
    assert doc.project.network.layers[0].activation == "tanh"
    ins.activation.setCurrentText("softmax")  # only allowed on the output layer
    assert doc.project.network.layers[0].activation == "tanh"
    assert ins.activation.currentText() == "tanh"
    assert any("softmax" in t for t in dialogs.texts("warning"))
    window.undo_action.trigger()
    assert doc.project.network.layers[0].activation == "sigmoid"


def test_node_values_from_a_core_trace(window):
    doc, ins = window.document, window.inspector
    net = doc.project.network.copy()
    data = doc.project.data
    trace = step_trace(net, data.X[0], data.Z[0], doc.project.loss, 0.1)
    doc.apply_step(trace.network_after(), trace)
    doc.select(("node", 0, 0))
    s = -0.5 * 1.0 + -1.0 * 1.0 + 0.5  # hand calculation, row 0 scaled to (1, 1)
    assert ins.values["s"].text() == f"{s:.4f}".replace("-", "\u2212")  # the decimals chosen: 4
    assert ins.values["a"].text() == f"{1 / (1 + np.exp(-s)):.4f}" == "0.2689"
    doc.select(("edge", 0, 0, 0))
    lt = doc.trace.layers[0]
    assert ins.values["change"].text() == f"{lt.weights_after[0, 0] - lt.weights_before[0, 0]:+.6f}"


def test_loss_combo_is_undoable(window):
    doc, ins = window.document, window.inspector
    ins.loss.setCurrentText("squared_error")
    assert doc.project.loss == "squared_error"
    window.undo_action.trigger()
    assert doc.project.loss == "half_squared_error" and ins.loss.currentText() == "half_squared_error"


def test_structure_actions_from_menu_and_inspector(window):
    doc, acts = window.document, window.edit_actions
    doc.select(("node", 0, 1))
    acts.add_node.trigger()
    assert doc.project.network.sizes == [2, 4, 1]
    net = doc.project.network
    np.testing.assert_array_equal(net.layers[0].weights[:3], [[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]])
    acts.add_layer.trigger()
    assert doc.project.network.sizes == [2, 4, 3, 1]
    doc.select(("node", 1, 0))
    acts.remove_node.trigger()
    assert doc.project.network.sizes == [2, 4, 2, 1]
    acts.remove_layer.trigger()
    assert doc.project.network.sizes == [2, 4, 1]
    acts.reinitialise_with("xavier", 7)
    assert doc.project.network.equals(Network.create([2, 4, 1], "sigmoid", "xavier", 7))
    for sizes in ([2, 4, 1], [2, 4, 2, 1], [2, 4, 3, 1], [2, 4, 1], [2, 3, 1]):
        window.undo_action.trigger()
        assert doc.project.network.sizes == sizes
    assert doc.project.network.equals(reference_network())


def test_inputs_follow_the_data(window, dialogs):
    doc = window.document
    doc.select(("input", 0))
    window.edit_actions.remove_node.trigger()
    assert doc.project.network.sizes == [2, 3, 1]
    assert any("2 input" in t for t in dialogs.texts("warning"))
