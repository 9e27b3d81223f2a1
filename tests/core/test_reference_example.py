"""The reference document's numbers, to the digits it prints, and its slips caught."""

import math

import numpy as np
import pytest

from mlp_studio.core.trace import step_trace
from tests.core.reference_net import reference_dataset, reference_network

PRINTED = 1e-4  # the document prints four decimals (sometimes truncated, sometimes rounded)


def sig(s: float) -> float:
    return 1.0 / (1.0 + math.exp(-s))


def test_minmax01_table_matches_reference():
    X = reference_dataset("minmax01").X
    assert X[:, 0] == pytest.approx([1.0, 0.5555, 0.8888, 0.0], abs=PRINTED)
    assert X[:, 1] == pytest.approx([1.0, 0.5806, 0.0, 0.9032], abs=PRINTED)
    assert X[2, 0] == pytest.approx((65 - 25) / (70 - 25))  # the document's worked cell


def test_minmax11_table_matches_reference_except_its_sign_slip():
    X = reference_dataset("minmax11").X
    # The document prints -0.1111 for 50; (50-25)/(70-25)*2-1 = +0.1111.
    assert X[:, 0] == pytest.approx([1.0, 0.1111, 0.7777, -1.0], abs=PRINTED)
    assert X[:, 1] == pytest.approx([1.0, 0.1613, -1.0, 0.8064], abs=PRINTED)


def test_forward_pass_for_input_one_one():
    ds = reference_dataset()
    assert ds.X[0] == pytest.approx([1.0, 1.0])
    trace = step_trace(reference_network(), ds.X[:1], ds.Z[:1], "half_squared_error", 0.1)
    hidden, out = trace.layers
    assert hidden.s == pytest.approx([-1.0, 0.5, 1.5], abs=1e-12)
    assert hidden.a == pytest.approx([0.2689, 0.6225, 0.8176], abs=PRINTED)
    assert out.s == pytest.approx([0.0120], abs=PRINTED)
    assert out.a == pytest.approx([0.5030], abs=PRINTED)
    assert trace.output == pytest.approx([0.5030], abs=PRINTED)


def test_output_delta_formula_with_the_documents_unscaled_target():
    # The document computes delta_o = y(1-y)(y-z) with z = 91 (never normalised).
    net = reference_network()
    trace = step_trace(net, np.array([[1.0, 1.0]]), np.array([[91.0]]), "half_squared_error", 0.1)
    y = sig(0.5 * sig(-1.0) - 1.0 * sig(0.5) + 0.5)
    assert y == pytest.approx(0.5030, abs=PRINTED)
    # It prints y(1-y) = 0.2494 and delta = -22.56; 0.5030 * 0.4970 is 0.2500, so -22.62.
    assert trace.layers[1].delta[0] == pytest.approx(y * (1 - y) * (y - 91), rel=1e-12)
    assert trace.layers[1].delta[0] == pytest.approx(-22.62, abs=0.01)
    assert (y - 91) == pytest.approx(-90.4970, abs=PRINTED)


def test_target_warning_for_unscaled_sigmoid_target():
    raw = reference_dataset("none")
    warnings = raw.target_range_warnings("sigmoid")
    assert warnings and "91" in warnings[0] and "sigmoid" in warnings[0]
    assert reference_dataset("minmax01").target_range_warnings("sigmoid") == []


def test_hidden_delta_and_update_rule_by_hand():
    ds = reference_dataset()
    eta, z = 0.1, float(ds.Z[0, 0])
    assert z == 1.0
    a = [sig(-1.0), sig(0.5), sig(1.5)]
    wo = [0.5, -1.0, 0.0]
    y = sig(sum(ai * wi for ai, wi in zip(a, wo)) + 0.5)
    d_o = y * (1 - y) * (y - z)
    d_h = [ai * (1 - ai) * wi * d_o for ai, wi in zip(a, wo)]
    trace = step_trace(reference_network(), ds.X[:1], ds.Z[:1], "half_squared_error", eta)
    hidden, out = trace.layers
    assert out.delta == pytest.approx([d_o], rel=1e-12)
    assert hidden.delta == pytest.approx(d_h, rel=1e-12)
    assert out.weights_after[0] == pytest.approx([w - eta * d_o * ai for w, ai in zip(wo, a)], rel=1e-12)
    assert out.biases_after == pytest.approx([0.5 - eta * d_o], rel=1e-12)
    x = [1.0, 1.0]
    W = [[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]]
    for j in range(3):
        assert hidden.weights_after[j] == pytest.approx(
            [W[j][i] - eta * d_h[j] * x[i] for i in range(2)], rel=1e-12)
        assert hidden.biases_after[j] == pytest.approx(0.5 - eta * d_h[j], rel=1e-12)
    assert trace.loss_before == pytest.approx(0.5 * (y - z) ** 2, rel=1e-12)
    assert trace.loss_after < trace.loss_before
