"""Training runs steered from the GUI.

``TrainingWorker`` (a QObject moved to a QThread) hands one run to the training
engine, a child process (``training_process``) that trains a copy of the
document's network with the core's ``Trainer``, and relays its ``Snapshot``
copies and final ``RunResult`` as signals. Pause, resume, stop and the
per-epoch delay go to the engine as commands; it looks at them between epochs
and every few updates inside a long epoch.

``TrainingSession`` lives in the GUI thread, owns the thread and the engine,
locks the document's edits while a run is active, and puts the result into the
document as one undoable step when the run ends, unless the project changed
meanwhile: then the result waits in ``unapplied`` until the user asks for it.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from mlp_studio.app.document.document import EDIT_LOCK_TRAINING, Document, StaleRunError
from mlp_studio.app.training.training_process import EngineDied, TrainingEngine
from mlp_studio.core.training_run import SNAPSHOT_HZ, RunResult, RunSpec, Snapshot, Throttle
from mlp_studio.errors import MLPError

DISPLAY_SHARE = 0.05  # snapshots shown in the document take at most this share of the GUI's time
JOIN_TIMEOUT_MS = 5000  # a run that does not stop within this is ended by ending its process

IDLE, RUNNING, PAUSED = "idle", "running", "paused"


class TrainingWorker(QObject):
    """Relays one run of the engine in its thread; see the module docstring."""

    snapshot = Signal(object)  # Snapshot
    finished = Signal(object)  # RunResult

    def __init__(self, run: int, spec: RunSpec, engine: TrainingEngine, delay: float) -> None:
        super().__init__()
        self.run_id = run
        self.spec: RunSpec | None = spec
        self.engine = engine
        self.result: RunResult | None = None
        self._lock = threading.Lock()
        self._sent = False
        self._requests = {"stop": False, "paused": False, "delay": delay}

    # Called from the GUI thread.
    def request_stop(self) -> None:
        self._request("stop", True)

    def set_paused(self, paused: bool) -> None:
        self._request("paused", paused)

    def set_delay(self, seconds: float) -> None:
        self._request("delay", max(0.0, seconds))

    def _request(self, name: str, value: object) -> None:
        """Note a request; once the run is with the engine, pass it on."""
        with self._lock:
            self._requests[name] = value
            if self._sent:
                try:
                    self.engine.send((name, self.run_id, value))
                except EngineDied:
                    pass  # the worker thread sees it too, and reports it

    # Runs in the worker thread.
    @Slot()
    def run(self) -> None:
        self.result = self._relay()
        self.finished.emit(self.result)

    def _relay(self) -> RunResult:
        try:
            with self._lock:
                requests = dict(self._requests)
            # outside the lock: a big dataset takes a while to cross, and the GUI's
            # requests meanwhile must not wait for it
            self.engine.start_run(self.run_id, self.spec, requests)
            self.spec = None
            with self._lock:
                self._sent = True
                for name, value in self._requests.items():  # asked for while it crossed
                    if value != requests[name]:
                        self.engine.send((name, self.run_id, value))
            while True:
                event = self.engine.next_event()
                if event.run != self.run_id:
                    continue  # a run the engine finished for a window that no longer waits
                if isinstance(event, RunResult):
                    return event
                self.snapshot.emit(event)
        except EngineDied as exc:
            return RunResult.failure(self.run_id, str(exc))


class TrainingSession(QObject):
    """Owns the worker thread of a document's training runs (GUI thread).

    ``start`` begins a run (``started`` carries its ``RunSpec``); ``pause``/``resume``/``stop`` steer it; when it ends
    the trained network enters the document as one undoable step and
    ``finished`` carries the ``RunResult`` (its ``stop.message`` says why).
    ``shutdown`` stops and joins the run and ends the training process (window
    closed, app quit).
    """

    started = Signal(object)  # the RunSpec of the run just started
    snapshot = Signal(object)  # Snapshot
    finished = Signal(object)  # RunResult
    failed = Signal(str)
    #: the run's result was not applied: the project changed since it started (the message)
    unapplied_changed = Signal(str)
    state_changed = Signal(str)  # IDLE, RUNNING, PAUSED

    def __init__(self, document: Document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.state = IDLE
        self.thread: QThread | None = None
        self.worker: TrainingWorker | None = None
        self.engine: TrainingEngine | None = None  # started on the first run (or warm_up)
        self.last_result: RunResult | None = None
        #: a finished run's result kept out of the document (the project changed meanwhile)
        self.unapplied: RunResult | None = None
        self._started_at = 0  # the document's revision when the run started
        self._run = 0
        self._delay = 0.0
        self.live_views = True  # show snapshots in the document (canvas etc.) while training
        document.project_replaced.connect(self._forget_unapplied)

    @property
    def is_active(self) -> bool:
        return self.worker is not None

    def start(self, epochs: int | None = None) -> None:
        """Train a copy of the document's network; ``epochs`` None: the settings' count."""
        if self.worker is not None:
            raise MLPError("a training run is already going; stop it first")
        spec = RunSpec.from_project(self.document.project, epochs)
        self._started_at = self.document.revision
        self._set_unapplied(None)
        self.warm_up()
        self._run += 1
        self.worker = TrainingWorker(self._run, spec, self.engine, self._delay)
        self._display = Throttle(SNAPSHOT_HZ, DISPLAY_SHARE)
        self.thread = QThread()
        self.thread.setObjectName(f"training-{self._run}")
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        self.worker.snapshot.connect(self._on_snapshot)
        self.worker.finished.connect(self._on_finished)
        self.thread.start()
        self.document.lock_edits(EDIT_LOCK_TRAINING)
        self.started.emit(spec)
        self._set_state(RUNNING)

    def warm_up(self) -> None:
        """Start the training process now if there is none, so a run starts at once."""
        if self.engine is not None and not self.engine.alive:
            self.engine.close()
            self.engine = None
        if self.engine is None:
            self.engine = TrainingEngine()

    def pause(self) -> None:
        if self.worker is not None and self.state == RUNNING:
            self.worker.set_paused(True)
            self._set_state(PAUSED)

    def resume(self) -> None:
        if self.worker is not None and self.state == PAUSED:
            self.worker.set_paused(False)
            self._set_state(RUNNING)

    def stop(self) -> None:
        """Ask the run to stop; ``finished`` follows."""
        if self.worker is not None:
            self.worker.request_stop()

    def run_one_epoch(self) -> bool:
        """One epoch as a run (a big network's Step > Epoch, so the window never blocks);
        False when a run is going already or it cannot start (``failed`` says why)."""
        if self.is_active:
            return False
        try:
            self.start(1)
        except MLPError as exc:
            self.failed.emit(str(exc))
            return False
        return True

    def set_delay(self, seconds: float) -> None:
        """Wait this long after each epoch (0: full speed); applies to the running run too."""
        self._delay = max(0.0, seconds)
        if self.worker is not None:
            self.worker.set_delay(self._delay)

    def shutdown(self) -> None:
        """Stop and join the run now (its result enters the document) and end the training
        process. Every wait is bounded; calling it again does nothing."""
        if self.worker is not None:
            self.worker.request_stop()
            self._apply(self._join())
        if self.engine is not None:
            self.engine.close()
            self.engine = None

    # ------------------------------------------------------------ internals
    @Slot(object)
    def _on_snapshot(self, snap: Snapshot) -> None:
        if snap.run != self._run or self.worker is None:
            return
        now = time.perf_counter()
        if self.live_views and self._display.due(now):  # a big network's canvas is slow
            display = self._display
            display.begin(now)
            self.document.show_snapshot(snap.network)
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
        if not thread.wait(JOIN_TIMEOUT_MS):  # stuck in a very long update: end the process
            self.engine.kill()  # the worker then sees the pipe end and returns
            thread.wait(JOIN_TIMEOUT_MS)
        self.worker = self.thread = None
        return worker.result or RunResult.failure(worker.run_id, "the training thread did not stop")

    def _apply(self, result: RunResult) -> None:
        self.document.show_snapshot(None)
        self.document.lock_edits(None)
        self.last_result = result
        try:
            if result.network is not None and result.epochs:
                self.document.apply_run(result.network, _train_text(result), self._started_at)
        except StaleRunError as exc:
            self._set_unapplied(result, str(exc))
        except MLPError as exc:
            self.failed.emit(f"the trained network could not be kept: {exc}")
        self._set_state(IDLE)
        self.finished.emit(result)

    def apply_unapplied(self) -> None:
        """Put the result kept out by a change into the document after all, on top of the
        change (which stays one Undo away)."""
        result = self.unapplied
        if result is None:
            return
        try:
            self.document.apply_run(result.network, _train_text(result), None)
        except MLPError as exc:
            self.failed.emit(f"the trained network could not be kept: {exc}")
            return
        self._set_unapplied(None)

    @Slot()
    def _forget_unapplied(self) -> None:
        """Another project: a result kept out of the last one is never applied to it."""
        self._set_unapplied(None)

    def _set_unapplied(self, result: RunResult | None, message: str = "") -> None:
        if result is not None or self.unapplied is not None:
            self.unapplied = result
            self.unapplied_changed.emit(message)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)


def _train_text(result: RunResult) -> str:
    return f"Train {result.epochs} epochs"
