"""Optimisers, penalties and schedules against scikit-learn's MLP (preset weights, partial_fit
epochs), and RMSprop, L1 and the step/cosine schedules by hand and by finite differences."""

import math

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier, MLPRegressor

from mlp_studio.core.network import Layer, Network
from mlp_studio.core.optimizers import Optimizer, OptimizerState, Penalty
from mlp_studio.core.trace import PhasedStep, step_trace
from mlp_studio.core.training import Carry, Trainer, TrainingConfig
from mlp_studio.errors import MLPError

ROWS, EPOCHS = 12, 4
SK_ACT = {"tanh": "tanh", "relu": "relu", "sigmoid": "logistic", "identity": "identity"}
BATCH = {"online": 1, "minibatch": 5, "batch": ROWS}  # 5: the last minibatch has 2 rows


def problem(kind):
    rng = np.random.default_rng({"regression": 1, "binary": 2, "classes": 3}[kind])
    X = rng.uniform(-1, 1, (ROWS, 3))
    if kind == "regression":
        y = np.sin(X @ [1.0, -2.0, 0.5])
        return X, y, y[:, None], "identity", "half_squared_error", 1
    if kind == "binary":
        y = (X[:, 0] * X[:, 1] > 0).astype(int)
        return X, y, y[:, None].astype(float), "sigmoid", "cross_entropy", 1
    y = rng.integers(0, 3, ROWS)
    return X, y, np.eye(3)[y], "softmax", "cross_entropy", 3


def sklearn_after_epochs(kind, hidden, net, cfg, epochs):
    """scikit-learn's weights after each of ``epochs`` partial_fit calls, from ``net``'s weights."""
    X, y, *_ = problem(kind)
    common = dict(hidden_layer_sizes=(4,), activation=SK_ACT[hidden], alpha=cfg.l2,
                  batch_size=BATCH[cfg.mode], learning_rate_init=cfg.learning_rate,
                  learning_rate=cfg.schedule, power_t=cfg.power_t, shuffle=False, tol=0.0,
                  n_iter_no_change=10**9, random_state=0)
    if cfg.optimizer == "adam":
        common.update(solver="adam", beta_1=cfg.beta1, beta_2=cfg.beta2, epsilon=cfg.epsilon)
    else:
        common.update(solver="sgd", momentum=cfg.momentum,
                      nesterovs_momentum=cfg.optimizer == "nesterov")
    if kind == "regression":
        model = MLPRegressor(**common)
        model.partial_fit(X, y)
    else:
        model = MLPClassifier(**common)
        model.partial_fit(X, y, classes=np.unique(y))
    model.coefs_ = [l.weights.T.copy() for l in net.layers]  # preset weights, a fresh optimiser
    model.intercepts_ = [l.biases.copy() for l in net.layers]
    del model._optimizer
    model.t_, model.n_iter_, model.loss_curve_ = 0, 0, []
    weights = []
    for _ in range(epochs):
        model.partial_fit(X, y)
        weights.append(([w.T.copy() for w in model.coefs_], [b.copy() for b in model.intercepts_]))
    return weights, model.loss_curve_


CASES = [("regression", "tanh"), ("binary", "relu"), ("classes", "sigmoid")]
RULES = [dict(optimizer="sgd", momentum=0.9), dict(optimizer="nesterov", momentum=0.9),
         dict(optimizer="adam", learning_rate=0.01), dict(optimizer="sgd", schedule="invscaling")]


