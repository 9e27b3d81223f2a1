"""Single Update presses move the learning-rate schedule on at the end of each epoch's worth
of rows, exactly as training does; the rate shows in the step status and the Math panel."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlp_studio.app.document.document import Document
from mlp_studio.app.stepping.controller import StepController
from mlp_studio.app.stepping.math_panel import math_parts
from mlp_studio.core.project import Project
from mlp_studio.core.training import Trainer, TrainingConfig
from tests.core.reference_net import reference_dataset, reference_network

ETA0 = 0.8


@pytest.mark.parametrize("schedule, extra, by_hand", [
    # invscaling: eta0 / (t + 1) ** 0.5 with t = 0, 4, 8 rows seen (the reference data has 4)
    ("invscaling", dict(power_t=0.5), [ETA0, ETA0 / math.sqrt(5), ETA0 / 3]),
    ("step", dict(gamma=0.5, step_epochs=1), [ETA0, ETA0 / 2, ETA0 / 4]),
    ("cosine", dict(epochs=3), [ETA0, ETA0 * 0.75, ETA0 * 0.25]),  # (1 + cos(pi e / 3)) / 2
])
def test_stepped_rates_equal_the_trained_ones_and_the_formula(qapp, schedule, extra, by_hand):
    config = TrainingConfig(learning_rate=ETA0, mode="online", schedule=schedule, **extra)
    doc = Document(Project(reference_network(), data=reference_dataset(), training=config))
    stepper = StepController(doc)
    stepped, shown = [], []
    for _ in range(3):
        for row in range(4):
            stepper.set_row(row)
            stepper.step_update()
            stepped.append(doc.trace.learning_rate)
            shown.append("".join(math_parts(doc.trace, doc.revealed, doc.project.data)))
    trained = Trainer(reference_network(), doc.project.data.X, doc.project.data.Z,
                      "half_squared_error", config).train(3)
    assert stepped == pytest.approx(np.repeat(by_hand, 4), rel=1e-15)
    assert trained.rates == pytest.approx(by_hand, rel=1e-15)
    for a, b in zip(doc.project.network.layers, trained.network.layers):  # small_net: to 1e-12
        np.testing.assert_allclose(a.weights, b.weights, rtol=1e-12)
        np.testing.assert_allclose(a.biases, b.biases, rtol=1e-12)
    assert f"η = {by_hand[1]:.4f}" in shown[4]  # the update formula's rate, from the 5th step on
    assert f"η = {by_hand[0]:.4f}" not in shown[4]
    assert f"η {by_hand[2]:.4g}" in stepper.status_text()
    for _ in range(4):  # undo the third epoch's steps: the third epoch's rate comes again
        doc.undo_stack.undo()
    assert doc.step_state.carry.optimizer.epochs == 2
    stepper.step_update()
    assert doc.trace.learning_rate == pytest.approx(by_hand[2], rel=1e-15)


def test_a_constant_rate_is_not_repeated_in_the_status(qapp):
    doc = Document(Project(reference_network(), data=reference_dataset(),
                           training=TrainingConfig(learning_rate=ETA0)))
    stepper = StepController(doc)
    stepper.step_update()
    assert "η" not in stepper.status_text()
    assert doc.trace.learning_rate == ETA0


def test_batch_presses_walk_through_the_minibatches_as_an_epoch_does(qapp):
    # the reference data's 4 rows in batches of 3: rows 0-2, then row 3, then round again
    config = TrainingConfig(learning_rate=ETA0, mode="minibatch", batch_size=3, momentum=0.5)
    doc = Document(Project(reference_network(), data=reference_dataset(), training=config))
    stepper = StepController(doc)
    stepper.set_batch(True)
    stepper.set_advance_row(True)
    seen = []
    for _ in range(4):
        assert stepper.rows() == ([0, 1, 2] if doc.selected_row == 0 else [3])
        stepper.step_update()
        seen.append(doc.trace.rows)
    assert seen == [[0, 1, 2], [3], [0, 1, 2], [3]] and doc.selected_row == 0
    trained = Trainer(reference_network(), doc.project.data.X, doc.project.data.Z,
                      "half_squared_error", config).train(2)  # two epochs, no shuffling
    for a, b in zip(doc.project.network.layers, trained.network.layers):
        np.testing.assert_allclose(a.weights, b.weights, rtol=1e-12)
        np.testing.assert_allclose(a.biases, b.biases, rtol=1e-12)
    stepper.set_row(3)  # a row picked by hand: the batch that holds it
    assert stepper.rows() == [3]
