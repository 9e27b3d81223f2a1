"""Seeded weight initialisers. Biases start at zero except for ``uniform``,
which, like the reference document, draws biases from [-1, 1] too."""

from __future__ import annotations

import numpy as np

from mlp_studio.errors import MLPError, shown

INITIALIZERS = ("uniform", "xavier", "he", "zeros")


def init_layer(
    name: str, n_in: int, n_out: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Weights of shape (n_out, n_in) and biases of shape (n_out,)."""
    if name == "uniform":
        return rng.uniform(-1.0, 1.0, (n_out, n_in)), rng.uniform(-1.0, 1.0, n_out)
    if name == "xavier":
        limit = np.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-limit, limit, (n_out, n_in)), np.zeros(n_out)
    if name == "he":
        return rng.normal(0.0, np.sqrt(2.0 / n_in), (n_out, n_in)), np.zeros(n_out)
    if name == "zeros":
        return np.zeros((n_out, n_in)), np.zeros(n_out)
    raise MLPError(f"unknown initialiser {shown(name)}; choose one of {', '.join(INITIALIZERS)}")
