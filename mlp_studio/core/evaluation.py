"""How well a network fits a set of rows: loss, and for class targets accuracy and
a confusion matrix. Also the seeded hold-out split used for validation.

Class targets are recognised from the raw (unscaled) target columns: one column
of 0/1 values is binary (prediction: output >= 0.5 in the target's own units),
several columns of 0/1 values with exactly one 1 per row are one-hot (prediction:
the largest output).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.losses import get_loss
from mlp_studio.core.network import Network
from mlp_studio.core.workspace import reduce_total
from mlp_studio.errors import MLPError, shown

BINARY = "binary"
ONE_HOT = "one_hot"


def holdout_split(n_rows: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted (training rows, validation rows): ``round(fraction * n_rows)`` rows
    drawn without replacement by a generator seeded with ``seed``; at least one
    row stays for training."""
    if not 0.0 <= fraction < 1.0:
        raise MLPError(f"the hold-out fraction must be in [0, 1), got {fraction}")
    n_val = min(int(round(fraction * n_rows)), n_rows - 1)
    perm = np.random.default_rng(seed).permutation(n_rows)
    return np.sort(perm[n_val:]), np.sort(perm[:n_val])


def dataset_loss(net: Network, X: np.ndarray, Z: np.ndarray, loss: str,
                 reduction: str = "mean") -> float:
    """The loss of ``net`` on rows ``X``/``Z`` (scaled), per-sample losses averaged
    (``mean``) or summed (``sum``), as the training loop reports an epoch."""
    return _reduced_loss(net.forward(X), Z, loss, reduction)


def _reduced_loss(outputs: np.ndarray, Z: np.ndarray, loss: str, reduction: str) -> float:
    total = get_loss(loss).total(outputs, np.asarray(Z, dtype=outputs.dtype))
    return reduce_total(total, outputs.shape[0], reduction)


def class_kind(raw_targets: np.ndarray) -> str | None:
    """``BINARY``, ``ONE_HOT`` or None (not class targets), from the raw target columns."""
    z = np.asarray(raw_targets)
    if z.ndim != 2 or z.shape[0] == 0 or not np.isin(z, (0.0, 1.0)).all():
        return None
    if z.shape[1] == 1:
        return BINARY
    return ONE_HOT if (z.sum(axis=1) == 1).all() else None


def classes(values: np.ndarray, kind: str) -> np.ndarray:
    """Class index per row of outputs or targets in the targets' own units."""
    v = np.asarray(values)
    if kind == BINARY:
        return (v[:, 0] >= 0.5).astype(np.intp)
    if kind == ONE_HOT:
        return np.argmax(v, axis=1)
    raise MLPError(f"unknown class kind {shown(kind)}")


def confusion_matrix(true: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    """Counts: row = true class, column = predicted class (as scikit-learn)."""
    m = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(m, (np.asarray(true), np.asarray(predicted)), 1)
    return m


@dataclass
class Evaluation:
    """Loss on the rows; for class targets the accuracy and confusion matrix."""

    loss: float
    rows: int
    kind: str | None = None
    accuracy: float | None = None
    confusion: np.ndarray | None = None


class Evaluator:
    """Evaluates networks on fixed rows of a dataset; the rows, their class labels and
    the inputs in the network's dtype are prepared once (a training run calls it often)."""

    def __init__(self, data: Dataset, loss: str, rows: np.ndarray | None = None,
                 reduction: str = "mean", dtype: type = np.float64) -> None:
        idx = np.arange(data.n_rows) if rows is None else np.asarray(rows)
        if idx.size == 0:
            raise MLPError("no rows to evaluate")
        self.loss, self.reduction = loss, reduction
        self.X = np.ascontiguousarray(data.X[idx], dtype=dtype)
        self.Z = np.ascontiguousarray(data.Z[idx], dtype=dtype)
        self.kind = class_kind(data.raw_targets)
        self.scaler = data.target_scaler
        if self.kind is not None:
            raw_z = data.raw_targets[idx]
            self.true = classes(raw_z, self.kind)
            self.n_classes = 2 if self.kind == BINARY else raw_z.shape[1]

    def loss_of(self, net: Network) -> float:
        """Only the loss (e.g. the validation loss after every epoch)."""
        return dataset_loss(net, self.X, self.Z, self.loss, self.reduction)

    def __call__(self, net: Network) -> Evaluation:
        outputs = net.forward(self.X)
        value = _reduced_loss(outputs, self.Z, self.loss, self.reduction)
        if self.kind is None:
            return Evaluation(value, self.X.shape[0])
        pred = classes(self.scaler.inverse(outputs), self.kind)
        return Evaluation(value, self.X.shape[0], self.kind, float(np.mean(self.true == pred)),
                          confusion_matrix(self.true, pred, self.n_classes))


def evaluate(net: Network, data: Dataset, loss: str, rows: np.ndarray | None = None,
             reduction: str = "mean") -> Evaluation:
    """Evaluate ``net`` on ``rows`` of ``data`` (all rows when None)."""
    return Evaluator(data, loss, rows, reduction, net.dtype)(net)
