"""Activation functions and their derivatives, indexed by name.

Derivatives are written in terms of ``s`` (the weighted sum) and ``a`` (the
activation), so each function can use whichever is cheaper, as the reference
document does for the sigmoid: sigma'(s) = a (1 - a).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from mlp_studio.errors import MLPError, shown

LEAKY_SLOPE = 0.01

Array = np.ndarray


def _sigmoid(s: Array, out: Array) -> Array:
    # Stable for large |s|: exp of a non-positive number never overflows.
    np.negative(np.abs(s), out=out)
    np.exp(out, out=out)
    positive = s >= 0
    return np.divide(np.where(positive, 1.0, out), 1.0 + out, out=out)


def _sigmoid_grad(s: Array, a: Array, out: Array) -> Array:
    np.subtract(1.0, a, out=out)
    return np.multiply(out, a, out=out)


def _tanh(s: Array, out: Array) -> Array:
    return np.tanh(s, out=out)


def _tanh_grad(s: Array, a: Array, out: Array) -> Array:
    np.multiply(a, a, out=out)
    return np.subtract(1.0, out, out=out)


def _relu(s: Array, out: Array) -> Array:
    return np.maximum(s, 0.0, out=out)


def _relu_grad(s: Array, a: Array, out: Array) -> Array:
    return np.greater(s, 0.0, out=out, casting="unsafe")


def _leaky_relu(s: Array, out: Array) -> Array:
    np.multiply(s, LEAKY_SLOPE, out=out)
    return np.maximum(s, out, out=out)


def _leaky_relu_grad(s: Array, a: Array, out: Array) -> Array:
    out[...] = np.where(s > 0, 1.0, LEAKY_SLOPE)
    return out


def _identity(s: Array, out: Array) -> Array:
    out[...] = s
    return out


def _identity_grad(s: Array, a: Array, out: Array) -> Array:
    out.fill(1.0)
    return out


def _softmax(s: Array, out: Array) -> Array:
    np.subtract(s, np.maximum.reduce(s, axis=-1, keepdims=True), out=out)
    np.exp(out, out=out)
    return np.divide(out, np.add.reduce(out, axis=-1, keepdims=True), out=out)


def _softmax_grad(s: Array, a: Array, out: Array) -> Array:
    raise MLPError("softmax is only used on the output layer, paired with cross_entropy")


@dataclass(frozen=True)
class Activation:
    """One activation: ``forward(s, out)`` and ``derivative(s, a, out)`` write into ``out``."""

    name: str
    forward: Callable[[Array, Array], Array]
    derivative: Callable[[Array, Array, Array], Array]
    value_range: tuple[float, float]
    formula: str  # LaTeX of f(s), used by the worked-example export and the math panel


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("sigmoid", _sigmoid, _sigmoid_grad, (0.0, 1.0), r"\sigma(s) = \frac{1}{1 + e^{-s}}"),
        Activation("tanh", _tanh, _tanh_grad, (-1.0, 1.0), r"\tanh(s)"),
        Activation("relu", _relu, _relu_grad, (0.0, np.inf), r"\max(0, s)"),
        Activation("leaky_relu", _leaky_relu, _leaky_relu_grad, (-np.inf, np.inf),
                   rf"\max({LEAKY_SLOPE} s, s)"),
        Activation("identity", _identity, _identity_grad, (-np.inf, np.inf), r"s"),
        Activation("softmax", _softmax, _softmax_grad, (0.0, 1.0), r"\frac{e^{s_k}}{\sum_j e^{s_j}}"),
    )
}


def get_activation(name: str) -> Activation:
    """The activation called ``name``; a clear error for an unknown name."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise MLPError(
            f"unknown activation {shown(name)}; choose one of {', '.join(ACTIVATIONS)}"
        ) from None
