"""Data panel: CSV on a thread, loader errors in a dialog with the document unchanged,
column choice and scaling, network follows the columns (after asking), raw and scaled table."""

from __future__ import annotations

import gc

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialog, QMessageBox

from mlp_studio.app.data.data_panel import ColumnDialog, DataPanel
from mlp_studio.app.document.document import Document
from mlp_studio.core.project import Project
from mlp_studio.io.project_file import project_to_dict
from tests.core.reference_net import reference_dataset, reference_network

Yes, No = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


@pytest.fixture
def accept_columns(monkeypatch):
    """The column dialog accepts at once, after ``choose`` (if set) picks roles and scalings."""
    state = {"choose": None}

    def exec_(dialog):
        if state["choose"] is not None:
            state["choose"](dialog)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ColumnDialog, "exec", exec_)
    return state


def load(panel, qtbot, path):
    panel.load_csv(path)
    qtbot.waitUntil(lambda: panel.reader is None, timeout=20000)


def test_bad_csv_shows_file_line_column_and_keeps_the_document(window, qtbot, tmp_path, dialogs):
    bad = tmp_path / "marks.csv"
    bad.write_text("I0,I1,Z0\n70,98,91\n50,eighty,82\n", encoding="utf-8")
    doc = window.document
    before = project_to_dict(doc.project)
    load(window.data_panel, qtbot, bad)
    kind, title, text = dialogs.shown[-1]
    assert kind == "warning" and title == "Could not open the CSV file"
    assert "marks.csv" in text and "line 3" in text and "'I1'" in text and "eighty" in text
    assert project_to_dict(doc.project) == before and doc.undo_stack.count() == 0


def test_missing_file_is_an_error_dialog(window, qtbot, tmp_path, dialogs):
    load(window.data_panel, qtbot, tmp_path / "nope.csv")
    assert dialogs.shown[-1][0] == "warning" and "nope.csv" in dialogs.shown[-1][2]
    assert window.document.undo_stack.count() == 0


def test_more_inputs_change_the_network_after_confirmation(window, qtbot, tmp_path, dialogs,
                                                           accept_columns):
    path = tmp_path / "three.csv"
    path.write_text("a,b,c,y\n0,0,0,0\n1,2,4,1\n2,4,8,3\n", encoding="utf-8")
    doc = window.document
    dialogs.answers = [No]
    load(window.data_panel, qtbot, path)
    assert doc.project.network.sizes == [2, 3, 1] and doc.undo_stack.count() == 0
    assert "3 input and 1 target" in dialogs.texts("question")[-1]
    dialogs.answers = [Yes]
    load(window.data_panel, qtbot, path)
    assert doc.project.network.sizes == [3, 3, 1] and doc.project.data.inputs == ["a", "b", "c"]
    # the output layer's shape did not change: its reference weights are kept
    np.testing.assert_array_equal(doc.project.network.layers[1].weights, [[0.5, -1.0, 0.0]])
    np.testing.assert_allclose(doc.project.data.X[2], [1.0, 1.0, 1.0])
    np.testing.assert_allclose(doc.project.data.Z[:, 0], [0.0, 1 / 3, 1.0])
    window.undo_action.trigger()
    assert doc.project.network.equals(reference_network()) and doc.project.data.n_rows == 4


def test_column_roles_and_scaling(window, qtbot, tmp_path, accept_columns):
    path = tmp_path / "four.csv"
    path.write_text("id,x1,x2,z\n1,70,98,91\n2,50,85,82\n3,65,67,80\n4,25,95,68\n", encoding="utf-8")

    def choose(dialog):
        dialog.set_roles(["x1", "x2"], ["z"])
        assert dialog.input_scaling.currentText() == "min-max [0, 1]"  # as a person reads it
        dialog.input_scaling.setCurrentText("min-max [−1, 1]")
        dialog.target_scaling.setCurrentText("z-score")
    accept_columns["choose"] = choose
    load(window.data_panel, qtbot, path)
    data = window.document.project.data
    assert data.inputs == ["x1", "x2"] and data.targets == ["z"]
    assert window.document.project.network.equals(reference_network())  # 2 -> 1 still fits
    np.testing.assert_allclose(data.X[1], [2 * (50 - 25) / 45 - 1, 2 * (85 - 67) / 31 - 1])
    z = np.array([91, 82, 80, 68.0])
    np.testing.assert_allclose(data.Z[:, 0], (z - z.mean()) / z.std())


