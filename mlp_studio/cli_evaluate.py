"""`mlp-studio evaluate`: how well a project's network fits the rows of another CSV.

The loss is the one training reports, in the project's own terms: the rows are
scaled with the project's fitted scalers (not refitted), and the per-sample
losses reduced as the project's training reduces them (mean or sum). For class
targets (as the project's own data has them) the accuracy and the confusion
matrix follow, computed by :mod:`mlp_studio.core.evaluation`.
"""

from __future__ import annotations

import argparse

import numpy as np

from mlp_studio.cli_support import add_command, require_data, warn
from mlp_studio.core.evaluation import BINARY
from mlp_studio.errors import MLPError, listed
from mlp_studio.io.json_out import dumps_strict


def class_names(targets: list[str], kind: str) -> list[str]:
    """Names of the classes, in the confusion matrix's order."""
    if kind == BINARY:
        return ["0", "1"]
    prefix = targets[0].rpartition("=")[0] + "="
    if prefix != "=" and all(t.startswith(prefix) for t in targets):
        return [t[len(prefix):] for t in targets]
    return list(targets)


def confusion_text(confusion: np.ndarray, names: list[str]) -> list[str]:
    """The confusion matrix as aligned lines: a row per true class, a column per predicted."""
    labels = [f"true {n}" for n in names]
    heads = [f"predicted {n}" for n in names]
    left = max(map(len, labels))
    widths = [max(len(h), len(str(confusion[:, j].max()))) for j, h in enumerate(heads)]
    lines = [" " * left + "".join(f"  {h:>{w}}" for h, w in zip(heads, widths))]
    for label, row in zip(labels, confusion):
        lines.append(f"{label:<{left}}" + "".join(f"  {v:>{w}}" for v, w in zip(row, widths)))
    return lines


def run(args: argparse.Namespace) -> int:
    """Handler of ``evaluate``; user errors raise MLPError (the CLI prints them)."""
    from mlp_studio.core.dataset import Dataset
    from mlp_studio.core.evaluation import class_kind, evaluate
    from mlp_studio.io.column_match import project_columns
    from mlp_studio.io.csv_table import read_csv
    from mlp_studio.io.project_file import load_project

    project = load_project(args.project)
    data = require_data(project, args.project)
    table = read_csv(args.csv)
    raw_x = project_columns(table, data.inputs, "input", data.derived)
    raw_z = project_columns(table, data.targets, "target", data.derived)
    rows = Dataset(data.inputs + data.targets, np.hstack([raw_x, raw_z]), data.inputs,
                   data.targets, data.input_scaling, data.target_scaling,
                   data.input_scaler, data.target_scaler, source=table.path)
    output_activation = project.network.layers[-1].activation
    for warning in data.input_range_warnings(raw_x) + rows.target_range_warnings(output_activation):
        warn(warning)
    trained_kind = class_kind(data.raw_targets)
    if trained_kind is not None and class_kind(raw_z) != trained_kind:
        raise MLPError(f"the network was trained on classes ({listed(data.targets)} of 0 or 1), "
                       f"but the CSV's targets are not such classes", where=table.path)
    result = evaluate(project.network, rows, project.loss, reduction=project.training.batch_reduction)
    classify = trained_kind is not None
    if args.json:
        print(dumps_strict({"rows": result.rows, "loss": result.loss,
                            "accuracy": result.accuracy if classify else None,
                            "confusion": result.confusion if classify else None}))
        return 0
    print(f"rows: {result.rows}")
    print(f"loss: {result.loss:.6g} ({project.loss}, {project.training.batch_reduction} over the "
          f"rows, targets scaled as in training)")
    if classify:
        right = int(np.trace(result.confusion))
        print(f"accuracy: {result.accuracy:.4g} ({right} of {result.rows} rows)")
        print("confusion matrix (rows: true class, columns: predicted class):")
        for line in confusion_text(result.confusion, class_names(data.targets, trained_kind)):
            print(f"  {line}")
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``evaluate`` command to an argparse subparsers object."""
    p = add_command(
        subparsers, "evaluate", "loss (and accuracy, confusion matrix) on another CSV's rows",
        "How well the project's network fits the rows of a CSV file, such as rows held back "
        "from training: the number of rows and the loss in the project's own terms (the "
        "project's scaling, loss and reduction, so it compares with the training loss); for "
        "class targets also the accuracy and the confusion matrix (a row per true class, a "
        "column per predicted class). The CSV needs the project's input and target columns, "
        "by name and in any order.",
        ["evaluate moons.trained.mlp.json held_back.csv",
         "evaluate iris.trained.mlp.json iris_test.csv --json"])
    p.add_argument("project", metavar="PROJECT", help="the trained project file (its data gives the scaling)")
    p.add_argument("csv", metavar="CSV", help="a CSV file with the project's input and target columns")
    p.add_argument("--json", action="store_true",
                   help='print {"rows", "loss", "accuracy", "confusion"} as JSON (accuracy and '
                        'confusion null for targets that are not classes)')
    p.set_defaults(func=run)
    return p
