"""A user's edit is never lost to a training run: while a run is active every edit path
is locked with a message the user sees, and a run's result never lands on a project that
changed since the run started."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from mlp_studio.app.document.document import EDIT_LOCK_TRAINING
from mlp_studio.app.shell.main_window import MainWindow
from mlp_studio.app.training.training_panel import DELAYS
from mlp_studio.app.training.training_worker import IDLE
from mlp_studio.core.training import TrainingConfig
from mlp_studio.errors import MLPError
from tests.app.test_training import make_doc

LOCKED = "Training is running — stop it to edit"


def running_window(qtbot):
    doc = make_doc(TrainingConfig(learning_rate=0.05, epochs=None))
    window = MainWindow(doc)
    qtbot.addWidget(window)
    window.show()
    panel = window.training_panel
    panel.speed.setValue(DELAYS.index(0.005))
    panel.start(None)
    qtbot.waitUntil(lambda: panel.plot.train.x.n >= 2, timeout=10_000)
    return window, doc, panel


def stop_and_wait(qtbot, panel) -> None:
    panel.session.stop()
    qtbot.waitUntil(lambda: panel.session.state == IDLE and not panel.session.is_active,
                    timeout=10_000)


def test_a_weight_set_during_a_run_is_refused_with_a_message_never_overwritten(qtbot):
    window, doc, panel = running_window(qtbot)
    before = doc.project.network.copy()
    doc.select(("edge", 0, 0, 0))
    ins = window.inspector
    ins.weight.lineEdit().selectAll()
    qtbot.keyClicks(ins.weight.lineEdit(), "7")
    qtbot.keyClick(ins.weight.lineEdit(), Qt.Key.Key_Return)
    refused = None
    try:
        doc.set_weight(0, 0, 0, 7.0)
    except MLPError as exc:
        refused = str(exc)
    assert doc.project.network.equals(before)  # nothing slipped in under the run
    stop_and_wait(qtbot, panel)
    kept = doc.project.network.layers[0].weights[0, 0] == 7.0
    assert kept or refused == LOCKED, "the edit vanished under the run's result"
    assert refused == LOCKED == EDIT_LOCK_TRAINING
    assert [doc.undo_stack.text(i) for i in range(doc.undo_stack.count())] == [
        f"Train {panel.session.last_result.epochs} epochs"]
    doc.set_weight(0, 0, 0, 7.0)  # once stopped, the same edit goes through
    assert doc.project.network.layers[0].weights[0, 0] == 7.0


def test_every_edit_path_is_locked_with_a_visible_note_while_a_run_is_active(qtbot):
    window, doc, panel = running_window(qtbot)
    doc.set_row(3)  # display state (which row) stays free
    doc.select(("edge", 0, 0, 0))
    ins, steps, edits = window.inspector, window.step_controller, window.edit_actions
    locked = [ins.weight, ins.loss, *edits.actions, steps.act_forward, steps.act_substep,
              steps.act_update, steps.act_epoch, steps.act_reset, window.undo_action,
              window.redo_action, window.data_panel.open_button, window.data_panel.columns_button,
              *window.project_actions]
    assert not any(w.isEnabled() for w in locked), [w for w in locked if w.isEnabled()]
    assert ins.lock_note.isVisible() and ins.lock_note.text() == LOCKED
    assert window.lock_note.isVisible() and window.lock_note.text() == LOCKED
    for edit in (lambda: doc.set_bias(0, 0, 1.0), lambda: doc.set_activation(0, "relu"),
                 lambda: doc.set_loss("cross_entropy"), lambda: doc.set_dataset(None),
                 doc.undo, doc.redo, doc.new_project,
                 lambda: doc.set_training(TrainingConfig(learning_rate=0.5))):
        with pytest.raises(MLPError, match=LOCKED):
            edit()
    assert doc.undo_stack.count() == 0
    assert not window.open_example("reference_example.mlp.json")
    assert window.statusBar().currentMessage() == LOCKED
    stop_and_wait(qtbot, panel)
    assert all(w.isEnabled() for w in (ins.weight, edits.reinitialise, steps.act_update,
                                      window.undo_action, window.data_panel.open_button,
                                      *window.project_actions))
    assert not ins.lock_note.isVisible() and not window.lock_note.isVisible()


def test_a_run_result_is_not_applied_over_a_project_changed_since_it_started(qtbot):
    window, doc, panel = running_window(qtbot)
    stop_and_wait(qtbot, panel)  # one run kept: "Train N epochs" is on the undo stack
    first = doc.project.network.copy()
    plotted = panel.plot.train.x.n
    panel.start(None)
    qtbot.waitUntil(lambda: panel.plot.train.x.n >= plotted + 2, timeout=10_000)
    doc.undo_stack.undo()  # the stack itself (not the locked Undo): the project changes anyway
    undone = doc.project.network.copy()
    assert not undone.equals(first)
    stop_and_wait(qtbot, panel)
    result = panel.session.last_result
    assert doc.project.network.equals(undone)  # the change made meanwhile stands
    assert "changed while training ran" in panel.reason.text()
    assert panel.apply_anyway.isVisible()
    assert doc.undo_stack.count() == 1 and doc.undo_stack.index() == 0
    panel.apply_anyway.click()  # keep both: the trained weights on top, the change one Undo away
    assert doc.project.network.equals(result.network)
    assert not panel.apply_anyway.isVisible()
    doc.undo()
    assert doc.project.network.equals(undone)


def test_the_revision_counts_every_change_to_the_project(qapp):
    doc = make_doc(TrainingConfig())
    seen = [doc.revision]
    doc.set_weight(0, 0, 0, 1.5)
    seen.append(doc.revision)
    doc.set_training(TrainingConfig(learning_rate=0.2))
    seen.append(doc.revision)
    doc.undo()
    seen.append(doc.revision)
    doc.show_snapshot(doc.project.network.copy())  # display only: no change to the project
    doc.show_snapshot(None)
    doc.select(("node", 0, 0))
    seen.append(doc.revision)
    assert seen[0] < seen[1] < seen[2] < seen[3] == seen[4]
