"""File > New from Generator: the live preview and loading the data into the document."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from mlp_studio.app.data.data_panel import ColumnDialog, DataPanel
from mlp_studio.app.data.generator_dialog import GeneratorDialog, new_from_generator
from mlp_studio.app.document.document import Document
from mlp_studio.core.evaluation import holdout_split
from mlp_studio.core.generators import generate
from mlp_studio.core.project import Project
from tests.core.reference_net import reference_dataset, reference_network


@pytest.fixture
def dialog(qtbot):
    d = GeneratorDialog(holdout_seed=3)
    qtbot.addWidget(d)
    return d


def test_the_preview_follows_every_setting(dialog):
    dialog.kind.setCurrentText("gaussians")
    dialog.classes.setValue(4)
    dialog.rows.setValue(120)
    dialog.noise.setValue(25)
    x, y = dialog.scatter.getData()
    expected = generate("gaussians", 120, 0.25, 0, 4)
    assert np.array_equal(x, expected.inputs[:, 0]) and np.array_equal(y, expected.inputs[:, 1])
    assert dialog.noise_label.text() == "0.25" and dialog.classes.isEnabled()
    dialog.kind.setCurrentText("sine")
    x, y = dialog.scatter.getData()
    assert not dialog.classes.isEnabled() and np.allclose(y, generate("sine", 120, 0.25, 0).target)


def test_held_out_rows_are_the_trainers_and_drawn_hollow(dialog):
    dialog.test.setValue(30)
    points = dialog.scatter.points()
    hollow = {i for i, p in enumerate(points) if p.brush().style() == Qt.BrushStyle.NoBrush}
    _, held = holdout_split(200, 0.30, 3)
    assert hollow == set(held.tolist()) and len(held) == 60


def test_ok_loads_the_data_through_the_column_dialog_and_sets_the_hold_out(qtbot, monkeypatch):
    doc = Document(Project(reference_network(), data=reference_dataset()))
    panel = DataPanel(doc)
    qtbot.addWidget(panel)

    def accept(dialog):
        dialog.kind.setCurrentText("xor")
        dialog.test.setValue(25)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(GeneratorDialog, "exec", accept)
    monkeypatch.setattr(ColumnDialog, "exec", lambda _: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    assert new_from_generator(panel)
    data = doc.project.data
    assert data.inputs == ["x1", "x2"] and data.targets == ["label"] and data.n_rows == 200
    assert np.allclose(data.raw_inputs, generate("xor", 200, 0.1, 0).inputs, atol=5e-7)
    assert doc.project.training.holdout == 0.25
    doc.undo_stack.undo()  # the hold-out, then the data: two undoable steps
    doc.undo_stack.undo()
    assert doc.project.training.holdout == 0.0 and doc.project.data.n_rows == 4


def test_cancel_changes_nothing(qtbot, monkeypatch):
    doc = Document(Project(reference_network(), data=reference_dataset()))
    panel = DataPanel(doc)
    qtbot.addWidget(panel)
    monkeypatch.setattr(GeneratorDialog, "exec", lambda _: QDialog.DialogCode.Rejected)
    assert not new_from_generator(panel)
    assert doc.undo_stack.count() == 0
