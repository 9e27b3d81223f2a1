"""Document and undo commands: every edit undoable, signals fire, numbers from the reference."""

from __future__ import annotations

import numpy as np
import pytest

from mlp_studio.app.document.document import Document
from mlp_studio.core.project import Project
from mlp_studio.core.trace import step_trace
from mlp_studio.core.training import TrainingConfig
from mlp_studio.errors import MLPError
from tests.core.reference_net import reference_dataset, reference_network


@pytest.fixture
def doc(qapp):
    return Document(Project(reference_network(), data=reference_dataset()))


def record(doc, *names):
    seen = []
    for name in names:
        getattr(doc, name).connect(lambda n=name: seen.append(n))
    return seen


def test_set_weight_undo_redo_and_modified(doc):
    seen = record(doc, "network_changed", "file_changed")
    assert not doc.is_modified
    doc.set_weight(0, 1, 0, 0.25)
    assert doc.network.layers[0].weights[1, 0] == 0.25
    assert doc.is_modified and seen == ["network_changed", "file_changed"]
    doc.undo_stack.undo()
    assert doc.network.layers[0].weights[1, 0] == -0.5  # reference w[0][1][0]
    assert not doc.is_modified
    doc.undo_stack.redo()
    assert doc.network.layers[0].weights[1, 0] == 0.25


def test_consecutive_edits_of_one_weight_merge(doc):
    for v in (0.1, 0.2, 0.3):
        doc.set_weight(1, 0, 1, v)
    doc.set_bias(1, 0, 2.0)
    assert doc.undo_stack.count() == 2
    doc.undo_stack.undo()
    assert doc.network.layers[1].biases[0] == 0.5
    doc.undo_stack.undo()
    assert doc.network.layers[1].weights[0, 1] == -1.0


def test_non_finite_value_is_refused(doc):
    with pytest.raises(MLPError, match="finite"):
        doc.set_weight(0, 0, 0, float("nan"))
    assert doc.undo_stack.count() == 0


def test_step_is_undoable_with_its_trace(doc):
    net = doc.network.copy()
    data = doc.project.data
    trace = step_trace(net, data.X[0], data.Z[0], "half_squared_error", 0.1)
    seen = record(doc, "trace_changed", "network_changed")
    after = trace.network_after()
    doc.apply_step(after, trace, "Step row 0")
    # reference: hidden activations of row 0 (inputs 1, 1 after min-max) are 0.2689, 0.6225, 0.8176
    np.testing.assert_allclose(doc.trace.layers[0].a, [0.2689, 0.6225, 0.8176], atol=5e-5)
    assert doc.revealed == 4 + 1  # forward x2, output delta, hidden delta, update
    assert doc.network.equals(after) and doc.network is not after
    doc.undo_stack.undo()
    assert doc.trace is None
    np.testing.assert_array_equal(doc.network.layers[0].weights, reference_network().layers[0].weights)
    assert "trace_changed" in seen and "network_changed" in seen
    doc.undo_stack.redo()
    assert doc.trace is trace


def test_edit_clears_trace_and_undo_restores_it(doc):
    net = doc.network.copy()
    trace = step_trace(net, doc.project.data.X[0], doc.project.data.Z[0], "half_squared_error", 0.1)
    doc.apply_step(trace.network_after(), trace)
    doc.set_bias(0, 0, 1.0)
    assert doc.trace is None
    doc.undo_stack.undo()
    assert doc.trace is trace


def test_invalid_activation_leaves_document_unchanged(doc):
    with pytest.raises(MLPError, match="softmax"):
        doc.set_activation(0, "softmax")
    assert doc.network.layers[0].activation == "sigmoid" and doc.undo_stack.count() == 0
    doc.set_activation(1, "identity")
    assert doc.network.layers[1].activation == "identity"
    doc.undo_stack.undo()
    assert doc.network.layers[1].activation == "sigmoid"


def test_network_that_does_not_fit_the_data_is_refused(doc):
    from mlp_studio.core.network import Network

    with pytest.raises(MLPError, match="3 inputs"):
        doc.set_network(Network.create([3, 2, 1]))
    assert doc.undo_stack.count() == 0


def test_structure_change_drops_stale_selection(doc):
    from mlp_studio.core.network import Network

    doc.select(("node", 0, 2))
    seen = record(doc, "selection_changed")
    doc.set_network(Network.create([2, 2, 1], seed=1), "Remove node")
    assert doc.selection is None and seen == ["selection_changed"]


def test_dataset_and_settings_undo(doc):
    from mlp_studio.core.network import Network

    old = doc.project.data
    data = reference_dataset("minmax11")
    doc.set_dataset(data, None, "Rescale")
    assert doc.project.data is data
    np.testing.assert_allclose(doc.project.data.X[0], [1.0, 1.0])
    three = reference_dataset().__class__(["a", "b", "c", "d"], np.arange(8.0).reshape(2, 4),
                                          ["a", "b", "c"], ["d"])
    with pytest.raises(MLPError):
        doc.set_dataset(three, None)
    doc.set_dataset(three, Network.create([3, 3, 1]), "Columns")
    assert doc.network.n_inputs == 3
    doc.undo_stack.undo()
    assert doc.network.n_inputs == 2 and doc.project.data is data
    doc.undo_stack.undo()
    assert doc.project.data is old
    doc.set_training(TrainingConfig(learning_rate=0.5), "lr")
    doc.set_loss("squared_error")
    assert doc.project.training.learning_rate == 0.5 and doc.project.loss == "squared_error"
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.project.training.learning_rate == 0.1 and doc.project.loss == "half_squared_error"


