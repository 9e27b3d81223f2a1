"""Training on a worker thread.

``TrainingWorker`` (a QObject moved to a QThread) runs the core ``Trainer`` on a
copy of the document's network. Pause, resume, stop and the per-epoch delay are
thread-safe flags under one ``threading.Condition``, looked at between epochs (the
core trains an epoch in one call, so a very long epoch finishes before a pause or
stop takes effect). The worker emits ``Snapshot`` copies at most ``SNAPSHOT_HZ``
times a second and never waits for the GUI.

``TrainingSession`` lives in the GUI thread, owns the thread, and puts the
result into the document as one undoable step when a run ends.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.evaluation import Evaluation, Evaluator, holdout_split
from mlp_studio.core.network import Network
from mlp_studio.core.training import StopReason, Trainer, TrainingConfig
from mlp_studio.errors import MLPError

SNAPSHOT_HZ = 30.0
EVALUATION_HZ = 2.0  # accuracy / confusion matrix (a forward pass over the rows)
EVALUATION_SHARE = 0.02  # ...and at most this share of the worker's time
DISPLAY_SHARE = 0.05  # snapshots shown in the document take at most this share of the GUI's time


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


IDLE, RUNNING, PAUSED = "idle", "running", "paused"


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


STOP_ERROR = "error"  # an unexpected error in the worker (its message says which)


@dataclass
class RunResult:
    run: int
    network: Network | None  # the trained copy (last finite weights after a divergence); None on error
    stop: StopReason
    epochs: int
    elapsed: float


@dataclass
class RunSpec:
    """Everything a worker needs, prepared in the GUI thread (copies)."""

    network: Network
    data: Dataset
    loss: str
    config: TrainingConfig
    epochs: int | None = None  # None: the config's
    holdout: float = 0.0
    delay: float = 0.0  # seconds to wait after each epoch (demonstrations)

    @classmethod
    def from_project(cls, project, epochs: int | None = None, holdout: float = 0.0,
                     delay: float = 0.0) -> "RunSpec":
        if project.data is None:
            raise MLPError("load a dataset before training")
        project.validate()
        return cls(project.network.copy(), project.data, project.loss, replace(project.training),
                   epochs, holdout, delay)


class TrainingWorker(QObject):
    """Runs one training run in its thread; see the module docstring."""

    snapshot = Signal(object)  # Snapshot
    finished = Signal(object)  # RunResult

    def __init__(self, run: int, spec: RunSpec) -> None:
        super().__init__()
        self.run_id = run
        self.spec = spec
        self.result: RunResult | None = None
        self._cond = threading.Condition()
        self._stop = False
        self._paused = False
        self._delay = spec.delay

    # Called from the GUI thread.
    def request_stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()

    def set_paused(self, paused: bool) -> None:
        with self._cond:
            self._paused = paused
            self._cond.notify_all()

    def set_delay(self, seconds: float) -> None:
        with self._cond:
            self._delay = max(0.0, seconds)
            self._cond.notify_all()

    # Runs in the worker thread.
    @Slot()
    def run(self) -> None:
        try:
            self._train()
        except Exception as exc:  # noqa: BLE001 - reported to the GUI, never lost in a thread
            self.result = RunResult(self.run_id, None, StopReason(STOP_ERROR, f"training failed: {exc}"),
                                    0, 0.0)
            self.finished.emit(self.result)

    def _train(self) -> None:
        spec = self.spec
        data = spec.data
        train_rows, val_rows = holdout_split(data.n_rows, spec.holdout, spec.config.seed)
        held_out = val_rows.size > 0
        X, Z = (data.X[train_rows], data.Z[train_rows]) if held_out else (data.X, data.Z)
        trainer = Trainer(spec.network, X, Z, spec.loss, spec.config)
        online = trainer.batch == 1
        reduction = spec.config.batch_reduction
        # validation rows when held out, else the training rows
        evaluator = Evaluator(data, spec.loss, val_rows if held_out else None, reduction,
                              trainer.net.dtype)
        classify = evaluator.kind is not None

        epochs: list[int] = []
        train_loss: list[float] = []
        val_loss: list[float] = []
        update_loss: list[np.ndarray] = []
        clock = {"start": time.perf_counter(), "paused": 0.0, "emit": 0.0}
        eval_throttle = Throttle(EVALUATION_HZ, EVALUATION_SHARE)

        def elapsed() -> float:
            return time.perf_counter() - clock["start"] - clock["paused"]

        def flush(evaluate_now: bool = False) -> None:
            now = time.perf_counter()
            evaluation = None
            if classify and (evaluate_now or eval_throttle.due(now)):
                evaluation = evaluator(trainer.net)
                eval_throttle.done(now, time.perf_counter())
            self.snapshot.emit(Snapshot(
                self.run_id, trainer.epoch, trainer.updates, elapsed(),
                np.array(epochs, dtype=np.int64), np.array(train_loss),
                np.array(val_loss) if held_out else None,
                np.concatenate(update_loss) if update_loss else None,
                trainer.net.copy(), evaluation))
            for pending in (epochs, train_loss, val_loss, update_loss):
                pending.clear()
            clock["emit"] = now

        def on_epoch(epoch: int, loss: float) -> None:
            epochs.append(epoch)
            train_loss.append(loss)
            if held_out:
                val_loss.append(evaluator.loss_of(trainer.net))
            if online:
                update_loss.append(trainer.update_losses.copy())
            if time.perf_counter() - clock["emit"] >= 1.0 / SNAPSHOT_HZ:
                flush()
            with self._cond:
                if self._delay > 0:
                    self._cond.wait_for(lambda: self._stop, timeout=self._delay)

        def should_stop() -> bool:
            with self._cond:
                if not self._paused or self._stop:
                    return self._stop
            flush(evaluate_now=True)  # show exactly where it paused
            t0 = time.perf_counter()
            with self._cond:
                self._cond.wait_for(lambda: self._stop or not self._paused)
                clock["paused"] += time.perf_counter() - t0
                return self._stop

        result = trainer.train(spec.epochs, on_epoch, should_stop)
        flush(evaluate_now=True)
        self.result = RunResult(self.run_id, trainer.net.copy(), result.stop, len(result.losses),
                                elapsed())
        self.finished.emit(self.result)


class TrainingSession(QObject):
    """Owns the worker thread of a document's training runs (GUI thread).

    ``start`` begins a run; ``pause``/``resume``/``stop`` steer it; when it ends
    the trained network enters the document as one undoable step and
    ``finished`` carries the ``RunResult`` (its ``stop.message`` says why).
    ``shutdown`` stops and joins the thread (window closing, another file opened).
    """

    snapshot = Signal(object)  # Snapshot
    finished = Signal(object)  # RunResult
    failed = Signal(str)
    state_changed = Signal(str)  # IDLE, RUNNING, PAUSED

    def __init__(self, document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.state = IDLE
        self.thread: QThread | None = None
        self.worker: TrainingWorker | None = None
        self.last_result: RunResult | None = None
        self._run = 0
        self._delay = 0.0
        self.live_views = True  # show snapshots in the document (canvas etc.) while training
        if hasattr(document, "project_replaced"):
            document.project_replaced.connect(self.discard)

    @property
    def is_active(self) -> bool:
        return self.worker is not None

    def start(self, epochs: int | None = None, holdout: float = 0.0) -> None:
        """Train a copy of the document's network; ``epochs`` None: the settings' count."""
        if self.worker is not None:
            raise MLPError("a training run is already going; stop it first")
        spec = RunSpec.from_project(self.document.project, epochs, holdout, self._delay)
        self._run += 1
        self.worker = TrainingWorker(self._run, spec)
        self._display = Throttle(SNAPSHOT_HZ, DISPLAY_SHARE)
        self.thread = QThread()
        self.thread.setObjectName(f"training-{self._run}")
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.snapshot.connect(self._on_snapshot)
        self.worker.finished.connect(self._on_finished)
        self.thread.start()
        self._set_state(RUNNING)

    def pause(self) -> None:
        if self.worker is not None and self.state == RUNNING:
            self.worker.set_paused(True)
            self._set_state(PAUSED)

    def resume(self) -> None:
        if self.worker is not None and self.state == PAUSED:
            self.worker.set_paused(False)
            self._set_state(RUNNING)

    def stop(self) -> None:
        """Ask the run to stop after the current epoch; ``finished`` follows."""
        if self.worker is not None:
            self.worker.request_stop()

    def set_delay(self, seconds: float) -> None:
        """Wait this long after each epoch (0: full speed); applies to the running run too."""
        self._delay = max(0.0, seconds)
        if self.worker is not None:
            self.worker.set_delay(self._delay)

    def shutdown(self, apply: bool = True) -> None:
        """Stop and join the thread now; with ``apply`` the result enters the document."""
        if self.worker is None:
            return
        self.worker.request_stop()
        result = self._join()
        if apply:
            self._apply(result)
        else:
            self._show_snapshot(None)
            self._set_state(IDLE)

    # ------------------------------------------------------------ internals
    @Slot(object)
    def _on_snapshot(self, snap: Snapshot) -> None:
        if snap.run != self._run or self.worker is None:
            return
        now = time.perf_counter()
        if self.live_views and self._display.due(now):  # a big network's canvas is slow
            display = self._display
            display.begin(now)
            self._show_snapshot(snap.network)
            # the views repaint in the event loop: the cost is measured until it is idle again
            QTimer.singleShot(0, self, lambda: display.done(now, time.perf_counter()))
        self.snapshot.emit(snap)

    @Slot(object)
    def _on_finished(self, result: RunResult) -> None:
        if self.worker is None or result.run != self._run:
            return  # already handled by shutdown()
        self._apply(self._join())

    def _join(self) -> RunResult:
        worker, thread = self.worker, self.thread
        thread.quit()
        thread.wait()
        self.worker = self.thread = None
        return worker.result

    def _apply(self, result: RunResult) -> None:
        self._show_snapshot(None)
        self.last_result = result
        try:
            if result.network is not None and result.epochs \
                    and not result.network.equals(self.document.project.network):
                self.document.set_network(result.network, f"Train {result.epochs} epochs")
        except MLPError as exc:
            self.failed.emit(f"the trained network could not be kept: {exc}")
        self._set_state(IDLE)
        self.finished.emit(result)

    @Slot()
    def discard(self) -> None:
        """Stop and join without keeping the result (the project is being replaced)."""
        self.shutdown(apply=False)

    def _show_snapshot(self, net: Network | None) -> None:
        show = getattr(self.document, "show_snapshot", None)
        if show is not None:
            show(net)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)
