"""`mlp-studio new`: a project from a CSV file and layer sizes, the data embedded.

Columns are chosen as in the app's column dialog (:mod:`mlp_studio.io.column_choice`);
the output activation and loss that fit the targets (:mod:`mlp_studio.core.output_choice`)
are chosen when not given, and said on stderr.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mlp_studio.cli_support import add_command, note, warn
from mlp_studio.core.activations import ACTIVATIONS
from mlp_studio.core.initializers import INITIALIZERS
from mlp_studio.core.losses import LOSSES
from mlp_studio.core.scaling import SCALINGS
from mlp_studio.core.training import MODES, TrainingConfig
from mlp_studio.errors import MLPError

DEFAULT_HIDDEN = "3"  # the app's new network: one hidden layer of three nodes
HIDDEN_ACTIVATIONS = [a for a in ACTIVATIONS if a != "softmax"]


def _names(text: str | None) -> list[str] | None:
    return None if text is None else [name.strip() for name in text.split(",") if name.strip()]


def hidden_sizes(text: str) -> list[int]:
    """Layer sizes from ``3,2``; ``none`` (or nothing) for no hidden layer."""
    if text.strip().lower() in ("", "none"):
        return []
    try:
        sizes = [int(v) for v in text.split(",")]
    except ValueError:
        raise MLPError(f"--hidden must be node counts separated by commas, such as 3,2; "
                       f"got {text!r}") from None
    if min(sizes) < 1:
        raise MLPError(f"every hidden layer needs at least one node; got {text!r}")
    return sizes


def run(args: argparse.Namespace) -> int:
    """Handler of ``new``; user errors raise MLPError (the CLI prints them)."""
    from mlp_studio.core.network import Network
    from mlp_studio.core.output_choice import fitting_output
    from mlp_studio.core.project import Project
    from mlp_studio.io.column_choice import dataset_for_roles, named_roles
    from mlp_studio.io.csv_table import read_csv
    from mlp_studio.io.project_file import save_project

    out = Path(args.out)
    if out.exists() and not args.force:
        raise MLPError("the file exists; choose another --out, or --force to replace it",
                       where=str(out))
    hidden = hidden_sizes(args.hidden)
    table = read_csv(args.csv)
    roles = named_roles(table, _names(args.inputs), _names(args.targets), _names(args.classes))
    data = dataset_for_roles(table, roles, args.scaling, args.target_scaling or args.scaling)
    choice = fitting_output(data, args.output_activation, args.loss)
    if args.output_activation is None or args.loss is None:
        note(f"output layer {choice.activation} with the {choice.loss} loss: {choice.reason} "
             f"(--output-activation and --loss choose others)")
    sizes = [len(data.inputs), *hidden, len(data.targets)]
    network = Network.create(sizes, [args.activation] * len(hidden) + [choice.activation],
                             args.init, args.seed)
    training = TrainingConfig(learning_rate=args.learning_rate, mode=args.mode,
                              batch_size=args.batch_size, epochs=args.epochs, seed=args.seed,
                              holdout=args.holdout)
    project = Project(network, choice.loss, data, training)
    project.validate()
    for warning in data.target_range_warnings(choice.activation):
        warn(warning)
    save_project(project, out)
    print(f"wrote {out}: network {'-'.join(map(str, sizes))}, {data.n_rows} rows, "
          f"inputs {', '.join(data.inputs)} ({data.input_scaling}), "
          f"targets {', '.join(data.targets)} ({data.target_scaling})")
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``new`` command to an argparse subparsers object."""
    defaults = TrainingConfig()
    p = add_command(
        subparsers, "new", "make a project from a CSV file and layer sizes",
        "Make a project file from a CSV file (its rows are embedded) and layer sizes, "
        "with the app's defaults: the last column is the target and the others are "
        "inputs; a column of class names (setosa, versicolor, ...) becomes one output "
        "per class. The output activation and loss that fit the targets are chosen "
        "when not given, and said on stderr: 0/1 classes get a sigmoid output and "
        "cross_entropy, one-hot classes softmax and cross_entropy, other targets "
        "half_squared_error with a sigmoid, tanh or identity output, whichever reaches "
        "the scaled targets."
        "\n\nColumn names are those of the CSV's header; a class column's name stands "
        "for all its classes. Inputs and targets keep the file's order.",
        ["new --csv two_moons.csv --hidden 8 --out moons.mlp.json",
         "new --csv iris.csv --targets species --hidden 5,3 --activation tanh --out iris.mlp.json",
         "new --csv marks.csv --inputs I0,I1 --targets Z0 --init xavier --out marks.mlp.json",
         "new --csv digits.csv --classes digit --scaling zscore --seed 3 --out digits.mlp.json"])
    p.add_argument("--csv", required=True, metavar="FILE",
                   help="the CSV file: a header row naming the columns, then one row per sample")
    p.add_argument("--out", required=True, metavar="PROJECT",
                   help="the project file to write (NAME.mlp.json)")
    p.add_argument("--force", action="store_true", help="replace PROJECT if it exists")
    cols = p.add_argument_group("columns")
    cols.add_argument("--inputs", metavar="A,B",
                      help="input columns, comma-separated (default: every column not a target)")
    cols.add_argument("--targets", metavar="Z",
                      help="target columns, comma-separated (default: the last column)")
    cols.add_argument("--classes", metavar="LABEL",
                      help="target columns of class numbers (0, 1, 2): one output per class, "
                           "as the dialog's 'target classes' role")
    cols.add_argument("--scaling", choices=SCALINGS, default="minmax01",
                      help="scaling of the inputs, and of the targets unless --target-scaling "
                           "is given (default: minmax01, to [0, 1])")
    cols.add_argument("--target-scaling", choices=SCALINGS,
                      help="scaling of the targets (default: as --scaling)")
    net = p.add_argument_group("network")
    net.add_argument("--hidden", default=DEFAULT_HIDDEN, metavar="N,M",
                     help=f"nodes per hidden layer, comma-separated; 'none' for no hidden layer "
                          f"(default: {DEFAULT_HIDDEN})")
    net.add_argument("--activation", choices=HIDDEN_ACTIVATIONS, default="sigmoid",
                     help="activation of the hidden layers (default: sigmoid)")
    net.add_argument("--output-activation", choices=list(ACTIVATIONS),
                     help="activation of the output layer (default: the one that fits the targets)")
    net.add_argument("--loss", choices=list(LOSSES),
                     help="the loss (default: the one that fits the targets)")
    net.add_argument("--init", choices=INITIALIZERS, default="uniform",
                     help="initial weights: uniform draws weights and biases from [-1, 1] as the "
                          "reference document does; xavier, he; zeros (default: uniform)")
    net.add_argument("--seed", type=int, default=0,
                     help="seed of the initial weights, the row shuffling and the hold-out rows "
                          "(default: 0)")
    train = p.add_argument_group("training settings (stored in the project)")
    train.add_argument("--learning-rate", type=float, default=defaults.learning_rate, metavar="ETA",
                       help=f"learning rate (default: {defaults.learning_rate:g})")
    train.add_argument("--mode", choices=MODES, default=defaults.mode,
                       help=f"one update per row, per batch or per epoch (default: {defaults.mode})")
    train.add_argument("--batch-size", type=int, default=defaults.batch_size, metavar="N",
                       help=f"rows per update in minibatch mode (default: {defaults.batch_size})")
    train.add_argument("--epochs", type=int, default=defaults.epochs, metavar="N",
                       help=f"epochs a training run takes (default: {defaults.epochs})")
    train.add_argument("--holdout", type=float, default=defaults.holdout, metavar="FRACTION",
                       help="share of the rows held out of training for a validation loss, "
                            "in [0, 1) (default: 0)")
    p.set_defaults(func=run)
    return p
