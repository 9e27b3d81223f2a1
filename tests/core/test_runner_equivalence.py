"""Both epoch runners and the step-through trace, over every activation, loss, mode and momentum.

The NumPy runner and the trace run the same kernels: equal bit for bit. The small-net runner
(online, tiny float64 networks) computes the same operations in plain Python floats: equal to
1e-12 relative (BLAS's fused multiply-adds and summation order, NumPy's own exp/log/tanh).
"""

import numpy as np
import pytest

from mlp_studio.core import small_net
from mlp_studio.core.activations import ACTIVATIONS
from mlp_studio.core.epoch_runner import NumpyRunner
from mlp_studio.core.losses import LOSSES, check_pairing
from mlp_studio.core.network import Network
from mlp_studio.core.small_net import SmallNetRunner
from mlp_studio.core.trace import PhasedStep
from mlp_studio.core.training import MODES, Trainer, TrainingConfig
from mlp_studio.errors import MLPError

HIDDEN = [name for name in ACTIVATIONS if name != "softmax"]
EPOCHS, ROWS, BATCH = 3, 7, 3  # 7 rows in minibatches of 3: the last batch is a partial one


def output_layers():
    """Every (output activation, loss, outputs) the loss pairing allows."""
    for loss in LOSSES:
        for act in ACTIVATIONS:
            n_out = 3 if act == "softmax" else (1 if loss == "cross_entropy" else 2)
            try:
                check_pairing(loss, act, n_out)
            except MLPError:
                continue
            yield act, loss, n_out


CASES = [pytest.param(hidden, out, loss, n_out, mode, momentum,
                      id=f"{hidden}-{out}-{loss}-{mode}-mu{momentum}")
         for hidden in HIDDEN for out, loss, n_out in output_layers()
         for mode in MODES for momentum in (0.0, 0.9)]


def problem(hidden, out, loss, n_out):
    rng = np.random.default_rng(len(hidden) * 7 + len(out) + n_out)
    X = rng.uniform(-1, 1, (ROWS, 3))
    if out == "softmax":
        Z = np.eye(n_out)[rng.integers(0, n_out, ROWS)]
    elif loss == "cross_entropy":
        Z = rng.integers(0, 2, (ROWS, 1)).astype(float)
    else:
        Z = rng.uniform(0, 1, (ROWS, n_out))
    net = Network.create([3, 4, 3, n_out], [hidden, hidden, out], "xavier", seed=5)
    return net, X, Z


def traced_epochs(net, X, Z, loss, cfg):
    """The same training by traced updates (the step-through path), batch by batch."""
    rng, order = np.random.default_rng(cfg.seed), np.arange(len(X))
    batch = cfg.rows_per_update(len(X))
    state, update_losses = None, []
    for _ in range(EPOCHS):
        if cfg.shuffle:
            rng.shuffle(order)
        update_losses = []
        for start in range(0, len(X), batch):
            rows = order[start:start + batch]
            step = PhasedStep(net, X[rows], Z[rows], loss, cfg.learning_rate, cfg.batch_reduction,
                              list(rows), cfg.optimizer_rule(), state=state)
            update_losses.append(step.run().loss_before)
            state = step.state
    return update_losses, state


@pytest.mark.parametrize("hidden, out, loss, n_out, mode, momentum", CASES)
def test_runners_and_trace_agree(hidden, out, loss, n_out, mode, momentum):
    net, X, Z = problem(hidden, out, loss, n_out)
    cfg = TrainingConfig(learning_rate=0.05, mode=mode, batch_size=BATCH, epochs=EPOCHS,
                         shuffle=True, seed=3, momentum=momentum)
    numpy_trainer = Trainer(net.copy(), X, Z, loss, cfg, runner=NumpyRunner)
    numpy_result = numpy_trainer.train()
    assert numpy_result.stop.code == "epochs"  # trained all the epochs, finite
    traced = net.copy()
    update_losses, state = traced_epochs(traced, X, Z, loss, cfg)
    assert numpy_trainer.net.equals(traced)  # the same kernels: bit for bit
    assert numpy_trainer.update_losses.tolist() == update_losses
    if momentum:
        for a, b in zip(numpy_trainer.carry().optimizer.slots["velocity"][0], state.slots["velocity"][0]):
            np.testing.assert_array_equal(a, b)
    assert numpy_trainer.updates == EPOCHS * -(-ROWS // cfg.rows_per_update(ROWS))

    assert small_net.supports(net, loss, cfg) == (mode == "online")
    if mode != "online":
        return
    fast = Trainer(net.copy(), X, Z, loss, cfg)
    assert isinstance(fast.runner, SmallNetRunner)
    fast_result = fast.train()
    for a, b in zip(fast.net.layers, numpy_trainer.net.layers):
        np.testing.assert_allclose(a.weights, b.weights, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(a.biases, b.biases, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(fast_result.losses, numpy_result.losses, rtol=1e-12)
    np.testing.assert_allclose(fast.update_losses, numpy_trainer.update_losses, rtol=1e-12, atol=1e-15)
    if momentum:
        for a, b in zip(fast.carry().optimizer.slots["velocity"][0],
                        numpy_trainer.carry().optimizer.slots["velocity"][0]):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
