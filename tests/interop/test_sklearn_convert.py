"""from_sklearn / to_sklearn: round trips give the same predictions as scikit-learn itself."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier, MLPRegressor

import mlp_studio as ms
from mlp_studio.errors import MLPError

from tests.interop.conftest import CASES, make_project

RNG = np.random.default_rng(0)
X = RNG.normal(size=(60, 3))
Y = X[:, 0] * 2 + X[:, 1] ** 2


def fitted(estimator, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a short fit does not converge, on purpose
        return estimator.fit(X, y)


ESTIMATORS = [
    lambda: fitted(MLPRegressor(hidden_layer_sizes=(5, 4), activation="tanh", max_iter=40,
                                random_state=0), Y),
    lambda: fitted(MLPRegressor(hidden_layer_sizes=(6,), activation="relu", max_iter=40,
                                random_state=1), np.c_[Y, -Y]),
    lambda: fitted(MLPClassifier(hidden_layer_sizes=(6,), activation="logistic", max_iter=40,
                                 random_state=0), (Y > 1).astype(int)),
    lambda: fitted(MLPClassifier(hidden_layer_sizes=(4, 4), activation="identity", max_iter=40,
                                 random_state=0), np.digitize(Y, [0, 2])),
]


@pytest.mark.parametrize("make", ESTIMATORS, ids=["reg-tanh", "reg-2out-relu", "binary", "3-class"])
def test_sklearn_to_us_and_back_predicts_the_same(make):
    estimator = make()
    project = ms.from_sklearn(estimator)
    back = ms.to_sklearn(project)
    assert type(back) is type(estimator)
    np.testing.assert_array_equal(back.predict(X), estimator.predict(X))
    if isinstance(estimator, MLPClassifier):
        np.testing.assert_array_equal(back.predict_proba(X), estimator.predict_proba(X))
        # our forward pass gives scikit-learn's probabilities (of class 1 for one output)
        proba = estimator.predict_proba(X)
        ours = project.predict(X)
        np.testing.assert_allclose(ours, proba[:, 1:] if ours.shape[1] == 1 else proba, rtol=1e-12)
        assert project.loss == "cross_entropy"
    else:
        np.testing.assert_allclose(project.predict(X).reshape(estimator.predict(X).shape),
                                   estimator.predict(X), rtol=1e-12)
        assert project.loss == "half_squared_error"
        assert project.network.layers[-1].activation == "identity"
    assert project.training.learning_rate == estimator.learning_rate_init
    assert project.training.epochs == estimator.max_iter


@pytest.mark.parametrize("case", [
    CASES[1], ([4, 6, 3], ["relu", "softmax"], "cross_entropy", "minmax11", "none"),
    ([3, 4, 1], ["tanh", "sigmoid"], "cross_entropy", "zscore", "none"),
], ids=["zscore-regression", "softmax-classes", "binary"])
def test_a_scaled_project_to_sklearn_predicts_in_the_data_units(case):
    project = make_project(case)
    model = ms.to_sklearn(project)
    raw = project.data.raw_inputs
    if project.loss == "cross_entropy":
        proba, ours = model.predict_proba(raw), project.predict(raw)
        np.testing.assert_allclose(proba[:, 1:] if ours.shape[1] == 1 else proba, ours, rtol=1e-12)
    else:
        np.testing.assert_allclose(model.predict(raw), project.predict(raw), rtol=1e-12)


def test_our_network_to_sklearn_and_back_is_the_same_network():
    net = ms.create_network([3, 5, 2], ["tanh", "identity"], seed=2)
    project = ms.Project(net, "half_squared_error")
    again = ms.from_sklearn(ms.to_sklearn(project))
    assert again.network.equals(net)


def test_what_sklearn_cannot_hold_is_refused():
    mixed = ms.Project(ms.create_network([2, 3, 3, 1], ["tanh", "relu", "identity"]), "squared_error")
    with pytest.raises(MLPError, match="one hidden activation"):
        ms.to_sklearn(mixed)
    with pytest.raises(MLPError, match="identity output"):
        ms.to_sklearn(ms.Project(ms.create_network([2, 3, 1]), "half_squared_error"))
    with pytest.raises(MLPError, match="not fitted"):
        ms.from_sklearn(MLPRegressor())
    with pytest.raises(MLPError, match="MLPRegressor or MLPClassifier"):
        ms.from_sklearn(object())


def test_the_solver_becomes_the_training_settings():
    adam = ms.from_sklearn(fitted(MLPRegressor(hidden_layer_sizes=(3,), solver="adam", alpha=0.01,
                                               beta_1=0.8, beta_2=0.99, epsilon=1e-7, max_iter=5,
                                               learning_rate_init=0.02, random_state=0), Y))
    t = adam.training
    assert (t.optimizer, t.beta1, t.beta2, t.epsilon, t.l2, t.learning_rate) == ("adam", 0.8, 0.99, 1e-7,
                                                                                 0.01, 0.02)
    sgd = ms.from_sklearn(fitted(MLPRegressor(hidden_layer_sizes=(3,), solver="sgd", momentum=0.5,
                                              learning_rate="invscaling", power_t=0.3, max_iter=5,
                                              batch_size=7, random_state=0), Y))
    t = sgd.training
    assert (t.optimizer, t.momentum, t.schedule, t.power_t, t.batch_size) == ("nesterov", 0.5,
                                                                             "invscaling", 0.3, 7)
