"""`mlp-studio import-onnx MODEL.onnx --out PROJECT`: a project from an ONNX model of an MLP."""

from __future__ import annotations

import argparse

from mlp_studio.cli_support import add_command


def run(args: argparse.Namespace) -> int:
    from mlp_studio.io.atomic import check_writable
    from mlp_studio.io.onnx_import import load_onnx_project
    from mlp_studio.io.project_file import save_project

    check_writable(args.out)
    project = load_onnx_project(args.model)
    save_project(project, args.out)
    data = f", data {project.data.n_rows} rows" if project.data is not None else ", no data"
    print(f"wrote {args.out}: network {'-'.join(map(str, project.network.sizes))}, "
          f"loss {project.loss}{data}")
    return 0


def register(subparsers) -> None:
    p = add_command(
        subparsers, "import-onnx", "a project from an ONNX model of a multi-layer perceptron",
        "Read an ONNX graph of Gemm (or MatMul + Add) layers with Sigmoid, Tanh, Relu, "
        "LeakyRelu, Softmax or Identity activations, as MLP Studio's export and "
        "torch.onnx.export of an nn.Sequential write it, and save it as a project. "
        "Any other node is refused, naming it. Needs the onnx package.",
        ["import-onnx moons.onnx --out moons.mlp.json"])
    p.add_argument("model", help="the .onnx file")
    p.add_argument("--out", required=True, help="the project file to write")
    p.set_defaults(func=run)
