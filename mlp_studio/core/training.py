"""The training loop: online, minibatch or full-batch gradient descent with stop rules.

An epoch's loss is the per-sample loss accumulated during the epoch (each
sample's loss just before the update that used it), reduced like the
gradients: averaged (``mean``) or summed (``sum``) over the dataset. This is
how scikit-learn reports ``loss_curve_``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from mlp_studio.core import small_net
from mlp_studio.core.network import Network
from mlp_studio.core.small_net import SmallNetSGD
from mlp_studio.core.workspace import REDUCTIONS, Velocity, Workspace, reduce_total
from mlp_studio.errors import MLPError, shown

MODES = ("online", "minibatch", "batch")

STOP_EPOCHS = "epochs"
STOP_TARGET = "target_loss"
STOP_PLATEAU = "no_improvement"
STOP_DIVERGED = "diverged"
STOP_USER = "stopped"

#: how many updates pass between two questions to ``should_stop`` inside an epoch
STOP_CHECK_EVERY = 16


@dataclass
class TrainingConfig:
    """Settings of a run. ``epochs``, ``target_loss`` and ``patience`` are each
    off when None; with only ``epochs`` set, N epochs means N epochs."""

    learning_rate: float = 0.1
    mode: str = "online"
    batch_size: int = 1
    batch_reduction: str = "mean"
    epochs: int | None = 1000
    shuffle: bool = False
    seed: int = 0
    momentum: float = 0.0
    target_loss: float | None = None
    patience: int | None = None
    holdout: float = 0.0  # share of the rows held out (seeded by ``seed``) for a validation loss

    def validate(self) -> None:
        if self.mode not in MODES:
            raise MLPError(f"unknown training mode {shown(self.mode)}; choose one of {', '.join(MODES)}")
        if self.batch_reduction not in REDUCTIONS:
            raise MLPError(f"unknown batch_reduction {shown(self.batch_reduction)}; choose mean or sum")
        if not (math.isfinite(self.learning_rate) and self.learning_rate > 0):
            raise MLPError(f"the learning rate must be a positive number, got {self.learning_rate}")
        if self.batch_size < 1:
            raise MLPError(f"the batch size must be at least 1, got {self.batch_size}")
        if not (0.0 <= self.momentum < 1.0):
            raise MLPError(f"momentum must be in [0, 1), got {self.momentum}")
        if self.epochs is not None and self.epochs < 0:
            raise MLPError(f"epochs must be 0 or more, got {self.epochs}")
        if self.patience is not None and self.patience < 1:
            raise MLPError(f"patience must be at least 1 epoch, got {self.patience}")
        if not (0.0 <= self.holdout < 1.0):
            raise MLPError(f"the hold-out fraction must be in [0, 1), got {self.holdout}")

    def rows_per_update(self, n_rows: int) -> int:
        return {"online": 1, "minibatch": min(self.batch_size, n_rows), "batch": n_rows}[self.mode]


@dataclass
class StopReason:
    code: str
    message: str


@dataclass
class Carry:
    """What one epoch hands the next besides the weights: momentum's velocity (None: at
    rest) and where the row shuffling stands (None: at the start, from the seed). Epochs
    taken by separate trainers, each resuming the last one's carry, equal one long run."""

    velocity: Velocity | None = None
    shuffle: tuple[dict, np.ndarray] | None = None  # the generator's state, the row order


@dataclass
class TrainResult:
    network: Network
    losses: list[float] = field(default_factory=list)
    stop: StopReason | None = None


