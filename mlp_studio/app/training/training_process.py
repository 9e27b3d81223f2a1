"""The training engine: a child process that trains the runs the app sends it.

Training in a thread of the GUI process shares the GIL and the cores with the
event loop: on a 784-128-64-10 network the window froze for 50 ms at a time and
trained at 0.7x its headless speed. A child process shares neither. It is
started (``spawn``: no Qt state is copied) on the first run and serves every
later run of its window; it leaves one core to the GUI by capping its BLAS
threads at ``cores - 1``.

Two one-way pipes connect them:

- commands, parent -> child: ``("run", run, spec, requests)`` (the ``stop``,
  ``paused`` and ``delay`` asked for so far; ``spec.data`` None: the dataset of
  the previous run, which the process keeps, so a dataset crosses once), then
  ``(name, run, value)`` for each later request; ``None`` ends the process.
  Requests for another run than the current one are ignored.
- events, child -> parent: ``Snapshot`` objects, then one ``RunResult`` per run.

The child exits when its parent goes away (end of file on the commands pipe),
and the parent sees a dead child as the end of the events pipe.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Iterator

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.training_run import RunResult, RunSpec, run_training

BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
CLOSE_TIMEOUT_S = 2.0


class EngineDied(Exception):
    """The training process ended without being asked to."""


def blas_threads() -> int:
    """BLAS threads for the training process: all cores but one (kept for the GUI)."""
    return max(1, (os.cpu_count() or 1) - 1)


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables while a child process is started, then restore them."""
    old = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in old.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class TrainingEngine:
    """The parent's handle on one training process (see the module docstring).

    ``send`` may be called from any thread; ``next_event`` from one thread at a time.
    """

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        commands_in, self._commands = ctx.Pipe(duplex=False)
        self._events, events_out = ctx.Pipe(duplex=False)
        self._lock = threading.Lock()
        self._data: Dataset | None = None  # the dataset the process holds
        self.process = ctx.Process(target=serve, args=(commands_in, events_out),
                                   name="mlp-studio-training", daemon=True)
        threads = str(blas_threads())
        with _environment({name: threads for name in BLAS_THREAD_VARIABLES}):
            self.process.start()
        commands_in.close()  # the child's ends: closing ours lets each side see the other die
        events_out.close()

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def send(self, message: tuple | None) -> None:
        """Send a command; a dead process raises ``EngineDied``."""
        with self._lock:
            try:
                self._commands.send(message)
            except (OSError, ValueError) as exc:  # broken pipe, or already closed
                raise EngineDied(self._death()) from exc

    def start_run(self, run: int, spec: RunSpec, requests: dict) -> None:
        """Send a run; its dataset only when the process does not hold it already."""
        held = spec.data is self._data
        self.send(("run", run, replace(spec, data=None) if held else spec, requests))
        self._data = spec.data

    def next_event(self) -> object:
        """Block until the process sends a ``Snapshot`` or ``RunResult``; ``EngineDied``
        when it ended instead."""
        try:
            return self._events.recv()
        except (EOFError, OSError) as exc:
            raise EngineDied(self._death()) from exc

    def _death(self) -> str:
        self.process.join(CLOSE_TIMEOUT_S)
        code = self.process.exitcode
        return f"the training process ended unexpectedly (exit code {code})"

    def kill(self) -> None:
        """End the process now (its run's result is lost); the events pipe then ends."""
        self.process.kill()
        self.process.join()

    def close(self) -> None:
        """Ask the process to end, wait for it, and kill it if it does not."""
        if self.process.is_alive():
            try:
                self.send(None)
            except EngineDied:
                pass
            self.process.join(CLOSE_TIMEOUT_S)
            if self.process.is_alive():
                self.kill()
        self.process.join()
        self._commands.close()
        self._events.close()


class PipeControl:
    """The child's ``RunControl``: requests for run ``run`` arrive on ``commands``."""

    def __init__(self, commands: Connection, run: int, stop: bool = False, paused: bool = False,
                 delay: float = 0.0) -> None:
        self.commands = commands
        self.run = run
        self.stop = stop
        self.paused = paused
        self.delay = delay
        self.closing = False  # the parent asked the process to end

    def _apply(self, message: tuple | None) -> None:
        if message is None:
            self.stop = self.closing = True
            return
        name, run, value = message
        if run != self.run:
            return
        if name == "stop":
            self.stop = True
        elif name == "paused":
            self.paused = bool(value)
        elif name == "delay":
            self.delay = float(value)

    def _receive(self, timeout: float | None) -> None:
        """Apply one waiting command (waiting up to ``timeout``; None: forever)."""
        try:
            if timeout is None or self.commands.poll(timeout):
                self._apply(self.commands.recv())
        except (EOFError, OSError):  # the parent is gone
            self._apply(None)

    def poll(self) -> None:
        while not self.closing and self.commands.poll():
            self._receive(0.0)

    def wait_resumed(self) -> None:
        while self.paused and not self.stop:
            self._receive(None)

    def sleep(self, seconds: float) -> None:
        deadline = time.perf_counter() + seconds
        while not self.stop and (left := deadline - time.perf_counter()) > 0:
            self._receive(left)


def serve(commands: Connection, events: Connection) -> None:
    """The child process: train each run it is sent until told to end."""
    data: Dataset | None = None
    while True:
        try:
            message = commands.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if message is None:
            return
        if message[0] != "run":
            continue  # a late request for a run that has already ended
        _, run, spec, requests = message
        if spec.data is None:  # the dataset of the previous run, which this process keeps
            spec.data = data
        data = spec.data
        control = PipeControl(commands, run, **requests)
        try:
            result = run_training(run, spec, events.send, control)
        except Exception as exc:  # noqa: BLE001 - reported to the GUI, never lost in a process
            result = RunResult.failure(run, f"training failed: {exc}")
        try:
            events.send(result)
        except OSError:
            return  # the parent is gone
        if control.closing:
            return
