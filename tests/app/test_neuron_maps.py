"""Neuron maps: every node's activation over the input plane, following steps and runs."""

from __future__ import annotations

import numpy as np
import pytest

from mlp_studio.app.stepping.neuron_maps import GRID, NeuronMaps
from mlp_studio.core.surface import activation_grids, input_window


@pytest.fixture
def maps(window, qtbot):
    window.open_example("two_moons.mlp.json")  # 2-8-1
    dock = window.step_views.docks["neuron_maps"]
    dock.show()
    dock.raise_()
    view = window.step_views.neuron_maps
    view.refresher.flush()
    return window, view


def by_hand(net, x, node):
    """Hidden node ``node``'s tanh at the scaled input point ``x``, written out."""
    layer = net.layers[0]
    s = layer.weights[node, 0] * x[0] + layer.weights[node, 1] * x[1] + layer.biases[node]
    return (np.exp(s) - np.exp(-s)) / (np.exp(s) + np.exp(-s))


def test_one_map_per_node_holding_its_activation(maps):
    window, view = maps
    net, data = window.document.project.network, window.document.project.data
    assert sorted(view.images) == [(0, k) for k in range(8)] + [(1, 0)]
    (x0, x1), (y0, y1) = input_window(data.X, 0.1)
    corner = np.array([x0, y1])  # grid row -1, column 0
    assert view.grids[0][3][-1, 0] == pytest.approx(by_hand(net, corner, 3), rel=1e-12)
    image = view.images[(0, 3)].image
    assert image.shape == (GRID, GRID) and np.array_equal(image, view.grids[0][3])
    assert view.images[(0, 3)].levels.tolist() == [-1.0, 1.0]  # tanh's range
    assert view.images[(1, 0)].levels.tolist() == [0.0, 1.0]  # the sigmoid output's


def test_a_click_enlarges_a_map_with_the_data_points(maps):
    window, view = maps
    view.choose(1, 0)
    assert np.array_equal(view.large_image.image, view.grids[1][0])
    x, y = view.large_points.getData()
    raw = window.document.project.data.raw_inputs
    assert np.array_equal(x, raw[:, 0]) and np.array_equal(y, raw[:, 1])
    assert "Node 0 of output layer" in view.large.getPlotItem().titleLabel.text


def test_maps_follow_a_training_snapshot(maps):
    window, view = maps
    net = window.document.project.network.copy()
    net.layers[0].weights[:] *= -1.0
    window.document.show_snapshot(net)
    view.refresher.flush()
    expected = activation_grids(net, *input_window(window.document.project.data.X, 0.1), GRID)
    assert np.allclose(view.grids[0], expected[0])
    window.document.show_snapshot(None)


def test_a_network_without_two_inputs_gets_a_message(window, qtbot):
    view = NeuronMaps(window.document)
    qtbot.addWidget(view)
    view.refresher.flush()
    assert view.currentIndex() == 1  # the reference example has 2 inputs
    window.open_example("noisy_sine.mlp.json")  # 1 input
    view.refresh()
    assert view.currentIndex() == 0 and "2 inputs" in view.message.text()
