"""A fast path for online SGD on tiny float64 networks, in plain Python floats.

For a network like the reference 2-3-1, NumPy's per-call overhead (about a
microsecond per array operation, dozens of operations per update) dwarfs the
arithmetic. ``SmallNetSGD`` instead generates, once per network shape, a
Python function whose body is the whole epoch written out weight by weight
(every parameter a local variable), then runs it. It performs the same
operations as ``Workspace`` in the same order, so it gives the trace's numbers
up to the summation order and fused multiply-adds inside BLAS (a few units in
the last place); ``tests/core/test_fast_path.py`` checks this.

Trainer uses it automatically for online training of float64 networks with at
most ``MAX_PARAMETERS`` parameters.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from mlp_studio.core.activations import LEAKY_SLOPE as LEAKY
from mlp_studio.core.losses import _EPS
from mlp_studio.core.network import Network
from mlp_studio.core.workspace import Velocity

MAX_PARAMETERS = 512  # measured: faster than the NumPy path up to ~600 (2 cores, 2026-11)


def supports(net: Network, mode: str) -> bool:
    """Whether ``SmallNetSGD`` can train ``net`` in ``mode``."""
    return mode == "online" and net.dtype == np.float64 and net.n_parameters <= MAX_PARAMETERS


class SmallNetSGD:
    """Online SGD on one tiny network; parameters live in a tuple of floats while training.

    ``load()`` reads the network's arrays, ``store()`` writes them back;
    ``epoch()`` runs one pass over the rows in the given order.
    """

    def __init__(self, net: Network, loss: str, momentum: float) -> None:
        self.net = net
        self.momentum = float(momentum)
        layout = tuple((l.n_in, l.n_out, l.activation) for l in net.layers)
        self._epoch = _compile(layout, loss, bool(momentum))
        self.params: tuple[float, ...] = ()
        self.velocity: tuple[float, ...] = (0.0,) * net.n_parameters
        self.load()

    def load(self) -> None:
        self.params = _flat([l.weights for l in self.net.layers], [l.biases for l in self.net.layers])

    def store(self) -> None:
        """Write the parameters into the network's arrays (in place: no arrays are made)."""
        k = 0
        for layer in self.net.layers:
            w, b = layer.weights, layer.biases
            w.ravel()[:] = self.params[k:k + w.size]
            k += w.size
            b[:] = self.params[k:k + b.size]
            k += b.size

    def layer_velocity(self) -> Velocity:
        """The velocity as per-layer weights and biases arrays (``Workspace``'s form)."""
        return _layered(self.velocity, self.net)

    def set_layer_velocity(self, velocity: Velocity | None) -> None:
        """Carry on from per-layer ``velocity``; None: at rest."""
        self.velocity = (0.0,) * self.net.n_parameters if velocity is None else _flat(*velocity)

    def is_finite(self) -> bool:
        return all(map(math.isfinite, self.params))

    def epoch(self, xs: list[list[float]], zs: list[list[float]], order: list[int],
              learning_rate: float, losses: list[float]) -> float:
        """Train on rows ``order`` (indices into ``xs``/``zs``); append each update's loss
        to ``losses``; return their sum."""
        self.params, self.velocity, total = self._epoch(
            self.params, self.velocity, xs, zs, order, learning_rate, self.momentum, losses)
        return total


def _flat(weights: list[np.ndarray], biases: list[np.ndarray]) -> tuple[float, ...]:
    """Per-layer arrays as one tuple of floats: layer by layer, its weights then its biases."""
    flat: list[float] = []
    for w, b in zip(weights, biases):
        flat += w.ravel().tolist()
        flat += b.tolist()
    return tuple(flat)


def _layered(flat: tuple[float, ...], net: Network) -> Velocity:
    """``_flat``'s inverse: float64 arrays shaped like ``net``'s weights and biases."""
    values = np.array(flat, dtype=np.float64)
    weights, biases, k = [], [], 0
    for layer in net.layers:
        weights.append(values[k:k + layer.weights.size].reshape(layer.weights.shape))
        k += layer.weights.size
        biases.append(values[k:k + layer.biases.size])
        k += layer.biases.size
    return weights, biases


# --- code generation -------------------------------------------------------------

def _forward(act: str, s: str, a: str) -> list[str]:
    """Lines computing ``a = f(s)`` exactly as activations.py does elementwise."""
    if act == "sigmoid":
        return [f"e = exp(-abs({s}))", f"{a} = (1.0 if {s} >= 0.0 else e) / (1.0 + e)"]
    if act == "tanh":
        return [f"{a} = tanh({s})"]
    if act == "relu":  # np.maximum(s, 0): NaN propagates
        return [f"{a} = {s} if ({s} >= 0.0 or {s} != {s}) else 0.0"]
    if act == "leaky_relu":
        return [f"t = {s} * {LEAKY}", f"{a} = {s} if ({s} >= t or {s} != {s}) else t"]
    if act == "identity":
        return [f"{a} = {s}"]
    raise AssertionError(act)


def _derivative(act: str, s: str, a: str) -> str:
    """An expression for f'(s) as activations.py computes it."""
    return {
        "sigmoid": f"((1.0 - {a}) * {a})",
        "tanh": f"(1.0 - {a} * {a})",
        "relu": f"(1.0 if {s} > 0.0 else 0.0)",
        "leaky_relu": f"(1.0 if {s} > 0.0 else {LEAKY})",
        "identity": "1.0",
    }[act]


def _sum(terms: list[str]) -> str:
    return " + ".join(terms)


