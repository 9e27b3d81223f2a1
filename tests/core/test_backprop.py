"""Backprop against finite differences and against scikit-learn's own SGD updates."""

import warnings

import numpy as np
import pytest

from mlp_studio.core.gradcheck import backprop_gradients, gradient_check, numeric_gradients
from mlp_studio.core.network import Layer, Network
from mlp_studio.core.trace import sensitivity, step_trace
from mlp_studio.core.training import Trainer, TrainingConfig

CASES = [
    ([2, 3, 1], ["sigmoid", "sigmoid"], "half_squared_error"),
    ([3, 4, 2], ["tanh", "identity"], "squared_error"),
    ([4, 5, 3, 2], ["leaky_relu", "tanh", "sigmoid"], "half_squared_error"),
    ([3, 6, 1], ["relu", "sigmoid"], "cross_entropy"),
    ([2, 4, 4, 3], ["tanh", "sigmoid", "softmax"], "cross_entropy"),
    ([5, 3], ["identity"], "squared_error"),
]


def _targets(rng, loss, n_rows, n_out):
    if loss == "cross_entropy" and n_out > 1:
        return np.eye(n_out)[rng.integers(0, n_out, n_rows)]
    if loss == "cross_entropy":
        return rng.integers(0, 2, (n_rows, 1)).astype(float)
    return rng.uniform(-1, 1, (n_rows, n_out))


