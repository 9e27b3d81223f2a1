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


def sgd_by_hand(net: Network, X: np.ndarray, Z: np.ndarray, epochs: int, learning_rate: float,
                momentum: float = 0.0, seed: int | None = None) -> Network:
    """Online gradient descent with momentum on a sigmoid network with half squared error,
    written out with the reference's formulas in plain NumPy (no core kernels): a = sigmoid(W a
    + b); delta = y(1-y)(y-z) at the output, a(1-a) (W^T delta) below; v = mu v - eta grad;
    W += v. With ``seed``, each epoch takes the rows in the order one ``default_rng(seed)``
    shuffles them to, epoch after epoch. Returns a trained copy."""
    W = [layer.weights.copy() for layer in net.layers]
    b = [layer.biases.copy() for layer in net.layers]
    vW, vb = [np.zeros_like(w) for w in W], [np.zeros_like(c) for c in b]
    rng, order = np.random.default_rng(seed), np.arange(len(X))
    for _ in range(epochs):
        if seed is not None:
            rng.shuffle(order)
        for r in order:
            acts = [X[r]]
            for w, c in zip(W, b):
                acts.append(1.0 / (1.0 + np.exp(-(w @ acts[-1] + c))))
            delta = acts[-1] * (1 - acts[-1]) * (acts[-1] - Z[r])
            for i in range(len(W) - 1, -1, -1):
                grad_w, grad_b = np.outer(delta, acts[i]), delta
                if i:
                    delta = acts[i] * (1 - acts[i]) * (W[i].T @ delta)
                vW[i] = momentum * vW[i] - learning_rate * grad_w
                vb[i] = momentum * vb[i] - learning_rate * grad_b
                W[i] = W[i] + vW[i]
                b[i] = b[i] + vb[i]
    return Network(net.n_inputs, [Layer(w, c, layer.activation)
                                  for w, c, layer in zip(W, b, net.layers)])
