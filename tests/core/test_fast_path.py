"""The small-net runner's own behaviour (edits between epochs, divergence, stop rules, what it
supports); float32 networks stay float32. Its numbers against the NumPy runner and the trace:
``test_runner_equivalence.py``."""

import math

import numpy as np
import pytest

from mlp_studio.core import small_net
from mlp_studio.core.activations import ACTIVATIONS, Activation
from mlp_studio.core.epoch_runner import NumpyRunner
from mlp_studio.core.losses import get_loss
from mlp_studio.core.network import Network
from mlp_studio.core.small_net import SmallNetRunner
from mlp_studio.core.trace import step_trace
from mlp_studio.core.training import STOP_DIVERGED, STOP_TARGET, Trainer, TrainingConfig
from mlp_studio.core.workspace import Workspace
from tests.core.reference_net import reference_dataset, reference_network, step_online

def problem(sizes, kind, rows=6, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (rows, sizes[0]))
    n = sizes[-1]
    if kind == "unit":
        Z = rng.uniform(0, 1, (rows, n))
    elif kind == "real":
        Z = rng.normal(0, 1, (rows, n))
    elif kind == "binary":
        Z = rng.integers(0, 2, (rows, n)).astype(float)
    else:
        Z = np.eye(n)[rng.integers(0, n, rows)]
    return X, Z


def assert_close_networks(a: Network, b: Network, rtol=1e-12):
    for la, lb in zip(a.layers, b.layers):
        np.testing.assert_allclose(la.weights, lb.weights, rtol=rtol, atol=1e-14)
        np.testing.assert_allclose(la.biases, lb.biases, rtol=rtol, atol=1e-14)


def test_fast_path_on_the_reference_example_equals_the_traced_steps_to_1e_12():
    ds = reference_dataset()
    stepped = step_online(reference_network(), ds, epochs=3)
    trainer = Trainer(reference_network(), ds.X, ds.Z, "half_squared_error", TrainingConfig(epochs=3))
    assert isinstance(trainer.runner, SmallNetRunner)  # the plain-Python path is the one under test
    trainer.train()
    assert_close_networks(trainer.net, stepped)


def test_run_epoch_sees_weights_changed_between_epochs_and_on_epoch_sees_progress():
    ds = reference_dataset()
    trainer = Trainer(reference_network(), ds.X, ds.Z, "half_squared_error", TrainingConfig(epochs=2))
    trainer.run_epoch()
    trainer.net.layers[1].weights[0, 0] = 2.0  # an edit between epochs must be trained from
    expected = step_online(trainer.net.copy(), ds)
    trainer.run_epoch()
    assert_close_networks(trainer.net, expected)

    seen = []
    trainer.train(2, on_epoch=lambda e, loss: seen.append(trainer.net.layers[1].weights.copy()))
    assert not np.array_equal(seen[0], seen[1])
    np.testing.assert_array_equal(seen[1], trainer.net.layers[1].weights)


def test_fast_path_divergence_keeps_last_finite_weights():
    X = np.array([[1.0, 2.0], [3.0, -1.0], [-2.0, 4.0]])
    Z = np.array([[10.0], [-30.0], [50.0]])
    net = Network.create([2, 3, 1], ["identity", "identity"], "uniform", seed=0)
    trainer = Trainer(net, X, Z, "squared_error", TrainingConfig(learning_rate=5.0, epochs=100))
    assert isinstance(trainer.runner, SmallNetRunner)
    result = trainer.train()
    assert result.stop.code == STOP_DIVERGED
    assert net.is_finite()
    # The kept weights are those after the last finite epoch: one more epoch from them
    # (by the trace path) is what diverged.
    again = net.copy()
    with np.errstate(all="ignore"):
        losses = []
        for r in range(3):
            trace = step_trace(again, X[r:r + 1], Z[r:r + 1], "squared_error", 5.0)
            losses.append(trace.loss_before)
            again = trace.network_after()
    assert not (all(map(math.isfinite, losses)) and again.is_finite())


def test_fast_path_target_loss_stops():
    ds = reference_dataset()
    cfg = TrainingConfig(learning_rate=0.5, epochs=None, target_loss=0.01)
    result = Trainer(reference_network(), ds.X, ds.Z, "half_squared_error", cfg).train()
    assert result.stop.code == STOP_TARGET
    assert result.losses[-1] <= 0.01 < result.losses[-2]


def test_fast_path_only_for_small_float64_online_with_known_activations_and_loss(monkeypatch):
    small, loss, online = reference_network(), "half_squared_error", TrainingConfig(mode="online")
    assert small_net.supports(small, loss, online)
    assert not small_net.supports(small, loss, TrainingConfig(mode="minibatch"))
    assert not small_net.supports(small.astype(np.float32), loss, online)
    assert not small_net.supports(Network.create([30, 20, 1]), loss, online)  # 641 parameters
    assert not small_net.supports(small, "hinge", online)
    for other in (dict(optimizer="adam"), dict(optimizer="nesterov"), dict(l2=0.1), dict(l1=0.1)):
        assert not small_net.supports(small, loss, TrainingConfig(**other))
    with pytest.raises(ValueError, match="no code for the loss 'hinge'"):
        small_net._compile(((2, 3, "sigmoid"), (3, 1, "sigmoid")), "hinge", False)
    # An activation the generator has no code for: the NumPy runner trains it.
    softplus = Activation("softplus", lambda s, out: np.logaddexp(s, 0.0, out=out),
                          lambda s, a, out: np.subtract(1.0, np.exp(-a, out=out), out=out),
                          (0.0, np.inf), r"\log(1 + e^s)")
    monkeypatch.setitem(ACTIVATIONS, "softplus", softplus)
    net = Network.create([2, 3, 1], ["softplus", "identity"], "xavier", seed=0)
    assert not small_net.supports(net, loss, online)
    ds = reference_dataset()
    trainer = Trainer(net, ds.X, ds.Z, loss, TrainingConfig(epochs=1))
    assert isinstance(trainer.runner, NumpyRunner)


