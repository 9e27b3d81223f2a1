"""ONNX import: a project from an ONNX graph of a multi-layer perceptron.

Read: one input, one output and a chain of layers, each a ``Gemm`` (alpha = beta
= 1, no transA) or a ``MatMul`` followed by an ``Add`` of the bias, then at most
one activation (``Sigmoid``, ``Tanh``, ``Relu``, ``LeakyRelu`` with alpha 0.01,
``Softmax`` over the last axis; ``Identity`` nodes are passed through). This is
what MLP Studio's export writes and what ``torch.onnx.export`` writes for an
``nn.Sequential`` of ``nn.Linear`` and activations. Anything else is refused
with the node's name and op type.

A file that MLP Studio exported also carries the project's loss, training
settings and data in its metadata (see ``onnx_export``): then its scaling nodes
are read too (and must equal the scalers of that data) and the import gives the
same project back. Without that metadata the project has the network only, with
the cross-entropy loss for a softmax output and half squared error otherwise.

The file is parsed as a protobuf message (no code is run) after its size is checked.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from mlp_studio.core.network import Layer, Network
from mlp_studio.core.project import Project
from mlp_studio.errors import MLPError
from mlp_studio.io.bounded_read import read_bytes_bounded
from mlp_studio.io.onnx_export import (ACTIVATION_OPS, INPUT_PREFIX, OUTPUT_PREFIX, PROJECT_KEY,
                                       SCALING_KEY, _onnx)
from mlp_studio.io.project_file import project_from_dict

MAX_ONNX_BYTES = 200 * 2**20
LEAKY_ALPHA = np.float32(0.01)  # ONNX stores the attribute as a float32
_OPS_ACTIVATION = {op: name for name, op in ACTIVATION_OPS.items()}
_SCALING_OPS = ("Sub", "Div", "Mul", "Add")


def load_onnx_project(path: str | os.PathLike) -> Project:
    """Read the ONNX file at ``path`` and build its project; MLPError naming the file otherwise."""
    onnx = _onnx()
    source = str(path)
    data = read_bytes_bounded(source, MAX_ONNX_BYTES)
    try:
        model = onnx.load_model_from_string(data)
    except Exception as exc:  # protobuf's DecodeError and friends: a damaged or foreign file
        raise MLPError(f"not an ONNX model ({type(exc).__name__})", where=source) from None
    return GraphReader(model, source).project()


class GraphReader:
    """Walks an ONNX graph from its input to its output, collecting the layers."""

    def __init__(self, model: Any, source: str) -> None:
        from onnx import numpy_helper

        self.source = source
        self.graph = model.graph
        self.meta = {p.key: p.value for p in model.metadata_props}
        self.values = {t.name: numpy_helper.to_array(t) for t in self.graph.initializer}
        self.scaling_nodes = {}

    def fail(self, message: str, node: Any = None) -> MLPError:
        where = self.source if node is None else f"{self.source}: node {node.name!r} ({node.op_type})"
        return MLPError(message, where=where)

    def project(self) -> Project:
        ours = PROJECT_KEY in self.meta
        network = self.network(scaling=ours and self.meta.get(SCALING_KEY) == "graph")
        if not ours:
            loss = "cross_entropy" if network.layers[-1].activation == "softmax" else "half_squared_error"
            return Project(network, loss)
        try:
            rest = json.loads(self.meta[PROJECT_KEY])
        except ValueError:
            raise self.fail(f"the metadata {PROJECT_KEY!r} is not JSON") from None
        if not isinstance(rest, dict):
            raise self.fail(f"the metadata {PROJECT_KEY!r} is not a JSON object")
        rest["network"] = {"inputs": network.n_inputs, "layers": [
            {"activation": l.activation, "weights": l.weights.tolist(), "biases": l.biases.tolist()}
            for l in network.layers]}
        project = project_from_dict(rest, f"{self.source}: metadata {PROJECT_KEY}")
        self.check_scaling(project)
        return project

    def constant(self, name: str, node: Any) -> np.ndarray:
        if name not in self.values:
            raise self.fail(f"input {name!r} is not a constant (an initializer or Constant node)", node)
        return np.asarray(self.values[name], dtype=np.float64)

    def network(self, scaling: bool) -> Network:
        graph = self.graph
        inputs = [i.name for i in graph.input if i.name not in self.values]
        if len(inputs) != 1 or len(graph.output) != 1:
            raise self.fail(f"an MLP has one input and one output; the graph has {len(inputs)} "
                            f"inputs and {len(graph.output)} outputs")
        current, output = inputs[0], graph.output[0].name
        layers: list[Layer] = []
        pending: tuple[np.ndarray, np.ndarray] | None = None  # a linear part awaiting its activation
        matmul: tuple[Any, np.ndarray] | None = None  # a MatMul awaiting its Add
        for node in graph.node:
            if node.op_type == "Constant":
                self.values[node.output[0]] = self._constant_node(node)
                continue
            if current not in node.input:
                raise self.fail(f"the node does not continue the chain from {current!r}: "
                                "not a plain multi-layer perceptron", node)
            op = node.op_type
            if scaling and (node.name.startswith(f"{INPUT_PREFIX}.") and not layers and pending is None
                            or node.name.startswith(f"{OUTPUT_PREFIX}.")) and op in _SCALING_OPS:
                other = [i for i in node.input if i != current]
                self.scaling_nodes[node.name] = self.constant(other[0], node) if other else None
            elif matmul is not None:
                if op != "Add":
                    raise self.fail("a MatMul must be followed by the Add of its bias", node)
                other = [i for i in node.input if i != current]
                pending = (matmul[1], self._bias(other, matmul[1].shape[0], node))
                matmul = None
            elif op == "Gemm":
                pending = self._flush(layers, pending, "identity")
                pending = self._gemm(node, current)
            elif op == "MatMul":
                pending = self._flush(layers, pending, "identity")
                if node.input[0] != current:
                    raise self.fail("expected the layer's input on the left of the MatMul", node)
                matmul = (node, self.constant(node.input[1], node).T)
            elif op == "Identity":
                pass
            elif op in _OPS_ACTIVATION:
                if pending is None:
                    raise self.fail("an activation must follow a Gemm or MatMul + Add layer", node)
                self._check_activation(node)
                pending = self._flush(layers, pending, _OPS_ACTIVATION[op])
            else:
                raise self.fail(f"the op type {op!r} is not part of a multi-layer perceptron (read: "
                                "Gemm, MatMul + Add, Sigmoid, Tanh, Relu, LeakyRelu, Softmax, Identity)",
                                node)
            current = node.output[0]
        if matmul is not None:
            raise self.fail("the MatMul has no Add of a bias after it", matmul[0])
        self._flush(layers, pending, "identity")
        if current != output:
            raise self.fail(f"the chain ends at {current!r}, not at the graph's output {output!r}")
        if not layers:
            raise self.fail("the graph has no Gemm or MatMul layer")
        try:
            return Network(layers[0].n_in, layers)
        except MLPError as exc:
            raise self.fail(exc.message) from None

    def _constant_node(self, node: Any) -> np.ndarray:
        from onnx import helper, numpy_helper

        for attr in node.attribute:
            if attr.name == "value":
                return numpy_helper.to_array(attr.t)
            if attr.name in ("value_float", "value_floats"):
                return np.asarray(helper.get_attribute_value(attr))
        raise self.fail("only tensor or float Constant nodes are read", node)

    def _gemm(self, node: Any, current: str) -> tuple[np.ndarray, np.ndarray]:
        from onnx import helper

        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if attrs.get("alpha", 1.0) != 1.0 or attrs.get("beta", 1.0) != 1.0 or attrs.get("transA", 0):
            raise self.fail("only Gemm with alpha = beta = 1 and no transA is a layer", node)
        if node.input[0] != current or len(node.input) < 2:
            raise self.fail("expected the layer's input as the Gemm's first input", node)
        w = self.constant(node.input[1], node)
        w = w if attrs.get("transB", 0) else w.T
        if w.ndim != 2:
            raise self.fail(f"the weights have shape {w.shape}, not a matrix", node)
        return w, self._bias(list(node.input[2:3]), w.shape[0], node)

    def _bias(self, names: list[str], n: int, node: Any) -> np.ndarray:
        if not names or not names[0]:
            return np.zeros(n)
        b = self.constant(names[0], node).reshape(-1)
        if b.size == 1:
            b = np.full(n, b[0])
        if b.shape != (n,):
            raise self.fail(f"expected {n} biases, got shape {b.shape}", node)
        return b

    def _check_activation(self, node: Any) -> None:
        from onnx import helper

        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type == "LeakyRelu" and np.float32(attrs.get("alpha", 0.01)) != LEAKY_ALPHA:
            raise self.fail(f"LeakyRelu's slope is {attrs['alpha']:g}; MLP Studio's is 0.01", node)
        if node.op_type == "Softmax" and attrs.get("axis", -1) not in (-1, 1):
            raise self.fail(f"Softmax over axis {attrs['axis']}; only the last axis is read", node)

    @staticmethod
    def _flush(layers: list[Layer], pending, activation: str):
        if pending is not None:
            layers.append(Layer(pending[0].copy(), pending[1].copy(), activation))
        return None

    def check_scaling(self, project: Project) -> None:
        """The graph's scaling constants must be the project's scalers (offset and span)."""
        if self.meta.get(SCALING_KEY) != "graph" or project.data is None:
            return
        for prefix, scaler in ((INPUT_PREFIX, project.data.input_scaler),
                               (OUTPUT_PREFIX, project.data.target_scaler)):
            if scaler.method == "none":
                continue
            offset, span = scaler.offset_span()
            found = {name.split(".", 1)[1]: v for name, v in self.scaling_nodes.items()
                     if name.startswith(prefix + ".")}
            graph_offset = found.get("sub" if prefix == INPUT_PREFIX else "add")
            graph_span = found.get("div" if prefix == INPUT_PREFIX else "mul")
            if graph_offset is None or graph_span is None or not (
                    np.allclose(graph_offset, offset, rtol=1e-6) and np.allclose(graph_span, span, rtol=1e-6)):
                raise self.fail(f"the {prefix} nodes do not match the scaling in the metadata")
