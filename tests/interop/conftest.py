"""Projects of several shapes, every activation and every loss, with scaled data."""

from __future__ import annotations

import numpy as np
import pytest

from mlp_studio.api import dataset_from_arrays
from mlp_studio.core.network import Network
from mlp_studio.core.project import Project
from mlp_studio.core.training import TrainingConfig

# (sizes, activations, loss, input scaling, target scaling)
CASES = [
    ([2, 3, 1], ["sigmoid", "sigmoid"], "half_squared_error", "minmax01", "minmax01"),
    ([3, 5, 2], ["tanh", "identity"], "squared_error", "zscore", "zscore"),
    ([4, 6, 5, 3], ["relu", "leaky_relu", "softmax"], "cross_entropy", "minmax11", "none"),
    ([3, 4, 1], ["leaky_relu", "sigmoid"], "cross_entropy", "minmax01", "none"),
    ([1, 8, 1], ["tanh", "tanh"], "half_squared_error", "minmax11", "minmax11"),
    ([5, 2], ["identity"], "squared_error", "none", "minmax01"),
]
CASE_IDS = ["-".join(map(str, c[0])) + "-" + c[1][-1] + "-" + c[2] for c in CASES]


def make_project(case, rows: int = 24, seed: int = 0) -> Project:
    sizes, acts, loss, in_scaling, out_scaling = case
    rng = np.random.default_rng(seed)
    x = rng.normal(3.0, 4.0, size=(rows, sizes[0]))
    if loss == "cross_entropy":
        k = sizes[-1]
        labels = np.arange(rows) % max(k, 2)
        z = labels[:, None].astype(float) if k == 1 else np.eye(k)[labels]
    else:
        z = rng.uniform(-5.0, 20.0, size=(rows, sizes[-1]))
    data = dataset_from_arrays(x, z, input_scaling=in_scaling, target_scaling=out_scaling)
    net = Network.create(sizes, acts, initializer="xavier", seed=seed)
    for layer in net.layers:  # non-zero biases, so a lost bias shows
        layer.biases[:] = rng.uniform(-0.5, 0.5, layer.n_out)
    return Project(net, loss, data, TrainingConfig(learning_rate=0.05, mode="minibatch",
                                                  batch_size=5, epochs=3))


@pytest.fixture(params=CASES, ids=CASE_IDS)
def project(request) -> Project:
    return make_project(request.param)
