"""`mlp-studio export --format pytorch|onnx`: a project as a PyTorch script or an ONNX model."""

from __future__ import annotations

import argparse

from mlp_studio.errors import MLPError
from mlp_studio.io.atomic import check_writable

FORMATS = ("pytorch", "onnx")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The export command's options for these formats."""
    parser.add_argument("--no-scaling", action="store_true",
                        help="onnx: the model takes and gives scaled values (default: the data's units)")
    parser.add_argument("--float64", action="store_true",
                        help="onnx: float64 tensors (default float32, which every runtime reads)")


def export(project, args: argparse.Namespace) -> int:
    """Write ``project`` in ``args.format`` to ``args.out`` (both formats are files)."""
    if not args.out:
        raise MLPError(f"--format {args.format} needs --out FILE")
    check_writable(args.out)
    if args.format == "pytorch":
        from mlp_studio.io.pytorch_export import write_pytorch_script

        write_pytorch_script(project, args.out)
    else:
        from mlp_studio.io.onnx_export import write_onnx

        write_onnx(project, args.out, scaling=not args.no_scaling,
                   dtype="float64" if args.float64 else "float32")
    print(f"wrote {args.out}")
    return 0
