"""``Network.forward`` against numbers worked out by hand and the reference document's."""

import math

import numpy as np
import pytest

from mlp_studio.core.network import Layer, Network
from mlp_studio.errors import MLPError
from tests.core.reference_net import reference_network

PRINTED = 1e-4  # the reference document prints four decimals


def sig(s: float) -> float:
    return 1.0 / (1.0 + math.exp(-s))


def test_reference_forward_pass_for_input_one_one():
    # The document's hidden sums are -1.0, 0.5, 1.5, activations 0.2689, 0.6225, 0.8176,
    # output sum 0.0120 and output 0.5030.
    y = reference_network().forward(np.array([1.0, 1.0]))
    assert y.shape == (1,)
    assert y[0] == pytest.approx(0.5030, abs=PRINTED)
    by_hand = sig(0.5 * sig(-1.0) - 1.0 * sig(0.5) + 0.0 * sig(1.5) + 0.5)
    assert y[0] == pytest.approx(by_hand, rel=1e-15)
    hidden = Network(2, [reference_network().layers[0]]).forward(np.array([1.0, 1.0]))
    assert hidden == pytest.approx([0.2689, 0.6225, 0.8176], abs=PRINTED)


def test_a_batch_gives_one_row_per_input_row():
    x = np.array([[1.0, 1.0], [0.0, 0.0], [0.5, -1.0]])
    y = reference_network().forward(x)
    assert y.shape == (3, 1)
    for row, (x0, x1) in zip(y, x):
        h = [sig(-0.5 * x0 - 1.0 * x1 + 0.5), sig(-0.5 * x0 + 0.5 * x1 + 0.5), sig(1.0 * x0 + 0.5)]
        assert row[0] == pytest.approx(sig(0.5 * h[0] - 1.0 * h[1] + 0.5), rel=1e-15)
    assert y[1, 0] == pytest.approx(sig(-0.5 * sig(0.5) + 0.5), rel=1e-15)  # x = 0: sums = biases


def test_each_activation_and_softmax_by_hand():
    w = np.array([[2.0, -1.0], [0.5, 0.25], [-1.0, 3.0]])
    b = np.array([0.1, -0.2, 0.0])
    x = np.array([0.5, -2.0])
    s = [2.0 * 0.5 + 2.0 + 0.1, 0.25 - 0.5 - 0.2, -0.5 - 6.0]  # 3.1, -0.45, -6.5
    expected = {
        "identity": s,
        "relu": [3.1, 0.0, 0.0],
        "leaky_relu": [3.1, -0.0045, -0.065],
        "tanh": [math.tanh(v) for v in s],
        "sigmoid": [sig(v) for v in s],
    }
    for act, values in expected.items():
        got = Network(2, [Layer(w, b, act)]).forward(x)
        assert got == pytest.approx(values, rel=1e-15, abs=1e-300), act
    e = [math.exp(v) for v in s]
    soft = Network(2, [Layer(w, b, "softmax")]).forward(x)
    assert soft == pytest.approx([v / sum(e) for v in e], rel=1e-14)


def test_two_layers_chain_and_float32_stays_float32():
    net = Network(1, [Layer(np.array([[2.0], [-1.0]]), np.array([0.0, 1.0]), "relu"),
                      Layer(np.array([[1.5, 0.5]]), np.array([-1.0]), "identity")])
    # x = 3: hidden relu(6) = 6, relu(-3 + 1) = 0; output 1.5*6 + 0.5*0 - 1 = 8.
    assert net.forward(np.array([3.0])) == pytest.approx([8.0], abs=0)
    # x = -1: relu(-2) = 0, relu(1 + 1) = 2; output 0.5 * 2 - 1 = 0.
    assert net.forward(np.array([[-1.0]])).tolist() == [[0.0]]
    y32 = net.astype(np.float32).forward(np.array([[3.0]]))
    assert y32.dtype == np.float32 and y32[0, 0] == 8.0


def test_the_data_must_fit_the_network():
    net = reference_network()
    net.check_fits(2, 1)
    with pytest.raises(MLPError, match="the network has 2 inputs and 1 outputs but the data has "
                                        "3 input and 1 target columns"):
        net.check_fits(3, 1)
