"""Comparing two networks: what changed, by how much, largest first."""

import numpy as np
import pytest

from mlp_studio.core.network import Layer, Network
from mlp_studio.core.timeline import compare_networks
from mlp_studio.errors import MLPError


def _net(w0, b0, w1, b1):
    return Network(2, [Layer(np.array(w0, float), np.array(b0, float)),
                       Layer(np.array(w1, float), np.array(b1, float))])


def test_changes_listed_largest_first_with_before_after_and_change():
    a = _net([[0.1, 0.2], [0.3, 0.4]], [0.0, 0.0], [[1.0, 1.0]], [0.5])
    b = _net([[0.1, 0.25], [0.3, 0.4]], [0.0, -0.3], [[1.0, 0.9]], [0.5])
    changes = compare_networks(a, b)
    assert [str(c.address) for c in changes] == ["b[0][1]", "w[1][0][1]", "w[0][0][1]"]
    assert [c.change for c in changes] == pytest.approx([-0.3, -0.1, 0.05])
    assert (changes[1].before, changes[1].after) == (1.0, 0.9)


def test_identical_networks_have_no_changes_and_other_shapes_are_refused():
    a = _net([[0.1, 0.2]], [0.0], [[1.0]], [0.5])
    assert compare_networks(a, a.copy()) == []
    with pytest.raises(MLPError, match="2-1-1 network with a 2-3-1"):
        compare_networks(a, Network.create([2, 3, 1]))
