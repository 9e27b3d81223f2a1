"""Exercise projects for a class: small networks with "nice" numbers (one or two decimals)
that a student can push through one training step by hand."""

from __future__ import annotations

import numpy as np

from mlp_studio.core.activations import get_activation
from mlp_studio.core.dataset import Dataset
from mlp_studio.core.losses import check_pairing
from mlp_studio.core.network import Layer, Network
from mlp_studio.core.project import Project
from mlp_studio.core.training import TrainingConfig
from mlp_studio.errors import MLPError

MAX_LAYER_SIZE = 6
LEARNING_RATES = (0.1, 0.2, 0.5, 1.0)
_WEIGHTS = np.round(np.concatenate([np.arange(-10, 0), np.arange(1, 11)]) / 10, 1)  # +-0.1 .. +-1.0
_BIASES = np.round(np.arange(-5, 6) / 10, 1)  # -0.5 .. 0.5
_INPUTS = np.round(np.arange(0, 21) / 20, 2)  # 0, 0.05, ..., 1


def _targets(activation: str, loss: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """Targets the output can reach: one decimal inside the activation's range, one-hot for softmax."""
    if activation == "softmax":
        return np.eye(n)[rng.integers(n)]
    if loss == "cross_entropy":
        return rng.integers(0, 2, n).astype(float)
    lo, hi = get_activation(activation).value_range
    lo, hi = max(lo, -1.0), min(hi, 1.0)
    steps = np.round(np.arange(round(lo * 10) + 1, round(hi * 10)) / 10, 1)
    return rng.choice(steps, n)


def exercise_project(seed: int, variant: int, sizes: list[int], activation: str = "sigmoid",
                     loss: str = "half_squared_error") -> Project:
    """Variant ``variant`` of the sheet for ``seed``: a network of ``sizes`` with ``activation``
    in every layer, one data row (no scaling) and a learning rate, all with few decimals.
    The same arguments give the same project."""
    if len(sizes) < 2 or any(not 1 <= n <= MAX_LAYER_SIZE for n in sizes):
        raise MLPError(f"an exercise network has 1 to {MAX_LAYER_SIZE} nodes per layer and at least "
                       f"two layers, got {'-'.join(map(str, sizes))}")
    hidden = "sigmoid" if activation == "softmax" else activation
    activations = [hidden] * (len(sizes) - 2) + [activation]
    check_pairing(loss, activation, sizes[-1])
    rng = np.random.default_rng([seed, variant])
    layers = [Layer(rng.choice(_WEIGHTS, (n_out, n_in)), rng.choice(_BIASES, n_out), act)
              for n_in, n_out, act in zip(sizes[:-1], sizes[1:], activations)]
    x = rng.choice(_INPUTS, sizes[0])
    z = _targets(activation, loss, sizes[-1], rng)
    columns = [f"x{i}" for i in range(sizes[0])] + [f"z{k}" for k in range(sizes[-1])]
    data = Dataset(columns, np.concatenate([x, z])[None, :], columns[:sizes[0]], columns[sizes[0]:],
                   input_scaling="none", target_scaling="none", source="exercise")
    config = TrainingConfig(learning_rate=float(rng.choice(LEARNING_RATES)), mode="online", epochs=1)
    project = Project(Network(sizes[0], layers), loss, data, config)
    project.validate()
    return project