@lru_cache(maxsize=64)
def _compile(layout: tuple[tuple[int, int, str], ...], loss: str, momentum: bool):
    """Generate and compile ``epoch(P, V, xs, zs, order, lr, mu, losses)`` for one network shape."""
    n_in = layout[0][0]
    n_out = layout[-1][1]
    W = [[[f"w{i}_{j}_{k}" for k in range(ni)] for j in range(no)] for i, (ni, no, _) in enumerate(layout)]
    B = [[f"b{i}_{j}" for j in range(no)] for i, (_, no, _) in enumerate(layout)]
    params = [p for i in range(len(layout)) for p in sum(W[i], []) + B[i]]
    vels = ["v" + p for p in params]
    S = [[f"s{i}_{j}" for j in range(no)] for i, (_, no, _) in enumerate(layout)]
    A = [[f"x{k}" for k in range(n_in)]] + [[f"a{i}_{j}" for j in range(no)]
                                             for i, (_, no, _) in enumerate(layout)]
    D = [[f"d{i}_{j}" for j in range(no)] for i, (_, no, _) in enumerate(layout)]
    Y, Zt = A[-1], [f"z{k}" for k in range(n_out)]
    last = len(layout) - 1
    out_act = layout[-1][2]

    body: list[str] = []
    emit = body.append
    emit(f"({', '.join(params)},) = P")
    if momentum:
        emit(f"({', '.join(vels)},) = V")
    emit("total = 0.0")
    emit("for r in order:")
    ind = "    "
    emit(ind + f"({', '.join(A[0])},) = xs[r]")
    emit(ind + f"({', '.join(Zt)},) = zs[r]")
    # Forward: s = a_prev W^T, then s += b, then a = f(s).
    for i, (ni, no, act) in enumerate(layout):
        for j in range(no):
            emit(ind + f"{S[i][j]} = {_sum([f'{A[i][k]} * {W[i][j][k]}' for k in range(ni)])}")
            emit(ind + f"{S[i][j]} = {S[i][j]} + {B[i][j]}")
        if act == "softmax":
            emit(ind + f"m = max({', '.join(S[i])})")
            for j in range(no):
                emit(ind + f"{A[i + 1][j]} = exp({S[i][j]} - m)")
            emit(ind + f"t = {_sum(A[i + 1])}")
            for j in range(no):
                emit(ind + f"{A[i + 1][j]} = {A[i + 1][j]} / t")
        else:
            for j in range(no):
                body.extend(ind + line for line in _forward(act, S[i][j], A[i + 1][j]))
    # Per-sample loss (losses.py: sum over outputs, then the factor or sign).
    if loss in ("half_squared_error", "squared_error"):
        for k in range(n_out):
            emit(ind + f"q{k} = {Y[k]} - {Zt[k]}")
        sq = _sum([f"q{k} * q{k}" for k in range(n_out)])
        emit(ind + (f"l = 0.5 * ({sq})" if loss == "half_squared_error" else f"l = {sq}"))
    else:
        for k in range(n_out):
            emit(ind + f"c{k} = min(max({Y[k]}, {_EPS!r}), {1.0 - _EPS!r})")
        if n_out == 1:
            emit(ind + f"l = -({Zt[0]} * log(c0) + (1.0 - {Zt[0]}) * log(1.0 - c0))")
        else:
            emit(ind + f"l = -({_sum([f'{Zt[k]} * log(c{k})' for k in range(n_out)])})")
    emit(ind + "losses.append(l)")
    emit(ind + "total = total + l")
    # Output delta.
    for k in range(n_out):
        if loss == "cross_entropy":
            emit(ind + f"{D[last][k]} = {Y[k]} - {Zt[k]}")
        else:
            diff = f"({Y[k]} - {Zt[k]})" if loss == "half_squared_error" else f"(({Y[k]} - {Zt[k]}) * 2.0)"
            emit(ind + f"{D[last][k]} = {_derivative(out_act, S[last][k], Y[k])} * {diff}")
    # Hidden deltas: delta_i = f'(s_i) * (delta_{i+1} W_{i+1}).
    for i in range(last - 1, -1, -1):
        ni, no, act = layout[i]
        for k in range(no):
            back = _sum([f"{D[i + 1][j]} * {W[i + 1][j][k]}" for j in range(layout[i + 1][1])])
            emit(ind + f"{D[i][k]} = {_derivative(act, S[i][k], A[i + 1][k])} * ({back})")
    # Update: g = delta a_prev (one row: no reduction), W -= lr g or v = mu v - lr g; W += v.
    for i, (ni, no, _) in enumerate(layout):
        for j in range(no):
            grads = [(W[i][j][k], f"{D[i][j]} * {A[i][k]}") for k in range(ni)] + [(B[i][j], D[i][j])]
            for p, g in grads:
                if momentum:
                    emit(ind + f"v{p} = v{p} * mu - ({g}) * lr")
                    emit(ind + f"{p} = {p} + v{p}")
                else:
                    emit(ind + f"{p} = {p} - ({g}) * lr")
    tail = f"({', '.join(vels)},)" if momentum else "V"
    emit(f"return ({', '.join(params)},), {tail}, total")
    source = "def epoch(P, V, xs, zs, order, lr, mu, losses):\n" + "\n".join("    " + l for l in body)
    namespace = {"exp": math.exp, "tanh": math.tanh, "log": math.log}
    exec(compile(source, f"<small_net {layout} {loss}>", "exec"), namespace)  # noqa: S102 - our own template
    return namespace["epoch"]