@pytest.mark.parametrize("sizes, acts, loss", CASES)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_backprop_matches_finite_differences(sizes, acts, loss, reduction):
    rng = np.random.default_rng(sum(sizes))
    net = Network.create(sizes, acts, "xavier", seed=3)
    for layer in net.layers:  # non-zero biases so every term is exercised
        layer.biases[:] = rng.uniform(-0.5, 0.5, layer.n_out)
    x = rng.uniform(-1, 1, (5, sizes[0]))
    z = _targets(rng, loss, 5, sizes[-1])
    analytic = backprop_gradients(net, x, z, loss, reduction)
    numeric = numeric_gradients(net, x, z, loss, reduction)
    for (aw, ab), (nw, nb) in zip(analytic, numeric):
        np.testing.assert_allclose(aw, nw, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(ab, nb, rtol=1e-5, atol=1e-7)
    assert max(gradient_check(net, x, z, loss, reduction)) < 1e-4


def test_sum_reduction_is_rows_times_mean():
    net = Network.create([3, 4, 2], ["tanh", "identity"], seed=1)
    x, z = np.random.default_rng(0).uniform(-1, 1, (6, 3)), np.zeros((6, 2))
    mean = backprop_gradients(net, x, z, "half_squared_error", "mean")
    total = backprop_gradients(net, x, z, "half_squared_error", "sum")
    for (mw, mb), (sw, sb) in zip(mean, total):
        np.testing.assert_allclose(sw, 6 * mw, rtol=1e-12)
        np.testing.assert_allclose(sb, 6 * mb, rtol=1e-12)


@pytest.mark.parametrize("sizes, acts", [([2, 3, 1], ["sigmoid", "sigmoid"]),
                                         ([3, 4, 3], ["tanh", "softmax"]),
                                         ([2, 5, 2], ["relu", "identity"])])
def test_sensitivity_is_d_output_d_parameter(sizes, acts):
    net = Network.create(sizes, acts, seed=5)
    x = np.array([[0.3, -0.7, 0.2][: sizes[0]]])
    for k in range(sizes[-1]):
        sens = sensitivity(net, x, output=k)
        eps = 1e-6
        for layer, (sw, sb) in zip(net.layers, sens):
            for param, s in ((layer.weights, sw), (layer.biases, sb)):
                flat, sflat = param.reshape(-1), s.reshape(-1)
                for i in range(flat.size):
                    keep = flat[i]
                    flat[i] = keep + eps
                    up = net.forward(x)[0, k]
                    flat[i] = keep - eps
                    down = net.forward(x)[0, k]
                    flat[i] = keep
                    assert sflat[i] == pytest.approx((up - down) / (2 * eps), abs=1e-7)


def _sklearn_one_epoch(model, net, X, y, **fit_kw):
    """Load our weights into a scikit-learn model and let it train one epoch."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.partial_fit(X, y, **fit_kw)  # initialises its arrays
        model.coefs_ = [l.weights.T.copy() for l in net.layers]
        model.intercepts_ = [l.biases.copy() for l in net.layers]
        model.partial_fit(X, y, **fit_kw)
    return model


def _assert_same_epoch(trainer, model, rel_loss):
    """One epoch of ``trainer`` gives scikit-learn's weights, biases and epoch loss."""
    loss = trainer.run_epoch()
    for ours, w, b in zip(trainer.net.layers, model.coefs_, model.intercepts_):
        np.testing.assert_allclose(ours.weights, w.T, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(ours.biases, b, rtol=1e-12, atol=1e-14)
    assert loss == pytest.approx(model.loss_, rel=rel_loss)


SGD = dict(solver="sgd", learning_rate_init=0.1, momentum=0.0, nesterovs_momentum=False,
           alpha=0.0, shuffle=False)


@pytest.mark.parametrize("mode, batch_size", [("online", 1), ("minibatch", 3), ("batch", 8)])
def test_one_epoch_matches_sklearn_regressor(mode, batch_size):
    from sklearn.neural_network import MLPRegressor

    rng = np.random.default_rng(7)
    X, y = rng.uniform(0, 1, (8, 2)), rng.uniform(0, 1, 8)
    net = Network.create([2, 3, 1], ["sigmoid", "identity"], seed=2)
    model = _sklearn_one_epoch(
        MLPRegressor(hidden_layer_sizes=(3,), activation="logistic", batch_size=batch_size, **SGD),
        net, X, y)
    cfg = TrainingConfig(learning_rate=0.1, mode=mode, batch_size=batch_size, epochs=1)
    trainer = Trainer(net.copy(), X, y[:, None], "half_squared_error", cfg)
    _assert_same_epoch(trainer, model, rel_loss=1e-12)


def test_one_epoch_matches_sklearn_classifiers():
    from sklearn.neural_network import MLPClassifier

    rng = np.random.default_rng(11)
    X = rng.uniform(-1, 1, (9, 3))
    for n_classes, out_act in ((2, "sigmoid"), (3, "softmax")):
        labels = np.arange(9) % n_classes
        Z = labels[:, None].astype(float) if n_classes == 2 else np.eye(3)[labels]
        net = Network.create([3, 4, Z.shape[1]], ["tanh", out_act], seed=4)
        model = _sklearn_one_epoch(
            MLPClassifier(hidden_layer_sizes=(4,), activation="tanh", batch_size=3, **SGD),
            net, X, labels, classes=np.arange(n_classes))
        trainer = Trainer(net.copy(), X, Z, "cross_entropy",
                          TrainingConfig(learning_rate=0.1, mode="minibatch", batch_size=3))
        _assert_same_epoch(trainer, model, rel_loss=1e-10)


def test_trace_copies_are_independent():
    net = Network.create([2, 3, 1], "sigmoid", seed=0)
    trace = step_trace(net, np.array([[0.2, 0.4]]), np.array([[1.0]]), "half_squared_error", 0.5)
    before = trace.layers[0].weights_after.copy()
    step_trace(net, np.array([[0.2, 0.4]]), np.array([[1.0]]), "half_squared_error", 0.5)
    np.testing.assert_array_equal(trace.layers[0].weights_after, before)
    trace.layers[0].weights_after[:] = 0
    assert not np.array_equal(net.layers[0].weights, trace.layers[0].weights_after)


def test_step_trace_leaves_the_network_it_is_given_untouched():
    net = Network.create([2, 3, 1], "sigmoid", seed=3)
    before = net.copy()
    x, z = np.array([[0.2, 0.4]]), np.array([[1.0]])
    trace = step_trace(net, x, z, "half_squared_error", 0.5)
    assert net.equals(before)
    # the update is in the trace: W - eta * delta a_prev^T, by hand for the output layer
    hidden = trace.layers[0].a
    y = trace.output[0]
    delta = y * (1 - y) * (y - 1.0)
    expected = before.layers[1].weights - 0.5 * delta * hidden[None, :]
    np.testing.assert_allclose(trace.network_after().layers[1].weights, expected, rtol=1e-14)
    assert trace.network_after().layers[0].activation == "sigmoid"


def test_gradient_check_names_the_worst_parameter_of_each_layer(monkeypatch):
    """Backprop is right: every layer agrees to 1e-6. A gradient made wrong on purpose in
    one parameter is the one the check names, with both gradients."""
    import numpy as np

    from mlp_studio.core import gradcheck
    from mlp_studio.core.network import Layer, Network

    net = Network(2, [Layer(np.array([[0.3, -0.2], [0.1, 0.4]]), np.array([0.0, 0.1]), "sigmoid"),
                      Layer(np.array([[0.5, -0.6]]), np.array([0.2]), "identity")])
    x, z = np.array([[0.5, 1.0], [0.2, -0.3]]), np.array([[0.3], [-0.1]])
    check = gradcheck.check_gradients(net, x, z, "half_squared_error", "mean")
    assert max(check.max_relative_difference) < 1e-6
    assert check.backprop == pytest.approx(check.numeric, rel=1e-6)

    right = gradcheck.backprop_gradients

    def wrong(*args):
        grads = right(*args)
        grads[1][0][0, 1] += 0.05  # dL/dw[1][0][1]
        grads[0][1][1] *= 2.0  # dL/db[0][1]
        return grads

    monkeypatch.setattr(gradcheck, "backprop_gradients", wrong)
    check = gradcheck.check_gradients(net, x, z, "half_squared_error", "mean")
    assert [str(a) for a in check.worst] == ["b[0][1]", "w[1][0][1]"]
    assert check.max_relative_difference[0] == pytest.approx(1 / 3)
    assert check.backprop[1] - check.numeric[1] == pytest.approx(0.05, rel=1e-6)
