"""One training run with live reports, independent of any GUI, thread or process.

``run_training`` trains a copy of a network with ``Trainer`` and hands ``Snapshot``
copies to an ``emit`` callback at most ``SNAPSHOT_HZ`` times a second. A
``RunControl`` steers it: stop, pause and the per-epoch delay are looked at
between epochs and every ``STOP_CHECK_ROWS`` rows inside a long epoch. The
app runs it in a child process (``mlp_studio.app.training.training_process``); tests
can run it in place with a scripted control.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from typing import Callable, Protocol

import numpy as np

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.evaluation import Evaluation, Evaluator, holdout_split
from mlp_studio.core.network import Network
from mlp_studio.core.stop_reason import StopReason
from mlp_studio.core.training import Trainer, TrainingConfig
from mlp_studio.errors import MLPError

SNAPSHOT_HZ = 30.0
EVALUATION_HZ = 10.0  # accuracy / confusion matrix (a forward pass over the rows): the accuracy curves' points
EVALUATION_SHARE = 0.02  # ...and at most this share of the run's time
STOP_ERROR = "error"  # an unexpected error in the run (its message says which)


class Throttle:
    """Allows an action at most ``hz`` times a second, and only as often as keeps its
    measured cost below ``share`` of the time (a costly action waits cost / share).
    Between ``begin`` and ``done`` (an action whose cost is still being measured) it
    is not due."""

    def __init__(self, hz: float, share: float) -> None:
        self.min_interval = 1.0 / hz
        self.share = share
        self.interval = self.min_interval
        self.last = -float("inf")
        self.pending = False

    def due(self, now: float) -> bool:
        return not self.pending and now - self.last >= self.interval

    def begin(self, now: float) -> None:
        self.last, self.pending = now, True

    def done(self, started: float, finished: float) -> None:
        self.last, self.pending = started, False
        self.interval = max(self.min_interval, (finished - started) / self.share)


@dataclass
class Snapshot:
    """What happened since the previous snapshot of run ``run`` (all copies)."""

    run: int
    epoch: int  # epochs finished in this run
    updates: int  # updates (weight changes) in this run
    elapsed: float  # seconds of training, pauses excluded
    epochs: np.ndarray  # epoch numbers (1-based, within the run) of the new points
    train_loss: np.ndarray
    val_loss: np.ndarray | None  # when rows are held out
    update_loss: np.ndarray | None  # online mode: the loss of every update, in order
    network: Network
    evaluation: Evaluation | None  # class targets only (on the validation rows if held out)
    penalty: np.ndarray | None = None  # each new epoch's penalty part of train_loss (with l1 or l2)
    rate: np.ndarray | None = None  # each new epoch's learning rate
    train_evaluation: Evaluation | None = None  # with ``evaluation`` when held out: the training rows'

    @property
    def data_loss(self) -> np.ndarray | None:
        """Each new epoch's loss without its penalty part (None without a penalty)."""
        return None if self.penalty is None else self.train_loss - self.penalty

    @property
    def accuracy(self) -> tuple[float | None, float | None]:
        """(training rows, held-out rows) accuracy of this snapshot's evaluation; None for a
        set not evaluated in this snapshot (or without rows held out, or not class targets)."""
        if self.evaluation is None:
            return None, None
        if self.val_loss is None:
            return self.evaluation.accuracy, None
        train = self.train_evaluation.accuracy if self.train_evaluation is not None else None
        return train, self.evaluation.accuracy


@dataclass
class RunResult:
    run: int
    network: Network | None  # the trained copy (last finite weights after a divergence); None on error
    stop: StopReason
    epochs: int
    elapsed: float

    @classmethod
    def failure(cls, run: int, message: str) -> "RunResult":
        """A run that ended in an error: nothing trained, ``message`` says what happened."""
        return cls(run, None, StopReason(STOP_ERROR, message), 0, 0.0)


@dataclass
class RunSpec:
    """Everything a run needs (copies, picklable)."""

    network: Network
    data: Dataset
    loss: str
    config: TrainingConfig
    epochs: int | None = None  # None: the config's

    @classmethod
    def from_project(cls, project, epochs: int | None = None) -> "RunSpec":
        if project.data is None:
            raise MLPError("load a dataset before training")
        project.validate()
        return cls(project.network.copy(), project.data, project.loss, replace(project.training), epochs)


