"""The training loop: online, minibatch or full-batch updates with stop rules.

The optimiser, weight penalty and learning-rate schedule are ``optimizers``'s.
An epoch's loss is the per-sample loss accumulated during the epoch (each
sample's loss just before the update that used it) plus each update's penalty,
reduced like the gradients: averaged (``mean``) or summed (``sum``) over the
dataset. This is how scikit-learn reports ``loss_curve_``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from mlp_studio.core import small_net
from mlp_studio.core.epoch_runner import EpochRunner, NumpyRunner, StopCheck
from mlp_studio.core.network import Network
from mlp_studio.core.small_net import SmallNetRunner
from mlp_studio.core.stop_reason import StopReason
from mlp_studio.core.optimizers import Optimizer, OptimizerState, Penalty, Schedule
from mlp_studio.core.workspace import REDUCTIONS, reduce_total
from mlp_studio.errors import MLPError, shown

MODES = ("online", "minibatch", "batch")

STOP_EPOCHS = "epochs"
STOP_TARGET = "target_loss"
STOP_PLATEAU = "no_improvement"
STOP_DIVERGED = "diverged"
STOP_USER = "stopped"


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
    optimizer: str = "sgd"  # see ``optimizers``: sgd (with ``momentum``), nesterov, adam, rmsprop
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    rho: float = 0.9
    l1: float = 0.0
    l2: float = 0.0
    schedule: str = "constant"  # constant, invscaling, step, cosine
    power_t: float = 0.5
    gamma: float = 0.1
    step_epochs: int = 10

    def validate(self) -> None:
        if self.mode not in MODES:
            raise MLPError(f"unknown training mode {shown(self.mode)}; choose one of {', '.join(MODES)}")
        if self.batch_reduction not in REDUCTIONS:
            raise MLPError(f"unknown batch_reduction {shown(self.batch_reduction)}; choose mean or sum")
        if not (math.isfinite(self.learning_rate) and self.learning_rate > 0):
            raise MLPError(f"the learning rate must be a positive number, got {self.learning_rate}")
        if self.batch_size < 1:
            raise MLPError(f"the batch size must be at least 1, got {self.batch_size}")
        if self.epochs is not None and self.epochs < 0:
            raise MLPError(f"epochs must be 0 or more, got {self.epochs}")
        if self.patience is not None and self.patience < 1:
            raise MLPError(f"patience must be at least 1 epoch, got {self.patience}")
        if not (0.0 <= self.holdout < 1.0):
            raise MLPError(f"the hold-out fraction must be in [0, 1), got {self.holdout}")
        self.optimizer_rule().validate()
        self.penalty_rule().validate()
        self.schedule_rule().validate(self.epochs)

    def optimizer_rule(self) -> Optimizer:
        return Optimizer(self.optimizer, self.momentum, self.beta1, self.beta2, self.epsilon, self.rho)

    def penalty_rule(self) -> Penalty:
        return Penalty(self.l1, self.l2)

    def schedule_rule(self) -> Schedule:
        return Schedule(self.schedule, self.power_t, self.gamma, self.step_epochs)

    def rate_at(self, epoch: int, n_rows: int) -> float:
        """The learning rate of epoch ``epoch`` (0 for the first) over ``n_rows`` rows."""
        return self.schedule_rule().rate(self.learning_rate, epoch, n_rows, self.epochs)

    def next_rate(self, state: OptimizerState | None, n_rows: int) -> float:
        """The learning rate of the next update from optimiser state ``state`` (None: at rest)."""
        return self.rate_at(state.epochs if state is not None else 0, n_rows)

    def rows_per_update(self, n_rows: int) -> int:
        return {"online": 1, "minibatch": min(self.batch_size, n_rows), "batch": n_rows}[self.mode]


@dataclass
class Carry:
    """What one epoch hands the next besides the weights: the optimiser's state (None:
    before the first update) and where the row shuffling stands (None: at the start, from
    the seed). Epochs taken by separate trainers, each resuming the last one's carry,
    equal one long run. ``rows_stepped``: rows of single steps (``after_step``) since the
    last epoch ended; a whole epoch starts from none."""

    optimizer: OptimizerState | None = None
    shuffle: tuple[dict, np.ndarray] | None = None  # the generator's state, the row order
    rows_stepped: int = 0

    def after_step(self, state: OptimizerState, rows: int, n_rows: int) -> "Carry":
        """The carry after a single step on ``rows`` of ``n_rows`` rows that left the
        optimiser in ``state`` (taken over, not copied). Once the steps since the last epoch
        cover ``n_rows`` rows, an epoch is over: the epoch count (the learning-rate schedule's
        position) moves on, as at the end of a trained epoch."""
        stepped = self.rows_stepped + rows
        if stepped >= n_rows:
            state.epochs += 1
            stepped = 0
        return Carry(state, self.shuffle, stepped)


@dataclass
class TrainResult:
    network: Network
    losses: list[float] = field(default_factory=list)  # each epoch's loss, penalty included
    penalties: list[float] = field(default_factory=list)  # each epoch's penalty part
    rates: list[float] = field(default_factory=list)  # each epoch's learning rate (its schedule's)
    stop: StopReason | None = None


class Trainer:
    """Trains ``net`` in place on scaled inputs ``X`` and targets ``Z``.

    An ``EpochRunner`` does the updates: ``small_net``'s for online training of tiny
    float64 networks, else the NumPy one (``runner`` picks one explicitly). ``run_epoch``
    trains one epoch; ``train`` loops with the stop rules.
    """

    def __init__(self, net: Network, X: np.ndarray, Z: np.ndarray, loss: str,
                 config: TrainingConfig, runner: type[EpochRunner] | None = None) -> None:
        config.validate()
        if X.shape[0] != Z.shape[0] or X.shape[0] == 0:
            raise MLPError("inputs and targets need the same, non-zero number of rows")
        net.check_fits(X.shape[1], Z.shape[1])
        self.net = net
        self.config = config
        self.n = X.shape[0]
        if runner is None:
            runner = SmallNetRunner if small_net.supports(net, loss, config) else NumpyRunner
        self.runner: EpochRunner = runner(net, np.ascontiguousarray(X, dtype=net.dtype),
                                          np.ascontiguousarray(Z, dtype=net.dtype), loss, config)
        self.batch = self.runner.batch
        self._rng = np.random.default_rng(config.seed)
        self._order = np.arange(self.n)
        self._shuffle_at_start: tuple[dict, np.ndarray] | None = None
        self.epoch = 0
        self.updates = 0
        self.last_penalty = 0.0  # the last epoch's penalty part of its loss
        self.last_rate = config.learning_rate  # the last epoch's learning rate

    @property
    def update_losses(self) -> np.ndarray:
        """The loss of each update of the last whole epoch."""
        return self.runner.update_losses

    @property
    def rows_done(self) -> int:
        """Rows trained so far in the current (or last) epoch."""
        return self.runner.rows_done

    def carry(self) -> Carry:
        """A copy of what the next epoch will start from (see ``Carry``)."""
        return Carry(self.runner.optimizer_state(), (self._rng.bit_generator.state, self._order.copy()))

    def resume(self, carry: Carry) -> None:
        """Start the next epoch from ``carry`` (copied), e.g. another trainer's ``carry()``."""
        self.runner.set_optimizer_state(carry.optimizer)
        if carry.shuffle is not None:
            state, order = carry.shuffle
            self._rng.bit_generator.state = state
            self._order = order.copy()

    def run_epoch(self) -> float:
        """One pass over the data from the network's current weights; returns the epoch
        loss (see module docstring)."""
        self.runner.load()  # the caller may have changed the network between epochs
        try:
            return self._epoch()
        finally:
            self.runner.store()

    def _epoch(self, should_stop: StopCheck | None = None) -> float | None:
        """One epoch; None when ``should_stop`` stopped it part-way (see ``_rewind``)."""
        cfg = self.config
        order = None
        if cfg.shuffle:
            self._shuffle_at_start = (self._rng.bit_generator.state, self._order.copy())
            self._rng.shuffle(self._order)
            order = self._order
        rate = cfg.rate_at(self.runner.epochs_done, self.n)
        total = self.runner.run_epoch(order, rate, should_stop)
        if total is None:
            return None
        self.last_penalty = reduce_total(self.runner.penalty_total, self.n, cfg.batch_reduction)
        self.last_rate = rate
        self.epoch += 1
        self.updates += len(self.runner.update_losses)
        return reduce_total(total, self.n, cfg.batch_reduction)

    def _rewind(self) -> None:
        """Back to the end of the last whole epoch: weights, optimiser state and row shuffling."""
        self.runner.rewind()
        if self._shuffle_at_start is not None:
            state, self._order = self._shuffle_at_start
            self._rng.bit_generator.state = state

    def train(
        self,
        epochs: int | None = None,
        on_epoch: Callable[[int, float], None] | None = None,
        should_stop: StopCheck | None = None,
        watched: Callable[[], float] | None = None,
    ) -> TrainResult:
        """Train until a stop rule fires. ``epochs`` overrides the config's.

        ``patience`` watches the epoch's training loss, or what ``watched`` returns after
        ``on_epoch`` (a run with held-out rows watches their loss: early stopping).

        ``should_stop`` is asked before every epoch and every ``STOP_CHECK_ROWS`` rows
        inside one; a stop inside an epoch leaves the weights of the last whole epoch.
        On a NaN or infinite loss (or weights) the network is put back to the last
        weights whose epoch finished finite, and the reason says so.
        """
        cfg, runner = self.config, self.runner
        limit = cfg.epochs if epochs is None else epochs
        result = TrainResult(self.net)
        best, since_best = math.inf, 0
        runner.load()
        try:
            while True:
                if limit is not None and len(result.losses) >= limit:
                    result.stop = StopReason(STOP_EPOCHS, f"reached {limit} epochs")
                    break
                if should_stop is not None and should_stop():
                    result.stop = StopReason(STOP_USER, f"stopped by the user after {len(result.losses)} epochs")
                    break
                with np.errstate(over="ignore", invalid="ignore"):
                    loss = self._epoch(should_stop)
                if loss is None:  # stopped part-way through a long epoch
                    self._rewind()
                    result.stop = StopReason(
                        STOP_USER, f"stopped by the user during epoch {self.epoch + 1}; "
                                   f"the weights are those after epoch {self.epoch}")
                    break
                if not (math.isfinite(loss) and runner.is_finite()):
                    self._rewind()
                    result.stop = StopReason(
                        STOP_DIVERGED,
                        f"the loss became {loss} in epoch {self.epoch}: training diverged "
                        f"(try a smaller learning rate); the last finite weights are kept")
                    break
                result.losses.append(loss)
                result.penalties.append(self.last_penalty)
                result.rates.append(self.last_rate)
                if on_epoch is not None:
                    runner.store()
                    on_epoch(self.epoch, loss)
                if cfg.target_loss is not None and loss <= cfg.target_loss:
                    result.stop = StopReason(STOP_TARGET, f"loss {loss:.6g} reached the target {cfg.target_loss:g}")
                    break
                value = loss if watched is None else watched()
                if value < best:
                    best, since_best = value, 0
                else:
                    since_best += 1
                    if cfg.patience is not None and since_best >= cfg.patience:
                        what = "" if watched is None else " of the held-out loss"
                        result.stop = StopReason(
                            STOP_PLATEAU, f"no improvement{what} for {cfg.patience} epochs (best {best:.6g})")
                        break
        finally:
            runner.store()
        return result


def train(net: Network, X: np.ndarray, Z: np.ndarray, loss: str, config: TrainingConfig,
          epochs: int | None = None) -> TrainResult:
    """Train a copy of ``net``; the result holds the trained copy."""
    return Trainer(net.copy(), X, Z, loss, replace(config)).train(epochs)
