"""Replacing the document: nothing of the previous run stays on show, and a project that is no
longer the example is not named after it."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QMessageBox

from mlp_studio.app.training.training_worker import IDLE
from mlp_studio.io.column_choice import INPUT, TARGET, dataset_for_roles
from mlp_studio.io.csv_table import read_csv
from mlp_studio.io.project_file import load_project
from mlp_studio.io.resources import resource_path


def run_epochs(qtbot, window, epochs: int) -> None:
    panel = window.training_panel
    panel.session.set_delay(0.0)
    panel.start(epochs)
    qtbot.waitUntil(lambda: panel.session.state == IDLE and not panel.session.is_active, timeout=20_000)
    panel.plot.redraw()


def test_opening_another_example_resets_status_loss_plot_and_surface(qtbot, window):
    window.open_example("two_moons.mlp.json")
    panel, plot = window.training_panel, window.training_panel.plot
    run_epochs(qtbot, window, 30)
    # the run is on show: its status, its progress, its curve and the axes fitted to it
    assert panel.status.text().startswith("Done: 30 epochs")
    assert panel.progress.text() == "epoch 30 of 30"
    assert window.statusBar().currentMessage().startswith("Done: 30 epochs")
    assert plot.train.x.n == 30
    x_range, _ = plot.plot_widget.getPlotItem().vb.viewRange()
    assert x_range[1] >= 30

    window.open_example("xor.mlp.json")
    assert panel.status.text() == "Ready"
    assert panel.progress.text() == ""  # no "epoch 30 of 30" left over
    assert window.statusBar().currentMessage() == ""
    assert plot.n_points == 0
    x, y = plot.train_curve.getData()
    assert x is None or len(x) == 0
    x_range, y_range = plot.plot_widget.getPlotItem().vb.viewRange()
    assert np.allclose(x_range, (0.0, 1.0)) and np.allclose(y_range, (0.0, 1.0))
    assert plot.legend.text() == ""
    # the output surface shows the new document: xor's four rows, its column names
    xor = load_project(resource_path("xor.mlp.json"))
    surface = window.step_views.surface
    surface.flush()
    xs, ys = surface.points.getData()
    assert np.allclose(np.c_[xs, ys], xor.data.raw_inputs)
    assert surface.plot.getPlotItem().getAxis("bottom").labelText == xor.data.inputs[0]
    # a new run of the new project starts its own curve at epoch 1
    run_epochs(qtbot, window, 5)
    assert plot.train.x.view.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_an_example_given_a_csv_is_an_untitled_project(qtbot, window, tmp_path, dialogs):
    assert window.windowTitle() == "reference.mlp.json (example)[*] — MLP Studio"
    csv = tmp_path / "points.csv"
    csv.write_text("a,b,t\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    assert window.data_panel.apply_dataset(dataset_for_roles(read_csv(str(csv)), [INPUT, INPUT, TARGET]))
    doc = window.document
    assert doc.path is None and doc.is_modified
    assert window.windowTitle() == "Untitled[*] — MLP Studio" and window.isWindowModified()
    # the close prompt names the untitled project and offers a new file, not the example
    dialogs.answers.append(QMessageBox.StandardButton.Cancel)
    assert not window.maybe_save()
    question = dialogs.texts("question")[-1]
    assert "reference" not in question and "example" not in question
    assert question == "Untitled is not saved in a file yet. Save it as a new project file?"
    # undoing the load gives back the example, under its name
    window.undo_action.trigger()
    assert doc.display_name == "reference.mlp.json (example)" and not doc.is_modified
    assert window.windowTitle() == "reference.mlp.json (example)[*] — MLP Studio"
    window.redo_action.trigger()
    assert doc.display_name == "Untitled"


def test_a_saved_project_given_a_csv_keeps_its_file(qtbot, window, tmp_path, dialogs):
    path = tmp_path / "mine.mlp.json"
    window.document.save(path)
    csv = tmp_path / "points.csv"
    csv.write_text("a,b,t\n0,0,0\n1,1,1\n")
    assert window.data_panel.apply_dataset(dataset_for_roles(read_csv(str(csv)), [INPUT, INPUT, TARGET]))
    assert window.windowTitle() == "mine.mlp.json[*] — MLP Studio"
    dialogs.answers.append(QMessageBox.StandardButton.Cancel)
    window.maybe_save()
    assert dialogs.texts("question")[-1] == "Save the changes to mine.mlp.json?"
