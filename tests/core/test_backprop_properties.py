"""Property: backprop equals central finite differences on random shapes, activations, losses."""

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mlp_studio.core.gradcheck import backprop_gradients, numeric_gradients
from mlp_studio.core.network import Network
from mlp_studio.core.workspace import Workspace

HIDDEN = ["sigmoid", "tanh", "identity", "leaky_relu", "relu"]


@st.composite
def problems(draw):
    sizes = draw(st.lists(st.integers(1, 5), min_size=2, max_size=4))
    hidden = draw(st.lists(st.sampled_from(HIDDEN), min_size=len(sizes) - 2, max_size=len(sizes) - 2))
    output, loss = draw(st.sampled_from([("sigmoid", "half_squared_error"), ("identity", "squared_error"),
                                         ("tanh", "half_squared_error"), ("sigmoid", "cross_entropy"),
                                         ("softmax", "cross_entropy")]))
    if loss == "cross_entropy":
        sizes[-1] = 1 if output == "sigmoid" else max(2, sizes[-1])
    seed = draw(st.integers(0, 2**31 - 1))
    rows = draw(st.integers(1, 4))
    reduction = draw(st.sampled_from(["mean", "sum"]))
    return sizes, hidden + [output], loss, seed, rows, reduction


@settings(max_examples=60, deadline=None)
@given(problems())
def test_backprop_matches_finite_differences(problem):
    sizes, acts, loss, seed, rows, reduction = problem
    rng = np.random.default_rng(seed)
    net = Network.create(sizes, acts, "uniform", seed=seed)
    x = rng.uniform(-1, 1, (rows, sizes[0]))
    if loss == "cross_entropy" and sizes[-1] > 1:
        z = np.eye(sizes[-1])[rng.integers(0, sizes[-1], rows)]
    elif loss == "cross_entropy":
        z = rng.integers(0, 2, (rows, 1)).astype(float)
    else:
        z = rng.uniform(-1, 1, (rows, sizes[-1]))
    ws = Workspace(net, loss, rows)
    ws.forward(x)
    kinked = [i for i, a in enumerate(acts) if a in ("relu", "leaky_relu")]
    assume(all(np.abs(ws.s(i)).min() > 1e-4 for i in kinked))  # no kink within the probe step
    for (aw, ab), (nw, nb) in zip(backprop_gradients(net, x, z, loss, reduction),
                                  numeric_gradients(net, x, z, loss, reduction, eps=1e-6)):
        np.testing.assert_allclose(aw, nw, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(ab, nb, rtol=1e-4, atol=1e-6)
