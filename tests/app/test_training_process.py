"""The training engine's protocol (in this process, over real pipes) and its child process."""

from __future__ import annotations

import multiprocessing
import os
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from mlp_studio.app.training.training_process import EngineDied, PipeControl, TrainingEngine, blas_threads, serve
from mlp_studio.core.training import STOP_EPOCHS, STOP_USER, Trainer, TrainingConfig
from mlp_studio.core.training_run import RunResult, RunSpec, Snapshot
from tests.core.reference_net import reference_dataset, reference_network

REQUESTS = {"stop": False, "paused": False, "delay": 0.0}


def reference_spec(epochs: int | None) -> RunSpec:
    return RunSpec(reference_network(), reference_dataset(), "half_squared_error",
                   TrainingConfig(learning_rate=0.1, mode="online", epochs=None), epochs)


def test_pipe_control_applies_its_runs_requests_and_ignores_others():
    reader, writer = multiprocessing.Pipe(duplex=False)
    control = PipeControl(reader, run=2, paused=True, delay=0.5)
    for message in (("stop", 1, True), ("paused", 2, False), ("delay", 2, 0.0), ("delay", 3, 9.0)):
        writer.send(message)
    control.poll()
    assert (control.stop, control.paused, control.delay, control.closing) == (False, False, 0.0, False)
    writer.send(("paused", 2, True))
    control.poll()
    assert control.paused
    writer.send(("stop", 2, True))
    control.wait_resumed()  # returns on the stop
    assert control.stop and control.paused
    writer.send(None)
    control.poll()
    assert control.closing


def test_pipe_control_stops_when_the_parent_is_gone():
    reader, writer = multiprocessing.Pipe(duplex=False)
    control = PipeControl(reader, run=1, paused=True)
    writer.close()
    control.wait_resumed()
    assert control.stop and control.closing


def test_pipe_control_sleep_ends_early_on_a_stop():
    reader, writer = multiprocessing.Pipe(duplex=False)
    control = PipeControl(reader, run=1)
    writer.send(("stop", 1, True))
    control.sleep(30.0)  # would hang the test if the stop were not seen
    assert control.stop


def test_serve_trains_each_run_and_reports_snapshots_then_the_result():
    commands_in, commands = multiprocessing.Pipe(duplex=False)
    events, events_out = multiprocessing.Pipe(duplex=False)
    server = threading.Thread(target=serve, args=(commands_in, events_out))
    server.start()
    commands.send(("stop", 9, True))  # late request for an ended run: ignored while idle
    received = []
    for run in (1, 2):
        commands.send(("run", run, reference_spec(2), REQUESTS))
        received.append(events.recv())
        while not isinstance(received[-1], RunResult):
            received.append(events.recv())
    commands.send(None)
    server.join(5)
    assert not server.is_alive()
    snaps = [e for e in received if isinstance(e, Snapshot)]
    results = [e for e in received if isinstance(e, RunResult)]
    assert [r.run for r in results] == [1, 2] and all(r.stop.code == STOP_EPOCHS for r in results)
    spec = reference_spec(2)
    expected = Trainer(spec.network.copy(), spec.data.X, spec.data.Z, spec.loss, spec.config).train(2).network
    assert all(r.network.equals(expected) for r in results)  # each run as trained in place
    assert sorted({s.run for s in snaps}) == [1, 2]


def test_serve_reports_a_failed_run_and_goes_on():
    commands_in, commands = multiprocessing.Pipe(duplex=False)
    events, events_out = multiprocessing.Pipe(duplex=False)
    server = threading.Thread(target=serve, args=(commands_in, events_out))
    server.start()
    spec = reference_spec(2)
    spec.loss = "no_such_loss"
    commands.send(("run", 1, spec, REQUESTS))
    result = events.recv()
    commands.send(("run", 2, reference_spec(1), {**REQUESTS, "stop": True}))  # stopped before it began
    stopped = events.recv()
    while not isinstance(stopped, RunResult):  # the last snapshot comes first
        stopped = events.recv()
    commands.send(None)
    server.join(5)
    assert result.run == 1 and result.network is None and "no_such_loss" in result.stop.message
    assert stopped.run == 2 and stopped.stop.code == STOP_USER and stopped.epochs == 0


def run_to_end(engine: TrainingEngine, run: int, spec: RunSpec) -> RunResult:
    engine.start_run(run, spec, REQUESTS)
    event = engine.next_event()
    while not isinstance(event, RunResult):
        event = engine.next_event()
    return event


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc")
def test_engine_process_trains_with_one_core_left_for_the_gui_and_closes():
    before = os.environ.get("OPENBLAS_NUM_THREADS")
    engine = TrainingEngine()
    try:
        spec = reference_spec(50)
        result = run_to_end(engine, 1, spec)
        headless = Trainer(reference_network(), spec.data.X, spec.data.Z, spec.loss, spec.config).train(50)
        assert result.network.equals(headless.network)
        assert result.epochs == 50 and result.elapsed > 0
        env = Path(f"/proc/{engine.process.pid}/environ").read_bytes().split(b"\0")
        assert f"OPENBLAS_NUM_THREADS={max(1, os.cpu_count() - 1)}".encode() in env
        assert blas_threads() == max(1, os.cpu_count() - 1)
        assert os.environ.get("OPENBLAS_NUM_THREADS") == before  # ours is unchanged
    finally:
        engine.close()
    assert engine.process.exitcode == 0 and not engine.alive


def test_a_dataset_crosses_to_the_process_once(monkeypatch):
    engine = TrainingEngine()
    sent = []
    send = engine.send
    monkeypatch.setattr(engine, "send", lambda message: (sent.append(message), send(message)))
    try:
        spec = reference_spec(3)
        first = run_to_end(engine, 1, spec)
        again = run_to_end(engine, 2, replace(spec, epochs=5))  # same Dataset object: not sent
        other = replace(spec, data=reference_dataset("zscore"), epochs=5)
        third = run_to_end(engine, 3, other)
    finally:
        engine.close()
    datas = [m[2].data for m in sent if m is not None]  # None: the closing message
    assert len(datas) == 3 and datas[0] is spec.data and datas[1] is None and datas[2] is other.data
    expected = Trainer(reference_network(), spec.data.X, spec.data.Z, spec.loss,
                       spec.config).train(5).network  # trained on the held data
    assert again.network.equals(expected) and not first.network.equals(expected)
    zscore = Trainer(reference_network(), other.data.X, other.data.Z, spec.loss, spec.config).train(5)
    assert third.network.equals(zscore.network)


def test_a_dead_engine_is_reported_with_its_exit_code():
    engine = TrainingEngine()
    engine.kill()
    with pytest.raises(EngineDied, match=r"ended unexpectedly \(exit code -9\)"):
        engine.next_event()
    with pytest.raises(EngineDied):
        engine.send(("stop", 1, True))
    engine.close()
