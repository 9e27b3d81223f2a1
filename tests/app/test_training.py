"""Training on the worker thread, driven through the real training dock (offscreen)."""

from __future__ import annotations

import os
import signal
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt
from mlp_studio.app.document.document import Document
from mlp_studio.app.training.training_panel import DEFAULT_DELAY, DELAYS, TrainingPanel
from mlp_studio.app.training.training_worker import IDLE, PAUSED, RUNNING
from mlp_studio.core.dataset import Dataset
from mlp_studio.core.evaluation import holdout_split
from mlp_studio.core.network import Network
from mlp_studio.core.project import Project
from mlp_studio.core.training import (
    MODES, STOP_DIVERGED, STOP_EPOCHS, STOP_USER, Trainer, TrainingConfig)
from mlp_studio.core.training_run import STOP_ERROR, RunSpec
from mlp_studio.errors import MLPError

LOSS = "half_squared_error"
LEFT = Qt.MouseButton.LeftButton


def noisy_sine(n: int = 200) -> Dataset:
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, n)
    y = np.sin(x) + 0.1 * rng.normal(size=n)
    return Dataset(["x", "y"], np.c_[x, y], ["x"], ["y"])


def make_doc(config: TrainingConfig, data: Dataset | None = None, out: str = "identity") -> Document:
    net = Network.create([1, 8, 1], ["tanh", out], "xavier", seed=1)
    return Document(Project(net, data=data or noisy_sine(), training=config))


@pytest.fixture
def panel(qtbot):
    def make(config: TrainingConfig, **kw) -> TrainingPanel:
        p = TrainingPanel(make_doc(config, **kw))
        qtbot.addWidget(p)
        p.resize(700, 800)
        return p
    yield make


def wait_idle(qtbot, p: TrainingPanel, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: p.session.state == IDLE and not p.session.is_active, timeout=timeout)


def test_run_grows_plot_pause_resume_stop_and_one_undo_step(qtbot, panel):
    p = panel(TrainingConfig(learning_rate=0.05, mode="minibatch", batch_size=16, epochs=None))
    doc = p.document
    before = doc.project.network.copy()
    p.speed.setValue(DELAYS.index(0.005))  # slow enough to watch
    qtbot.mouseClick(p.run_button, LEFT)
    assert p.session.state == RUNNING and not p.run_button.isEnabled()
    qtbot.waitUntil(lambda: p.plot.train.x.n >= 5, timeout=5000)
    thread = p.session.thread
    n1 = p.plot.train.x.n
    qtbot.waitUntil(lambda: p.plot.train.x.n > n1 + 3, timeout=5000)  # it keeps growing
    assert doc.snapshot is not None and doc.network is doc.snapshot  # the canvas sees snapshots
    assert doc.project.network.equals(before)  # ...the project is untouched until the end

    qtbot.mouseClick(p.pause_button, LEFT)
    assert p.session.state == PAUSED and p.resume_button.isEnabled()
    qtbot.wait(150)  # the pause takes effect between epochs and flushes a snapshot
    paused_at = p.plot.train.x.n
    qtbot.wait(300)
    assert p.plot.train.x.n == paused_at  # epochs stop advancing
    assert "Paused" in p.status.text()

    qtbot.mouseClick(p.resume_button, LEFT)
    qtbot.waitUntil(lambda: p.plot.train.x.n > paused_at + 3, timeout=5000)
    qtbot.mouseClick(p.stop_button, LEFT)
    wait_idle(qtbot, p)
    result = p.session.last_result
    assert result.stop.code == STOP_USER and "stopped by the user" in p.reason.text()
    assert result.epochs == p.plot.train.x.n  # every epoch was plotted, none twice
    assert np.array_equal(p.plot.train.x.view, np.arange(1, result.epochs + 1))
    assert not thread.isRunning() and p.session.thread is None  # joined

    trained = doc.project.network
    assert doc.snapshot is None and trained.equals(result.network) and not trained.equals(before)
    assert doc.undo_stack.count() == 1
    doc.undo_stack.undo()
    assert doc.project.network.equals(before)  # exactly the old weights
    doc.undo_stack.redo()
    assert doc.project.network.equals(result.network)


