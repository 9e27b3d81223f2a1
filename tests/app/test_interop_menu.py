"""File > Export (PyTorch, ONNX) and File > Import (ONNX) in the main window."""

from __future__ import annotations

import ast

import numpy as np
import pytest

pytest.importorskip("onnx")

from mlp_studio.io.onnx_export import write_onnx  # noqa: E402


def test_menus_are_in_the_file_menu(window):
    texts = [a.text() for a in window.file_menu.actions()]
    assert "E&xport" in texts and "&Import" in texts


def test_export_pytorch_writes_a_script_of_the_open_project(window, tmp_path):
    path = tmp_path / "model.py"
    assert window.interop_menus.export_pytorch(path)
    source = path.read_text()
    tree = ast.parse(source)  # valid Python
    names = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
             if isinstance(t, ast.Name)}
    assert {"WEIGHTS", "BIASES", "INPUT_SCALING", "TARGET_SCALING", "TRAINING"} <= names
    assert "WEIGHTS = [[[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]], [[0.5, -1.0, 0.0]]]" in source


def test_export_onnx_then_import_gives_the_same_network_as_a_new_project(window, tmp_path, dialogs):
    path = tmp_path / "model.onnx"
    doc = window.document
    doc.set_bias(0, 0, 0.25)  # an edit, so the export is of the open document
    assert window.interop_menus.export_onnx(path)
    exported = doc.project.network.copy()
    assert window.interop_menus.import_onnx(path)  # unsaved changes: the prompt says Discard
    assert doc.path is None and "model.onnx (imported)" in window.windowTitle()
    net = doc.project.network
    assert net.sizes == exported.sizes
    np.testing.assert_allclose(net.layers[0].biases, exported.layers[0].biases, rtol=1e-7)
    assert net.layers[0].biases[0] == pytest.approx(0.25)


def test_a_bad_model_shows_a_dialog_and_keeps_the_open_project(window, tmp_path, dialogs):
    path = tmp_path / "bad.onnx"
    path.write_bytes(b"this is no onnx model")
    before = window.document.project.network.copy()
    assert not window.interop_menus.import_onnx(path)
    assert any("not an ONNX model" in t for t in dialogs.texts("warning"))
    assert window.document.project.network.equals(before)


def test_export_of_a_project_the_format_cannot_hold_shows_why(window, tmp_path, dialogs, monkeypatch):
    def refuse(project, path):
        from mlp_studio.errors import MLPError
        raise MLPError("no such thing")

    monkeypatch.setattr("mlp_studio.io.onnx_export.write_onnx", refuse)
    assert not window.interop_menus.export_onnx(tmp_path / "x.onnx")
    assert dialogs.texts("warning") == ["no such thing"]
    assert not (tmp_path / "x.onnx").exists()
    assert write_onnx is not refuse
