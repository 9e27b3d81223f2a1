"""The reference document's 2-3-1 example, built from its printed numbers."""

import numpy as np

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.network import Layer, Network
from mlp_studio.core.trace import step_trace

HIDDEN_W = [[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]]
HIDDEN_B = [0.5, 0.5, 0.5]
OUTPUT_W = [[0.5, -1.0, 0.0]]
OUTPUT_B = [0.5]
ROWS = [[70, 98, 91], [50, 85, 82], [65, 67, 80], [25, 95, 68]]


def reference_network() -> Network:
    return Network(2, [
        Layer(np.array(HIDDEN_W), np.array(HIDDEN_B), "sigmoid"),
        Layer(np.array(OUTPUT_W), np.array(OUTPUT_B), "sigmoid"),
    ])


def step_online(net: Network, data: Dataset, epochs: int = 1, learning_rate: float = 0.1) -> Network:
    """Train ``net`` in place by traced single-sample steps over the rows in order (the
    reference's SGD written out step by step): the independent path the trainer must match."""
    for _ in range(epochs):
        for r in range(data.n_rows):
            after = step_trace(net, data.X[r:r + 1], data.Z[r:r + 1], "half_squared_error",
                               learning_rate).network_after()
            for layer, new in zip(net.layers, after.layers):
                layer.weights[...], layer.biases[...] = new.weights, new.biases
    return net


def reference_dataset(scaling: str = "minmax01") -> Dataset:
    return Dataset(["I0", "I1", "Z0"], np.array(ROWS, float), ["I0", "I1"], ["Z0"],
                   input_scaling=scaling, target_scaling=scaling)
