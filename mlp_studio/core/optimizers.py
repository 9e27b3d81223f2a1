"""Optimisers, weight penalties and learning-rate schedules: the rules of one update.

Optimisers (each parameter array ``p`` with its gradient ``g``; ``eta`` the learning rate):

- ``sgd``: ``p -= eta g``; with momentum ``mu``: ``v = mu v - eta g; p += v``.
- ``nesterov`` (scikit-learn's ``nesterovs_momentum``): ``v = mu v - eta g; p += mu v - eta g``.
- ``adam`` (scikit-learn's ``AdamOptimizer``): ``t += 1; m = b1 m + (1 - b1) g;
  v = b2 v + (1 - b2) g^2; eta_t = eta sqrt(1 - b2^t) / (1 - b1^t); p -= eta_t m / (sqrt(v) + eps)``.
- ``rmsprop`` (PyTorch's ``RMSprop``, not centred, no momentum):
  ``r = rho r + (1 - rho) g^2; p -= eta g / (sqrt(r) + eps)``.

Penalties (weights only, never biases), both divided by the batch's rows when the batch
reduction is ``mean`` (scikit-learn's ``alpha`` is ``l2``): the loss gets
``l2/2 sum W^2 + l1 sum |W|``, each weight's gradient ``l2 W + l1 sign(W)``.

Schedules give the learning rate of epoch ``e`` (0 for the first) from ``eta0``:
``constant``; ``invscaling`` (scikit-learn's: ``eta0 / (t + 1)^power_t`` with ``t`` the
samples seen before the epoch, ``e`` times the rows); ``step`` (``eta0 gamma^(e //
step_epochs)``); ``cosine`` (``eta0 (1 + cos(pi e / epochs)) / 2``, from ``eta0`` to 0).

``OptimizerState`` is what an optimiser carries from one update to the next: a plain
object with copy semantics that a document can keep across steps and undo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from mlp_studio.errors import MLPError

OPTIMIZERS = ("sgd", "nesterov", "adam", "rmsprop")
SCHEDULES = ("constant", "invscaling", "step", "cosine")

#: per layer: the weights' arrays and the biases' arrays
LayerArrays = tuple[list[np.ndarray], list[np.ndarray]]

#: the state each optimiser keeps, by name (sgd and nesterov only with momentum)
SLOTS = {"sgd": ("velocity",), "nesterov": ("velocity",), "adam": ("m", "v"), "rmsprop": ("square_avg",)}


@dataclass
class OptimizerState:
    """What an optimiser carries between updates: ``steps`` taken (Adam's ``t``), ``epochs``
    finished (the schedule's position) and named ``slots`` of per-layer arrays shaped like
    the network's weights and biases. ``copy()`` copies every array."""

    steps: int = 0
    epochs: int = 0
    slots: dict[str, LayerArrays] = field(default_factory=dict)

    def copy(self) -> "OptimizerState":
        return OptimizerState(self.steps, self.epochs, {
            name: ([a.copy() for a in w], [a.copy() for a in b]) for name, (w, b) in self.slots.items()})

    def equals(self, other: "OptimizerState") -> bool:
        """The same counts and exactly the same numbers in every slot."""
        return (self.steps == other.steps and self.epochs == other.epochs
                and self.slots.keys() == other.slots.keys()
                and all(np.array_equal(a, b)
                        for name in self.slots
                        for part in (0, 1)
                        for a, b in zip(self.slots[name][part], other.slots[name][part])))


@dataclass(frozen=True)
class Optimizer:
    """One optimiser's rule with its settings (see the module docstring)."""

    name: str = "sgd"
    momentum: float = 0.0
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    rho: float = 0.9

    def validate(self) -> None:
        if self.name not in OPTIMIZERS:
            raise MLPError(f"unknown optimizer {self.name!r}; choose one of {', '.join(OPTIMIZERS)}")
        for key in ("momentum", "beta1", "beta2", "rho"):
            value = getattr(self, key)
            if not (0.0 <= value < 1.0):
                raise MLPError(f"{key} must be in [0, 1), got {value}")
        if not (math.isfinite(self.epsilon) and self.epsilon > 0):
            raise MLPError(f"epsilon must be a positive number, got {self.epsilon}")

    @property
    def slots(self) -> tuple[str, ...]:
        """The state this optimiser keeps between updates (none for plain SGD)."""
        if self.name in ("sgd", "nesterov") and not self.momentum:
            return ()
        return SLOTS[self.name]

    def new_state(self, weights: list[np.ndarray], biases: list[np.ndarray]) -> OptimizerState:
        """The state before the first update: zeros shaped like ``weights`` and ``biases``."""
        return OptimizerState(0, 0, {name: ([np.zeros_like(w) for w in weights],
                                            [np.zeros_like(b) for b in biases])
                                     for name in self.slots})

    def adopt(self, state: OptimizerState | None, params: LayerArrays) -> OptimizerState:
        """A copy of ``state`` to carry on from (in the parameters' dtype); a fresh state when
        it is None or was kept by another optimiser or for another shape (the epoch count,
        the schedule's position, is kept)."""
        fresh = self.new_state(*params)
        if state is None:
            return fresh
        fits = state.slots.keys() == fresh.slots.keys() and all(
            len(state.slots[name][part]) == len(params[part])
            and all(a.shape == p.shape for a, p in zip(state.slots[name][part], params[part]))
            for name in fresh.slots for part in (0, 1))
        if not fits:
            fresh.epochs = state.epochs
            return fresh
        return OptimizerState(state.steps, state.epochs, {
            name: tuple([a.astype(p.dtype, copy=True) for a, p in zip(state.slots[name][part], params[part])]
                        for part in (0, 1))
            for name in state.slots})

    def step_rate(self, learning_rate: float, steps: int) -> float:
        """The rate applied at update number ``steps`` (1 for the first): Adam's bias
        correction ``eta sqrt(1 - b2^t) / (1 - b1^t)``; the rate itself for the others."""
        if self.name != "adam":
            return learning_rate
        return learning_rate * math.sqrt(1.0 - self.beta2 ** steps) / (1.0 - self.beta1 ** steps)

    def update(self, params: LayerArrays, grads: LayerArrays, state: OptimizerState,
               learning_rate: float, scratch: LayerArrays) -> None:
        """Apply one update to ``params`` in place; ``grads`` and ``scratch`` (shaped like
        ``params``) are overwritten. The rates are used as Python floats, so float32
        parameters are updated in float32."""
        state.steps += 1
        lr = float(self.step_rate(float(learning_rate), state.steps))
        for part in (0, 1):
            for k, (p, g, tmp) in enumerate(zip(params[part], grads[part], scratch[part])):
                slots = [state.slots[name][part][k] for name in self.slots]
                self._update_array(p, g, tmp, slots, lr)

    def _update_array(self, p: np.ndarray, g: np.ndarray, tmp: np.ndarray,
                      slots: list[np.ndarray], lr: float) -> None:
        name = self.name
        if name in ("sgd", "nesterov"):
            g *= lr
            if not slots:
                p -= g
                return
            (v,) = slots
            mu = float(self.momentum)
            v *= mu
            v -= g
            if name == "sgd":
                p += v
            else:  # the step is mu v_new - eta g
                np.multiply(v, mu, out=tmp)
                tmp -= g
                p += tmp
        elif name == "adam":
            m, v = slots
            b1 = float(self.beta1)
            m *= b1
            np.multiply(g, 1.0 - b1, out=tmp)
            m += tmp
            _average_square(v, g, float(self.beta2), tmp)
            _divided_step(p, m, v, float(self.epsilon), lr, tmp)
        else:  # rmsprop
            (r,) = slots
            _average_square(r, g, float(self.rho), tmp)
            _divided_step(p, g, r, float(self.epsilon), lr, tmp)


def _average_square(avg: np.ndarray, g: np.ndarray, decay: float, tmp: np.ndarray) -> None:
    """``avg = decay avg + (1 - decay) g^2`` in place."""
    avg *= decay
    np.multiply(g, g, out=tmp)
    tmp *= 1.0 - decay
    avg += tmp


def _divided_step(p: np.ndarray, num: np.ndarray, square: np.ndarray, eps: float, lr: float,
                  tmp: np.ndarray) -> None:
    """``p -= lr num / (sqrt(square) + eps)`` in place."""
    np.sqrt(square, out=tmp)
    tmp += eps
    np.divide(num, tmp, out=tmp)
    tmp *= lr
    p -= tmp


@dataclass(frozen=True)
class Penalty:
    """``l2/2 sum W^2 + l1 sum |W|`` over the weights (see the module docstring)."""

    l1: float = 0.0
    l2: float = 0.0

    def validate(self) -> None:
        for key in ("l1", "l2"):
            value = getattr(self, key)
            if not (math.isfinite(value) and value >= 0):
                raise MLPError(f"{key} must be 0 or a positive number, got {value}")

    def __bool__(self) -> bool:
        return bool(self.l1 or self.l2)

    def value(self, weights: list[np.ndarray]) -> float:
        """The penalty of ``weights``, before any division by the batch's rows."""
        total = 0.0
        for w in weights:
            if self.l2:
                flat = w.ravel()
                total += 0.5 * self.l2 * float(np.dot(flat, flat))
            if self.l1:
                total += self.l1 * float(np.abs(w).sum())
        return total

    def add_gradient(self, weights: list[np.ndarray], grads: list[np.ndarray], scale: float,
                     scratch: list[np.ndarray]) -> None:
        """``grads += scale (l2 W + l1 sign(W))``, ``scale`` the batch reduction's (1/rows or 1)."""
        for w, g, tmp in zip(weights, grads, scratch):
            if self.l2:
                np.multiply(w, float(self.l2 * scale), out=tmp)
                g += tmp
            if self.l1:
                np.sign(w, out=tmp)
                tmp *= float(self.l1 * scale)
                g += tmp


@dataclass(frozen=True)
class Schedule:
    """The learning rate of each epoch (see the module docstring)."""

    name: str = "constant"
    power_t: float = 0.5
    gamma: float = 0.1
    step_epochs: int = 10

    def validate(self, epochs: int | None) -> None:
        if self.name not in SCHEDULES:
            raise MLPError(f"unknown schedule {self.name!r}; choose one of {', '.join(SCHEDULES)}")
        if not (math.isfinite(self.power_t) and self.power_t >= 0):
            raise MLPError(f"power_t must be 0 or a positive number, got {self.power_t}")
        if not (0.0 < self.gamma <= 1.0):
            raise MLPError(f"gamma must be in (0, 1], got {self.gamma}")
        if self.step_epochs < 1:
            raise MLPError(f"step_epochs must be at least 1, got {self.step_epochs}")
        if self.name == "cosine" and not epochs:
            raise MLPError("the cosine schedule needs a number of epochs to run over")

    def rate(self, eta0: float, epoch: int, rows: int, epochs: int | None) -> float:
        """The rate of epoch ``epoch`` (0 for the first) over ``rows`` rows an epoch."""
        if self.name == "invscaling":
            return eta0 / (epoch * rows + 1) ** self.power_t
        if self.name == "step":
            return eta0 * self.gamma ** (epoch // self.step_epochs)
        if self.name == "cosine":
            return eta0 * 0.5 * (1.0 + math.cos(math.pi * min(epoch, epochs) / epochs))
        return eta0
