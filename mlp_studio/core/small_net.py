"""Online SGD on tiny float64 networks in plain Python floats: ``SmallNetRunner``.

For a network like the reference 2-3-1, NumPy's per-call overhead (about a
microsecond per array operation, dozens of operations per update) dwarfs the
arithmetic. This runner instead generates, once per network shape and loss, a
Python function whose body is the whole update written out weight by weight
(every parameter a local variable), then runs it over the rows.

It performs ``Workspace``'s operations in the same order, but it is not bit for
bit the same: BLAS may fuse a multiply and an add or sum a dot product in
another order, and NumPy may use its own vectorised ``exp``, ``log`` and
``tanh``, each a unit or so in the last place, machine by machine. What holds
on every machine: trained weights, epoch losses and update losses agree with
``NumpyRunner`` to 1e-12 relative over several epochs, for every activation,
loss and momentum (``tests/core/test_runner_equivalence.py``).

``Trainer`` uses it whenever ``supports`` says so: online SGD (momentum or not,
no weight penalty) of float64 networks with at most ``MAX_PARAMETERS``
parameters, activations and loss the generator knows; the other optimisers and
the penalties run on the NumPy runner.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from mlp_studio.core.activations import LEAKY_SLOPE as LEAKY
from mlp_studio.core.epoch_runner import STOP_CHECK_ROWS, EpochRunner, StopCheck
from mlp_studio.core.losses import _EPS
from mlp_studio.core.network import Network
from mlp_studio.core.optimizers import LayerArrays, OptimizerState

MAX_PARAMETERS = 512  # measured: faster than the NumPy path up to ~600 (2 cores, 2026-11)

#: the elementwise activations the generator writes out (softmax is handled per layer)
_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")
_LOSSES = ("half_squared_error", "squared_error", "cross_entropy")


def supports(net: Network, loss: str, config) -> bool:
    """Whether ``SmallNetRunner`` can train ``net`` with ``loss`` and ``config`` (a
    ``TrainingConfig``): online SGD (with or without momentum), no weight penalty."""
    last = len(net.layers) - 1
    known = all(l.activation in _ACTIVATIONS or (l.activation == "softmax" and i == last)
                for i, l in enumerate(net.layers))
    return (config.mode == "online" and config.optimizer == "sgd" and not config.penalty_rule()
            and net.dtype == np.float64 and net.n_parameters <= MAX_PARAMETERS
            and known and loss in _LOSSES)


class SmallNetRunner(EpochRunner):
    """Online SGD (with momentum) on one tiny network; between ``load`` and ``store`` the
    parameters live in a tuple of floats."""

    def __init__(self, net: Network, X: np.ndarray, Z: np.ndarray, loss: str, config) -> None:
        super().__init__(net, X, Z, loss, config)
        self.momentum = float(config.momentum)
        self.rule = config.optimizer_rule()
        layout = tuple((l.n_in, l.n_out, l.activation) for l in net.layers)
        self._update_rows = _compile(layout, loss, bool(self.momentum))
        self._xs, self._zs = X.ravel().tolist(), Z.ravel().tolist()  # flat: row r at r * width
        self._losses: list[float] = []
        self.params: tuple[float, ...] = ()
        self.flat_velocity: tuple[float, ...] = (0.0,) * net.n_parameters
        self.steps = self.epochs = 0
        self.load()
        self._start = (self.params, self.flat_velocity, self.steps, self.epochs)

    def load(self) -> None:
        self.params = _flat([l.weights for l in self.net.layers], [l.biases for l in self.net.layers])

    def store(self) -> None:
        k = 0
        for layer in self.net.layers:
            w, b = layer.weights, layer.biases
            w.ravel()[:] = self.params[k:k + w.size]
            k += w.size
            b[:] = self.params[k:k + b.size]
            k += b.size

    def run_epoch(self, order: np.ndarray | None, learning_rate: float,
                  should_stop: StopCheck | None = None) -> float | None:
        n = self.n
        rows = range(n) if order is None else order.tolist()
        losses = self._losses
        losses.clear()
        self._start = (self.params, self.flat_velocity, self.steps, self.epochs)  # immutable
        lr, total = float(learning_rate), 0.0
        for start in range(0, n, STOP_CHECK_ROWS):
            chunk = rows[start:start + STOP_CHECK_ROWS]
            self.params, self.flat_velocity, total = self._update_rows(
                self.params, self.flat_velocity, self._xs, self._zs, chunk, lr, self.momentum,
                losses, total)
            self.rows_done = start + len(chunk)
            if should_stop is not None and self.rows_done < n and should_stop():
                return None
        self.update_losses[:] = losses
        self.steps += n
        self.epochs += 1
        return total

    def rewind(self) -> None:
        self.params, self.flat_velocity, self.steps, self.epochs = self._start

    def is_finite(self) -> bool:
        return all(map(math.isfinite, self.params))

    @property
    def epochs_done(self) -> int:
        return self.epochs

    def optimizer_state(self) -> OptimizerState:
        slots = {"velocity": _layered(self.flat_velocity, self.net)} if self.momentum else {}
        return OptimizerState(self.steps, self.epochs, slots)

    def set_optimizer_state(self, state: OptimizerState | None) -> None:
        layers = self.net.layers
        state = self.rule.adopt(state, ([l.weights for l in layers], [l.biases for l in layers]))
        self.steps, self.epochs = state.steps, state.epochs
        velocity = state.slots.get("velocity")
        self.flat_velocity = (0.0,) * self.net.n_parameters if velocity is None else _flat(*velocity)


def _flat(weights: list[np.ndarray], biases: list[np.ndarray]) -> tuple[float, ...]:
    """Per-layer arrays as one tuple of floats: layer by layer, its weights then its biases."""
    flat: list[float] = []
    for w, b in zip(weights, biases):
        flat += w.ravel().tolist()
        flat += b.tolist()
    return tuple(flat)


def _layered(flat: tuple[float, ...], net: Network) -> LayerArrays:
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
    raise ValueError(f"small_net has no code for the activation {act!r}")


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
    """Generate and compile ``update_rows(P, V, xs, zs, order, lr, mu, losses, total)``: one
    update per row of ``order`` (``xs``, ``zs``: the inputs and targets, flattened row by
    row), for one network shape and loss; returns (P, V, total)."""
    if loss not in _LOSSES:
        raise ValueError(f"small_net has no code for the loss {loss!r}")
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
    emit("for r in order:")
    ind = "    "
    emit(ind + f"i = r * {n_in}")
    for k, x in enumerate(A[0]):
        emit(ind + f"{x} = xs[i + {k}]" if k else ind + f"{x} = xs[i]")
    emit(ind + f"i = r * {n_out}")
    for k, z in enumerate(Zt):
        emit(ind + f"{z} = zs[i + {k}]" if k else ind + f"{z} = zs[i]")
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
    else:  # cross_entropy
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
    source = "def update_rows(P, V, xs, zs, order, lr, mu, losses, total):\n" + "\n".join("    " + l for l in body)
    namespace = {"exp": math.exp, "tanh": math.tanh, "log": math.log}
    exec(compile(source, f"<small_net {layout} {loss}>", "exec"), namespace)  # noqa: S102 - our own template
    return namespace["update_rows"]