def test_row_and_new_project(doc):
    seen = record(doc, "row_changed")
    doc.set_row(3)
    assert doc.selected_row == 3 and seen == ["row_changed"]
    with pytest.raises(MLPError, match="rows 0 to 3"):
        doc.set_row(4)
    doc.set_weight(0, 0, 0, 1.0)
    doc.new_project()
    assert doc.path is None and not doc.is_modified and doc.undo_stack.count() == 0
    assert doc.network.sizes == [2, 3, 1] and doc.project.data is None and doc.selected_row == 0


def test_a_trace_of_another_shape_is_not_shown(doc):
    from mlp_studio.core.network import Network

    net = doc.network.copy()
    trace = step_trace(net, doc.project.data.X[0], doc.project.data.Z[0], "half_squared_error", 0.1)
    doc.set_trace(trace)
    assert doc.shown_trace is trace
    doc.set_network(Network.create([2, 4, 1]), "wider")
    doc.set_trace(trace)  # e.g. a view that kept an old trace
    assert doc.trace is trace and doc.shown_trace is None


def test_structure_edits_keep_every_number_they_can():
    from mlp_studio.app.editor import network_edit as ed

    net = reference_network()
    wider = ed.add_node(net, 1, seed=5)  # a 4th hidden node: new row in layer 0, new column in layer 1
    np.testing.assert_array_equal(wider.layers[0].weights[:3], net.layers[0].weights)
    np.testing.assert_array_equal(wider.layers[1].weights[:, :3], net.layers[1].weights)
    assert wider.sizes == [2, 4, 1]
    back = ed.remove_node(wider, 1, 3)
    assert back.equals(net)
    fewer = ed.remove_node(net, 1, 0)  # drop hidden node 0 and its edges
    np.testing.assert_array_equal(fewer.layers[0].weights, [[-0.5, 0.5], [1.0, 0.0]])
    np.testing.assert_array_equal(fewer.layers[1].weights, [[-1.0, 0.0]])
    more_inputs = ed.add_node(net, 0, seed=1)
    assert more_inputs.sizes == [3, 3, 1]
    np.testing.assert_array_equal(more_inputs.layers[0].weights[:, :2], net.layers[0].weights)
    deeper = ed.add_layer(net, 2, 2, "tanh", seed=3)
    assert deeper.sizes == [2, 3, 2, 1] and deeper.layers[1].activation == "tanh"
    np.testing.assert_array_equal(deeper.layers[0].weights, net.layers[0].weights)
    assert ed.remove_layer(deeper, 1).sizes == [2, 3, 1]
    with pytest.raises(MLPError, match="hidden layer"):
        ed.remove_layer(net, 1)
    with pytest.raises(MLPError, match="last node"):
        ed.remove_node(net, 2, 0)  # the only output
    resized = ed.resize_io(net, 3, 1)
    assert resized.sizes == [3, 3, 1]
    np.testing.assert_array_equal(resized.layers[1].weights, net.layers[1].weights)


def test_training_snapshot_shows_the_rows_forward_pass_under_its_weights(qapp):
    from mlp_studio.app.document.document import Document
    from mlp_studio.io.project_file import load_project
    from mlp_studio.io.resources import EXAMPLE_PROJECT, resource_path

    doc = Document()
    doc.new_project(load_project(resource_path(EXAMPLE_PROJECT)))
    doc.set_row(2)
    trained = doc.project.network.copy()
    trained.layers[1].biases[:] = -2.0
    seen = []
    doc.trace_changed.connect(lambda: seen.append(doc.shown_trace))
    doc.show_snapshot(trained)
    shown = seen[-1]
    x = doc.project.data.X[2]
    np.testing.assert_allclose(shown.layers[-1].a, trained.forward(x[None, :])[0], rtol=1e-15)
    assert shown.rows == [2] and shown.layers[0].delta is None  # forward only
    assert doc.project.network.layers[1].biases[0] == 0.5  # the project's weights are untouched
    doc.show_snapshot(None)
    assert doc.shown_trace is None or doc.shown_trace is doc.trace


def test_the_undo_history_of_a_big_network_is_capped_and_a_small_ones_is_not(qapp):
    from mlp_studio.core.network import Network

    small = Document(Project(reference_network(), data=reference_dataset()))
    assert small.undo_stack.undoLimit() == 0  # 13 parameters: every step back to the start
    big_net = Network.create([784, 128, 64, 10], ["relu", "relu", "softmax"], "he", seed=0)
    # 100,480 + 8,256 + 650 = 109,386 parameters; 6 float64 copies a step = 5,250,528 bytes,
    # and 512 MiB / 5,250,528 bytes = 102.2 steps
    assert big_net.n_parameters == 109_386
    big = Document(Project(big_net, loss="cross_entropy"))
    assert big.undo_stack.undoLimit() == 102
    for k in range(110):  # edits of different weights (edits of one weight merge)
        big.set_weight(0, k, 0, 1.0 + k)
    assert big.undo_stack.count() == 102  # the oldest 8 edits were let go
    big.new_project()  # a small network again: no cap
    assert big.undo_stack.undoLimit() == 0
    small.new_project(Project(big_net.copy(), loss="cross_entropy"))
    assert small.undo_stack.undoLimit() == 102
