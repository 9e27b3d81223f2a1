"""Data panel > Add column: a derived input, previewed, undoable, saved as its expression."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox

from mlp_studio.app.data.data_panel import ColumnDialog, DataPanel
from mlp_studio.app.data.derived_column_dialog import DerivedColumnDialog
from mlp_studio.app.document.document import Document
from mlp_studio.core.project import Project
from mlp_studio.io.project_file import load_project
from tests.core.reference_net import reference_dataset, reference_network


def test_the_preview_shows_values_or_what_is_wrong(qtbot):
    dialog = DerivedColumnDialog(reference_dataset())
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.name.setText("prod")
    dialog.expression.setText("I0*I1")
    assert ok.isEnabled() and dialog.preview.text().startswith("prod = 6860, 4250, 4355, 2375")
    dialog.expression.setText("I0*I9")
    assert not ok.isEnabled() and "I9, which is no column" in dialog.preview.text()


def test_adding_a_column_makes_it_an_input_resizes_after_asking_and_undoes(qtbot, monkeypatch, tmp_path):
    doc = Document(Project(reference_network(), data=reference_dataset()))
    panel = DataPanel(doc)
    qtbot.addWidget(panel)

    def fill(dialog):
        dialog.name.setText("ratio")
        dialog.expression.setText("I0 / I1")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(DerivedColumnDialog, "exec", fill)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    assert panel.add_derived_column()
    data = doc.project.data
    assert data.inputs == ["I0", "I1", "ratio"] and doc.project.network.n_inputs == 3
    assert data.raw_inputs[:, 2] == pytest.approx([70 / 98, 50 / 85, 65 / 67, 25 / 95], rel=1e-15)
    assert data.X[:, 2].min() == 0.0 and data.X[:, 2].max() == 1.0  # min-max fitted again
    doc.save(tmp_path / "p.mlp.json")
    assert load_project(tmp_path / "p.mlp.json").data.derived == data.derived
    monkeypatch.setattr(ColumnDialog, "exec", lambda _: QDialog.DialogCode.Accepted)
    panel.edit_columns()  # the column dialog keeps the column derived
    assert doc.project.data.derived == data.derived
    while doc.undo_stack.canUndo():
        doc.undo_stack.undo()
    assert doc.project.data.columns == ["I0", "I1", "Z0"] and doc.project.network.n_inputs == 2
    assert np.array_equal(doc.project.data.values, reference_dataset().values)