@pytest.mark.parametrize("config", [
    TrainingConfig(learning_rate=0.05, mode="minibatch", batch_size=16, shuffle=True, seed=3, momentum=0.5),
    TrainingConfig(learning_rate=0.05, mode="online"),
])
def test_worker_run_equals_headless_trainer_bit_for_bit(qtbot, panel, config):
    p = panel(replace(config, epochs=40))
    doc = p.document
    start_net = doc.project.network.copy()
    p.speed.setValue(DELAYS.index(0.001))
    p.start(None)
    qtbot.waitUntil(lambda: p.plot.train.x.n >= 3, timeout=5000)
    p.session.pause()  # a pause in the middle must not change the numbers
    qtbot.wait(50)
    p.session.resume()
    wait_idle(qtbot, p)
    headless = Trainer(start_net.copy(), doc.project.data.X, doc.project.data.Z, LOSS,
                       replace(config, epochs=40)).train()
    assert p.session.last_result.stop.code == STOP_EPOCHS
    assert doc.project.network.equals(headless.network)
    assert np.array_equal(p.plot.train.y.view, np.array(headless.losses))
    assert p.progress.value() == 40 and p.progress.maximum() == 40
    if config.mode == "online":  # per-update losses: one point per row per epoch
        assert p.plot.updates.x.n == 40 * doc.project.data.n_rows
        assert p.plot.updates.x.view[-1] == pytest.approx(40.0)


def test_run_n_epochs_and_validation_loss(qtbot, panel):
    p = panel(TrainingConfig(learning_rate=0.1, mode="batch", epochs=None, seed=5))
    doc = p.document
    p.holdout.setValue(0.25)
    p.run_n.setValue(30)
    qtbot.mouseClick(p.run_n_button, LEFT)
    wait_idle(qtbot, p)
    assert p.session.last_result.epochs == 30 and p.plot.val.x.n == 30
    # The last validation point, recomputed by hand on the held-out rows.
    _, val = holdout_split(200, 0.25, seed=5)
    assert len(val) == 50
    net = doc.project.network
    h = np.tanh(doc.project.data.X[val] @ net.layers[0].weights.T + net.layers[0].biases)
    y = h @ net.layers[1].weights.T + net.layers[1].biases
    expected = 0.5 * np.mean(np.sum((y - doc.project.data.Z[val]) ** 2, axis=1))
    assert p.plot.val.y.view[-1] == pytest.approx(expected, rel=1e-12)
    # ...and training used only the other 150 rows.
    tr_rows = np.setdiff1d(np.arange(200), val)
    headless = Trainer(make_doc(TrainingConfig()).project.network, doc.project.data.X[tr_rows],
                       doc.project.data.Z[tr_rows], LOSS,
                       TrainingConfig(learning_rate=0.1, mode="batch", seed=5)).train(30)
    assert net.equals(headless.network)


def test_divergence_shows_reason_and_keeps_finite_weights(qtbot, panel):
    p = panel(TrainingConfig(learning_rate=1e6, mode="batch", epochs=200))
    doc = p.document
    start_net = doc.project.network.copy()
    p.start(None)
    wait_idle(qtbot, p)
    result = p.session.last_result
    assert result.stop.code == STOP_DIVERGED and result.epochs > 0
    assert "diverged" in p.reason.text() and "last finite weights" in p.reason.text()
    assert p.plot.train.x.n == result.epochs and np.isfinite(p.plot.train.y.view).all()
    # The kept weights are those after the last finite epoch: the same run stopped there.
    finite_run = Trainer(start_net.copy(), doc.project.data.X, doc.project.data.Z, LOSS,
                         TrainingConfig(learning_rate=1e6, mode="batch")).train(result.epochs)
    assert doc.project.network.is_finite() and doc.project.network.equals(finite_run.network)
    assert doc.undo_stack.count() == 1


def test_classification_shows_accuracy_and_confusion_matrix(qtbot, panel):
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, 120)
    data = Dataset(["x", "c"], np.c_[x, (x > 0.2).astype(float)], ["x"], ["c"])
    p = panel(TrainingConfig(learning_rate=0.5, mode="batch", epochs=300), data=data, out="sigmoid")
    p.start(None)
    wait_idle(qtbot, p)
    assert not p.class_box.isHidden()
    m = np.array([[int(p.confusion.item(i, j).text()) for j in range(2)] for i in range(2)])
    # independent count from the trained network
    net = p.document.project.network
    pred = (net.forward(data.X)[:, 0] >= 0.5).astype(int)
    true = (x > 0.2).astype(int)
    assert m.tolist() == [[np.sum((true == a) & (pred == b)) for b in (0, 1)] for a in (0, 1)]
    assert f"{np.mean(pred == true):.1%}" in p.accuracy.text()


def test_another_project_is_refused_mid_run_and_opens_once_it_stopped(qtbot, panel):
    p = panel(TrainingConfig(learning_rate=0.05, epochs=None))
    doc = p.document
    p.speed.setValue(DELAYS.index(0.005))
    p.start(None)
    qtbot.waitUntil(lambda: p.plot.train.x.n >= 2, timeout=5000)
    with pytest.raises(MLPError, match="Training is running"):
        doc.new_project()
    assert p.session.is_active and doc.snapshot is not None  # the run goes on
    p.session.stop()
    wait_idle(qtbot, p)
    assert doc.undo_stack.count() == 1  # its result was kept
    doc.new_project()
    assert doc.undo_stack.count() == 0 and doc.snapshot is None
    assert p.plot.n_points == 0


