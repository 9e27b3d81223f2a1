"""Finite-difference gradient check: backprop's gradients against central differences."""

from __future__ import annotations

import numpy as np

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


def gradient_check(net: Network, x: np.ndarray, z: np.ndarray, loss: str,
                   reduction: str = "mean") -> list[float]:
    """Largest relative difference per layer, |b - n| / max(|b| + |n|, 1e-8)."""
    analytic = backprop_gradients(net.astype(np.float64), x, z, loss, reduction)
    numeric = numeric_gradients(net, x, z, loss, reduction)
    out = []
    for (aw, ab), (nw, nb) in zip(analytic, numeric):
        a, n = np.concatenate([aw.ravel(), ab.ravel()]), np.concatenate([nw.ravel(), nb.ravel()])
        out.append(float(np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-8))))
    return out
