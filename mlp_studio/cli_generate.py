"""`mlp-studio generate`: a teaching data set as a CSV file."""

from __future__ import annotations

import argparse

from mlp_studio.cli_support import add_command
from mlp_studio.core.generators import CLASS_KINDS, KINDS, MAX_CLASSES, MAX_ROWS, generate
from mlp_studio.io.generated_csv import write_csv


def run(args: argparse.Namespace) -> int:
    """Handler of ``generate``; user errors raise MLPError (the CLI prints them)."""
    data = generate(args.kind, args.rows, args.noise, args.seed, args.classes)
    write_csv(data, args.out)
    what = (f"{len(data.class_names)} classes" if data.class_names else "a regression target")
    print(f"wrote {data.n_rows} rows of {args.kind} ({what}, noise {args.noise:g}, seed {args.seed}) "
          f"to {args.out}")
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``generate`` command to an argparse subparsers object."""
    p = add_command(
        subparsers, "generate",
        "make a teaching data set (circle, xor, gaussians, spiral, moons, sine, plane) as CSV",
        "Write a generated data set to a CSV file. Class kinds "
        f"({', '.join(CLASS_KINDS)}) have inputs x1, x2 and a class column 'label' "
        "(0/1 for two classes, A, B, C, ... for more); sine has x and y, plane x1, x2 and "
        "y = 0.5 x1 - 0.3 x2 + 0.2. The same seed gives the same file.",
        ["generate moons --rows 400 --noise 0.2 --seed 1 --out moons.csv",
         "generate spiral --classes 3 --rows 300 --out spiral.csv"])
    p.add_argument("kind", choices=KINDS, help="the shape of the data")
    p.add_argument("--rows", type=int, default=200, help=f"rows to make, 2 to {MAX_ROWS:,} (default 200)")
    p.add_argument("--noise", type=float, default=0.0,
                   help="standard deviation of Gaussian noise: added to the inputs for class kinds "
                   "(in the inputs' units), to the target for sine and plane (default 0)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--classes", type=int, default=2,
                   help=f"number of classes for gaussians and spiral, 2 to {MAX_CLASSES} (default 2)")
    p.add_argument("--out", required=True, metavar="FILE.csv", help="the CSV file to write")
    p.set_defaults(func=run)
    return p
