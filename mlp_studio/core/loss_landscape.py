"""The network's own loss as a function of its parameters: flat parameter vectors, the loss
over a plane of two parameters (the others fixed), and a slice along the negative gradient.

Parameters are flattened layer by layer, each layer's weights row by row
(``weights[layer][node][input]``) and then its biases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlp_studio.core.gradcheck import backprop_gradients, mean_loss
from mlp_studio.core.network import Network
from mlp_studio.errors import MLPError

MAX_GRID = 201  # points per axis of a loss plane
MAX_SLICE = 2001


@dataclass(frozen=True)
class Parameter:
    """One parameter: a weight (``input`` set) or a bias (``input`` None) of ``layer``."""

    layer: int
    node: int
    input: int | None = None  # noqa: A003

    @property
    def label(self) -> str:
        if self.input is None:
            return f"b[{self.layer}][{self.node}]"
        return f"w[{self.layer}][{self.node}][{self.input}]"


def parameters(net: Network) -> list[Parameter]:
    """Every parameter of ``net`` in flat order."""
    out = []
    for i, layer in enumerate(net.layers):
        out += [Parameter(i, n, k) for n in range(layer.n_out) for k in range(layer.n_in)]
        out += [Parameter(i, n) for n in range(layer.n_out)]
    return out


def flat(net: Network) -> np.ndarray:
    """``net``'s parameters as one float64 vector (a copy)."""
    return np.concatenate([np.concatenate([l.weights.ravel(), l.biases.ravel()]) for l in net.layers]
                          ).astype(np.float64)


def flat_gradients(grads: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Per-layer (dW, db) pairs as one vector in ``flat`` order."""
    return np.concatenate([np.concatenate([gw.ravel(), gb.ravel()]) for gw, gb in grads])


def with_flat(net: Network, theta: np.ndarray) -> Network:
    """A copy of ``net`` with its parameters taken from ``theta`` (``flat`` order)."""
    theta = np.asarray(theta, np.float64)
    if theta.shape != (net.n_parameters,):
        raise MLPError(f"expected {net.n_parameters} parameter values, got {theta.shape}")
    out, k = net.astype(np.float64), 0
    for layer in out.layers:
        for param in (layer.weights, layer.biases):
            param[...] = theta[k:k + param.size].reshape(param.shape)
            k += param.size
    return out


def index_of(net: Network, parameter: Parameter) -> int:
    """The position of ``parameter`` in ``flat(net)``; a clear error when it does not exist."""
    try:
        return parameters(net).index(parameter)
    except ValueError:
        raise MLPError(f"the network has no parameter {parameter.label}") from None


@dataclass(frozen=True)
class Objective:
    """The training loss of a network's shape on fixed rows, as a function of the parameters."""

    net: Network
    x: np.ndarray
    z: np.ndarray
    loss: str
    reduction: str = "mean"

    def value(self, theta: np.ndarray) -> float:
        return mean_loss(with_flat(self.net, theta), self.x, self.z, self.loss, self.reduction)

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        return flat_gradients(backprop_gradients(with_flat(self.net, theta), self.x, self.z,
                                                 self.loss, self.reduction))


@dataclass(frozen=True)
class LossPlane:
    """The loss over a grid of two parameters: ``values[j, i]`` at (``xs[i]``, ``ys[j]``)."""

    first: Parameter
    second: Parameter
    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray

    def project(self, nets: list[Network]) -> np.ndarray:
        """The (first, second) values of each network: a path drawn on the plane."""
        i, j = index_of(nets[0], self.first), index_of(nets[0], self.second)
        return np.array([flat(n)[[i, j]] for n in nets]).reshape(-1, 2)


def loss_plane(objective: Objective, first: Parameter, second: Parameter,
               xs: np.ndarray, ys: np.ndarray) -> LossPlane:
    """The loss with ``first`` set to each of ``xs`` and ``second`` to each of ``ys``."""
    xs, ys = np.asarray(xs, np.float64), np.asarray(ys, np.float64)
    if first == second:
        raise MLPError("choose two different parameters")
    if not (1 < xs.size <= MAX_GRID and 1 < ys.size <= MAX_GRID):
        raise MLPError(f"a loss plane has 2 to {MAX_GRID} points per axis")
    theta = flat(objective.net)
    i, j = index_of(objective.net, first), index_of(objective.net, second)
    values = np.empty((ys.size, xs.size))
    for b, y in enumerate(ys):
        for a, x in enumerate(xs):
            theta[i], theta[j] = x, y
            values[b, a] = objective.value(theta)
    return LossPlane(first, second, xs, ys, values)


def span_around(value: float, half_width: float, n: int) -> np.ndarray:
    """``n`` points from ``value - half_width`` to ``value + half_width``."""
    return np.linspace(value - half_width, value + half_width, n)


@dataclass(frozen=True)
class GradientSlice:
    """The loss along the negative gradient: ``values[k]`` at theta - ``steps[k]`` * g / |g|."""

    steps: np.ndarray
    values: np.ndarray
    gradient_norm: float

    @property
    def best_step(self) -> float:
        """Where an exact line search on this grid stops: the step of the lowest loss."""
        return float(self.steps[int(np.nanargmin(self.values))])


def gradient_slice(objective: Objective, length: float, n: int = 101) -> GradientSlice:
    """The loss at ``n`` points from the current parameters to ``length`` along -g/|g|."""
    if not 2 <= n <= MAX_SLICE:
        raise MLPError(f"a slice has 2 to {MAX_SLICE} points")
    if not (np.isfinite(length) and length > 0):
        raise MLPError(f"the slice length must be a positive number, got {length}")
    theta = flat(objective.net)
    g = objective.gradient(theta)
    norm = float(np.linalg.norm(g))
    if norm == 0.0:
        raise MLPError("the gradient is zero here: there is no downhill direction")
    steps = np.linspace(0.0, length, n)
    values = np.array([objective.value(theta - t * g / norm) for t in steps])
    return GradientSlice(steps, values, norm)
