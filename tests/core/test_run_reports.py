"""What a training run reports besides the loss: the penalty apart from the data loss, each
epoch's learning rate, and the accuracy on the training and the held-out rows, checked
against scikit-learn and by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, mean_squared_error

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.evaluation import holdout_split
from mlp_studio.core.network import Network
from mlp_studio.core.training import TrainingConfig
from mlp_studio.core.training_run import RunSpec, run_training
from tests.core.test_optimizers import ROWS, problem, sklearn_after_epochs
from tests.core.test_training_run import Script

EPOCHS = 3


def regression_spec(config: TrainingConfig) -> tuple[RunSpec, np.ndarray, np.ndarray]:
    """The optimiser tests' regression problem, unscaled, with a 3-4-1 tanh network."""
    X, y, *_ = problem("regression")
    data = Dataset(["a", "b", "c", "y"], np.c_[X, y], ["a", "b", "c"], ["y"],
                   input_scaling="none", target_scaling="none")
    net = Network.create([3, 4, 1], ["tanh", "identity"], "xavier", seed=4)
    return RunSpec(net, data, "half_squared_error", config, EPOCHS), X, y


def reported(spec: RunSpec) -> dict[str, np.ndarray]:
    snaps = []
    run_training(1, spec, snaps.append, Script())
    out = {}
    for name in ("train_loss", "penalty", "data_loss", "rate"):
        parts = [getattr(s, name) for s in snaps if s.epochs.size]
        out[name] = None if parts[0] is None else np.concatenate(parts)
    return out


def test_batch_l2_penalty_and_data_loss_equal_scikit_learn():
    l2 = 0.05
    cfg = TrainingConfig(learning_rate=0.1, mode="batch", l2=l2, epochs=EPOCHS)
    spec, X, y = regression_spec(cfg)
    sk_weights, sk_losses = sklearn_after_epochs("regression", "tanh", spec.network, cfg, EPOCHS)
    # the weights each epoch started from: the preset ones, then scikit-learn's after each epoch
    starts = [([l.weights.T for l in spec.network.layers], [l.biases for l in spec.network.layers])]
    starts += [([w.T for w in ws], bs) for ws, bs in sk_weights[:-1]]
    penalty = [l2 / 2 * sum(float((w ** 2).sum()) for w in ws) / ROWS for ws, _ in starts]
    data_loss = [mean_squared_error(y, np.tanh(X @ ws[0] + bs[0]) @ ws[1] + bs[1]) / 2 for ws, bs in starts]
    got = reported(spec)
    np.testing.assert_allclose(got["train_loss"], sk_losses, rtol=1e-9)
    np.testing.assert_allclose(got["penalty"], penalty, rtol=1e-9)
    np.testing.assert_allclose(got["data_loss"], data_loss, rtol=1e-9)
    assert got["penalty"][0] > 0.01 * got["train_loss"][0]  # a part worth showing


def test_summed_l1_penalty_by_hand_and_none_without_a_penalty():
    l1 = 0.02
    spec, *_ = regression_spec(TrainingConfig(learning_rate=0.1, mode="batch", batch_reduction="sum",
                                              l1=l1, epochs=EPOCHS))
    by_hand = l1 * sum(float(np.abs(l.weights).sum()) for l in spec.network.layers)  # not divided: sum
    assert reported(spec)["penalty"][0] == pytest.approx(by_hand, rel=1e-12)
    spec.config = TrainingConfig(learning_rate=0.1, mode="batch", epochs=EPOCHS)
    assert reported(spec)["penalty"] is None


@pytest.mark.parametrize("schedule, extra, by_hand", [
    # invscaling: eta0 / (t + 1) ** power_t, t the samples seen: 12 rows an epoch
    ("invscaling", dict(power_t=0.5), [0.4, 0.4 / math.sqrt(13), 0.4 / 5]),
    ("step", dict(gamma=0.5, step_epochs=2), [0.4, 0.4, 0.2]),
    ("cosine", dict(), [0.4, 0.4 * 0.75, 0.4 * 0.25]),  # (1 + cos(pi e / 3)) / 2
    ("constant", dict(), [0.4] * 3),
])
def test_each_epochs_learning_rate_is_reported(schedule, extra, by_hand):
    spec, *_ = regression_spec(TrainingConfig(learning_rate=0.4, mode="online", schedule=schedule,
                                              epochs=EPOCHS, **extra))
    np.testing.assert_allclose(reported(spec)["rate"], by_hand, rtol=1e-14)


def test_accuracy_on_the_training_and_the_held_out_rows_equals_scikit_learn():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(50, 2))
    labels = (X[:, 0] + 0.5 * X[:, 1] + 0.4 * rng.normal(size=50) > 0).astype(float)
    data = Dataset(["a", "b", "c"], np.c_[X, labels], ["a", "b"], ["c"])
    net = Network.create([2, 3, 1], ["tanh", "sigmoid"], "xavier", seed=1)
    config = TrainingConfig(learning_rate=0.5, mode="batch", holdout=0.3, seed=2)
    snaps = []
    result = run_training(1, RunSpec(net, data, "cross_entropy", config, 5), snaps.append, Script())
    train_rows, val_rows = holdout_split(50, 0.3, 2)
    expected = [accuracy_score(labels[rows], result.network.forward(data.X[rows])[:, 0] >= 0.5)
                for rows in (train_rows, val_rows)]
    last = snaps[-1]  # the run's end is always evaluated
    assert last.accuracy == pytest.approx(expected, rel=1e-15)
    assert (last.train_evaluation.rows, last.evaluation.rows) == (35, 15)
    assert 0.5 < expected[0] < 1.0  # neither trivial nor perfect: a wrong split would show


def test_without_held_out_rows_the_accuracy_is_the_training_rows():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(40, 1))
    labels = (X[:, 0] > 0.3).astype(float)
    data = Dataset(["a", "c"], np.c_[X, labels], ["a"], ["c"])
    net = Network.create([1, 2, 1], ["tanh", "sigmoid"], "xavier", seed=3)
    snaps = []
    result = run_training(1, RunSpec(net, data, "cross_entropy", TrainingConfig(mode="batch"), 2),
                          snaps.append, Script())
    expected = accuracy_score(labels, result.network.forward(data.X)[:, 0] >= 0.5)
    assert snaps[-1].accuracy == (pytest.approx(expected, rel=1e-15), None)
    assert snaps[-1].train_evaluation is None
