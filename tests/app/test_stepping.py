"""Step-through controller on the reference example: forward, sub-steps, update,
undo as step back, epoch, momentum, rows, reset. Expected numbers are the
reference document's, or computed by hand here from them."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMainWindow

from mlp_studio.app.document.document import Document
from mlp_studio.app.stepping.step_toolbar import StepToolBar
from mlp_studio.app.stepping.controller import StepController
from mlp_studio.core.optimizers import Optimizer, OptimizerState
from mlp_studio.core.project import Project
from mlp_studio.core.training import Trainer, TrainingConfig
from tests.core.reference_net import reference_dataset, reference_network, sgd_by_hand

ETA = 0.1
# The reference document's forward pass for row 0 = scaled input (1, 1).
A_HIDDEN = [0.2689, 0.6225, 0.8176]
Y = 0.5030
Z = 1.0  # target 91 is the maximum of 68..91, so min-max [0, 1] scales it to 1


@pytest.fixture
def doc(qapp):
    return Document(Project(reference_network(), data=reference_dataset(),
                            training=TrainingConfig(learning_rate=ETA)))


@pytest.fixture
def stepper(doc):
    return StepController(doc)


def weights(doc):
    return [(l.weights.copy(), l.biases.copy()) for l in doc.project.network.layers]


def test_forward_reveals_every_forward_phase_with_reference_numbers(doc, stepper):
    stepper.step_forward()
    assert doc.revealed == 2 and doc.undo_stack.count() == 0
    np.testing.assert_allclose(doc.trace.layers[0].a, A_HIDDEN, atol=5e-5)
    np.testing.assert_allclose(doc.trace.layers[1].a, [Y], atol=5e-5)
    assert doc.trace.layers[1].delta is None  # the backward pass is not shown yet
    assert doc.network.equals(reference_network())  # nothing applied by a forward pass


def test_update_changes_weights_by_minus_eta_delta_a_and_undo_restores_exactly(doc, stepper):
    before = weights(doc)
    stepper.step_update()
    assert doc.undo_stack.count() == 1
    # By hand from the reference numbers: delta_o = y(1-y)(y-z), delta_h = a(1-a) w_o delta_o.
    d_out = Y * (1 - Y) * (Y - Z)
    w_out = np.array([0.5, -1.0, 0.0])
    d_hid = np.array([a * (1 - a) for a in A_HIDDEN]) * w_out * d_out
    after = weights(doc)
    np.testing.assert_allclose(after[1][0][0] - before[1][0][0], -ETA * d_out * np.array(A_HIDDEN), atol=2e-5)
    np.testing.assert_allclose(after[1][1] - before[1][1], [-ETA * d_out], atol=2e-5)
    np.testing.assert_allclose(after[0][0] - before[0][0], -ETA * np.outer(d_hid, [1.0, 1.0]), atol=2e-5)
    np.testing.assert_allclose(after[0][1] - before[0][1], -ETA * d_hid, atol=2e-5)
    doc.undo_stack.undo()
    for (w0, b0), (w1, b1) in zip(before, weights(doc)):
        assert np.array_equal(w0, w1) and np.array_equal(b0, b1)
    assert doc.trace is None
    doc.undo_stack.redo()
    for (w0, b0), (w1, b1) in zip(after, weights(doc)):
        assert np.array_equal(w0, w1) and np.array_equal(b0, b1)


def test_sub_steps_follow_the_phase_labels_and_the_last_applies(doc, stepper, qtbot):
    bar = StepToolBar(stepper)
    qtbot.addWidget(bar)
    seen = []
    for _ in range(4):
        stepper.sub_step()
        seen.append(bar.status.text())
    assert doc.undo_stack.count() == 0
    stepper.sub_step()
    seen.append(bar.status.text())
    assert doc.undo_stack.count() == 1 and doc.revealed == 5
    expected = ["Forward through the hidden layer 0 (1/5) · next: Forward through the output layer",
                "Forward through the output layer (2/5) · next: Output delta",
                "Output delta (3/5) · next: Delta of the hidden layer 0",
                "Delta of the hidden layer 0 (4/5) · next: Update weights and biases",
                "step complete (5/5)"]
    assert [text.removeprefix("row 0 · ") for text in seen] == expected


def test_undo_of_a_sub_stepped_update_resumes_before_the_update(doc, stepper):
    for _ in range(4):
        stepper.sub_step()
    partial = doc.trace
    stepper.sub_step()
    stepped = weights(doc)
    doc.undo_stack.undo()
    assert doc.trace is partial and doc.revealed == 4
    stepper.sub_step()  # continues with the update, not a new forward pass
    assert doc.revealed == 5
    for (w0, b0), (w1, b1) in zip(stepped, weights(doc)):
        assert np.array_equal(w0, w1) and np.array_equal(b0, b1)


def test_one_epoch_equals_four_online_steps(doc, stepper):
    start = doc.project.network.copy()
    for row in range(4):
        stepper.set_row(row)
        stepper.step_update()
    stepped = doc.project.network.copy()
    for _ in range(4):
        doc.undo_stack.undo()
    assert doc.project.network.equals(start)
    stepper.run_epoch()
    assert doc.undo_stack.count() == 1  # one undoable command
    for a, b in zip(doc.project.network.layers, stepped.layers):
        np.testing.assert_allclose(a.weights, b.weights, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(a.biases, b.biases, rtol=1e-12, atol=1e-15)
    doc.undo_stack.undo()
    assert doc.project.network.equals(start)


def test_momentum_velocity_is_carried_between_steps_and_after_undo(doc, stepper):
    mu = 0.9
    doc.set_training(replace(doc.project.training, momentum=mu))
    w0 = doc.project.network.layers[1].weights.copy()
    stepper.step_update()
    w1 = doc.project.network.layers[1].weights.copy()
    stepper.step_update()
    w2 = doc.project.network.layers[1].weights.copy()
    g2 = doc.trace.layers[1].grad_weights
    # v1 = w1 - w0; v2 = mu v1 - eta g2; w2 = w1 + v2
    np.testing.assert_allclose(w2 - w1, mu * (w1 - w0) - ETA * g2, rtol=1e-12, atol=1e-15)
    doc.undo_stack.undo()
    stepper.step_update()  # from w1 again: the same velocity, the same w2
    assert np.array_equal(doc.project.network.layers[1].weights, w2)


def test_epoch_carries_the_velocity_of_the_step_before(doc, stepper):
    from mlp_studio.core.trace import PhasedStep

    mu = 0.5
    doc.set_training(replace(doc.project.training, momentum=mu))
    stepper.step_update()
    after_step = doc.project.network.copy()
    stepper.run_epoch()
    # The same by traced single-row steps over the rows in order, starting from the
    # first step's velocity v1 = w1 - w0 and carrying it from row to row.
    net, w0 = after_step.copy(), reference_network()
    velocity = ([a.weights - b.weights for a, b in zip(after_step.layers, w0.layers)],
                [a.biases - b.biases for a, b in zip(after_step.layers, w0.layers)])
    state = OptimizerState(1, 0, {"velocity": velocity})
    data = doc.project.data
    for r in range(data.n_rows):
        step = PhasedStep(net, data.X[r:r + 1], data.Z[r:r + 1], "half_squared_error", ETA,
                          rows=[r], optimizer=Optimizer(momentum=mu), state=state)
        step.run()
        state = step.state
    at_rest = Trainer(after_step.copy(), data.X, data.Z, "half_squared_error", doc.project.training)
    at_rest.run_epoch()
    assert not doc.project.network.equals(at_rest.net)  # the velocity made a difference...
    for a, b in zip(doc.project.network.layers, net.layers):  # ...the right one
        np.testing.assert_allclose(a.weights, b.weights, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(a.biases, b.biases, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("config", [
    TrainingConfig(learning_rate=0.3, mode="online", shuffle=True, momentum=0.8, seed=7),
    TrainingConfig(learning_rate=0.3, mode="minibatch", batch_size=3, shuffle=True, momentum=0.8, seed=7),
])
def test_epoch_presses_equal_one_long_run_and_undo_replays_them(doc, stepper, config):
    doc.set_training(config)
    start = doc.project.network.copy()
    data = doc.project.data
    for _ in range(3):
        stepper.run_epoch()
    long_run = Trainer(start.copy(), data.X, data.Z, "half_squared_error", config).train(3)
    assert doc.project.network.equals(long_run.network)  # shuffles and velocity carried
    third = doc.project.network.copy()
    doc.undo_stack.undo()
    stepper.run_epoch()  # the third epoch again: the same rows in the same order
    assert doc.project.network.equals(third)


def test_reset_goes_to_the_opened_network_after_520_steps_and_undoing_510(doc, stepper):
    for _ in range(520):
        stepper.step_update()
    for _ in range(510):
        doc.undo()
    at_step_10 = doc.project.network.copy()
    assert not at_step_10.equals(reference_network())
    assert stepper.act_reset.isEnabled()
    stepper.reset()
    assert doc.project.network.equals(reference_network())  # as opened, not step 10
    doc.undo()
    assert doc.project.network.equals(at_step_10)


def assert_same_network(a, b, rtol=0.0):
    for la, lb in zip(a.layers, b.layers):
        np.testing.assert_allclose(la.weights, lb.weights, rtol=rtol, atol=0)
        np.testing.assert_allclose(la.biases, lb.biases, rtol=rtol, atol=0)


def test_epoch_presses_equal_a_run_after_undo_and_redo_far_back(doc, stepper):
    config = TrainingConfig(learning_rate=0.3, mode="online", shuffle=True, momentum=0.8, seed=7)
    doc.set_training(config)
    data = doc.project.data
    for _ in range(505):
        stepper.run_epoch()
    for _ in range(503):  # back to epoch 2, further back than any history of 500 results
        doc.undo()
    doc.redo()  # epoch 3
    stepper.run_epoch()
    stepper.run_epoch()  # epoch 5: the shuffled rows and the velocity carried all along
    five = Trainer(reference_network(), data.X, data.Z, "half_squared_error", config).train(5)
    assert doc.project.network.equals(five.network)
    by_hand = sgd_by_hand(reference_network(), data.X, data.Z, 5, 0.3, momentum=0.8, seed=7)
    assert_same_network(doc.project.network, by_hand, rtol=1e-12)
    in_order = sgd_by_hand(reference_network(), data.X, data.Z, 5, 0.3, momentum=0.8)
    assert not np.allclose(by_hand.layers[0].weights, in_order.layers[0].weights, rtol=1e-3)


@pytest.mark.parametrize("optimizer", ["adam", "rmsprop"])
def test_moments_and_step_count_of_adam_and_rmsprop_follow_undo_and_redo(doc, stepper, optimizer):
    config = TrainingConfig(learning_rate=0.05, mode="minibatch", batch_size=3, shuffle=True,
                            seed=3, optimizer=optimizer)
    doc.set_training(config)
    data = doc.project.data
    for _ in range(4):
        stepper.run_epoch()
    for _ in range(3):
        doc.undo()
    doc.redo()
    stepper.run_epoch()
    stepper.run_epoch()  # epoch 4 again, from epoch 3's moments, step count and row order
    four = Trainer(reference_network(), data.X, data.Z, "half_squared_error", config)
    four.train(4)
    assert doc.project.network.equals(four.net)
    assert doc.step_state.carry.optimizer.equals(four.carry().optimizer)
    assert doc.step_state.carry.optimizer.steps == 8  # two updates (3 + 1 rows) an epoch


def test_a_step_then_epochs_carry_one_velocity_and_one_row_order(doc, stepper):
    config = TrainingConfig(learning_rate=0.3, mode="online", momentum=0.8)
    doc.set_training(config)
    data = doc.project.data
    stepper.sub_step()
    stepper.sub_step()
    stepper.step_update()  # the rest of that step of row 0, then epochs over rows 0-3
    stepper.run_epoch()
    doc.undo()
    doc.undo()
    doc.redo()
    doc.redo()
    stepper.run_epoch()
    rows = np.r_[data.X[:1], data.X, data.X]
    targets = np.r_[data.Z[:1], data.Z, data.Z]
    by_hand = sgd_by_hand(reference_network(), rows, targets, 1, 0.3, momentum=0.8)
    assert_same_network(doc.project.network, by_hand, rtol=1e-12)


def test_a_training_run_and_reset_do_not_move_the_initial_network(doc, stepper):
    stepper.step_update()
    trained = doc.project.network.copy()
    trained.layers[0].weights += 0.5
    doc.apply_run(trained, "Train 9 epochs", doc.revision)
    stepper.reset()
    assert doc.project.network.equals(reference_network())
    doc.set_bias(1, 0, 0.75)  # a hand edit: Reset comes back here
    stepper.step_update()
    stepper.reset()
    assert doc.project.network.layers[1].biases[0] == 0.75
    doc.undo()  # the reset
    doc.undo()  # the step
    doc.undo()  # the edit: Reset goes to the opened network again
    stepper.step_update()
    stepper.reset()
    assert doc.project.network.equals(reference_network())


def test_batch_step_uses_the_modes_batch(doc, stepper):
    doc.set_training(replace(doc.project.training, mode="batch"))
    stepper.set_batch(True)
    stepper.step_update()
    assert doc.trace.rows == [0, 1, 2, 3] and doc.trace.is_batch
    # Full-batch gradient descent: the same as one batch-mode epoch.
    net = reference_network()
    Trainer(net, doc.project.data.X, doc.project.data.Z, "half_squared_error",
            replace(doc.project.training)).run_epoch()
    for a, b in zip(doc.project.network.layers, net.layers):
        np.testing.assert_allclose(a.weights, b.weights, rtol=1e-12, atol=1e-15)


def test_rows_and_reset_to_the_initial_weights(doc, stepper):
    stepper.next_row()
    assert doc.selected_row == 1
    stepper.previous_row()
    stepper.previous_row()  # stays at the first row
    assert doc.selected_row == 0
    assert not stepper.act_reset.isEnabled()
    stepper.step_update()
    stepper.step_update()
    stepped = doc.project.network.copy()
    assert stepper.act_reset.isEnabled()
    stepper.reset()
    assert doc.project.network.equals(reference_network())
    doc.undo_stack.undo()  # reset is undoable
    assert doc.project.network.equals(stepped)


def test_initial_weights_follow_a_user_edit(doc, stepper):
    doc.set_weight(1, 0, 2, 0.25)
    edited = doc.project.network.copy()
    stepper.step_update()
    stepper.reset()
    assert doc.project.network.equals(edited)


def test_auto_advance_moves_to_the_next_row_after_an_update(doc, stepper):
    stepper.set_advance_row(True)
    stepper.step_update()
    assert doc.trace.rows == [0] and doc.selected_row == 1


def test_shortcuts_trigger_the_steps(doc, stepper, qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.addToolBar(StepToolBar(stepper))
    window.addActions(stepper.actions)
    window.show()
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    shortcuts = {a.shortcut().toString() for a in stepper.actions}
    assert {"F10", "F8", "F11", "Ctrl+E", "Alt+Up", "Alt+Down"} <= shortcuts
    qtbot.keyClick(window, Qt.Key.Key_F10)
    assert doc.revealed == 2
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert doc.undo_stack.count() == 1
    qtbot.keyClick(window, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert doc.selected_row == 1


def test_no_data_disables_stepping(qapp):
    doc = Document(Project(reference_network()))
    stepper = StepController(doc)
    assert not stepper.act_forward.isEnabled()
    stepper.step_update()
    assert doc.undo_stack.count() == 0 and doc.trace is None


def test_batch_toggle_is_off_in_online_mode(doc, stepper):
    assert doc.project.training.mode == "online" and not stepper.act_batch.isEnabled()
    doc.set_training(replace(doc.project.training, mode="minibatch", batch_size=2))
    assert stepper.act_batch.isEnabled()
    stepper.set_batch(True)
    assert stepper.rows() == [0, 1]
    doc.set_training(replace(doc.project.training, mode="online"))
    assert not stepper.use_batch and not stepper.act_batch.isChecked()
    assert stepper.rows() == [0]


def test_a_diverging_step_says_where_the_first_non_finite_number_is(qapp):
    net = reference_network()
    net.layers[1].activation = "identity"
    doc = Document(Project(net, data=reference_dataset(), training=TrainingConfig(learning_rate=1e308)))
    stepper = StepController(doc)
    messages = []
    stepper.message.connect(messages.append)
    stepper.step_update()
    stepper.step_update()
    assert any(m.startswith("Not a finite number at layer 1") for m in messages), messages
