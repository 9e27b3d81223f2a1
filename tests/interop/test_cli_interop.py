"""`mlp-studio export --format pytorch|onnx` and `import-onnx` on the command line (no torch)."""

from __future__ import annotations

import ast
from dataclasses import replace

import pytest

from mlp_studio.cli import main
from mlp_studio.errors import MLPError
from mlp_studio.io import pytorch_export
from mlp_studio.io.project_file import save_project
from mlp_studio.io.resources import EXAMPLE_PROJECT, resource_path

from tests.interop.conftest import CASES, make_project


def test_pytorch_export_writes_a_script_with_the_projects_numbers(tmp_path, capsys):
    project = make_project(CASES[2])
    path = tmp_path / "p.mlp.json"
    save_project(project, path)
    out = tmp_path / "net.py"
    assert main(["export", str(path), "--format", "pytorch", "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    tree = ast.parse(out.read_text())
    constants = {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body
                 if isinstance(node, ast.Assign) and node.targets[0].id.isupper()
                 and node.targets[0].id != "LEAKY_SLOPE"}
    assert constants["SIZES"] == project.network.sizes
    assert constants["ACTIVATIONS"] == ["relu", "leaky_relu", "softmax"]
    assert constants["WEIGHTS"][1] == project.network.layers[1].weights.tolist()  # exact floats
    assert constants["LOSS"] == "cross_entropy" and constants["TRAINING"]["batch_size"] == 5
    offset, span = project.data.input_scaler.offset_span()
    assert constants["INPUT_SCALING"] == {"method": "minmax11", "offset": offset.tolist(),
                                          "span": span.tolist()}


def test_binary_formats_need_out_and_a_writable_place(tmp_path, capsys):
    example = str(resource_path(EXAMPLE_PROJECT))
    assert main(["export", example, "--format", "onnx"]) == 2
    assert "needs --out" in capsys.readouterr().err
    assert main(["export", example, "--format", "pytorch", "--out", str(tmp_path / "no" / "m.py")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_setting_the_script_cannot_reproduce_is_refused(monkeypatch):
    project = make_project(CASES[0])
    project.training = replace(project.training, momentum=0.5)
    monkeypatch.setattr(pytorch_export, "KNOWN_SETTINGS",
                        tuple(k for k in pytorch_export.KNOWN_SETTINGS if k != "momentum"))
    with pytest.raises(MLPError, match="momentum = 0.5"):
        pytorch_export.pytorch_script(project)
