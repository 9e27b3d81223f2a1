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
from mlp_studio.errors import MLPError

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
    total = float(get_loss(loss).per_sample(outputs, np.asarray(Z, dtype=outputs.dtype)).sum())
    return total / outputs.shape[0] if reduction == "mean" else total


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
    raise MLPError(f"unknown class kind {kind!r}")


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


def evaluate(net: Network, data: Dataset, loss: str, rows: np.ndarray | None = None,
             reduction: str = "mean") -> Evaluation:
    """Evaluate ``net`` on ``rows`` of ``data`` (all rows when None)."""
    idx = np.arange(data.n_rows) if rows is None else np.asarray(rows)
    if idx.size == 0:
        raise MLPError("no rows to evaluate")
    X, Z = data.X[idx], data.Z[idx]
    outputs = net.forward(X)
    value = _reduced_loss(outputs, Z, loss, reduction)
    raw_z = data.raw_targets[idx]
    kind = class_kind(data.raw_targets)
    if kind is None:
        return Evaluation(value, int(idx.size))
    true = classes(raw_z, kind)
    pred = classes(data.target_scaler.inverse(outputs), kind)
    n_classes = 2 if kind == BINARY else raw_z.shape[1]
    return Evaluation(value, int(idx.size), kind, float(np.mean(true == pred)),
                      confusion_matrix(true, pred, n_classes))