# --- float32 end to end --------------------------------------------------------------

F32_CASES = [
    ([5, 8, 3], ["relu", "softmax"], "cross_entropy", "onehot", "minibatch"),
    ([5, 8, 1], ["tanh", "sigmoid"], "cross_entropy", "binary", "online"),
    ([5, 8, 6, 2], ["leaky_relu", "sigmoid", "identity"], "squared_error", "real", "batch"),
    ([2, 3, 1], ["sigmoid", "sigmoid"], "half_squared_error", "unit", "online"),
]


@pytest.mark.parametrize("sizes, acts, loss, kind, mode", F32_CASES)
def test_float32_network_trains_in_float32(sizes, acts, loss, kind, mode):
    X, Z = problem(sizes, kind, rows=10)
    net64 = Network.create(sizes, acts, "xavier", seed=2)
    net32 = net64.astype(np.float32)
    cfg = TrainingConfig(learning_rate=np.float64(0.2), mode=mode, batch_size=4, epochs=3,
                         momentum=0.5)
    trainer = Trainer(net32, X, Z, loss, cfg)
    assert isinstance(trainer.runner, NumpyRunner)
    result = trainer.train()
    ws = trainer.runner.ws
    buffers = ws._s + ws._a + ws._delta + ws._back + ws.grad_w + ws.grad_b + ws.state.slots["velocity"][0] + ws.state.slots["velocity"][1]
    assert all(b.dtype == np.float32 for b in buffers)
    assert all(l.weights.dtype == np.float32 and l.biases.dtype == np.float32 for l in net32.layers)
    assert all(math.isfinite(v) for v in result.losses)
    # Same run in float64: equal to float32 precision, but not identical (it really ran in float32).
    ref = Trainer(net64.copy(), X, Z, loss, cfg)
    ref_result = ref.train()
    np.testing.assert_allclose(result.losses, ref_result.losses, rtol=1e-5)
    for l32, l64 in zip(net32.layers, ref.net.layers):
        np.testing.assert_allclose(l32.weights, l64.weights, rtol=1e-4, atol=1e-5)
    assert not all(np.array_equal(l32.weights, l64.weights.astype(np.float32))
                   for l32, l64 in zip(net32.layers, ref.net.layers))


def test_float32_update_is_rounded_in_float32():
    """One step by hand in float32 arithmetic: w - float32(lr) * g, with g = delta * a_prev."""
    net = reference_network().astype(np.float32)
    x = np.array([[0.3, 0.7]], np.float32)
    z = np.array([[0.6]], np.float32)
    tr = step_trace(net, x, z, "half_squared_error", 0.1)
    out = tr.layers[1]
    for arr in (out.s, out.a, out.delta, out.grad_weights, out.weights_after):
        assert arr.dtype == np.float32
    a_prev = tr.layers[0].a
    np.testing.assert_array_equal(out.grad_weights, np.outer(out.delta, a_prev))
    np.testing.assert_array_equal(out.weights_after,
                                  out.weights_before - np.float32(0.1) * out.grad_weights)


def test_float32_binary_cross_entropy_saturated_output_is_finite():
    """float32 cannot hold 1 - 1e-12: the clip must still keep log(1 - y) finite."""
    loss = get_loss("cross_entropy")
    y = np.array([[1.0], [0.0]], np.float32)
    z = np.array([[1.0], [0.0]], np.float32)
    values = loss.per_sample(y, z)
    assert values.dtype == np.float32
    assert np.all(np.isfinite(values)) and np.all(values < 1e-6)


def test_workspace_reuses_buffers_across_updates():
    X, Z = problem([3, 4, 2], "real", rows=8)
    net = Network.create([3, 4, 2], ["tanh", "identity"], "xavier", seed=0)
    trainer = Trainer(net, X, Z, "squared_error",
                      TrainingConfig(mode="minibatch", batch_size=3, epochs=1))
    ws: Workspace = trainer.runner.ws
    ids = [id(b) for b in ws._s + ws._a + ws._delta + ws.grad_w + ws.grad_b]
    trainer.train(2)
    assert ids == [id(b) for b in ws._s + ws._a + ws._delta + ws.grad_w + ws.grad_b]
    assert all(np.shares_memory(v, b) for v, b in zip(ws._sv, ws._s))


def test_fast_path_weights_reach_the_network_when_a_callback_raises():
    ds = reference_dataset()
    expected = Trainer(reference_network(), ds.X, ds.Z, "half_squared_error",
                       TrainingConfig(epochs=2)).train().network
    trainer = Trainer(reference_network(), ds.X, ds.Z, "half_squared_error", TrainingConfig(epochs=5))

    def stop_after_two(epoch, loss):
        if epoch == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        trainer.train(on_epoch=stop_after_two)
    assert trainer.net.equals(expected)
