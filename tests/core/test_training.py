"""Training modes, stop rules, divergence and sub-step tracing."""

import math

import numpy as np
import pytest

from mlp_studio.core.epoch_runner import STOP_CHECK_ROWS, NumpyRunner
from mlp_studio.core.network import Network
from mlp_studio.core.optimizers import Optimizer
from mlp_studio.core.small_net import SmallNetRunner
from mlp_studio.core.trace import PHASE_FORWARD, PHASE_UPDATE, PhasedStep, phases_for, step_trace
from mlp_studio.core.training import (
    STOP_DIVERGED, STOP_EPOCHS, STOP_PLATEAU, STOP_TARGET, STOP_USER, Trainer, TrainingConfig,
    train)
from mlp_studio.errors import MLPError
from tests.core.reference_net import reference_dataset, reference_network, step_online

LOSS = "half_squared_error"


def test_online_epoch_equals_four_traced_steps():
    ds = reference_dataset()
    stepped = step_online(reference_network(), ds)
    numpy_trainer = Trainer(reference_network(), ds.X, ds.Z, LOSS, TrainingConfig(epochs=1),
                            runner=NumpyRunner)
    numpy_trainer.run_epoch()
    assert numpy_trainer.net.equals(stepped)  # bit for bit: the same kernels
    trainer = Trainer(reference_network(), ds.X, ds.Z, LOSS, TrainingConfig(epochs=1))
    assert isinstance(trainer.runner, SmallNetRunner)
    trainer.run_epoch()
    for a, b in zip(trainer.net.layers, stepped.layers):  # plain Python floats: to 1e-12
        np.testing.assert_allclose(a.weights, b.weights, rtol=1e-12)
        np.testing.assert_allclose(a.biases, b.biases, rtol=1e-12)


def test_batch_mode_is_one_averaged_update():
    ds = reference_dataset()
    traced = reference_network()
    tr = step_trace(traced, ds.X, ds.Z, LOSS, 0.1, reduction="mean")
    assert tr.is_batch and tr.layers[0].s.shape == (4, 3)
    trainer = Trainer(reference_network(), ds.X, ds.Z, LOSS, TrainingConfig(mode="batch"))
    epoch_loss = trainer.run_epoch()
    assert trainer.net.equals(tr.network_after())
    assert epoch_loss == pytest.approx(tr.loss_before, rel=1e-15)
    # Mean of per-sample gradients, checked against single-sample traces.
    grads = [step_trace(reference_network(), ds.X[r:r + 1], ds.Z[r:r + 1], LOSS, 0.1)
             .layers[1].grad_weights for r in range(4)]
    np.testing.assert_allclose(tr.layers[1].grad_weights, np.mean(grads, axis=0), rtol=1e-12)


def test_momentum_update_by_hand():
    ds = reference_dataset()
    mu, eta = 0.9, 0.1
    trainer = Trainer(reference_network(), ds.X, ds.Z, LOSS,
                      TrainingConfig(mode="batch", momentum=mu, learning_rate=eta))
    w0 = trainer.net.layers[1].weights.copy()
    g1 = step_trace(reference_network(), ds.X, ds.Z, LOSS, eta).layers[1].grad_weights
    trainer.run_epoch()
    w1 = trainer.net.layers[1].weights.copy()
    np.testing.assert_allclose(w1, w0 - eta * g1, rtol=1e-12)
    g2 = step_trace(trainer.net.copy(), ds.X, ds.Z, LOSS, eta).layers[1].grad_weights
    trainer.run_epoch()
    v2 = mu * (-eta * g1) - eta * g2
    np.testing.assert_allclose(trainer.net.layers[1].weights, w1 + v2, rtol=1e-12)


def test_shuffle_is_reproducible_and_changes_order():
    ds = reference_dataset()
    cfg = TrainingConfig(shuffle=True, seed=42, epochs=3)
    a, b = train(reference_network(), ds.X, ds.Z, LOSS, cfg), train(reference_network(), ds.X, ds.Z, LOSS, cfg)
    assert a.network.equals(b.network) and a.losses == b.losses
    plain = train(reference_network(), ds.X, ds.Z, LOSS, TrainingConfig(epochs=3))
    assert not plain.network.equals(a.network)


def test_epochs_mean_exactly_n_epochs():
    ds = reference_dataset()
    result = train(reference_network(), ds.X, ds.Z, LOSS, TrainingConfig(epochs=37))
    assert len(result.losses) == 37 and result.stop.code == STOP_EPOCHS
    assert result.losses[-1] < result.losses[0]


def test_target_loss_and_patience_stop_rules():
    ds = reference_dataset()
    first = train(reference_network(), ds.X, ds.Z, LOSS, TrainingConfig(epochs=1)).losses[0]
    res = train(reference_network(), ds.X, ds.Z, LOSS,
                TrainingConfig(epochs=10000, target_loss=first * 0.9))
    assert res.stop.code == STOP_TARGET and res.losses[-1] <= first * 0.9
    assert all(l > first * 0.9 for l in res.losses[:-1])
    # Zero learning-rate-like plateau: a dead network (zero weights, relu) never improves.
    dead = Network.create([2, 2, 1], ["relu", "identity"], "zeros")
    res = train(dead, ds.X, np.zeros((4, 1)), LOSS, TrainingConfig(epochs=None, patience=5))
    assert res.stop.code == STOP_PLATEAU and len(res.losses) == 6


