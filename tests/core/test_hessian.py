"""The exact Hessian (R-operator) against finite differences of the loss."""

from __future__ import annotations

import numpy as np
import pytest

from mlp_studio.core.hessian import MAX_PARAMETERS, hessian, hessian_report
from mlp_studio.core.loss_landscape import Objective, flat
from mlp_studio.core.network import Network
from mlp_studio.errors import MLPError

CASES = [  # sizes, hidden activation, output activation, loss
    ([2, 3, 1], "sigmoid", "sigmoid", "half_squared_error"),
    ([2, 3, 1], "tanh", "identity", "squared_error"),
    ([3, 4, 2, 1], "tanh", "sigmoid", "cross_entropy"),
    ([2, 4, 3], "sigmoid", "softmax", "cross_entropy"),
    ([2, 3, 2], "leaky_relu", "identity", "half_squared_error"),
]


def problem(sizes, hidden, output, loss, rows=7, seed=0):
    rng = np.random.default_rng(seed)
    net = Network.create(sizes, [hidden] * (len(sizes) - 2) + [output], "xavier", seed)
    x = rng.normal(size=(rows, sizes[0]))
    if output == "softmax":
        z = np.eye(sizes[-1])[rng.integers(0, sizes[-1], rows)]
    elif loss == "cross_entropy":
        z = rng.integers(0, 2, (rows, 1)).astype(float)
    else:
        z = rng.uniform(0.1, 0.9, (rows, sizes[-1]))
    return net, x, z


def second_differences(obj: Objective, h: float = 1e-4) -> np.ndarray:
    """d2L/dpi dpj by central second differences of the loss alone (no gradient code)."""
    theta = flat(obj.net)
    n = theta.size
    out = np.empty((n, n))
    e = np.eye(n) * h
    for i in range(n):
        for j in range(i, n):
            out[i, j] = out[j, i] = (obj.value(theta + e[i] + e[j]) - obj.value(theta + e[i] - e[j])
                                     - obj.value(theta - e[i] + e[j]) + obj.value(theta - e[i] - e[j])) / (4 * h * h)
    return out


@pytest.mark.parametrize("sizes, hidden, output, loss", CASES)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_hessian_equals_second_differences_of_the_loss(sizes, hidden, output, loss, reduction):
    net, x, z = problem(sizes, hidden, output, loss)
    obj = Objective(net, x, z, loss, reduction)
    exact = hessian(obj)
    numeric = second_differences(obj)
    assert np.allclose(exact, exact.T)
    scale = np.abs(numeric).max()
    assert np.abs(exact - numeric).max() <= 1e-6 * max(scale, 1.0)


@pytest.mark.parametrize("sizes, hidden, output, loss", CASES[:2])
def test_hessian_equals_differences_of_the_backprop_gradient(sizes, hidden, output, loss):
    net, x, z = problem(sizes, hidden, output, loss, seed=3)
    obj = Objective(net, x, z, loss)
    theta, h = flat(net), 1e-6
    numeric = np.array([(obj.gradient(theta + h * e) - obj.gradient(theta - h * e)) / (2 * h)
                        for e in np.eye(theta.size)]).T
    assert np.abs(hessian(obj) - numeric).max() < 1e-7


def test_a_quadratic_loss_has_the_textbook_hessian_and_newton_lands_on_the_minimum():
    """One identity layer with squared error: L = mean (x w + b - z)^2, H = 2/N [X 1]^T [X 1]."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20, 2))
    z = x @ np.array([[0.7], [-1.2]]) + 0.3
    net = Network.create([2, 1], "identity", "zeros")
    obj = Objective(net, x, z, "squared_error")
    design = np.column_stack([x, np.ones(20)])
    report = hessian_report(obj)
    assert np.allclose(report.matrix, 2 / 20 * design.T @ design)
    assert report.positive_definite
    eig = np.linalg.eigvalsh(2 / 20 * design.T @ design)
    assert report.condition_number == pytest.approx(eig.max() / eig.min())
    assert np.allclose(flat(net) + report.newton_step(), [0.7, -1.2, 0.3])


def test_large_networks_are_refused_with_the_limit_named():
    net = Network.create([20, 10, 1], "sigmoid")
    assert net.n_parameters > MAX_PARAMETERS
    with pytest.raises(MLPError, match=f"up to {MAX_PARAMETERS} parameters"):
        hessian(Objective(net, np.zeros((2, 20)), np.zeros((2, 1)), "half_squared_error"))