class Trainer:
    """Trains ``net`` in place on scaled inputs ``X`` and targets ``Z``.

    Buffers are allocated once; each update reuses them. ``run_epoch`` trains
    one epoch; ``train`` loops with the stop rules. Online training of tiny
    float64 networks runs on ``small_net``'s plain-Python path (the same numbers).
    """

    def __init__(self, net: Network, X: np.ndarray, Z: np.ndarray, loss: str,
                 config: TrainingConfig) -> None:
        config.validate()
        if X.shape[0] != Z.shape[0] or X.shape[0] == 0:
            raise MLPError("inputs and targets need the same, non-zero number of rows")
        if X.shape[1] != net.n_inputs or Z.shape[1] != net.n_outputs:
            raise MLPError(
                f"the network has {net.n_inputs} inputs and {net.n_outputs} outputs, "
                f"the data {X.shape[1]} input and {Z.shape[1]} target columns")
        self.net = net
        self.config = config
        self.X = np.ascontiguousarray(X, dtype=net.dtype)
        self.Z = np.ascontiguousarray(Z, dtype=net.dtype)
        self.n = X.shape[0]
        self.batch = config.rows_per_update(self.n)
        self.ws = Workspace(net, loss, self.batch)
        self._xb = np.empty((self.batch, X.shape[1]), net.dtype)
        self._zb = np.empty((self.batch, Z.shape[1]), net.dtype)
        self._rng = np.random.default_rng(config.seed)
        self._order = np.arange(self.n)
        self.epoch = 0
        self.updates = 0
        n_updates = -(-self.n // self.batch)
        self.update_losses = np.empty(n_updates)  # loss of each update in the last epoch
        # Tiny float64 networks trained online take the plain-Python path (same numbers).
        self._fast: SmallNetSGD | None = None
        if small_net.supports(net, config.mode):
            self._fast = SmallNetSGD(net, loss, config.momentum)
            self._xs, self._zs = self.X.tolist(), self.Z.tolist()
            self._fast_losses: list[float] = []

    def carry(self) -> Carry:
        """A copy of what the next epoch will start from (see ``Carry``)."""
        if self._fast is not None:
            velocity = self._fast.layer_velocity() if self.config.momentum else None
        else:
            velocity = self.ws.velocity()
        return Carry(velocity, (self._rng.bit_generator.state, self._order.copy()))

    def resume(self, carry: Carry) -> None:
        """Start the next epoch from ``carry`` (copied), e.g. another trainer's ``carry()``."""
        if self._fast is not None:
            self._fast.set_layer_velocity(carry.velocity)
        else:
            self.ws.set_velocity(carry.velocity)
        if carry.shuffle is not None:
            state, order = carry.shuffle
            self._rng.bit_generator.state = state
            self._order = order.copy()

    def run_epoch(self) -> float:
        """One pass over the data; returns the epoch loss (see module docstring)."""
        if self._fast is None:
            return self._epoch()
        self._fast.load()  # the caller may have changed the network between epochs
        loss = self._epoch()
        self._fast.store()
        return loss

    def _epoch(self, should_stop: Callable[[], bool] | None = None) -> float | None:
        """One epoch; on the fast path the network's arrays are left behind (``train`` stores
        the weights whenever a callback or the caller can see them).

        ``should_stop`` is asked every STOP_CHECK_EVERY updates (not on the fast path,
        whose epochs are short); when it says stop, the epoch is abandoned and None returned.
        """
        if self._fast is not None:
            return self._fast_epoch()
        cfg, ws = self.config, self.ws
        sequential = not cfg.shuffle
        if cfg.shuffle:
            self._rng.shuffle(self._order)
        total = 0.0
        for k, start in enumerate(range(0, self.n, self.batch)):
            stop = min(start + self.batch, self.n)
            if sequential:
                xb, zb = self.X[start:stop], self.Z[start:stop]
            else:
                idx = self._order[start:stop]
                xb, zb = self._xb[: stop - start], self._zb[: stop - start]
                np.take(self.X, idx, axis=0, out=xb)
                np.take(self.Z, idx, axis=0, out=zb)
            ws.forward(xb)
            batch_loss = ws.total_loss(zb)
            total += batch_loss
            self.update_losses[k] = reduce_total(batch_loss, stop - start, cfg.batch_reduction)
            ws.backward(zb)
            ws.gradients(cfg.batch_reduction)
            ws.update(cfg.learning_rate, cfg.momentum)
            if should_stop is not None and k % STOP_CHECK_EVERY == STOP_CHECK_EVERY - 1 and should_stop():
                return None
        self.epoch += 1
        self.updates += len(self.update_losses)
        return reduce_total(total, self.n, cfg.batch_reduction)

    def train(
        self,
        epochs: int | None = None,
        on_epoch: Callable[[int, float], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> TrainResult:
        """Train until a stop rule fires. ``epochs`` overrides the config's.

        On a NaN or infinite loss (or weights) the network is put back to the
        last weights whose epoch finished finite, and the reason says so.
        """
        cfg, fast = self.config, self._fast
        limit = cfg.epochs if epochs is None else epochs
        result = TrainResult(self.net)
        best, since_best = math.inf, 0
        if fast is not None:
            fast.load()
            last_good: Network | tuple[float, ...] = fast.params
        else:
            last_good = self.net.copy()
        try:
            while True:
                if limit is not None and len(result.losses) >= limit:
                    result.stop = StopReason(STOP_EPOCHS, f"reached {limit} epochs")
                    break
                if should_stop is not None and should_stop():
                    result.stop = StopReason(STOP_USER, f"stopped by the user after {len(result.losses)} epochs")
                    break
                if fast is not None:
                    loss = self._epoch()
                    finite = math.isfinite(loss) and fast.is_finite()
                else:
                    with np.errstate(over="ignore", invalid="ignore"):
                        loss = self._epoch(should_stop)
                    if loss is None:  # stopped part-way through a long epoch
                        _restore(self.net, last_good)
                        result.stop = StopReason(
                            STOP_USER, f"stopped by the user during epoch {self.epoch + 1}; "
                                       f"the weights are those after epoch {self.epoch}")
                        break
                    finite = math.isfinite(loss) and self.net.is_finite()
                if not finite:
                    if fast is not None:
                        fast.params = last_good
                    else:
                        _restore(self.net, last_good)
                    result.stop = StopReason(
                        STOP_DIVERGED,
                        f"the loss became {loss} in epoch {self.epoch}: training diverged "
                        f"(try a smaller learning rate); the last finite weights are kept")
                    break
                if fast is not None:
                    last_good = fast.params  # an immutable tuple: keeping it is the copy
                else:
                    _restore(last_good, self.net)
                result.losses.append(loss)
                if on_epoch is not None:
                    if fast is not None:
                        fast.store()
                    on_epoch(self.epoch, loss)
                if cfg.target_loss is not None and loss <= cfg.target_loss:
                    result.stop = StopReason(STOP_TARGET, f"loss {loss:.6g} reached the target {cfg.target_loss:g}")
                    break
                if loss < best:
                    best, since_best = loss, 0
                else:
                    since_best += 1
                    if cfg.patience is not None and since_best >= cfg.patience:
                        result.stop = StopReason(
                            STOP_PLATEAU, f"no improvement for {cfg.patience} epochs (best {best:.6g})")
                        break
        finally:
            if fast is not None:
                fast.store()
        return result

    def _fast_epoch(self) -> float:
        """One online epoch on ``small_net``'s plain-Python path (same order, same losses)."""
        cfg, fast = self.config, self._fast
        if cfg.shuffle:
            self._rng.shuffle(self._order)
        losses = self._fast_losses
        losses.clear()
        total = fast.epoch(self._xs, self._zs, self._order.tolist(), float(cfg.learning_rate), losses)
        self.update_losses[:] = losses
        self.epoch += 1
        self.updates += self.n
        return reduce_total(total, self.n, cfg.batch_reduction)


def _restore(dst: Network, src: Network) -> None:
    """Copy the numbers of ``src`` into ``dst`` in place (same shapes)."""
    for d, s in zip(dst.layers, src.layers):
        np.copyto(d.weights, s.weights)
        np.copyto(d.biases, s.biases)


def train(net: Network, X: np.ndarray, Z: np.ndarray, loss: str, config: TrainingConfig,
          epochs: int | None = None) -> TrainResult:
    """Train a copy of ``net``; the result holds the trained copy."""
    return Trainer(net.copy(), X, Z, loss, replace(config)).train(epochs)
