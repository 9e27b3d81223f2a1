"""The training dock while and after a run: penalty and data loss apart, the current
learning rate, accuracy on both row sets, the default pace, and controls that stay put."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget
from sklearn.metrics import accuracy_score

from mlp_studio.app.training.training_panel import DEFAULT_DELAY, DELAYS, TrainingPanel
from mlp_studio.app.training.training_worker import RUNNING
from mlp_studio.core.dataset import Dataset
from mlp_studio.core.evaluation import holdout_split
from mlp_studio.core.training import Trainer, TrainingConfig
from mlp_studio.io.project_file import load_project
from mlp_studio.io.resources import resource_path
from tests.app.test_training import panel, wait_idle  # noqa: F401 - panel: the dock's fixture

LEFT = Qt.MouseButton.LeftButton
FASTEST = len(DELAYS) - 1


def classes(n: int = 90) -> Dataset:
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, n)
    label = (x + 0.3 * rng.normal(size=n) > 0.1).astype(float)  # noisy: neither set is all right
    return Dataset(["x", "c"], np.c_[x, label], ["x"], ["c"])


def run(qtbot, p: TrainingPanel, epochs: int | None = None) -> None:
    p.speed.setValue(FASTEST)
    p.start(epochs)
    wait_idle(qtbot, p)


def test_penalty_and_data_loss_are_plotted_apart(qtbot, panel):
    l2 = 0.2
    config = TrainingConfig(learning_rate=0.1, mode="batch", l2=l2, epochs=2)
    p = panel(config)
    data, start = p.document.project.data, p.document.project.network.copy()
    after_one = Trainer(start.copy(), data.X, data.Z, "half_squared_error", config).train(1).network
    run(qtbot, p)
    # by hand: l2/2 sum W^2 over the weights (never the biases) each epoch started from, / rows
    by_hand = [l2 / 2 * sum(float((l.weights ** 2).sum()) for l in net.layers) / data.n_rows
               for net in (start, after_one)]
    np.testing.assert_allclose(p.plot.penalty.y.view, by_hand, rtol=1e-12)
    np.testing.assert_allclose(p.plot.data.y.view, p.plot.train.y.view - by_hand, rtol=1e-12)
    p.plot.redraw()
    assert "penalty" in p.plot.legend.text() and "data loss" in p.plot.legend.text()


def test_without_a_penalty_only_the_loss_is_plotted(qtbot, panel):
    p = panel(TrainingConfig(learning_rate=0.1, mode="batch", epochs=2))
    run(qtbot, p)
    p.plot.redraw()
    assert p.plot.train.y.n == 2 and p.plot.penalty.y.n == 0 and p.plot.data.y.n == 0
    assert "penalty" not in p.plot.legend.text()


def test_the_current_learning_rate_shows_in_the_status_and_on_request_in_the_plot(qtbot, panel):
    eta0, rows = 0.2, 200
    p = panel(TrainingConfig(learning_rate=eta0, mode="batch", schedule="invscaling", epochs=3))
    shown = []
    p.session.snapshot.connect(lambda _snap: shown.append(p.status.text()))  # after the panel's own slot
    run(qtbot, p)
    by_hand = [eta0 / math.sqrt(t + 1) for t in (0, rows, 2 * rows)]  # t: the samples seen
    np.testing.assert_allclose(p.plot.rate.y.view, by_hand, rtol=1e-14)
    assert f"η {by_hand[-1]:.4g}" in shown[-1]
    p.plot.rate_box.setChecked(True)
    assert not p.plot.accuracy_box.isChecked()  # one quantity on the right axis
    p.plot.redraw()
    item = p.plot.plot_widget.getPlotItem()
    assert item.getAxis("right").isVisible() and item.getAxis("right").labelText == "learning rate η"
    assert p.plot.rate_vb.isVisible() and p.plot.rate_vb.viewRange()[1][1] >= eta0
    x, y = p.plot.rate_curve.getData()
    assert x.tolist() == [1.0, 2.0, 3.0] and y.tolist() == p.plot.rate.y.view.tolist()


def test_accuracy_on_the_training_and_held_out_rows_equals_scikit_learn(qtbot, panel):
    data = classes()
    p = panel(TrainingConfig(learning_rate=0.5, mode="batch", epochs=40, holdout=0.3, seed=4),
              data=data, out="sigmoid")
    run(qtbot, p)
    net = p.document.project.network
    train_rows, val_rows = holdout_split(data.n_rows, 0.3, 4)
    labels = data.raw_targets[:, 0]
    acc = [accuracy_score(labels[r], net.forward(data.X[r])[:, 0] >= 0.5) for r in (train_rows, val_rows)]
    assert acc[0] != acc[1]  # the two numbers shown can be told apart
    text = p.accuracy.text()
    assert f"training {acc[0]:.1%} ({train_rows.size} rows)" in text
    assert f"held out {acc[1]:.1%} ({val_rows.size} rows, the matrix's)" in text
    assert p.plot.train_acc.y.view[-1] == pytest.approx(acc[0], rel=1e-15)
    assert p.plot.val_acc.y.view[-1] == pytest.approx(acc[1], rel=1e-15)
    assert p.plot.train_acc.x.view[-1] == 40.0  # the run's end is always evaluated
    p.plot.redraw()
    assert p.plot.acc_vb.isVisible() and "acc. held out" in p.plot.legend.text()


def test_the_default_pace_shows_the_bundled_examples_over_a_few_seconds(panel):
    p = panel(TrainingConfig())
    assert p.speed.value() == DELAYS.index(DEFAULT_DELAY) and p.session._delay == DEFAULT_DELAY
    assert p.speed_label.text() == f"{DEFAULT_DELAY * 1000:g} ms/epoch"
    for name in ("reference", "two_moons", "overfitting_moons"):
        epochs = load_project(resource_path(f"{name}.mlp.json")).training.epochs
        assert 1.0 <= epochs * DEFAULT_DELAY <= 8.0, name  # seconds of pauses alone
    p.speed.setValue(FASTEST)
    assert p.speed_label.text() == "Fastest" and p.session._delay == 0.0


def test_a_click_on_the_speed_groove_moves_one_position(qtbot, panel):
    p = panel(TrainingConfig())
    p.show()
    qtbot.waitExposed(p)
    start = p.speed.value()
    qtbot.mouseClick(p.speed, LEFT, pos=QPoint(3, p.speed.height() // 2))  # left of the handle
    assert p.speed.value() == start - 1 and p.session._delay == DELAYS[start - 1]
    qtbot.mouseClick(p.speed, LEFT, pos=QPoint(p.speed.width() - 3, p.speed.height() // 2))
    assert p.speed.value() == start


def test_the_speed_label_does_not_touch_the_next_checkbox(qtbot, panel):
    p = panel(TrainingConfig())
    p.show()
    qtbot.waitExposed(p)
    for position in range(len(DELAYS)):
        p.speed.setValue(position)
        label = p.speed_label
        assert label.fontMetrics().horizontalAdvance(label.text()) <= label.width()
    gap = p.live.geometry().left() - p.speed_label.geometry().right()
    assert gap >= 8


def _geometry(p: TrainingPanel, w: QWidget) -> QRect:
    return QRect(w.mapTo(p, QPoint(0, 0)), w.size())


def test_nothing_moves_when_a_run_ends_with_its_reason_and_class_results(qtbot, panel):
    p = panel(TrainingConfig(learning_rate=0.5, mode="batch", epochs=5, holdout=0.3), data=classes(),
              out="sigmoid")
    p.show()
    qtbot.waitExposed(p)
    QApplication.processEvents()  # the window as the user first sees it
    assert p.class_box.isVisible() and p.confusion.item(1, 1).text() == "–"  # shown from the start
    watched = (p.run_button, p.run_n, p.progress, p.reason, p.class_box, p.confusion, p.plot,
               p.plot.plot_widget)
    before = [_geometry(p, w) for w in watched]
    run(qtbot, p)
    QApplication.processEvents()
    assert p.reason.text().startswith("Stopped:") and p.confusion.item(1, 1).text() != "–"
    assert [_geometry(p, w) for w in watched] == before


def test_a_regression_target_has_no_classification_box(qtbot, panel):
    p = panel(TrainingConfig(epochs=2))
    p.show()
    qtbot.waitExposed(p)
    assert not p.class_box.isVisible()


def test_after_run_the_pause_button_has_the_focus_not_the_run_n_field(qtbot, panel):
    p = panel(TrainingConfig(learning_rate=0.05, epochs=None))
    p.show()
    qtbot.waitExposed(p)
    p.activateWindow()
    p.speed.setValue(DELAYS.index(0.005))
    p.run_button.setFocus()
    qtbot.waitUntil(p.run_button.hasFocus)
    qtbot.keyClick(p.run_button, Qt.Key.Key_Space)  # Run, from the keyboard
    assert p.session.state == RUNNING
    assert QApplication.focusWidget() is p.pause_button
    assert not p.run_n.hasFocus() and p.run_n.lineEdit().selectedText() == ""
    qtbot.keyClick(p.pause_button, Qt.Key.Key_Space)  # Pause: Resume takes the focus
    assert QApplication.focusWidget() is p.resume_button
    p.session.stop()
    wait_idle(qtbot, p)
    assert QApplication.focusWidget() is p.run_button


def test_nothing_moves_when_the_apply_button_of_a_result_kept_out_shows(qtbot, panel):
    p = panel(TrainingConfig(learning_rate=0.05, epochs=3))
    p.show()
    qtbot.waitExposed(p)
    run(qtbot, p)  # a run on the undo stack, its reason shown
    QApplication.processEvents()
    watched = (p.reason, p.plot, p.plot.plot_widget)
    before = [_geometry(p, w) for w in watched]
    before[0].setWidth(before[0].width() - p.apply_anyway.sizeHint().width() - p.layout().spacing())
    p.speed.setValue(DELAYS.index(0.005))
    p.start(100_000)  # only a stop ends it
    qtbot.waitUntil(lambda: p.plot.train.x.n >= 5, timeout=10_000)
    p.document.undo_stack.undo()  # the project changes while the run goes: its result is kept out
    p.session.stop()
    wait_idle(qtbot, p)
    QApplication.processEvents()
    assert p.apply_anyway.isVisible() and "changed while training ran" in p.reason.text()
    assert [_geometry(p, w) for w in watched] == before  # the button took width, no height
