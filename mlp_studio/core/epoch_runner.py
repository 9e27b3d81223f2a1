"""Epoch runners: train one network an epoch at a time on fixed rows, in a given row order.

``Trainer`` drives an ``EpochRunner``; two implement it:

- ``NumpyRunner`` runs ``Workspace``'s kernels on batches of rows. The step-through trace
  runs the same kernels, so on one machine an update trained here and the same update
  traced give the same numbers, bit for bit.
- ``small_net.SmallNetRunner`` trains tiny float64 networks online in plain Python
  floats. It agrees with ``NumpyRunner`` to 1e-12 relative, not bit for bit (see
  ``small_net``).

Both ask ``should_stop`` every ``STOP_CHECK_ROWS`` rows inside an epoch, so a long epoch
stops promptly; a stopped epoch is rewound to where it started.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Callable

import numpy as np

from mlp_studio.core.network import Network
from mlp_studio.core.optimizers import OptimizerState
from mlp_studio.core.workspace import Workspace, reduce_total

if TYPE_CHECKING:
    from mlp_studio.core.training import TrainingConfig

#: rows trained between two questions to ``should_stop`` inside an epoch
STOP_CHECK_ROWS = 256

StopCheck = Callable[[], bool]


class EpochRunner(ABC):
    """Trains ``net`` on inputs ``X`` and targets ``Z`` (float arrays of the network's dtype).

    Between ``load`` and ``store`` a runner may keep the parameters in a form of its own;
    ``store`` writes them into the network's arrays. ``update_losses`` holds the loss of
    each update of the last whole epoch (penalty included); ``penalty_total`` that epoch's
    penalties summed over its updates; ``rows_done`` the rows trained so far in the
    current (or last) epoch.
    """

    def __init__(self, net: Network, X: np.ndarray, Z: np.ndarray, loss: str,
                 config: TrainingConfig) -> None:
        self.net = net
        self.config = config
        self.n = X.shape[0]
        self.batch = config.rows_per_update(self.n)
        self.update_losses = np.empty(-(-self.n // self.batch))
        self.penalty_total = 0.0
        self.rows_done = 0

    @abstractmethod
    def load(self) -> None:
        """Take the network's current parameters (the caller may have changed them)."""

    @abstractmethod
    def store(self) -> None:
        """Write the parameters into the network's arrays, in place."""

    @abstractmethod
    def run_epoch(self, order: np.ndarray | None, learning_rate: float,
                  should_stop: StopCheck | None = None) -> float | None:
        """Train one pass over the rows in ``order`` (None: in file order); return the sum
        of the per-sample losses, each taken just before the update that used it, plus each
        update's penalty. When ``should_stop`` says stop, return None at once: ``rewind``
        then undoes the part-epoch. A whole epoch adds one to the state's ``epochs``."""

    @abstractmethod
    def rewind(self) -> None:
        """Put the parameters and the optimiser's state back to the start of the last epoch."""

    @abstractmethod
    def is_finite(self) -> bool:
        """Whether every parameter is finite."""

    @property
    @abstractmethod
    def epochs_done(self) -> int:
        """Whole epochs in the optimiser's state (the learning-rate schedule's position)."""

    @abstractmethod
    def optimizer_state(self) -> OptimizerState:
        """A copy of the optimiser's state (steps, epochs, slots)."""

    @abstractmethod
    def set_optimizer_state(self, state: OptimizerState | None) -> None:
        """Carry on from ``state`` (copied); None: the state before the first update."""


class NumpyRunner(EpochRunner):
    """Any network, any mode: ``Workspace``'s kernels on batches of rows."""

    def __init__(self, net: Network, X: np.ndarray, Z: np.ndarray, loss: str,
                 config: TrainingConfig) -> None:
        super().__init__(net, X, Z, loss, config)
        self.X, self.Z = X, Z
        self.ws = Workspace(net, loss, self.batch, config.optimizer_rule(), config.penalty_rule())
        self._xb = np.empty((self.batch, X.shape[1]), net.dtype)
        self._zb = np.empty((self.batch, Z.shape[1]), net.dtype)
        self._start = net.copy()
        self._start_state = self.ws.optimizer_state()

    def load(self) -> None:
        pass  # trains the network's own arrays

    def store(self) -> None:
        pass

    def run_epoch(self, order: np.ndarray | None, learning_rate: float,
                  should_stop: StopCheck | None = None) -> float | None:
        cfg, ws, n = self.config, self.ws, self.n
        copy_parameters(self._start, self.net)
        self._start_state = ws.optimizer_state()
        total, penalties, unchecked = 0.0, 0.0, 0
        for k, start in enumerate(range(0, n, self.batch)):
            stop = min(start + self.batch, n)
            if order is None:
                xb, zb = self.X[start:stop], self.Z[start:stop]
            else:
                idx = order[start:stop]
                xb, zb = self._xb[: stop - start], self._zb[: stop - start]
                np.take(self.X, idx, axis=0, out=xb)
                np.take(self.Z, idx, axis=0, out=zb)
            ws.forward(xb)
            penalty = ws.penalty()
            batch_loss = ws.total_loss(zb) + penalty
            total += batch_loss
            penalties += penalty
            self.update_losses[k] = reduce_total(batch_loss, stop - start, cfg.batch_reduction)
            ws.backward(zb)
            ws.gradients(cfg.batch_reduction)
            ws.update(learning_rate)
            self.rows_done = stop
            unchecked += stop - start
            if should_stop is not None and unchecked >= STOP_CHECK_ROWS and stop < n:
                unchecked = 0
                if should_stop():
                    return None
        ws.state.epochs += 1
        self.penalty_total = penalties
        return total

    def rewind(self) -> None:
        copy_parameters(self.net, self._start)
        self.ws.set_optimizer_state(self._start_state)

    def is_finite(self) -> bool:
        return self.net.is_finite()

    @property
    def epochs_done(self) -> int:
        return self.ws.state.epochs

    def optimizer_state(self) -> OptimizerState:
        return self.ws.optimizer_state()

    def set_optimizer_state(self, state: OptimizerState | None) -> None:
        self.ws.set_optimizer_state(state)


def copy_parameters(dst: Network, src: Network) -> None:
    """Copy the weights and biases of ``src`` into ``dst`` in place (same shapes)."""
    for d, s in zip(dst.layers, src.layers):
        np.copyto(d.weights, s.weights)
        np.copyto(d.biases, s.biases)