def test_divergence_stops_and_keeps_last_finite_weights():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (20, 2))
    Z = X @ np.array([[3.0], [-2.0]])
    net = Network.create([2, 4, 1], ["identity", "identity"], seed=1)
    res = train(net, X, Z, LOSS, TrainingConfig(learning_rate=50.0, epochs=500))
    assert res.stop.code == STOP_DIVERGED and "diverged" in res.stop.message
    assert res.network.is_finite()
    # The kept weights are those after the last finite epoch: replaying that many epochs agrees.
    replay = train(net, X, Z, LOSS, TrainingConfig(learning_rate=50.0, epochs=len(res.losses)))
    assert replay.network.equals(res.network)
    assert all(math.isfinite(l) for l in res.losses)


def test_bad_settings_raise_clear_errors():
    ds = reference_dataset()
    for cfg, text in ((TrainingConfig(mode="stochastic"), "mode"),
                      (TrainingConfig(learning_rate=-1), "learning rate"),
                      (TrainingConfig(batch_size=0), "batch size"),
                      (TrainingConfig(momentum=1.5), "momentum"),
                      (TrainingConfig(batch_reduction="max"), "batch_reduction")):
        with pytest.raises(MLPError, match=text):
            Trainer(reference_network(), ds.X, ds.Z, LOSS, cfg)
    with pytest.raises(MLPError, match="2 inputs"):
        Trainer(reference_network(), ds.values, ds.Z, LOSS, TrainingConfig())


def test_phased_step_sub_steps_in_order_and_equal_to_full_step():
    ds = reference_dataset()
    net = reference_network()
    step = PhasedStep(net, ds.X[:1], ds.Z[:1], LOSS, 0.1)
    labels = [p.label for p in step.phases]
    assert labels == ["Forward through layer 0", "Forward through layer 1", "Output delta",
                      "Hidden delta, layer 0", "Update weights and biases"]
    step.advance()
    assert step.trace.layers[0].a is not None and step.trace.layers[1].a is None
    assert net.equals(reference_network())  # nothing changes before the update phase
    full = step_trace(reference_network(), ds.X[:1], ds.Z[:1], LOSS, 0.1)
    step.run()
    assert net.equals(reference_network()) is False
    for a, b in zip(step.trace.layers, full.layers):
        np.testing.assert_array_equal(a.weights_after, b.weights_after)
        np.testing.assert_array_equal(a.delta, b.delta)
    deep = phases_for(4)
    assert [p.kind for p in deep][:4] == [PHASE_FORWARD] * 4 and deep[-1].kind == PHASE_UPDATE
    assert [p.layer for p in deep[5:8]] == [2, 1, 0]


def test_a_copied_phased_step_continues_on_its_own():
    ds = reference_dataset()
    adam = Optimizer("adam")
    first = PhasedStep(reference_network(), ds.X[2:4], ds.Z[2:4], LOSS, 0.1, optimizer=adam)
    first.run()  # Adam's moments and step count after one update: the state carried in
    state = first.state

    def started() -> PhasedStep:
        return PhasedStep(reference_network(), ds.X[:2], ds.Z[:2], LOSS, 0.1, optimizer=adam,
                          state=state)

    step = started()
    for _ in range(3):  # the forward pass and the output delta
        step.advance()
    twin = step.copy()
    shown = [(lt.s.copy(), lt.a.copy()) for lt in step.trace.layers]
    twin.run()
    # the original is untouched: its network, its trace, its position and its state
    assert step.position == 3 and step.net.equals(reference_network())
    assert step.trace.layers[0].delta is None and step.trace.layers[0].weights_after is None
    for lt, (s, a) in zip(step.trace.layers, shown):
        assert np.array_equal(lt.s, s) and np.array_equal(lt.a, a)
    assert step.state.equals(state)
    step.run()  # ...and finishes the same update the copy did, from the same state
    whole = started()
    whole.run()
    for a, b, c in zip(step.trace.layers, twin.trace.layers, whole.trace.layers):
        assert np.array_equal(a.weights_after, c.weights_after)
        assert np.array_equal(b.weights_after, c.weights_after)
    assert twin.state.equals(whole.state) and whole.state.steps == 2


def test_float32_network_trains_in_float32():
    ds = reference_dataset()
    net = reference_network().astype(np.float32)
    trainer = Trainer(net, ds.X, ds.Z, LOSS, TrainingConfig(epochs=2))
    trainer.train()
    assert all(l.weights.dtype == np.float32 for l in trainer.net.layers)
    ref = train(reference_network(), ds.X, ds.Z, LOSS, TrainingConfig(epochs=2)).network
    np.testing.assert_allclose(trainer.net.layers[1].weights, ref.layers[1].weights, rtol=1e-5)


