"""Conversion to and from scikit-learn's MLPRegressor and MLPClassifier (fitted estimators).

scikit-learn stores ``coefs_[i]`` as (inputs, nodes), the transpose of our
``weights[layer][node][input]``; its hidden layers share one activation
(``identity``, ``logistic``, ``tanh``, ``relu``) and its output activation
follows from the estimator: identity for regression, logistic for one binary
class, softmax for several classes. Its solver, ``alpha`` (L2) and rate schedule become the
project's training settings. Its loss is half the squared error
(regression) or the log-loss (classification): ``half_squared_error`` and
``cross_entropy`` here. scikit-learn does not scale data; a project whose data is
scaled becomes a pipeline that applies the project's scalers around the network.

Objects are converted in memory only: nothing here reads a pickle.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from mlp_studio.core.network import Layer, Network
from mlp_studio.core.project import Project
from mlp_studio.core.training import TrainingConfig
from mlp_studio.errors import MLPError

_FROM_SKLEARN = {"identity": "identity", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu",
                 "softmax": "softmax"}
_TO_SKLEARN = {ours: theirs for theirs, ours in _FROM_SKLEARN.items()}
SKLEARN_BATCH = 200  # scikit-learn's batch_size="auto": min(200, rows)


def _sklearn_mlp():
    try:
        from sklearn.neural_network import MLPClassifier, MLPRegressor
    except ImportError:
        raise MLPError("this needs scikit-learn: pip install scikit-learn") from None
    return MLPRegressor, MLPClassifier


def from_sklearn(estimator: Any) -> Project:
    """A project (network, loss, training settings; no data) from a fitted estimator."""
    regressor, classifier = _sklearn_mlp()
    if not isinstance(estimator, (regressor, classifier)):
        raise MLPError(f"expected a fitted MLPRegressor or MLPClassifier, got {type(estimator).__name__}")
    if not hasattr(estimator, "coefs_"):
        raise MLPError(f"the {type(estimator).__name__} is not fitted yet: call fit first")
    if estimator.out_activation_ not in _FROM_SKLEARN:
        raise MLPError(f"the estimator's output activation {estimator.out_activation_!r} (loss "
                       f"{estimator.loss!r}) has no counterpart here")
    out = _FROM_SKLEARN[estimator.out_activation_]
    hidden = _FROM_SKLEARN[estimator.activation]
    if isinstance(estimator, classifier) and out == "sigmoid" and estimator.n_outputs_ > 1:
        raise MLPError("a multi-label MLPClassifier (several independent sigmoid outputs) has no "
                       "matching loss here; one binary class or softmax classes are read")
    n = len(estimator.coefs_)
    layers = [Layer(np.array(w, dtype=np.float64).T.copy(), np.array(b, dtype=np.float64),
                    out if i == n - 1 else hidden)
              for i, (w, b) in enumerate(zip(estimator.coefs_, estimator.intercepts_))]
    loss = "cross_entropy" if isinstance(estimator, classifier) else "half_squared_error"
    batch = estimator.batch_size if isinstance(estimator.batch_size, int) else SKLEARN_BATCH
    seed = estimator.random_state if isinstance(estimator.random_state, int) else 0
    training = TrainingConfig(
        learning_rate=float(estimator.learning_rate_init), mode="minibatch", batch_size=batch,
        epochs=int(estimator.max_iter), shuffle=bool(estimator.shuffle), seed=seed,
        l2=float(estimator.alpha), **_solver_settings(estimator))
    project = Project(Network(layers[0].n_in, layers), loss, None, training)
    project.validate()
    return project


def _solver_settings(estimator: Any) -> dict:
    """The optimiser and schedule of the estimator's solver: ``adam`` as it is, ``sgd`` with its
    momentum (Nesterov's when ``nesterovs_momentum``) and its ``constant`` or ``invscaling``
    rate; ``lbfgs`` and the ``adaptive`` rate have no counterpart and become plain SGD and a
    constant rate."""
    if estimator.solver == "adam":
        return {"optimizer": "adam", "beta1": float(estimator.beta_1),
                "beta2": float(estimator.beta_2), "epsilon": float(estimator.epsilon)}
    if estimator.solver != "sgd":
        return {}
    momentum = float(estimator.momentum)
    out: dict[str, Any] = {"optimizer": "nesterov" if estimator.nesterovs_momentum and momentum else "sgd",
                           "momentum": momentum}
    if estimator.learning_rate == "invscaling":
        out.update(schedule="invscaling", power_t=float(estimator.power_t))
    return out


def to_sklearn(project: Project) -> Any:
    """A fitted MLPRegressor (identity output) or MLPClassifier (sigmoid or softmax output with
    cross-entropy) with the project's weights; wrapped with the project's scalers when its data
    is scaled, so ``predict`` takes and gives the data's units."""
    regressor_cls, classifier_cls = _sklearn_mlp()
    net = project.network
    hidden = {layer.activation for layer in net.layers[:-1]} or {"identity"}
    if len(hidden) != 1 or not hidden <= set(_TO_SKLEARN) - {"softmax"}:
        raise MLPError("scikit-learn's MLPs need one hidden activation for all hidden layers, one of "
                       f"identity, sigmoid, tanh, relu; this network has {', '.join(sorted(hidden))}")
    out = net.layers[-1].activation
    classify = project.loss == "cross_entropy"
    if not classify and out != "identity":
        raise MLPError(f"scikit-learn's MLPRegressor has an identity output, not {out}")
    cls = classifier_cls if classify else regressor_cls
    estimator = cls(hidden_layer_sizes=tuple(net.sizes[1:-1]), activation=_TO_SKLEARN[hidden.pop()],
                    max_iter=1, random_state=0)
    classes = _classes(project) if classify else None
    _initialise(estimator, net, classes)
    if project.data is None:
        return estimator
    return _with_scalers(estimator, project, classify)


def _classes(project: Project) -> np.ndarray:
    """Class labels: the text after ``=`` of one-hot target columns (``species=setosa``), else 0..k-1."""
    n = project.network.n_outputs
    names = list(project.data.targets) if project.data is not None else []
    if n > 1 and names and all("=" in t for t in names):
        return np.array([t.split("=", 1)[1] for t in names])
    return np.arange(max(n, 2))


def _initialise(estimator: Any, net: Network, classes: np.ndarray | None) -> None:
    """Give ``estimator`` its fitted state with a one-iteration fit on zeros, then our weights."""
    n_rows = len(classes) if classes is not None else 2
    x = np.zeros((n_rows, net.n_inputs))
    y = classes if classes is not None else (np.zeros(n_rows) if net.n_outputs == 1
                                             else np.zeros((n_rows, net.n_outputs)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        estimator.fit(x, y)
    estimator.coefs_ = [layer.weights.T.astype(np.float64) for layer in net.layers]
    estimator.intercepts_ = [layer.biases.astype(np.float64) for layer in net.layers]


def _with_scalers(estimator: Any, project: Project, classify: bool) -> Any:
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    data = project.data
    inputs = FunctionTransformer(data.input_scaler.transform, data.input_scaler.inverse,
                                 check_inverse=False)
    pipeline = Pipeline([("scale_inputs", inputs), ("mlp", estimator)])
    if classify or data.target_scaler.method == "none":
        return pipeline
    targets = FunctionTransformer(data.target_scaler.transform, data.target_scaler.inverse,
                                  check_inverse=False)
    wrapped = TransformedTargetRegressor(regressor=pipeline, transformer=targets)
    # fitted state without a fit: the pipeline above and the target scaler as they are
    wrapped.regressor_, wrapped.transformer_ = pipeline, targets
    wrapped._training_dim = 1 if project.network.n_outputs == 1 else 2
    return wrapped