def test_table_shows_raw_and_scaled_side_by_side(window):
    model = window.data_panel.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["I0", "I0 (scaled)", "I1", "I1 (scaled)", "→ Z0", "→ Z0 (scaled)"]
    assert model.rowCount() == 4
    cell = lambda r, c: model.data(model.index(r, c))  # noqa: E731
    assert [cell(1, c) for c in range(6)] == ["50", f"{25 / 45:.4f}", "85", f"{18 / 31:.4f}",
                                              "82", f"{14 / 23:.4f}"]  # one format: 4 decimals


def test_unscaled_target_warns_about_the_sigmoid_range(window):
    doc = window.document
    assert window.data_panel.warnings.isHidden()
    doc.set_dataset(reference_dataset("none"), None, "no scaling")
    assert not window.data_panel.warnings.isHidden()
    assert "91" in window.data_panel.warnings.text() and "sigmoid" in window.data_panel.warnings.text()
    doc.set_activation(1, "identity")
    assert window.data_panel.warnings.isHidden()


def test_clicking_a_row_selects_it(window, qtbot):
    view = window.data_panel.view
    rect = view.visualRect(window.data_panel.model.index(2, 1))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.document.selected_row == 2


def test_dropping_a_csv_on_the_window_loads_it(window, qtbot, tmp_path, accept_columns):
    path = tmp_path / "dropped.csv"
    path.write_text("p,q,r\n1,2,3\n4,5,6\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    window.dropEvent(QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                                Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))
    qtbot.waitUntil(lambda: window.data_panel.reader is None, timeout=10000)
    assert window.document.project.data.columns == ["p", "q", "r"]


def big_csv(path, rows):
    path.write_text("a,b,y\n" + "0.25,1.5,0.75\n1,2,0\n" * (rows // 2), encoding="utf-8")


def test_a_million_rows_load_without_freezing_the_window(qtbot, tmp_path, accept_columns):
    path = tmp_path / "big.csv"
    big_csv(path, 1_000_000)
    doc = Document(Project(reference_network(), data=reference_dataset()))
    panel = DataPanel(doc)
    qtbot.addWidget(panel)
    panel.show()
    gc.collect()  # earlier tests' windows: collect them now, not while timing
    qtbot.wait(50)
    ticks_while_loading = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks_while_loading.append(panel.reader is not None))
    timer.start(10)
    progress = []
    panel.load_csv(path)
    panel.reader.progress.connect(lambda done, total: progress.append((done, total)))
    qtbot.waitUntil(lambda: panel.reader is None, timeout=60000)
    timer.stop()
    assert doc.project.data.n_rows == 1_000_000
    assert doc.project.data.raw_targets[1, 0] == 0.0
    assert progress and progress[-1] == (1_000_000, 1_000_000)
    # the event loop kept running while the reader thread parsed (how often it ticks depends on
    # the machine; benchmarks/gui.py measures the gaps)
    assert sum(ticks_while_loading) >= 2, f"{sum(ticks_while_loading)} ticks during the load"


def test_shutdown_stops_and_joins_a_running_read(qtbot, tmp_path):
    path = tmp_path / "big.csv"
    big_csv(path, 600_000)
    doc = Document(Project(reference_network(), data=reference_dataset()))
    panel = DataPanel(doc)
    qtbot.addWidget(panel)
    panel.load_csv(path)
    reader = panel.reader
    panel.shutdown()
    assert panel.reader is None and reader.isFinished()
    assert doc.project.data.n_rows == 4


def test_a_long_column_list_is_summarised_in_one_line():
    from mlp_studio.app.data.data_panel import column_list

    assert column_list(["I0", "I1"]) == "I0, I1"
    names = [f"x{i}" for i in range(784)]
    assert column_list(names) == "x0, x1, x2, x3, …, x783 (784 columns)"
    assert column_list(names[:6]) == "x0, x1, x2, x3, x4, x5"  # six fit: all are listed


def test_a_csv_with_class_names_trains_a_classifier(window, qtbot, tmp_path, accept_columns, dialogs):
    from mlp_studio.core.training import TrainingConfig

    rng = np.random.default_rng(0)
    names = np.array(["setosa", "versicolor", "virginica"])
    label = rng.integers(0, 3, 90)
    x = label[:, None] * 2.0 + rng.normal(0, 0.3, (90, 2))  # three well-separated clusters
    path = tmp_path / "flowers.csv"
    path.write_text("a,b,species\n" + "".join(f"{p:.3f},{q:.3f},{names[k]}\n"
                                             for (p, q), k in zip(x, label)), encoding="utf-8")
    seen = {}
    accept_columns["choose"] = lambda dialog: seen.update(
        roles=list(dialog.model.roles), columns=list(dialog.table.columns))
    dialogs.answers = [Yes]  # change the network from 2-3-1 to 2-3-3
    load(window.data_panel, qtbot, path)
    assert seen["columns"] == ["a", "b", "species=setosa", "species=versicolor", "species=virginica"]
    assert seen["roles"] == ["input", "input", "target", "target", "target"]  # the defaults
    doc = window.document
    assert doc.project.network.sizes == [2, 3, 3]
    np.testing.assert_array_equal(doc.project.data.raw_targets, np.eye(3)[label])
    assert "species=setosa, species=versicolor, species=virginica" in window.data_panel.source.text()
    doc.set_training(TrainingConfig(learning_rate=2.0, mode="batch", epochs=2000))
    panel = window.training_panel
    panel.speed.setValue(panel.speed.maximum())  # Fastest: 2000 epochs, nothing to watch here
    panel.start(None)
    qtbot.waitUntil(lambda: not panel.session.is_active, timeout=20000)
    assert not panel.class_box.isHidden() and panel.confusion.rowCount() == 3
    header = panel.confusion.horizontalHeaderItem
    assert [header(j).text() for j in range(3)] == ["pred. setosa", "pred. versicolor", "pred. virginica"]
    matrix = np.array([[int(panel.confusion.item(i, j).text()) for j in range(3)] for i in range(3)])
    predicted = np.argmax(doc.project.network.forward(doc.project.data.X), axis=1)
    assert matrix.tolist() == [[int(np.sum((label == t) & (predicted == p))) for p in range(3)]
                               for t in range(3)]
    assert np.trace(matrix) >= 80  # the clusters are learnt


def test_a_column_of_class_numbers_can_be_taken_as_classes(window, qtbot, tmp_path, accept_columns, dialogs):
    path = tmp_path / "digits.csv"
    labels = [10, 1, 2, 1, 10, 2]
    path.write_text("a,b,label\n" + "".join(f"{k * 0.1:.1f},{1 - k * 0.1:.1f},{v}\n"
                                           for k, v in enumerate(labels)), encoding="utf-8")

    def choose(dialog):
        assert dialog.model.roles == ["input", "input", "target"]  # numbers
        dialog.set_role("label", "target classes")
    accept_columns["choose"] = choose
    dialogs.answers = [Yes]  # 2-3-1 becomes 2-3-3
    load(window.data_panel, qtbot, path)
    data = window.document.project.data
    assert data.targets == ["label=1", "label=2", "label=10"]  # numeric order, not text order
    expected = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]], float)
    np.testing.assert_array_equal(data.raw_targets, expected)
    assert data.inputs == ["a", "b"] and window.document.project.network.sizes == [2, 3, 3]
