"""Finite-difference gradient check: backprop's gradients against central differences.

A large network is checked on a sample: beyond ``max_parameters`` parameters
each layer compares an equal share of them, drawn at random (seeded), so the
check's cost stays bounded (two forward passes per parameter checked).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from mlp_studio.core.address import Address
from mlp_studio.core.network import Network
from mlp_studio.core.workspace import Workspace

#: parameters compared by default; a larger network is sampled
MAX_CHECKED_PARAMETERS = 2000

Progress = Callable[[int, int], None]


def mean_loss(net: Network, x: np.ndarray, z: np.ndarray, loss: str, reduction: str = "mean") -> float:
    ws = Workspace(net, loss, x.shape[0])
    ws.forward(x)
    return ws.reduced_loss(z, reduction)


def backprop_gradients(net: Network, x: np.ndarray, z: np.ndarray, loss: str,
                       reduction: str = "mean") -> list[tuple[np.ndarray, np.ndarray]]:
    """Gradients of the reduced loss over the rows of ``x``: per layer (dW, db)."""
    ws = Workspace(net, loss, x.shape[0])
    ws.forward(x)
    ws.backward(z)
    ws.gradients(reduction)
    return [(gw.copy(), gb.copy()) for gw, gb in zip(ws.grad_w, ws.grad_b)]


def _central_difference(probe: Network, flat: np.ndarray, k: int, x: np.ndarray, z: np.ndarray,
                        loss: str, reduction: str, eps: float) -> float:
    """(L(p + eps) - L(p - eps)) / 2 eps for element ``k`` of ``flat`` (a view into ``probe``)."""
    keep = flat[k]
    flat[k] = keep + eps
    up = mean_loss(probe, x, z, loss, reduction)
    flat[k] = keep - eps
    down = mean_loss(probe, x, z, loss, reduction)
    flat[k] = keep
    return (up - down) / (2 * eps)


def numeric_gradients(net: Network, x: np.ndarray, z: np.ndarray, loss: str,
                      reduction: str = "mean", eps: float = 1e-6) -> list[tuple[np.ndarray, np.ndarray]]:
    """Central differences (L(p + eps) - L(p - eps)) / 2 eps for every parameter."""
    probe = net.astype(np.float64)
    x, z = np.asarray(x, np.float64), np.asarray(z, np.float64)
    result = []
    for layer in probe.layers:
        grads = []
        for param in (layer.weights, layer.biases):
            flat = param.reshape(-1)
            grads.append(np.array([_central_difference(probe, flat, k, x, z, loss, reduction, eps)
                                   for k in range(flat.size)]).reshape(param.shape))
        result.append((grads[0], grads[1]))
    return result


@dataclass
class GradientCheck:
    """Per layer: the largest relative difference |b - n| / max(|b| + |n|, 1e-8) over the
    parameters compared, how many were compared, how many the layer has, and which
    parameter differs most with its backprop (b) and central-difference (n) gradients."""

    max_relative_difference: list[float]
    checked: list[int]
    parameters: list[int]
    worst: list[Address]  # per layer, the parameter with the largest difference
    backprop: list[float]  # its two gradients
    numeric: list[float]

    @property
    def sampled(self) -> bool:
        return self.checked != self.parameters


def _sample(size: int, quota: int | None, rng: np.random.Generator) -> np.ndarray:
    if quota is None or size <= quota:
        return np.arange(size)
    return np.sort(rng.choice(size, quota, replace=False))


def check_gradients(net: Network, x: np.ndarray, z: np.ndarray, loss: str, reduction: str = "mean",
                    max_parameters: int | None = MAX_CHECKED_PARAMETERS,
                    progress: Progress | None = None, seed: int = 0,
                    eps: float = 1e-6) -> GradientCheck:
    """Backprop against central differences on every parameter, or (over ``max_parameters``)
    on ``max_parameters // layers`` per layer drawn at random; ``progress(done, total)``
    follows each parameter compared."""
    probe = net.astype(np.float64)
    x, z = np.asarray(x, np.float64), np.asarray(z, np.float64)
    analytic = backprop_gradients(probe, x, z, loss, reduction)
    sizes = [layer.weights.size + layer.biases.size for layer in probe.layers]
    quota = None if max_parameters is None or sum(sizes) <= max_parameters \
        else max(1, max_parameters // len(sizes))
    rng = np.random.default_rng(seed)
    picks = [_sample(size, quota, rng) for size in sizes]
    total, done = sum(len(p) for p in picks), 0
    diffs, worst, backprop, numeric = [], [], [], []
    for i, (layer, (aw, ab), chosen) in enumerate(zip(probe.layers, analytic, picks)):
        n_w = layer.weights.size
        a = np.concatenate([aw.ravel(), ab.ravel()])[chosen]
        n = np.empty(len(chosen))
        for j, k in enumerate(chosen.tolist()):
            flat, index = (layer.weights.reshape(-1), k) if k < n_w else (layer.biases.reshape(-1), k - n_w)
            n[j] = _central_difference(probe, flat, index, x, z, loss, reduction, eps)
            done += 1
            if progress is not None:
                progress(done, total)
        rel = np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-8)
        top = int(np.argmax(rel)) if rel.size else 0
        k = int(chosen[top]) if rel.size else 0
        worst.append(Address("w", (i, *(int(v) for v in np.unravel_index(k, aw.shape)))) if k < n_w
                     else Address("b", (i, k - n_w)))
        diffs.append(float(rel[top]) if rel.size else 0.0)
        backprop.append(float(a[top]) if rel.size else 0.0)
        numeric.append(float(n[top]) if rel.size else 0.0)
    return GradientCheck(diffs, [len(p) for p in picks], sizes, worst, backprop, numeric)


def gradient_check(net: Network, x: np.ndarray, z: np.ndarray, loss: str,
                   reduction: str = "mean") -> list[float]:
    """Largest relative difference per layer over every parameter (no sampling)."""
    return check_gradients(net, x, z, loss, reduction, max_parameters=None).max_relative_difference