class RunControl(Protocol):
    """How a run is steered. ``poll`` takes in any new requests; then ``stop``,
    ``paused`` and ``delay`` (seconds after each epoch) hold the current ones."""

    stop: bool
    paused: bool
    delay: float

    def poll(self) -> None: ...

    def wait_resumed(self) -> None:
        """Block until resumed or stopped."""

    def sleep(self, seconds: float) -> None:
        """Block for ``seconds`` or until stopped, whichever comes first."""


class Unsteered:
    """The ``RunControl`` of a run nobody steers (the command line): its stop rules end it."""

    stop = paused = False
    delay = 0.0

    def poll(self) -> None:
        pass

    def wait_resumed(self) -> None:
        pass

    def sleep(self, seconds: float) -> None:
        pass


def run_training(run: int, spec: RunSpec, emit: Callable[[Snapshot], None],
                 control: RunControl) -> RunResult:
    """Train a copy of ``spec.network`` until a stop rule fires or ``control`` stops it;
    every epoch's losses reach ``emit`` (batched into snapshots), the last one at the end."""
    data = spec.data
    train_rows, val_rows = holdout_split(data.n_rows, spec.config.holdout, spec.config.seed)
    held_out = val_rows.size > 0
    X, Z = (data.X[train_rows], data.Z[train_rows]) if held_out else (data.X, data.Z)
    trainer = Trainer(spec.network.copy(), X, Z, spec.loss, replace(spec.config))
    online = trainer.batch == 1
    # validation rows when held out, else the training rows
    evaluator = Evaluator(data, spec.loss, val_rows if held_out else None,
                          spec.config.batch_reduction, trainer.net.dtype)
    classify = evaluator.kind is not None
    train_evaluator = (Evaluator(data, spec.loss, train_rows, spec.config.batch_reduction, trainer.net.dtype)
                       if classify and held_out else None)
    penalised = bool(spec.config.penalty_rule())

    epochs: list[int] = []
    train_loss: list[float] = []
    penalty: list[float] = []
    rate: list[float] = []
    val_loss: list[float] = []  # since the last snapshot
    held_out_loss = [math.inf]  # of the last epoch (patience watches it)
    update_loss: list[np.ndarray] = []
    clock = {"start": time.perf_counter(), "paused": 0.0, "emit": 0.0}
    eval_throttle = Throttle(EVALUATION_HZ, EVALUATION_SHARE)

    def elapsed() -> float:
        return time.perf_counter() - clock["start"] - clock["paused"]

    def flush(evaluate_now: bool = False) -> None:
        now = time.perf_counter()
        evaluation = train_evaluation = None
        if classify and (evaluate_now or eval_throttle.due(now)):
            evaluation = evaluator(trainer.net)
            if train_evaluator is not None:
                train_evaluation = train_evaluator(trainer.net)
            eval_throttle.done(now, time.perf_counter())
        emit(Snapshot(
            run, trainer.epoch, trainer.updates, elapsed(),
            np.array(epochs, dtype=np.int64), np.array(train_loss),
            np.array(val_loss) if held_out else None,
            np.concatenate(update_loss) if update_loss else None,
            trainer.net.copy(), evaluation,
            np.array(penalty) if penalised else None, np.array(rate), train_evaluation))
        for pending in (epochs, train_loss, val_loss, update_loss, penalty, rate):
            pending.clear()
        clock["emit"] = now

    def on_epoch(epoch: int, loss: float) -> None:
        epochs.append(epoch)
        train_loss.append(loss)
        penalty.append(trainer.last_penalty)
        rate.append(trainer.last_rate)
        if held_out:
            held_out_loss[0] = evaluator.loss_of(trainer.net)
            val_loss.append(held_out_loss[0])
        if online:
            update_loss.append(trainer.update_losses.copy())
        if time.perf_counter() - clock["emit"] >= 1.0 / SNAPSHOT_HZ:
            flush()
        control.poll()
        if control.delay > 0 and not control.stop:
            control.sleep(control.delay)

    def should_stop() -> bool:
        control.poll()
        if control.paused and not control.stop:
            flush(evaluate_now=True)  # show exactly where it paused
            t0 = time.perf_counter()
            control.wait_resumed()
            clock["paused"] += time.perf_counter() - t0
        return control.stop

    watched = (lambda: held_out_loss[0]) if held_out else None  # early stopping on the held-out rows
    result = trainer.train(spec.epochs, on_epoch, should_stop, watched)
    flush(evaluate_now=True)
    return RunResult(run, trainer.net.copy(), result.stop, len(result.losses), elapsed())
