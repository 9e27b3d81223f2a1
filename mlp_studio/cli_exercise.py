"""`mlp-studio exercise`: exercise sheets with answer keys for a class."""

from __future__ import annotations

import argparse

from mlp_studio.cli_support import add_command
from mlp_studio.errors import MLPError


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(v) for v in text.split(",")]
    except ValueError:
        raise MLPError(f"--layers takes sizes separated by commas, e.g. 2,3,1; got {text!r}") from None
    return sizes


def run(args: argparse.Namespace) -> int:
    from mlp_studio.io.exercise_sheet import write_exercises

    if not 1 <= args.count <= 200:
        raise MLPError(f"--count must be 1 to 200, got {args.count}")
    folders = write_exercises(args.out, args.seed, _sizes(args.layers), args.activation, args.loss,
                              args.count, args.format)
    print(f"wrote {len(folders)} exercise{'s' if len(folders) != 1 else ''} in {args.out}")
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``exercise`` command to an argparse subparsers object."""
    from mlp_studio.core.activations import ACTIVATIONS
    from mlp_studio.core.losses import LOSSES
    from mlp_studio.io.exercise_sheet import FORMATS

    p = add_command(
        subparsers, "exercise", "exercise sheets with answer keys: one training step by hand",
        "Write, per variant, a project with few-decimal numbers, exercise.md (the sheet with "
        "blanks), answers.md (every formula filled in) and answers.json (paths into "
        "`mlp-studio trace PROJECT --row 0 --json`). The same seed writes the same files.",
        ["exercise --out sheets", "exercise --layers 2,2,1 --activation tanh --count 3 --seed 7 "
         "--format latex --out sheets"])
    p.add_argument("--seed", type=int, default=0, help="which set of numbers (default 0)")
    p.add_argument("--layers", default="2,3,1", help="sizes from inputs to outputs (default 2,3,1)")
    p.add_argument("--activation", choices=list(ACTIVATIONS), default="sigmoid",
                   help="activation of every layer (default sigmoid)")
    p.add_argument("--loss", choices=list(LOSSES), default="half_squared_error",
                   help="the loss of the step (default half_squared_error)")
    p.add_argument("--count", type=int, default=1, help="how many variants (default 1)")
    p.add_argument("--format", choices=list(FORMATS), default="markdown",
                   help="latex adds exercise.tex and answers.tex for pdflatex")
    p.add_argument("--out", required=True, help="the folder to write into (variant-1, variant-2, ...)")
    p.set_defaults(func=run)
    return p