@pytest.mark.parametrize("kind, hidden", CASES)
@pytest.mark.parametrize("mode", list(BATCH))
@pytest.mark.parametrize("rule", RULES, ids=lambda r: "-".join(map(str, r.values())))
@pytest.mark.parametrize("l2", [0.0, 0.05])
def test_epochs_equal_scikit_learn_partial_fit(kind, hidden, mode, rule, l2):
    X, _, Z, out, loss, n_out = problem(kind)
    net = Network.create([3, 4, n_out], [hidden, out], "xavier", seed=4)
    cfg = TrainingConfig(**{"learning_rate": 0.1, **rule}, mode=mode, batch_size=BATCH[mode], l2=l2,
                         epochs=EPOCHS)
    expected, sk_losses = sklearn_after_epochs(kind, hidden, net, cfg, EPOCHS)
    trainer = Trainer(net.copy(), X, Z, loss, cfg)
    losses = []
    for weights, biases in expected:
        losses.append(trainer.run_epoch())
        for layer, w, b in zip(trainer.net.layers, weights, biases):
            np.testing.assert_allclose(layer.weights, w, rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(layer.biases, b, rtol=1e-9, atol=1e-12)
    if kind != "binary":  # scikit-learn clips a binary log loss at float64's eps, we at 1e-12
        np.testing.assert_allclose(losses, sk_losses, rtol=1e-9)
    assert not trainer.net.equals(net)


def test_adam_state_carried_across_trainers_equals_one_run():
    X, _, Z, out, loss, n_out = problem("regression")
    net = Network.create([3, 4, 1], ["tanh", out], "xavier", seed=4)
    cfg = TrainingConfig(learning_rate=0.01, optimizer="adam", mode="minibatch", batch_size=5,
                         shuffle=True, seed=3, l2=0.01)
    one = Trainer(net.copy(), X, Z, loss, cfg)
    one.train(3)
    carried, carry = net.copy(), Carry()
    for _ in range(3):
        t = Trainer(carried, X, Z, loss, cfg)
        t.resume(carry)
        t.run_epoch()
        carry = t.carry()
    assert carried.equals(one.net) and carry.optimizer.equals(one.carry().optimizer)
    assert carry.optimizer.steps == 9 and carry.optimizer.epochs == 3  # 3 updates an epoch
    copy = carry.optimizer.copy()
    copy.slots["m"][0][0][0, 0] += 1.0
    assert not copy.equals(carry.optimizer)  # a copy shares no arrays


def reference_like():
    return Network(2, [Layer(np.array([[0.3, -0.8], [0.6, 0.2]]), np.array([0.1, -0.2]), "tanh"),
                       Layer(np.array([[0.7, -0.4]]), np.array([0.05]), "identity")])


def finite_difference(f, net, layer, j, i, h=1e-6):
    plus, minus = net.copy(), net.copy()
    plus.layers[layer].weights[j, i] += h
    minus.layers[layer].weights[j, i] -= h
    return (f(plus) - f(minus)) / (2 * h)


def test_rmsprop_two_steps_by_hand_with_finite_difference_gradients():
    x, z = np.array([[0.5, -1.0], [0.2, 0.4]]), np.array([[0.3], [-0.1]])
    rho, eps, eta = 0.9, 1e-8, 0.01
    rule = Optimizer("rmsprop", rho=rho, epsilon=eps)

    def loss(net):  # mean half squared error over the two rows
        return float(np.mean(0.5 * (net.forward(x) - z) ** 2))

    net, state = reference_like(), None
    r = np.zeros((1, 2))
    for _ in range(2):
        before = net.copy()
        g = np.array([[finite_difference(loss, before, 1, 0, i) for i in range(2)]])
        r = rho * r + (1 - rho) * g * g
        expected = before.layers[1].weights - eta * g / (np.sqrt(r) + eps)
        step = PhasedStep(net, x, z, "half_squared_error", eta, optimizer=rule, state=state)
        trace = step.run()
        state = step.state
        np.testing.assert_allclose(trace.layers[1].grad_weights, g, rtol=1e-7)
        np.testing.assert_allclose(net.layers[1].weights, expected, rtol=1e-6)
        # and exactly the formula on the trace's own gradient and state
        lt, sq = trace.layers[1], trace.state_after.slots["square_avg"][0][1]
        np.testing.assert_allclose(sq, rho * trace.state_before.slots["square_avg"][0][1]
                                   + (1 - rho) * lt.grad_weights ** 2, rtol=1e-15)
        np.testing.assert_allclose(lt.weights_after, lt.weights_before
                                   - eta * lt.grad_weights / (np.sqrt(sq) + eps), rtol=1e-15)
    assert state.steps == 2


@pytest.mark.parametrize("reduction, rows", [("mean", 2), ("sum", 2), ("mean", 1)])
def test_l1_and_l2_gradient_and_loss_equal_finite_differences(reduction, rows):
    x, z = np.array([[0.5, -1.0], [0.2, 0.4]])[:rows], np.array([[0.3], [-0.1]])[:rows]
    l1, l2 = 0.03, 0.2
    n = rows if reduction == "mean" else 1

    def total(net):  # data loss plus penalty, both reduced like the gradient
        data = float(np.sum(0.5 * (net.forward(x) - z) ** 2)) / n
        weights = [l.weights for l in net.layers]
        return data + (l2 / 2 * sum(float((w ** 2).sum()) for w in weights)
                       + l1 * sum(float(np.abs(w).sum()) for w in weights)) / n

    net = reference_like()
    trace = step_trace(net.copy(), x, z, "half_squared_error", 0.1, reduction,
                       penalty=Penalty(l1, l2), with_sensitivity=False)
    assert trace.loss_before + trace.penalty_before == pytest.approx(total(net), rel=1e-14)
    assert trace.penalty_before == pytest.approx(
        (l2 / 2 * (0.09 + 0.64 + 0.36 + 0.04 + 0.49 + 0.16) + l1 * (0.3 + 0.8 + 0.6 + 0.2 + 0.7 + 0.4)) / n,
        rel=1e-14)  # by hand
    for layer, shape in ((0, (2, 2)), (1, (1, 2))):
        for j in range(shape[0]):
            for i in range(shape[1]):
                fd = finite_difference(total, net, layer, j, i)
                assert trace.layers[layer].grad_weights[j, i] == pytest.approx(fd, rel=1e-7, abs=1e-9)
    w = net.layers[1].weights
    np.testing.assert_allclose(trace.layers[1].penalty_gradient, (l2 * w + l1 * np.sign(w)) / n, rtol=1e-15)
    np.testing.assert_array_equal(trace.layers[0].grad_biases,  # biases are never penalised
                                  step_trace(net.copy(), x, z, "half_squared_error", 0.1, reduction,
                                             with_sensitivity=False).layers[0].grad_biases)


@pytest.mark.parametrize("schedule, extra, rates", [
    ("step", dict(gamma=0.5, step_epochs=2), [1.0, 1.0, 0.5, 0.5, 0.25]),
    ("cosine", dict(epochs=4), [1.0, (1 + math.cos(math.pi / 4)) / 2, 0.5, (1 + math.cos(3 * math.pi / 4)) / 2]),
    ("invscaling", dict(power_t=0.5), [1.0, 1 / math.sqrt(5), 1 / 3, 1 / math.sqrt(13)]),
])
def test_schedules_by_hand_and_in_training(schedule, extra, rates):
    X, _, Z, out, loss, n_out = problem("regression")
    X, Z = X[:4], Z[:4]  # 4 rows: invscaling's t is 4 epochs
    cfg = TrainingConfig(learning_rate=1.0, mode="batch", schedule=schedule, **extra)
    assert [cfg.rate_at(e, 4) for e in range(len(rates))] == pytest.approx(rates, rel=1e-15)
    net = Network.create([3, 4, 1], ["tanh", out], "xavier", seed=4)
    trainer = Trainer(net.copy(), X, Z, loss, cfg)
    by_hand = net.copy()
    for rate in rates:  # one batch epoch is one update at that epoch's rate
        trainer.run_epoch()
        by_hand = step_trace(by_hand, X, Z, loss, rate, with_sensitivity=False).network_after()
        assert trainer.net.equals(by_hand)


def test_bad_settings_say_what_is_wrong():
    for cfg, text in ((TrainingConfig(optimizer="lbfgs"), "unknown optimizer 'lbfgs'"),
                      (TrainingConfig(beta2=1.0), "beta2 must be in"),
                      (TrainingConfig(l2=-1.0), "l2 must be 0 or a positive"),
                      (TrainingConfig(schedule="cosine", epochs=None), "cosine schedule needs"),
                      (TrainingConfig(schedule="step", step_epochs=0), "step_epochs")):
        with pytest.raises(MLPError, match=text):
            cfg.validate()


def test_a_state_from_another_optimiser_starts_fresh_but_keeps_the_epoch():
    net = reference_like()
    params = ([l.weights for l in net.layers], [l.biases for l in net.layers])
    velocity = Optimizer("sgd", momentum=0.5).new_state(*params)
    velocity.epochs, velocity.steps = 7, 30
    adopted = Optimizer("adam").adopt(velocity, params)
    assert sorted(adopted.slots) == ["m", "v"] and adopted.steps == 0 and adopted.epochs == 7
    assert not np.any(adopted.slots["m"][0][0])
    same = Optimizer("sgd", momentum=0.5).adopt(velocity, params)
    assert same.equals(velocity) and same.slots["velocity"][0][0] is not velocity.slots["velocity"][0][0]
