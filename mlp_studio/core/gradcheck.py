"""Finite-difference gradient check: backprop's gradients against central differences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlp_studio.core.address import Address
from mlp_studio.core.network import Network
from mlp_studio.core.workspace import Workspace


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


def numeric_gradients(net: Network, x: np.ndarray, z: np.ndarray, loss: str,
                      reduction: str = "mean", eps: float = 1e-6) -> list[tuple[np.ndarray, np.ndarray]]:
    """Central differences (L(p + eps) - L(p - eps)) / 2 eps for every parameter."""
    probe = net.astype(np.float64)
    x, z = np.asarray(x, np.float64), np.asarray(z, np.float64)
    result = []
    for layer in probe.layers:
        grads = []
        for param in (layer.weights, layer.biases):
            g = np.empty_like(param)
            flat, gflat = param.reshape(-1), g.reshape(-1)
            for k in range(flat.size):
                keep = flat[k]
                flat[k] = keep + eps
                up = mean_loss(probe, x, z, loss, reduction)
                flat[k] = keep - eps
                down = mean_loss(probe, x, z, loss, reduction)
                flat[k] = keep
                gflat[k] = (up - down) / (2 * eps)
            grads.append(g)
        result.append((grads[0], grads[1]))
    return result


@dataclass(frozen=True)
class LayerCheck:
    """One layer's worst parameter: its name, the relative difference, both gradients."""

    address: Address
    relative_difference: float
    backprop: float
    numeric: float


def gradient_check_layers(net: Network, x: np.ndarray, z: np.ndarray, loss: str,
                          reduction: str = "mean") -> list[LayerCheck]:
    """Per layer, the parameter with the largest relative difference
    |b - n| / max(|b| + |n|, 1e-8) between backprop (b) and central differences (n)."""
    analytic = backprop_gradients(net.astype(np.float64), x, z, loss, reduction)
    numeric = numeric_gradients(net, x, z, loss, reduction)
    out = []
    for i, ((aw, ab), (nw, nb)) in enumerate(zip(analytic, numeric)):
        a, n = np.concatenate([aw.ravel(), ab.ravel()]), np.concatenate([nw.ravel(), nb.ravel()])
        rel = np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-8)
        k = int(np.argmax(rel))
        address = (Address("w", (i, *np.unravel_index(k, aw.shape))) if k < aw.size
                   else Address("b", (i, k - aw.size)))
        out.append(LayerCheck(Address(address.kind, tuple(int(v) for v in address.index)),
                              float(rel[k]), float(a[k]), float(n[k])))
    return out


def gradient_check(net: Network, x: np.ndarray, z: np.ndarray, loss: str,
                   reduction: str = "mean") -> list[float]:
    """Largest relative difference per layer, |b - n| / max(|b| + |n|, 1e-8)."""
    return [c.relative_difference for c in gradient_check_layers(net, x, z, loss, reduction)]
