"""The output of a 2-input network over a grid of inputs (for an output-surface image)."""

from __future__ import annotations

import numpy as np

from mlp_studio.core.network import Network
from mlp_studio.errors import MLPError


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
