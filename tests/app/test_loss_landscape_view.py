"""Tools > Loss Landscape and the Hessian dialog, on the bundled reference example."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QDialog, QPushButton

from mlp_studio.app.lab.hessian_dialog import HessianDialog
from mlp_studio.app.lab.loss_landscape_view import training_objective
from mlp_studio.app.stepping.controller import StepController
from mlp_studio.core.hessian import hessian_report
from mlp_studio.core.loss_landscape import flat


@pytest.fixture
def view(window, qtbot):
    v = window.show_loss_landscape()
    qtbot.waitExposed(v)
    return v


def test_the_plane_is_centred_on_the_current_weights_and_holds_the_training_loss(view, window):
    net = window.document.project.network
    plane = view.plane
    assert plane is not None and plane.first.label == "w[0][0][0]" and plane.second.label == "w[0][0][1]"
    middle = plane.xs.size // 2
    assert plane.xs[middle] == pytest.approx(net.layers[0].weights[0, 0])
    assert plane.ys[middle] == pytest.approx(net.layers[0].weights[0, 1])
    objective = training_objective(window.document)
    assert plane.values[middle, middle] == pytest.approx(objective.value(flat(net)), rel=1e-12)
    assert len(view.isocurves) > 0 and "line search" in view.slice_label.text()


def test_steps_taken_while_open_are_drawn_as_the_path(view, window):
    controller = StepController(window.document)
    for _ in range(3):
        controller.step_update()
    view.refresher.flush()
    x, y = view.path_item.getData()
    weights = [n.layers[0].weights[0] for n in view.path]
    assert len(x) == 4 and np.allclose(x, [w[0] for w in weights]) and np.allclose(y, [w[1] for w in weights])
    view.second.setCurrentIndex(12)  # b[1][0]
    view.refresher.flush()
    x, y = view.path_item.getData()
    assert np.allclose(y, [n.layers[1].biases[0] for n in view.path])
    view.clear_path.click()
    assert len(view.path) == 1


def test_training_snapshots_extend_the_path_without_recomputing_the_plane(view, window):
    view.refresher.flush()
    drawn = view.refresher.count
    net = window.document.project.network.copy()
    for k in range(5):
        net.layers[0].weights[0, 0] += 0.1
        window.document.show_snapshot(net.copy())
    x, _ = view.path_item.getData()
    assert len(x) == 6 and x[-1] == pytest.approx(net.layers[0].weights[0, 0])
    assert view.refresher.count == drawn and not view.refresher.dirty
    window.document.show_snapshot(None)  # the run ended: the plane follows the weights again
    view.refresher.flush()
    assert view.refresher.count == drawn + 1


def test_the_hessian_dialog_and_one_newton_step(view, window, monkeypatch):
    window.open_example("xor.mlp.json")
    objective = training_objective(window.document)
    report = hessian_report(objective)

    def exec_(dialog):
        assert dialog.table.rowCount() == 13 and dialog.eigen.count() == 13
        assert dialog.table.item(0, 1).text() == f"{report.matrix[0, 1]:.4g}"
        assert "Condition number" in dialog.text.text()
        dialog._newton()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(HessianDialog, "exec", exec_)
    before = flat(window.document.project.network)
    view.show_hessian()
    after = flat(window.document.project.network)
    assert np.allclose(after, before + report.newton_step())
    assert window.document.undo_stack.undoText() == "Newton step"
    window.document.undo_stack.undo()
    assert np.array_equal(flat(window.document.project.network), before)


def test_a_singular_hessian_offers_no_newton_step(window, qtbot):
    report = hessian_report(training_objective(window.document))  # the reference: 4 rows, 13 parameters
    assert report.singular and np.linalg.matrix_rank(report.matrix) < 13
    dialog = HessianDialog(report, [], window)
    qtbot.addWidget(dialog)
    newton = [b for b in dialog.findChildren(QPushButton) if b.text() == "Take one Newton step"]
    assert newton and not newton[0].isEnabled() and "singular" in dialog.text.text()


def test_parameters_are_named_in_the_notation_chosen(view, window, qtbot):
    from mlp_studio.app.widgets.appearance import appearance
    from mlp_studio.core.loss_landscape import parameters

    # the reference network 2-3-1: weights[0][0][0] first, the output bias last
    assert view.first.itemText(0) == "wh[0][0][0]" and view.second.currentText() == "wh[0][0][1]"
    assert view.first.itemText(view.first.count() - 1) == "bo[0]"
    assert view.contour.getPlotItem().getAxis("bottom").labelText == "wh[0][0][0]"
    appearance().update(notation="lecture")  # layers and nodes counted from 1
    assert view.first.itemText(0) == "w⁽¹⁾₁₁" and view.second.currentText() == "w⁽¹⁾₁₂"
    assert view.first.itemText(view.first.count() - 1) == "b⁽²⁾₁"
    assert view.contour.getPlotItem().getAxis("left").labelText == "w⁽¹⁾₁₂"
    dialog = HessianDialog(hessian_report(training_objective(window.document)),
                           parameters(window.document.project.network), window)
    qtbot.addWidget(dialog)
    assert dialog.table.horizontalHeaderItem(0).text() == "w⁽¹⁾₁₁"
    assert dialog.table.verticalHeaderItem(12).text() == "b⁽²⁾₁"
