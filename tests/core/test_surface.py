"""The output grid of a 2-input network, against the reference network by hand."""

import math

import numpy as np
import pytest

from mlp_studio.core.network import Network
from mlp_studio.core.surface import grid_axes, output_grid
from mlp_studio.errors import MLPError
from tests.core.reference_net import HIDDEN_B, HIDDEN_W, OUTPUT_B, OUTPUT_W, reference_network


def by_hand(x0: float, x1: float) -> float:
    sig = lambda v: 1.0 / (1.0 + math.exp(-v))  # noqa: E731
    a = [sig(HIDDEN_W[j][0] * x0 + HIDDEN_W[j][1] * x1 + HIDDEN_B[j]) for j in range(3)]
    return sig(sum(OUTPUT_W[0][j] * a[j] for j in range(3)) + OUTPUT_B[0])


def test_grid_rows_run_along_y_and_match_the_network_by_hand():
    grid = output_grid(reference_network(), (0.0, 1.0), (-1.0, 2.0), 4)
    xs, ys = grid_axes((0.0, 1.0), (-1.0, 2.0), 4)
    np.testing.assert_allclose(xs, [0, 1 / 3, 2 / 3, 1])
    np.testing.assert_allclose(ys, [-1, 0, 1, 2])
    for iy in range(4):
        for ix in range(4):
            assert grid[iy, ix] == pytest.approx(by_hand(xs[ix], ys[iy]), abs=1e-15)
    assert grid[3, 3] == pytest.approx(by_hand(1.0, 2.0))


def test_reference_point_one_one_gives_the_reference_output():
    grid = output_grid(reference_network(), (0.0, 1.0), (0.0, 1.0), 2)
    assert grid[1, 1] == pytest.approx(0.5030, abs=5e-5)  # the reference's y for input (1, 1)


def test_refuses_other_input_counts_and_tiny_grids():
    with pytest.raises(MLPError, match="2 inputs"):
        output_grid(Network.create([3, 2, 1]), (0, 1), (0, 1), 5)
    with pytest.raises(MLPError, match="at least 2"):
        output_grid(reference_network(), (0, 1), (0, 1), 1)
    with pytest.raises(MLPError, match="output 1"):
        output_grid(reference_network(), (0, 1), (0, 1), 3, output=1)


def test_activation_grids_hold_every_node_by_hand():
    from mlp_studio.core.surface import activation_grids

    sig = lambda v: 1.0 / (1.0 + math.exp(-v))  # noqa: E731
    hidden, output = activation_grids(reference_network(), (0.0, 1.0), (-1.0, 2.0), 4)
    xs, ys = grid_axes((0.0, 1.0), (-1.0, 2.0), 4)
    assert hidden.shape == (3, 4, 4) and output.shape == (1, 4, 4)
    for j in range(3):
        for iy in range(4):
            for ix in range(4):
                s = HIDDEN_W[j][0] * xs[ix] + HIDDEN_W[j][1] * ys[iy] + HIDDEN_B[j]
                assert hidden[j, iy, ix] == pytest.approx(sig(s), abs=1e-15)
    assert np.allclose(output[0], output_grid(reference_network(), (0.0, 1.0), (-1.0, 2.0), 4))


def test_activation_grids_need_two_inputs():
    from mlp_studio.core.surface import activation_grids

    with pytest.raises(MLPError, match="2 inputs"):
        activation_grids(Network.create([3, 2, 1]), (0, 1), (0, 1), 5)
