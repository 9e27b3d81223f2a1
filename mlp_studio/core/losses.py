"""Per-sample losses and the output-layer delta (dLoss/ds) they give.

``half_squared_error`` is the reference document's L = 1/2 sum_k (y_k - z_k)^2.
``cross_entropy`` is binary for one sigmoid output and categorical for softmax;
with those pairings the output delta simplifies to y - z.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlp_studio.core.activations import get_activation
from mlp_studio.errors import MLPError, shown

Array = np.ndarray
_EPS = 1e-12


@dataclass(frozen=True)
class Loss:
    """A loss: per-sample values and its derivative with respect to the output y."""

    name: str
    formula: str  # LaTeX, per sample
    factor: float  # a row's loss is factor * the sum of its elementwise terms

    def per_sample(self, y: Array, z: Array) -> Array:
        """Loss of each row of ``y`` against the row of ``z``: shape (batch,)."""
        return self.factor * self._terms(y, z, np.empty_like(y)).sum(axis=-1)

    def total(self, y: Array, z: Array, out: Array | None = None) -> float:
        """The per-sample losses summed over all rows; ``out`` (y's shape) is scratch space."""
        return self.factor * float(self._terms(y, z, np.empty_like(y) if out is None else out).sum())

    def _terms(self, y: Array, z: Array, out: Array) -> Array:
        """Write the elementwise terms into ``out``: a row's loss is ``factor`` times their sum."""
        if self.name != "cross_entropy":
            np.subtract(y, z, out=out)
            return np.square(out, out=out)
        eps = max(_EPS, float(np.finfo(y.dtype).eps))  # float32 cannot hold 1 - 1e-12
        np.maximum(y, eps, out=out)  # clip to [eps, 1 - eps]
        np.minimum(out, 1.0 - eps, out=out)
        if y.shape[-1] == 1:
            return np.add(z * np.log(out), (1.0 - z) * np.log(1.0 - out), out=out)
        np.log(out, out=out)
        return np.multiply(out, z, out=out)

    def output_delta(self, y: Array, z: Array, s: Array, activation: str, out: Array) -> Array:
        """Write dLoss/ds of the output layer into ``out`` (per sample, unreduced)."""
        if self.name == "cross_entropy":
            # sigmoid + binary CE and softmax + categorical CE both give y - z.
            return np.subtract(y, z, out=out)
        get_activation(activation).derivative(s, y, out)
        diff = y - z
        if self.name == "squared_error":
            diff *= 2.0
        out *= diff
        return out


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("half_squared_error", r"L = \frac{1}{2} \sum_k (y_k - z_k)^2", 0.5),
        Loss("squared_error", r"L = \sum_k (y_k - z_k)^2", 1.0),
        Loss("cross_entropy", r"L = -\sum_k z_k \log y_k", -1.0),
    )
}


def get_loss(name: str) -> Loss:
    """The loss called ``name``; a clear error for an unknown name."""
    try:
        return LOSSES[name]
    except KeyError:
        raise MLPError(f"unknown loss {shown(name)}; choose one of {', '.join(LOSSES)}") from None


def check_pairing(loss: str, output_activation: str, n_outputs: int) -> None:
    """Refuse loss/activation pairs whose output delta would be wrong."""
    get_loss(loss)
    get_activation(output_activation)
    if output_activation == "softmax" and loss != "cross_entropy":
        raise MLPError("a softmax output layer needs the cross_entropy loss")
    if loss == "cross_entropy":
        if output_activation == "sigmoid" and n_outputs != 1:
            raise MLPError("binary cross_entropy needs exactly one sigmoid output; use softmax for classes")
        if output_activation not in ("sigmoid", "softmax"):
            raise MLPError("cross_entropy needs a sigmoid (one output) or softmax output layer")
        if output_activation == "softmax" and n_outputs < 2:
            raise MLPError("a softmax output layer needs at least two outputs")
