"""ONNX export run by onnxruntime against `mlp-studio predict`, and import of what we and
torch.onnx.export write."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from mlp_studio.cli import main  # noqa: E402
from mlp_studio.io.onnx_export import OPSET, onnx_model, write_onnx  # noqa: E402
from mlp_studio.io.onnx_import import load_onnx_project  # noqa: E402
from mlp_studio.io.project_file import dumps_project, save_project  # noqa: E402
from mlp_studio.errors import MLPError  # noqa: E402

FIXTURES = Path(__file__).parent / "data"


def cli_predict(capsys, project_path: Path, csv_path: Path) -> np.ndarray:
    assert main(["predict", str(project_path), str(csv_path), "--json"]) == 0
    return np.array(json.loads(capsys.readouterr().out)["outputs"])


def write_csv(path: Path, project, rows: np.ndarray) -> None:
    names = project.data.inputs
    lines = [",".join(names)] + [",".join(repr(float(v)) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")


def run_onnx(path: Path, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    dtype = np.float64 if session.get_inputs()[0].type == "tensor(double)" else np.float32
    return session.run(None, {"input": x.astype(dtype)})[0].astype(np.float64)


@pytest.mark.parametrize("dtype, rtol", [("float64", 1e-6), ("float32", 1e-4)])
def test_onnxruntime_gives_mlp_studio_predict_in_the_data_units(project, tmp_path, capsys, dtype, rtol):
    project_path, csv_path, model = tmp_path / "p.mlp.json", tmp_path / "new.csv", tmp_path / "m.onnx"
    save_project(project, project_path)
    rows = np.random.default_rng(7).normal(2.0, 5.0, size=(17, project.network.n_inputs))
    write_csv(csv_path, project, rows)
    argv = ["export", str(project_path), "--format", "onnx", "--out", str(model)]
    assert main(argv + (["--float64"] if dtype == "float64" else [])) == 0
    capsys.readouterr()
    expected = cli_predict(capsys, project_path, csv_path)
    got = run_onnx(model, rows)
    assert got.shape == expected.shape
    scale = np.maximum(np.abs(expected), 1e-3)  # relative, with outputs near 0 compared absolutely
    assert np.max(np.abs(got - expected) / scale) < rtol


def test_no_scaling_model_maps_scaled_inputs_to_scaled_outputs(project, tmp_path):
    path = tmp_path / "m.onnx"
    write_onnx(project, path, scaling=False, dtype="float64")
    x = project.data.X
    np.testing.assert_allclose(run_onnx(path, x), project.network.forward(x), rtol=1e-6, atol=1e-12)
    ops = [n.op_type for n in onnx.load(str(path)).graph.node]
    assert "Sub" not in ops and "Div" not in ops


def test_model_declares_the_documented_opset_and_layer_nodes(project):
    model = onnx_model(project)
    assert [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")] == [OPSET]
    assert sum(n.op_type == "Gemm" for n in model.graph.node) == len(project.network.layers)


def test_import_of_an_export_gives_back_the_same_project(project, tmp_path):
    path = tmp_path / "m.onnx"
    assert main(["export", _saved(project, tmp_path), "--format", "onnx", "--float64",
                 "--out", str(path)]) == 0
    out = tmp_path / "back.mlp.json"
    assert main(["import-onnx", str(path), "--out", str(out)]) == 0
    assert out.read_text() == dumps_project(project)


def _saved(project, tmp_path) -> str:
    path = tmp_path / "p.mlp.json"
    save_project(project, path)
    return str(path)


def _graph(nodes, inits, n_in=2, n_out=1, name="foreign"):
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", n_in])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", n_out])],
        [numpy_helper.from_array(np.asarray(v, np.float32), k) for k, v in inits.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])


def test_matmul_add_layers_are_read_and_run_like_onnxruntime(tmp_path):
    rng = np.random.default_rng(3)
    w1, b1, w2, b2 = rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=(3, 1)), rng.normal(size=1)
    model = _graph([
        helper.make_node("MatMul", ["x", "w1"], ["h"], name="mm1"),
        helper.make_node("Add", ["b1", "h"], ["hb"], name="add1"),
        helper.make_node("Tanh", ["hb"], ["t"], name="tanh1"),
        helper.make_node("MatMul", ["t", "w2"], ["o"], name="mm2"),
        helper.make_node("Add", ["o", "b2"], ["ob"], name="add2"),
        helper.make_node("Identity", ["ob"], ["y"], name="out"),
    ], {"w1": w1, "b1": b1, "w2": w2, "b2": b2})
    path = tmp_path / "mm.onnx"
    onnx.save(model, str(path))
    project = load_onnx_project(path)
    assert project.network.sizes == [2, 3, 1]
    assert [l.activation for l in project.network.layers] == ["tanh", "identity"]
    assert project.loss == "half_squared_error" and project.data is None
    x = rng.normal(size=(5, 2))
    np.testing.assert_allclose(project.network.forward(x), run_onnx_x(path, x), rtol=1e-5, atol=1e-6)


def run_onnx_x(path: Path, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x.astype(np.float32)})[0]


@pytest.mark.parametrize("op, attrs, message", [
    ("Conv", {}, "op type 'Conv' is not part of a multi-layer perceptron"),
    ("LeakyRelu", {"alpha": 0.2}, "LeakyRelu's slope is 0.2"),
    ("Softmax", {"axis": 0}, "Softmax over axis 0"),
    ("Sub", {}, "op type 'Sub'"),
])
def test_anything_else_is_refused_naming_the_node_and_op(tmp_path, op, attrs, message):
    inputs = ["g", "w"] if op in ("Conv", "Sub") else ["g"]
    model = _graph([
        helper.make_node("Gemm", ["x", "w", "b"], ["g"], name="dense", transB=1),
        helper.make_node(op, inputs, ["y"], name="odd_one", **attrs),
    ], {"w": np.ones((1, 2)), "b": np.zeros(1)})
    path = tmp_path / "odd.onnx"
    path.write_bytes(model.SerializeToString())
    with pytest.raises(MLPError) as err:
        load_onnx_project(path)
    assert f"node 'odd_one' ({op})" in str(err.value) and message in str(err.value)


def test_a_file_that_is_not_onnx_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "x.onnx"
    path.write_bytes(b"\xff\x00 not a protobuf" * 10)
    assert main(["import-onnx", str(path), "--out", str(tmp_path / "p.mlp.json")]) == 2
    assert "not an ONNX model" in capsys.readouterr().err
    assert not (tmp_path / "p.mlp.json").exists()


@pytest.mark.parametrize("name", ["torch_sequential_legacy", "torch_sequential_dynamo"])
def test_torch_onnx_export_of_a_sequential_is_read(name):
    """Files written by torch.onnx.export (see data/make_torch_onnx.py), with torch's outputs."""
    expected = json.loads((FIXTURES / "torch_sequential.json").read_text())
    project = load_onnx_project(FIXTURES / f"{name}.onnx")
    assert project.network.sizes == expected["sizes"]
    assert [l.activation for l in project.network.layers] == expected["activations"]
    assert project.loss == "cross_entropy"
    got = project.network.forward(np.array(expected["x"]))
    np.testing.assert_allclose(got, expected["y"], rtol=1e-5, atol=1e-7)