def test_first_non_finite_names_layer_and_node():
    from mlp_studio.core.network import Layer
    from mlp_studio.core.trace import first_non_finite

    net = Network(2, [Layer(np.array([[1.0, 0.0], [1e308, 1e308]]), np.zeros(2), "identity"),
                      Layer(np.array([[1.0, 1.0]]), np.zeros(1), "identity")])
    with np.errstate(all="ignore"):
        trace = step_trace(net, np.array([[1.0, 1.0]]), np.array([[0.0]]), LOSS, 0.1,
                           with_sensitivity=False)
    assert first_non_finite(trace) == "layer 0, node 1: s is inf"
    ok = step_trace(reference_network(), np.array([[1.0, 1.0]]), np.array([[1.0]]), LOSS, 0.1)
    assert first_non_finite(ok) is None


@pytest.mark.parametrize("runner", [NumpyRunner, SmallNetRunner])
def test_stop_part_way_through_an_epoch_keeps_the_last_whole_epoch(runner):
    rng = np.random.default_rng(3)
    rows = 10 * STOP_CHECK_ROWS + 5
    X, Z = rng.uniform(-1, 1, (rows, 2)), rng.uniform(0, 1, (rows, 1))
    config = TrainingConfig(learning_rate=0.1, epochs=10, shuffle=True, seed=2, momentum=0.5)
    asked = []

    def should_stop() -> bool:  # asked before each epoch and every STOP_CHECK_ROWS rows in one
        asked.append(trainer.rows_done)
        return len(asked) == 2 * 11 + 1 + 3  # two whole epochs, then three checks into the third

    trainer = Trainer(reference_network(), X, Z, LOSS, config, runner=runner)
    res = trainer.train(should_stop=should_stop)
    assert res.stop.code == STOP_USER and "during epoch 3" in res.stop.message
    assert asked[:12] == [0] + [k * STOP_CHECK_ROWS for k in range(1, 11)] + [rows]
    assert asked[-4:] == [rows, STOP_CHECK_ROWS, 2 * STOP_CHECK_ROWS, 3 * STOP_CHECK_ROWS]
    assert len(res.losses) == 2 and trainer.epoch == 2
    two = Trainer(reference_network(), X, Z, LOSS, config, runner=runner)
    two.train(2)
    assert res.network.equals(two.net)  # weights, velocity and row order as after epoch 2
    assert trainer.carry().optimizer.equals(two.carry().optimizer)
    assert np.array_equal(trainer.carry().shuffle[1], two.carry().shuffle[1])


@pytest.mark.parametrize("runner", [NumpyRunner, SmallNetRunner])
def test_a_million_row_epoch_stops_at_the_first_check_after_the_request(runner):
    rng = np.random.default_rng(0)
    X, Z = rng.uniform(0, 1, (10**6, 2)), rng.uniform(0, 1, (10**6, 1))
    trainer = Trainer(reference_network(), X, Z, LOSS, TrainingConfig(epochs=1), runner=runner)
    requested_after = 5 * STOP_CHECK_ROWS  # a scripted control: asks for a stop after K rows
    asked = []

    def should_stop() -> bool:
        asked.append(trainer.rows_done)
        return trainer.rows_done >= requested_after

    res = trainer.train(should_stop=should_stop)
    assert res.stop.code == STOP_USER and "during epoch 1" in res.stop.message
    assert asked == [0] + [k * STOP_CHECK_ROWS for k in range(1, 6)]
    assert trainer.rows_done == requested_after  # the epoch ended there, 994,880 rows early
    assert trainer.epoch == 0 and res.losses == [] and trainer.net.equals(reference_network())


@pytest.mark.parametrize("sizes, mode, dtype", [
    ([2, 3, 1], "online", np.float64),  # small_net's plain-Python path
    ([2, 3, 1], "minibatch", np.float64),  # Workspace path
    ([2, 5, 4, 1], "online", np.float32),  # Workspace path (float32 is not small_net's)
])
def test_epochs_by_separate_trainers_resuming_each_carry_equal_one_run(sizes, mode, dtype):
    from mlp_studio.core.training import Carry

    rng = np.random.default_rng(2)
    X, Z = rng.uniform(-1, 1, (9, 2)), rng.uniform(0, 1, (9, 1))
    config = TrainingConfig(learning_rate=0.4, mode=mode, batch_size=2, shuffle=True, seed=5,
                            momentum=0.9)
    start = Network.create(sizes, "sigmoid", "xavier", seed=1).astype(dtype)
    one_run = Trainer(start.copy(), X, Z, "half_squared_error", config).train(4)
    net, carry = start.copy(), Carry()
    for _ in range(4):
        trainer = Trainer(net, X, Z, "half_squared_error", config)
        trainer.resume(carry)
        trainer.run_epoch()
        carry = trainer.carry()
    assert net.equals(one_run.network)
    assert any(np.any(v) for v in carry.optimizer.slots["velocity"][0])
    forgetful = start.copy()
    for _ in range(4):  # the same epochs without the carry: shuffles restart, velocity is lost
        Trainer(forgetful, X, Z, "half_squared_error", config).run_epoch()
    assert not forgetful.equals(one_run.network)
