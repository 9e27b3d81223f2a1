"""The window with hostile files and stuck work: no hang, every wait bounded, close returns;
the column dialog with the most columns allowed; the lab's second derivatives.

A missing bound shows as a hang, which the harness's timeouts catch. Nothing
here measures time.
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtWidgets import QDialog

from mlp_studio.app.data import data_panel
from mlp_studio.app.data.data_panel import ColumnDialog, still_reading
from mlp_studio.io.csv_table import MAX_COLUMNS, Table

posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")


@pytest.fixture
def stuck_read(monkeypatch):
    """``read_csv`` stands for a parse stuck in one long chunk: it ignores the cancel request
    until ``release`` is set."""
    release, started = threading.Event(), threading.Event()

    def read_csv(path, progress=None):
        started.set()
        release.wait(120)
        raise OSError("released")

    monkeypatch.setattr(data_panel, "read_csv", read_csv)
    monkeypatch.setattr(data_panel, "SHUTDOWN_WAIT_MS", 50)
    yield started, release
    release.set()
    for reader in list(data_panel._let_go):
        assert reader.wait(60_000)
    data_panel._let_go.clear()


@posix_only
def test_a_fifo_as_csv_is_an_error_dialog(window, qtbot, tmp_path, dialogs):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    before = window.document.project.network.copy()
    window.data_panel.load_csv(fifo)
    qtbot.waitUntil(lambda: window.data_panel.reader is None, timeout=30_000)
    assert "pipe (FIFO)" in dialogs.texts("warning")[-1]
    assert window.document.project.network.equals(before)


@posix_only
def test_a_fifo_as_project_is_an_error_dialog(window, tmp_path, dialogs):
    fifo = tmp_path / "p.mlp.json"
    os.mkfifo(fifo)
    assert window.open_path(fifo) is False
    assert "pipe (FIFO)" in " ".join(dialogs.texts())


def test_shutdown_returns_while_a_read_is_stuck(window, stuck_read):
    started, release = stuck_read
    panel = window.data_panel
    panel.load_csv("anything.csv")
    assert started.wait(30)
    panel.shutdown()  # bounded: the read is let go, its result dropped
    assert panel.reader is None and still_reading()
    release.set()


def test_close_returns_while_a_read_is_stuck_and_training_runs(window, qtbot, stuck_read):
    started, release = stuck_read
    config = replace(window.document.project.training, epochs=None)  # runs until stopped
    window.document.set_training(config)
    window.training_panel.start(None)
    qtbot.waitUntil(lambda: window.training_panel.plot.train.x.n >= 2, timeout=30_000)
    window.data_panel.load_csv("anything.csv")
    assert started.wait(30)
    assert window.close()
    assert not window.isVisible() and window.data_panel.reader is None
    qtbot.waitUntil(lambda: not window.training_panel.session.is_active, timeout=30_000)
    release.set()


def test_the_column_dialog_takes_the_largest_allowed_table(qtbot):
    names = [f"c{i}" for i in range(MAX_COLUMNS)]
    table = Table(names, np.zeros((2, MAX_COLUMNS)), "wide.csv")
    dialog = ColumnDialog(table, None)
    qtbot.addWidget(dialog)
    assert dialog.roles_of() == {"input": MAX_COLUMNS - 1, "target": 1}
    dialog.set_roles(names[:10], names[-2:])
    assert dialog.roles_of() == {"input": 10, "target": 2, "ignore": MAX_COLUMNS - 12}
    data = dialog.dataset()
    assert data.inputs == names[:10] and data.targets == names[-2:]


def test_a_role_is_chosen_with_a_combo_box_in_the_grid(qtbot):
    table = Table(["a", "b", "z"], np.array([[1.0, 2.0, 0.0], [3.0, 5.0, 1.0]]), "t.csv")
    dialog = ColumnDialog(table, None)
    qtbot.addWidget(dialog)
    dialog.show()
    index = dialog.model.index(1, 1)
    dialog.grid.edit(index)
    combo = dialog.grid.indexWidget(index)
    combo.setCurrentText("ignore")
    combo.activated.emit(combo.currentIndex())  # as a click on the entry does
    assert dialog.role("b") == "ignore" and dialog.roles_of() == {"input": 1, "ignore": 1, "target": 1}
    data = dialog.dataset()
    assert data.inputs == ["a"] and data.targets == ["z"]


def test_the_lab_builds_second_derivatives_only_for_newton(qtbot, window):
    lab = window.show_minimize_lab()
    lab.function_edit.setText("(x - 1)**2 + 3*(y + 2)**2")
    lab.apply_function()
    assert "hessian" not in vars(lab.objective)  # gradient descent: no Hessian built
    assert "∂²f" not in lab.formula_label.text()
    lab.method_combo.setCurrentIndex(lab.method_combo.findData("newton"))
    assert "∂²f/∂x∂x = 2" in lab.formula_label.text() and "∂²f/∂y∂y = 6" in lab.formula_label.text()
