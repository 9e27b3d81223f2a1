"""One training run with live reports, steered by a scripted control (no GUI, no process)."""

from __future__ import annotations

import numpy as np
import pytest

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.network import Network
from mlp_studio.core.training import STOP_EPOCHS, STOP_USER, Trainer, TrainingConfig
from mlp_studio.core.training_run import STOP_ERROR, RunResult, RunSpec, Throttle, run_training
from tests.core.reference_net import reference_dataset, reference_network, step_online


class Script:
    """A RunControl that asks for a stop after ``stop_after`` polls, pauses at poll
    ``pause_at`` and records every wait it is asked for."""

    def __init__(self, stop_after: int | None = None, pause_at: int | None = None,
                 delay: float = 0.0, seen: list | None = None) -> None:
        self.stop, self.paused, self.delay = False, False, delay
        self.polls = 0
        self.stop_after, self.pause_at = stop_after, pause_at
        self.seen = seen if seen is not None else []  # the snapshots emitted so far
        self.waits: list[int] = []  # the last snapshot's epoch at each wait
        self.sleeps: list[float] = []

    def poll(self) -> None:
        self.polls += 1
        if self.polls == self.pause_at:
            self.paused = True
        if self.stop_after is not None and self.polls >= self.stop_after:
            self.stop = True

    def wait_resumed(self) -> None:
        self.waits.append(self.seen[-1].epoch)
        self.paused = False

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


def sine_spec(config: TrainingConfig, epochs: int | None = None) -> RunSpec:
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, 60)
    data = Dataset(["x", "y"], np.c_[x, np.sin(x)], ["x"], ["y"])
    net = Network.create([1, 6, 1], ["tanh", "identity"], "xavier", seed=2)
    return RunSpec(net, data, "half_squared_error", config, epochs)


def test_the_reference_example_trained_in_a_run_equals_the_traced_steps():
    net, data = reference_network(), reference_dataset()
    spec = RunSpec(net, data, "half_squared_error", TrainingConfig(learning_rate=0.1, mode="online"), 3)
    snaps = []
    result = run_training(7, spec, snaps.append, Script())
    assert result.run == 7 and result.stop.code == STOP_EPOCHS and result.epochs == 3
    stepped = step_online(reference_network(), data, epochs=3)
    for a, b in zip(result.network.layers, stepped.layers):  # small_net's path: to 1e-12
        np.testing.assert_allclose(a.weights, b.weights, rtol=1e-12)
        np.testing.assert_allclose(a.biases, b.biases, rtol=1e-12)
    assert net.equals(reference_network())  # the spec's network is not touched
    assert np.concatenate([s.epochs for s in snaps]).tolist() == [1, 2, 3]  # each epoch once
    assert sum(len(s.update_loss) for s in snaps) == 3 * data.n_rows  # online: every update's loss
    assert snaps[-1].network.equals(result.network) and snaps[-1].epoch == 3


def test_a_stop_request_ends_the_run_with_the_weights_of_the_finished_epochs():
    config = TrainingConfig(learning_rate=0.05, mode="minibatch", batch_size=8, shuffle=True, seed=4,
                            epochs=None)
    spec = sine_spec(config)
    snaps = []
    result = run_training(1, spec, snaps.append, Script(stop_after=5))
    assert result.stop.code == STOP_USER and result.epochs >= 1
    headless = Trainer(spec.network.copy(), spec.data.X, spec.data.Z, spec.loss, config).train(result.epochs)
    assert result.network.equals(headless.network)
    losses = np.concatenate([s.train_loss for s in snaps])
    assert np.array_equal(losses, np.array(headless.losses))


def test_a_pause_shows_where_it_stopped_and_does_not_change_the_numbers():
    config = TrainingConfig(learning_rate=0.05, mode="batch")
    spec = sine_spec(config, epochs=6)
    snaps = []
    control = Script(pause_at=4, delay=0.25, seen=snaps)  # polls: 2 per epoch, the 4th after epoch 2
    result = run_training(1, spec, snaps.append, control)
    assert control.waits == [2]  # a snapshot right before waiting shows the 2 epochs done
    assert control.sleeps == [0.25] * 6  # the delay after every epoch
    headless = Trainer(spec.network.copy(), spec.data.X, spec.data.Z, spec.loss, config).train(6)
    assert result.network.equals(headless.network)


def test_held_out_rows_give_a_validation_loss_and_classes_an_evaluation():
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, 80)
    data = Dataset(["x", "c"], np.c_[x, (x > 0.2).astype(float)], ["x"], ["c"])
    net = Network.create([1, 4, 1], ["tanh", "sigmoid"], "xavier", seed=0)
    spec = RunSpec(net, data, "cross_entropy", TrainingConfig(learning_rate=0.5, mode="batch", holdout=0.25), 4)
    snaps = []
    result = run_training(1, spec, snaps.append, Script())
    val = np.concatenate([s.val_loss for s in snaps])
    assert val.shape == (4,) and np.isfinite(val).all()
    last = snaps[-1].evaluation
    assert last is not None and last.confusion.sum() == 20  # the 20 held-out rows
    assert result.epochs == 4


def test_a_failure_result_says_what_happened():
    r = RunResult.failure(3, "training failed: out of memory")
    assert (r.run, r.network, r.stop.code, r.stop.message, r.epochs) == (
        3, None, STOP_ERROR, "training failed: out of memory", 0)


def test_throttle_waits_in_proportion_to_the_cost():
    t = Throttle(hz=30.0, share=0.05)
    assert t.due(0.0)
    t.begin(0.0)
    assert not t.due(10.0)  # cost still being measured
    t.done(0.0, 0.001)  # 1 ms: the 30 Hz limit applies
    assert not t.due(0.03) and t.due(1 / 30)
    t.done(1.0, 1.01)  # 10 ms at 5 %: wait 0.2 s
    assert not t.due(1.19) and t.due(1.21)


def test_run_spec_from_a_project_is_a_copy():
    from mlp_studio.core.project import Project

    project = Project(reference_network(), data=reference_dataset(), training=TrainingConfig(holdout=0.5))
    spec = RunSpec.from_project(project, 5)
    assert spec.network is not project.network and spec.network.equals(project.network)
    assert spec.config is not project.training and spec.config == project.training
    assert spec.epochs == 5