def test_closing_the_window_mid_run_joins_the_thread(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from mlp_studio.app.shell import main_window
    from mlp_studio.app.shell.main_window import MainWindow

    asked = []

    def answer(*_args, **_kw):  # the unsaved-changes prompt: record what it saw, discard
        asked.append((doc.is_modified, doc.project.network.copy(), p.session.is_active))
        return QMessageBox.StandardButton.Discard

    monkeypatch.setattr(main_window.QMessageBox, "question", answer)
    doc = make_doc(TrainingConfig(learning_rate=0.05, epochs=None))
    before = doc.project.network.copy()
    window = MainWindow(doc)
    qtbot.addWidget(window)
    p = window.training_panel
    window.show()
    p.start(None)
    qtbot.waitUntil(lambda: p.plot.train.x.n >= 2, timeout=5000)
    thread, engine = p.session.thread, p.session.engine
    assert thread.isRunning() and engine.alive
    assert window.close()
    assert not thread.isRunning() and not p.session.is_active
    assert not engine.alive and engine.process.exitcode == 0  # the training process ended too
    assert p.session.last_result.stop.code == STOP_USER
    # the run was kept as one undo step before the prompt, so the prompt offered to save it
    (modified, net_at_prompt, active_at_prompt), = asked
    assert modified and not active_at_prompt and not net_at_prompt.equals(before)
    assert doc.undo_stack.count() == 1 and net_at_prompt.equals(p.session.last_result.network)


def test_hundred_start_stop_cycles_leave_no_thread(qtbot, panel):
    p = panel(TrainingConfig(learning_rate=0.05, epochs=None))
    threads = []
    for _ in range(100):
        p.start(None)
        threads.append(p.session.thread)
        p.session.stop()
        wait_idle(qtbot, p)
    assert len(set(map(id, threads))) == 100 and not any(t.isRunning() for t in threads)
    assert p.document.undo_stack.count() <= 100
    engine = p.session.engine
    assert engine.alive  # one training process served every run
    p.session.shutdown()
    assert not engine.alive and p.session.engine is None
    p.session.shutdown()  # again: nothing left to do


def test_settings_edits_are_undoable_and_locked_while_running(qtbot, panel):
    p = panel(TrainingConfig(learning_rate=0.1, epochs=None))
    doc = p.document
    p.lr.setValue(0.25)
    p.mode.setCurrentIndex(MODES.index("minibatch"))
    p.mode.activated.emit(MODES.index("minibatch"))  # what a user's choice emits
    p.epochs.setValue(0)  # "no limit" stays None; 50 is a count
    p.epochs.setValue(50)
    assert doc.project.training.learning_rate == 0.25 and doc.project.training.mode == "minibatch"
    assert doc.project.training.epochs == 50 and doc.undo_stack.count() == 3
    assert p.batch.isEnabled()
    doc.undo_stack.undo()
    assert doc.project.training.epochs is None and p.epochs.value() == 0  # the widget follows
    doc.undo_stack.undo()
    assert doc.project.training.mode == "online" and p.mode.currentText() == "online"
    p.speed.setValue(DELAYS.index(0.005))
    p.start(None)
    assert not p.lr.isEnabled() and not p.mode.isEnabled() and p.speed.isEnabled()
    p.session.shutdown()
    assert p.lr.isEnabled()


def test_an_error_in_the_training_process_is_shown_and_changes_nothing(qtbot, panel, monkeypatch):
    p = panel(TrainingConfig(epochs=10))
    before = p.document.project.network.copy()
    real = RunSpec.from_project

    def mismatched(project, *args):  # a spec the process cannot train: 3 inputs, data has 1
        spec = real(project, *args)
        spec.network = Network.create([3, 8, 1], ["tanh", "identity"], "xavier", seed=1)
        return spec

    monkeypatch.setattr(RunSpec, "from_project", mismatched)
    p.start(None)
    wait_idle(qtbot, p)
    assert p.session.last_result.stop.code == STOP_ERROR
    assert p.reason.text() == ("Stopped: training failed: the network has 3 inputs and 1 outputs "
                               "but the data has 1 input and 1 target columns")
    assert p.document.undo_stack.count() == 0 and p.document.project.network.equals(before)
    assert p.run_button.isEnabled() and p.session.engine.alive  # the process serves the next run


def test_a_killed_training_process_is_reported_and_the_next_run_works(qtbot, panel):
    p = panel(TrainingConfig(learning_rate=0.05, epochs=None))
    doc = p.document
    before = doc.project.network.copy()
    p.speed.setValue(DELAYS.index(0.005))
    p.start(None)
    qtbot.waitUntil(lambda: p.plot.train.x.n >= 2, timeout=10_000)
    os.kill(p.session.engine.process.pid, signal.SIGKILL)
    wait_idle(qtbot, p)
    result = p.session.last_result
    assert result.stop.code == STOP_ERROR and result.network is None
    assert p.reason.text() == "Stopped: the training process ended unexpectedly (exit code -9)"
    assert doc.undo_stack.count() == 0 and doc.project.network.equals(before)
    p.session.set_delay(0.0)
    p.start(5)
    wait_idle(qtbot, p)
    assert p.session.last_result.stop.code == STOP_EPOCHS and doc.undo_stack.count() == 1


def test_stop_while_paused_ends_the_run(qtbot, panel):
    p = panel(TrainingConfig(learning_rate=0.05, epochs=None))
    p.speed.setValue(DELAYS.index(0.005))
    p.start(None)
    qtbot.waitUntil(lambda: p.plot.train.x.n >= 2, timeout=5000)
    p.session.pause()
    qtbot.wait(50)
    p.session.stop()
    wait_idle(qtbot, p)
    assert p.session.last_result.stop.code == STOP_USER
    assert p.session.last_result.epochs == p.plot.train.x.n


def test_a_stop_asked_while_the_data_crosses_to_the_process_is_kept(qtbot, panel, monkeypatch):
    p = panel(TrainingConfig(learning_rate=0.05, epochs=None))  # only a stop ends this run
    p.session.warm_up()
    engine = p.session.engine
    send_run = engine.start_run
    seen = []

    def stop_meanwhile(run, spec, requests):  # the user clicks Stop while the dataset crosses
        p.session.worker.request_stop()  # must not wait for the crossing (nor deadlock)
        seen.append(dict(requests))
        send_run(run, spec, requests)

    monkeypatch.setattr(engine, "start_run", stop_meanwhile)
    p.start(None)
    wait_idle(qtbot, p)
    assert seen == [{"stop": False, "paused": False, "delay": DEFAULT_DELAY}]  # the default pace
    assert p.session.last_result.stop.code == STOP_USER


def test_the_hold_out_fraction_is_an_undoable_setting_saved_with_the_project(qtbot, panel, tmp_path):
    from mlp_studio.io.project_file import load_project, save_project

    p = panel(TrainingConfig(learning_rate=0.1, mode="batch", epochs=3))
    doc = p.document
    p.holdout.setValue(0.3)
    assert doc.project.training.holdout == 0.3 and doc.undo_stack.undoText() == "Set hold-out fraction to 0.3"
    save_project(doc.project, tmp_path / "h.mlp.json")
    assert load_project(tmp_path / "h.mlp.json").training.holdout == 0.3
    doc.undo_stack.undo()
    assert doc.project.training.holdout == 0.0 and p.holdout.value() == 0.0  # the widget follows
    doc.undo_stack.redo()
    p.start(None)
    wait_idle(qtbot, p)
    assert p.plot.val.x.n == 3  # a validation loss per epoch: the run held the rows out


def test_optimiser_penalty_and_schedule_settings_are_undoable_edits_that_the_run_uses(qtbot, panel):
    p = panel(TrainingConfig(learning_rate=0.01, mode="minibatch", batch_size=16, epochs=5))
    doc, box = p.document, p.update_rule
    assert box.header.text() == "Optimiser: sgd" and not box.isVisibleTo(p)
    box.header.click()  # opens the settings
    assert box.isVisibleTo(p) and not box.fields["beta1"].isVisibleTo(p)  # sgd: no Adam ones
    box.optimizer.activated.emit(box.optimizer.findText("adam"))
    assert doc.project.training.optimizer == "adam" and box.fields["beta1"].isVisibleTo(p)
    box.fields["l2"].setValue(0.05)
    box.schedule.activated.emit(box.schedule.findText("step"))
    box.fields["step_epochs"].setValue(2)
    cfg = doc.project.training
    assert (cfg.optimizer, cfg.l2, cfg.schedule, cfg.step_epochs) == ("adam", 0.05, "step", 2)
    assert box.header.toolTip() == "Optimiser, penalty, schedule: adam, L2 0.05, step schedule"
    assert doc.undo_stack.undoText() == "Set every to 2"
    before = doc.project.network.copy()
    p.start(None)
    wait_idle(qtbot, p)
    headless = Trainer(before.copy(), doc.project.data.X, doc.project.data.Z, doc.project.loss, cfg).train(5)
    assert doc.project.network.equals(headless.network)  # the run trained with these settings
    for _ in range(5):
        doc.undo_stack.undo()  # the run, then the four edits
    assert doc.project.training.optimizer == "sgd" and doc.project.training.l2 == 0.0
    assert box.optimizer.currentText() == "sgd" and box.fields["l2"].value() == 0.0
    assert not box.fields["beta1"].isVisibleTo(p)
