"""The loss over two parameters and along the negative gradient, on the reference example."""

from __future__ import annotations

import numpy as np
import pytest

from mlp_studio.core.gradcheck import numeric_gradients
from mlp_studio.core.loss_landscape import (Objective, Parameter, flat, flat_gradients, gradient_slice,
                                            loss_plane, parameters, span_around, with_flat)
from mlp_studio.errors import MLPError
from tests.core.reference_net import reference_dataset, reference_network


@pytest.fixture
def objective():
    data = reference_dataset()
    return Objective(reference_network(), data.X, data.Z, "half_squared_error")


def test_flat_order_is_weights_row_by_row_then_biases_layer_by_layer(objective):
    net = objective.net
    params = parameters(net)
    assert len(params) == net.n_parameters == 13
    assert params[0] == Parameter(0, 0, 0) and params[1] == Parameter(0, 0, 1) and params[6] == Parameter(0, 0)
    theta = flat(net)
    assert theta[1] == net.layers[0].weights[0, 1] and theta[6] == net.layers[0].biases[0]
    assert with_flat(net, theta).equals(net.astype(np.float64))
    assert params[9].label == "w[1][0][0]" and params[12].label == "b[1][0]"


def test_the_plane_holds_the_loss_of_each_changed_network(objective):
    w, b = Parameter(1, 0, 1), Parameter(0, 2)
    plane = loss_plane(objective, w, b, span_around(0.0, 1.0, 5), np.array([-0.5, 0.5, 1.5]))
    assert plane.values.shape == (3, 5)
    net = objective.net.copy()
    net.layers[1].weights[0, 1] = plane.xs[3]
    net.layers[0].biases[2] = plane.ys[2]
    by_hand = 0.0
    for x, z in zip(objective.x, objective.z):  # the reference's half squared error, averaged
        y = net.forward(x[None, :])[0]
        by_hand += 0.5 * float(np.sum((y - z) ** 2)) / len(objective.x)
    assert plane.values[2, 3] == pytest.approx(by_hand, rel=1e-12)
    path = plane.project([objective.net, net])
    assert path.tolist() == [[objective.net.layers[1].weights[0, 1], objective.net.layers[0].biases[2]],
                             [plane.xs[3], plane.ys[2]]]


def test_the_slice_goes_downhill_first_and_its_slope_is_minus_the_gradient_norm(objective):
    s = gradient_slice(objective, length=0.5, n=51)
    numeric = flat_gradients(numeric_gradients(objective.net, objective.x, objective.z, "half_squared_error"))
    assert s.gradient_norm == pytest.approx(np.linalg.norm(numeric), rel=1e-6)
    slope = (s.values[1] - s.values[0]) / s.steps[1]
    assert slope == pytest.approx(-s.gradient_norm, rel=0.05)
    assert s.values[int(np.argmin(s.values))] < s.values[0] and s.best_step > 0


@pytest.mark.parametrize("call, message", [
    (lambda o: loss_plane(o, Parameter(0, 0, 0), Parameter(0, 0, 0), [0, 1], [0, 1]), "two different"),
    (lambda o: loss_plane(o, Parameter(0, 0, 0), Parameter(5, 0), [0, 1], [0, 1]), "no parameter b\\[5\\]\\[0\\]"),
    (lambda o: gradient_slice(o, length=-1.0), "positive"),
])
def test_bad_requests_are_refused(objective, call, message):
    with pytest.raises(MLPError, match=message):
        call(objective)
