"""ONNX export: the network as an ONNX graph (opset ``OPSET``), built with the ``onnx`` package.

The graph takes ``input`` (rows, n_inputs) and gives ``output`` (rows, n_outputs).
Each layer is a ``Gemm`` (``transB=1``: the weights stay ``[node][input]``)
followed by its activation node (``Sigmoid``, ``Tanh``, ``Relu``,
``LeakyRelu`` with alpha 0.01, ``Softmax`` over the last axis, ``Identity``).
With ``scaling`` (and a project with data), the input scaler and the inverse
target scaler are nodes too: ``Sub``/``Div`` (``Mul``/``Sub`` for [-1, 1]) before
the first layer and ``Mul``/``Add`` after the last, in the order MLP Studio
computes them, so the model reads and writes the data's own units.

The model's metadata (``metadata_props``) holds the rest of the project (loss,
training settings, data) as project-file JSON under ``PROJECT_KEY``, so that
``import-onnx`` gives the same project back; other tools ignore it.
"""

from __future__ import annotations

import json
import os

import numpy as np

from mlp_studio.core.project import Project
from mlp_studio.core.scaling import Scaler
from mlp_studio.errors import MLPError
from mlp_studio.io.atomic import write_bytes_atomic
from mlp_studio.io.project_file import project_to_dict

OPSET = 17
IR_VERSION = 8  # the IR version that opset 17 came with: readable by older runtimes too
PROJECT_KEY = "mlp_studio.project"
SCALING_KEY = "mlp_studio.scaling"  # "graph": the scaling nodes are in the graph; "none"
INPUT_PREFIX = "scale_inputs"
OUTPUT_PREFIX = "unscale_outputs"
DTYPES = ("float32", "float64")

ACTIVATION_OPS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "leaky_relu": "LeakyRelu",
                  "softmax": "Softmax", "identity": "Identity"}


def _onnx():
    try:
        import onnx
    except ImportError:
        raise MLPError("ONNX needs the onnx package: pip install 'mlp-studio[onnx]'") from None
    return onnx


def onnx_model(project: Project, scaling: bool = True, dtype: str = "float32"):
    """The ``onnx.ModelProto`` of ``project`` (see the module docstring)."""
    onnx = _onnx()
    from onnx import TensorProto, helper, numpy_helper

    if dtype not in DTYPES:
        raise MLPError(f"unknown ONNX number type {dtype!r}; choose float32 or float64")
    project.validate()
    np_type = np.float32 if dtype == "float32" else np.float64
    elem = TensorProto.FLOAT if dtype == "float32" else TensorProto.DOUBLE
    net, data = project.network, project.data
    scaled = scaling and data is not None
    nodes, inits = [], []

    def const(name: str, value) -> str:
        inits.append(numpy_helper.from_array(np.asarray(value, dtype=np_type), name))
        return name

    def node(op: str, name: str, inputs: list[str], **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    x = "input"
    if scaled:
        x = _scale_nodes(data.input_scaler, x, INPUT_PREFIX, node, const, inverse=False)
    for i, layer in enumerate(net.layers):
        x = node("Gemm", f"layer{i}.gemm",
                 [x, const(f"layer{i}.weight", layer.weights), const(f"layer{i}.bias", layer.biases)],
                 transB=1)
        op = ACTIVATION_OPS[layer.activation]
        attrs = {"alpha": 0.01} if op == "LeakyRelu" else {"axis": -1} if op == "Softmax" else {}
        x = node(op, f"layer{i}.{layer.activation}", [x], **attrs)
    if scaled:
        x = _scale_nodes(data.target_scaler, x, OUTPUT_PREFIX, node, const, inverse=True)
    nodes.append(helper.make_node("Identity", [x], ["output"], name="output"))
    graph = helper.make_graph(
        nodes, "mlp_studio", [helper.make_tensor_value_info("input", elem, ["rows", net.n_inputs])],
        [helper.make_tensor_value_info("output", elem, ["rows", net.n_outputs])], inits)
    model = helper.make_model(graph, producer_name="mlp-studio",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    rest = project_to_dict(project)
    del rest["network"]
    helper.set_model_props(model, {PROJECT_KEY: json.dumps(rest),
                                   SCALING_KEY: "graph" if scaled else "none"})
    onnx.checker.check_model(model)
    return model


def _scale_nodes(scaler: Scaler, x: str, prefix: str, node, const, inverse: bool) -> str:
    """Nodes computing ``scaler.transform`` (or ``inverse``) of tensor ``x``; its output name."""
    if scaler.method == "none":
        return x
    offset, span = scaler.offset_span()
    two = scaler.method == "minmax11"
    if not inverse:
        x = node("Sub", f"{prefix}.sub", [x, const(f"{prefix}.offset", offset)])
        x = node("Div", f"{prefix}.div", [x, const(f"{prefix}.span", span)])
        if two:
            x = node("Mul", f"{prefix}.mul2", [x, const(f"{prefix}.two", 2.0)])
            x = node("Sub", f"{prefix}.sub1", [x, const(f"{prefix}.one", 1.0)])
        return x
    if two:
        x = node("Add", f"{prefix}.add1", [x, const(f"{prefix}.one", 1.0)])
        x = node("Div", f"{prefix}.div2", [x, const(f"{prefix}.two", 2.0)])
    x = node("Mul", f"{prefix}.mul", [x, const(f"{prefix}.span", span)])
    return node("Add", f"{prefix}.add", [x, const(f"{prefix}.offset", offset)])


def write_onnx(project: Project, path: str | os.PathLike, scaling: bool = True,
               dtype: str = "float32") -> None:
    """Write the ONNX model of ``project`` to ``path`` atomically."""
    write_bytes_atomic(path, onnx_model(project, scaling, dtype).SerializeToString())
