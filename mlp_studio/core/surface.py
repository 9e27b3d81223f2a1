"""A 2-input network over a grid of inputs: its output (for the output surface) and every
node's activation (for neuron maps)."""

from __future__ import annotations

import numpy as np

from mlp_studio.core.network import Network
from mlp_studio.core.workspace import Workspace
from mlp_studio.errors import MLPError


def input_window(x: np.ndarray, margin: float = 0.1) -> tuple[tuple[float, float], tuple[float, float]]:
    """The x and y ranges around the rows ``x`` of a 2-input data set, ``margin`` of each
    span added on either side (a span of 0 counts as 1)."""
    lo, hi = x.min(axis=0), x.max(axis=0)
    pad = margin * np.where(hi > lo, hi - lo, 1.0)
    return (float(lo[0] - pad[0]), float(hi[0] + pad[0])), (float(lo[1] - pad[1]), float(hi[1] + pad[1]))


def grid_axes(x_range: tuple[float, float], y_range: tuple[float, float],
              n: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``n`` evenly spaced x and y values of the grid, ends included."""
    if n < 2:
        raise MLPError(f"a grid needs at least 2 points per side, got {n}")
    return np.linspace(*x_range, n), np.linspace(*y_range, n)


def output_grid(net: Network, x_range: tuple[float, float], y_range: tuple[float, float],
                n: int, output: int = 0) -> np.ndarray:
    """Output ``output`` of ``net`` on an n x n grid; ``[iy, ix]`` is the point
    (xs[ix], ys[iy]) of :func:`grid_axes` (rows go along y)."""
    if net.n_inputs != 2:
        raise MLPError(f"an output surface needs a network with 2 inputs, this one has {net.n_inputs}")
    if not 0 <= output < net.n_outputs:
        raise MLPError(f"output {output} does not exist; the network has {net.n_outputs}")
    xs, ys = grid_axes(x_range, y_range, n)
    gx, gy = np.meshgrid(xs, ys)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    return net.forward(points)[:, output].reshape(n, n)


def activation_grids(net: Network, x_range: tuple[float, float], y_range: tuple[float, float],
                     n: int) -> list[np.ndarray]:
    """Every node's activation on an n x n grid of a 2-input network's inputs: per layer an
    array (nodes, n, n) whose ``[k, iy, ix]`` is node k at (xs[ix], ys[iy])."""
    if net.n_inputs != 2:
        raise MLPError(f"neuron maps need a network with 2 inputs, this one has {net.n_inputs}")
    xs, ys = grid_axes(x_range, y_range, n)
    gx, gy = np.meshgrid(xs, ys)
    points = np.column_stack([gx.ravel(), gy.ravel()]).astype(net.dtype)
    ws = Workspace(net, _any_loss_for(net), points.shape[0])
    ws.forward(points)
    return [ws.a(i).T.reshape(layer.n_out, n, n).copy() for i, layer in enumerate(net.layers)]


def _any_loss_for(net: Network) -> str:
    """A loss the output layer pairs with (a forward pass computes no loss, but a Workspace
    checks the pairing)."""
    if net.layers[-1].activation == "softmax":
        return "cross_entropy"
    return "half_squared_error"
