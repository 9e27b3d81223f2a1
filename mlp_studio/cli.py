"""`mlp-studio <command>`: the GUI with no command, otherwise JSON-friendly tools.

Errors a user can cause print one line to stderr and exit with code 2; Ctrl+C
exits with 130. ``--json`` output is strict JSON (NaN and infinities are null).
A run from the command line always has an epoch limit (at most
``MAX_CLI_EPOCHS``) so it ends and its loss history stays bounded.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Sequence

from mlp_studio.cli_export_interop import FORMATS as INTEROP_FORMATS
from mlp_studio.cli_export_interop import add_arguments as add_interop_arguments
from mlp_studio.cli_export_interop import export as export_interop
from mlp_studio.cli_support import PROG, add_command, examples_epilog, warn, wrapped
from mlp_studio.cli_support import require_data as _require_data
from mlp_studio.cli_update_rule import add_update_rule_options, with_update_rule_options
from mlp_studio.errors import MLPError, shown
from mlp_studio.io.atomic import check_writable, resolved
from mlp_studio.io.json_out import dumps_strict
from mlp_studio.io.trace_json import trace_to_dict

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130
GRADCHECK_MAX_ROWS = 32
#: epochs one `train` may run: its loss history (kept for --json) stays near 30 MB
MAX_CLI_EPOCHS = 1_000_000


def _load(path: str):
    from mlp_studio.io.project_file import load_project

    return load_project(path)


def _take_step(project, row: int | None):
    return project.step(row)


def cmd_trace(args) -> int:
    project = _load(args.project)
    _require_data(project, args.project)
    trace = _take_step(project, None if args.batch else args.row)
    result = trace_to_dict(project, trace)
    if args.json:
        print(dumps_strict(result))
        return 0
    print(f"rows {trace.rows}: loss {trace.loss_before:.6g} -> {trace.loss_after:.6g}")
    for i, layer in enumerate(result["layers"]):
        print(f"layer {i} ({layer['activation']}): s={layer['s']} a={layer['a']} delta={layer['delta']}")
    print(f"output {result['output']} (data units {result['output_raw']}), "
          f"target {result['target']} (data units {result['target_raw']})")
    return 0


def _default_out(path: str) -> Path:
    p = Path(path)
    stem = p.name[: -len(".mlp.json")] if p.name.endswith(".mlp.json") else p.stem
    return p.with_name(f"{stem}.trained.mlp.json")


def _epoch_limit(requested: int | None, project) -> int:
    """The run's epoch limit: ``--epochs``, else the project's; refused when there is none
    or it is over :data:`MAX_CLI_EPOCHS`."""
    limit = project.training.epochs if requested is None else requested
    if limit is None:
        raise MLPError(f"the project's training has no epoch limit (epochs: null), so this run "
                       f"might never end: give --epochs N (at most {MAX_CLI_EPOCHS:,})")
    if not 0 <= limit <= MAX_CLI_EPOCHS:
        raise MLPError(f"epochs must be from 0 to {MAX_CLI_EPOCHS:,} on the command line, got {limit}")
    return limit


def _save_trained(project, out: Path, source: str) -> Path:
    """Save to ``out``; if that fails after all, save beside ``source`` and say where
    (the trained weights are never lost to a folder that became unwritable)."""
    from mlp_studio.io.project_file import save_project

    try:
        save_project(project, out)
        return out
    except MLPError as exc:
        fallback = _default_out(source)
        if resolved(fallback) == resolved(out) or resolved(fallback) == resolved(source):
            fallback = fallback.with_name(f"{fallback.name[:-len('.mlp.json')]}.{os.getpid()}.mlp.json")
        save_project(project, fallback)
        raise MLPError(f"{exc}; the trained project was saved to {fallback} instead") from exc


def cmd_train(args) -> int:
    from mlp_studio.cli_progress import TrainProgress
    from mlp_studio.core.training_run import RunSpec, Unsteered, run_training

    project = _load(args.project)
    _require_data(project, args.project)
    project.training = with_update_rule_options(project.training, args)
    epochs = _epoch_limit(args.epochs, project)
    out = Path(args.project) if args.in_place else Path(args.out) if args.out else _default_out(args.project)
    if resolved(out) == resolved(args.project) and not args.in_place:
        raise MLPError("refusing to overwrite the project; use --in-place", where=str(out))
    check_writable(out)
    report = TrainProgress(epochs, bar=not (args.json or args.quiet) and sys.stderr.isatty())
    try:  # the same run as the app's, held-out rows included
        result = run_training(0, RunSpec.from_project(project, epochs), report, Unsteered())
    finally:
        report.close()
    project.network = result.network
    out = _save_trained(project, out, args.project)
    if args.json:
        print(dumps_strict({"loss": report.losses, "validation_loss": report.validation or None,
                            "stopped": result.stop.message, "stop_code": result.stop.code,
                            "out": str(out)}))
    elif not args.quiet:
        print(report.summary(result, str(out)))
    return 0


def cmd_predict(args) -> int:
    import numpy as np

    from mlp_studio.io.column_match import project_columns
    from mlp_studio.io.csv_table import read_csv

    project = _load(args.project)
    data = _require_data(project, args.project)
    raw = project_columns(read_csv(args.csv), data.inputs, "input", data.derived)
    for warning in data.input_range_warnings(raw):
        warn(warning)
    y = project.predict(raw)
    if args.json:
        print(dumps_strict({"columns": data.targets, "outputs": y}))
        return 0
    print(",".join(data.inputs + data.targets))
    _print_rows(np.hstack([raw, y]))
    return 0


def _print_rows(values, chunk: int = 65536) -> None:
    """``values`` as CSV lines (%.10g), formatted a chunk of rows at a time."""
    line = ",".join(["%.10g"] * values.shape[1])
    for start in range(0, values.shape[0], chunk):
        rows = values[start:start + chunk].tolist()
        sys.stdout.write("\n".join(line % tuple(r) for r in rows) + "\n")


class _ProgressLine:
    """``done of total`` on stderr, rewritten in place at most every ``every`` seconds."""

    def __init__(self, what: str, every: float = 1.0) -> None:
        self.what, self.every, self.last = what, every, time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last >= self.every or done == total:
            self.last = now
            end = "\n" if done == total else ""
            print(f"\r{self.what}: {done} of {total}", end=end, file=sys.stderr, flush=True)


def cmd_gradcheck(args) -> int:
    from mlp_studio.core.gradcheck import check_gradients

    project = _load(args.project)
    data = _require_data(project, args.project)
    n = min(data.n_rows, GRADCHECK_MAX_ROWS)
    check = check_gradients(project.network, data.X[:n], data.Z[:n], project.loss,
                            project.training.batch_reduction, max_parameters=args.max_parameters,
                            progress=_ProgressLine("parameters checked"))
    if args.json:
        print(dumps_strict({"rows": n, "max_relative_difference": check.max_relative_difference,
                            "checked": check.checked, "parameters": check.parameters}))
    else:
        for i, (d, k, total) in enumerate(zip(check.max_relative_difference, check.checked,
                                             check.parameters)):
            sample = "" if k == total else f" ({k} of {total} parameters, drawn at random)"
            print(f"layer {i}: max relative difference {d:.3e}{sample}")
    return 0


def cmd_export(args) -> int:
    from mlp_studio.io.atomic import write_text_atomic

    project = _load(args.project)
    if args.format in INTEROP_FORMATS:
        return export_interop(project, args)
    if args.format == "worked-example":
        from mlp_studio.io.worked_example import worked_example_markdown

        _require_data(project, args.project)
        text = worked_example_markdown(_take_step(project, args.row), project)
    else:
        from mlp_studio.io.project_file import format_json
        from mlp_studio.io.reference_format import minmax_to_reference, network_to_reference

        if args.format == "reference-json":
            text = format_json(network_to_reference(project.network)) + "\n"
        else:
            text = format_json(minmax_to_reference(_require_data(project, args.project))) + "\n"
    if args.out:
        check_writable(args.out)
        write_text_atomic(args.out, text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_import_reference(args) -> int:
    from mlp_studio.io.project_file import save_project
    from mlp_studio.io.reference_format import project_from_reference

    project = project_from_reference(args.weights, args.minmax, args.csv, args.activation, args.scaling)
    save_project(project, args.out)
    print(f"wrote {args.out}: network {'-'.join(map(str, project.network.sizes))}")
    return 0


def _epochs(text: str) -> int:
    """argparse type of --epochs: a whole number from 0 to MAX_CLI_EPOCHS."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {shown(text)}") from None
    if not 0 <= value <= MAX_CLI_EPOCHS:
        raise argparse.ArgumentTypeError(f"must be from 0 to {MAX_CLI_EPOCHS:,}, got {value}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {shown(text)}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    from mlp_studio import __version__
    from mlp_studio.cli_evaluate import register as register_evaluate
    from mlp_studio.cli_exercise import register as register_exercise
    from mlp_studio.cli_generate import register as register_generate
    from mlp_studio.cli_import_onnx import register as register_import_onnx
    from mlp_studio.cli_lesson import register as register_lesson
    from mlp_studio.cli_minimize import register as register_minimize
    from mlp_studio.cli_new import register as register_new
    from mlp_studio.core.gradcheck import MAX_CHECKED_PARAMETERS

    parser = argparse.ArgumentParser(
        prog=PROG,
        usage=f"{PROG} [FILE]\n       {PROG} COMMAND [ARGUMENTS]\n       {PROG} COMMAND --help",
        description=wrapped(
            "MLP Studio: see how a multi-layer perceptron learns. With no command it opens the "
            "app: on FILE (a project, NAME.mlp.json, or a lesson, NAME.mlp-lesson.json, shown "
            "in the Lesson panel) or on the bundled example. The commands "
            "work without a window; with --json they print JSON on stdout. Errors go to "
            "stderr, with exit code 2."),
        epilog=examples_epilog([
            "", "two_moons.mlp.json", "xor-2-2-1.mlp-lesson.json",
            "new --csv two_moons.csv --hidden 8 --out moons.mlp.json",
            "train moons.mlp.json --epochs 2000",
            "evaluate moons.trained.mlp.json held_back.csv",
            "predict moons.trained.mlp.json new_points.csv"]),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="open the window, step, train a few epochs, exit 0 if all works")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", prog=PROG)

    p = add_command(sub, "open", "open the app on a project or a lesson (as mlp-studio FILE)",
                    "Open the app's window on a project file, or on a lesson file with the lesson "
                    "in the Lesson panel, or on the bundled example when none is given.",
                    ["open", "open moons.mlp.json", "open xor-2-2-1.mlp-lesson.json"])
    p.add_argument("project", nargs="?", metavar="FILE",
                   help="a project file (NAME.mlp.json) or a lesson file (NAME.mlp-lesson.json)")

    register_new(sub)

    p = add_command(sub, "train", "train and write the trained project",
                    "Train the project's network on its data with the project's settings (learning "
                    "rate, mode, epochs, stop rules, held-out rows), the run the app's Train button "
                    "makes, and write the trained project. On a terminal a progress bar on stderr "
                    "shows the epoch, loss, speed and time left; at the end one summary line goes "
                    "to stdout.", ["train xor.mlp.json --epochs 2000",
                                   "train moons.mlp.json --out moons-1.mlp.json --quiet",
                                   "train xor.mlp.json --in-place --json",
                                   "train moons.mlp.json --optimizer adam --l2 0.0001"])
    p.add_argument("project", metavar="PROJECT", help="the project file, with data")
    p.add_argument("--epochs", type=_epochs, metavar="N",
                   help=f"epochs to train, 0 to {MAX_CLI_EPOCHS:,} (default: the project's setting)")
    p.add_argument("--out", metavar="FILE",
                   help="the trained project to write (default: NAME.trained.mlp.json beside PROJECT)")
    p.add_argument("--in-place", action="store_true", help="overwrite PROJECT with the trained project")
    p.add_argument("--quiet", action="store_true",
                   help="no progress bar and no summary; warnings and errors still go to stderr")
    p.add_argument("--json", action="store_true",
                   help="print the loss of every epoch (and validation loss), why it stopped and "
                        "the file written as JSON")
    add_update_rule_options(p)
    p.set_defaults(func=cmd_train)

    register_evaluate(sub)

    p = add_command(sub, "predict", "outputs for a CSV's rows, in the data's own units",
                    "The network's outputs for every row of a CSV file, in the units of the "
                    "project's data (its target scaling undone). The CSV needs the project's input "
                    "columns, by name and in any order; other columns are left out. Prints CSV "
                    "(inputs, then outputs) or JSON.",
                    ["predict moons.trained.mlp.json new_points.csv",
                     "predict xor.trained.mlp.json xor.csv --json"])
    p.add_argument("project", metavar="PROJECT", help="the trained project file (its data gives the scaling)")
    p.add_argument("csv", metavar="CSV", help="a CSV file with the project's input columns")
    p.add_argument("--json", action="store_true",
                   help='print {"columns": target names, "outputs": one list per row} as JSON')
    p.set_defaults(func=cmd_predict)

    p = add_command(sub, "trace", "one training step on a data row, every number shown",
                    "One training step, every number shown, as the app's step view: per layer the "
                    "weighted sums s, activations a, deltas, gradients, and the weights and biases "
                    "before and after the update. The project file is not changed.",
                    ["trace reference.mlp.json --row 0", "trace reference.mlp.json --batch --json"])
    p.add_argument("project", metavar="PROJECT", help="the project file, with data")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--row", type=int, default=0, metavar="N",
                       help="the data row of the step, from 0 (default: 0)")
    group.add_argument("--batch", action="store_true",
                       help="one update over the first batch of the project's mode instead of one row")
    p.add_argument("--json", action="store_true", help="print every number of the step as JSON")
    p.set_defaults(func=cmd_trace)

    p = add_command(sub, "gradcheck", "backprop against finite differences, per layer",
                    f"Check backpropagation: the gradients of the loss on the first "
                    f"{GRADCHECK_MAX_ROWS} rows against central finite differences, as the largest "
                    f"relative difference per layer (about 1e-7 or less when backprop is right). "
                    f"A large network is checked on parameters drawn at random.",
                    ["gradcheck xor.mlp.json", "gradcheck xor.mlp.json --json"])
    p.add_argument("project", metavar="PROJECT", help="the project file, with data")
    p.add_argument("--max-parameters", type=_positive_int, default=MAX_CHECKED_PARAMETERS,
                   metavar="N", help=f"compare at most this many parameters, an equal share per "
                                     f"layer drawn at random (default {MAX_CHECKED_PARAMETERS})")
    p.add_argument("--json", action="store_true",
                   help='print {"rows", "max_relative_difference": one per layer, "checked", '
                        '"parameters"} as JSON')
    p.set_defaults(func=cmd_gradcheck)

    p = add_command(sub, "export", "a worked example, the reference tool's JSON, PyTorch or ONNX",
                    "Write one training step as a worked example (Markdown with LaTeX formulas, "
                    "every number of one data row), the reference tool's JSON files (its "
                    "trained-weights file or its min/max file), a standalone PyTorch script or an "
                    "ONNX model (docs/interop.md).",
                    ["export reference.mlp.json --format worked-example --row 1 --out step.md",
                     "export reference.mlp.json --format reference-json --out weights.json",
                     "export moons.trained.mlp.json --format onnx --out moons.onnx"])
    p.add_argument("project", metavar="PROJECT", help="the project file")
    p.add_argument("--format", choices=["worked-example", "reference-json", "reference-minmax",
                                        *INTEROP_FORMATS],
                   required=True, help="worked-example: Markdown/LaTeX of one step; reference-json: "
                                       "the reference tool's trained-weights file; "
                                       "reference-minmax: its min/max file; pytorch: a standalone "
                                       "PyTorch script; onnx: an ONNX model")
    p.add_argument("--row", type=int, default=0, metavar="N",
                   help="the data row of the worked example, from 0 (default: 0)")
    p.add_argument("--out", metavar="FILE", help="the file to write (default: stdout)")
    add_interop_arguments(p)
    p.set_defaults(func=cmd_export)

    p = add_command(sub, "import-reference", "a project from the reference tool's JSON files",
                    "Make a project from the reference tool's files: its trained weights, and "
                    "optionally its min/max file and training CSV (then the data is embedded).",
                    ["import-reference weights.json --minmax minmax.json --csv marks.csv "
                     "--out marks.mlp.json"])
    p.add_argument("weights", metavar="WEIGHTS", help="its trained-weights JSON (hiddenWeights, ..., outputBias)")
    p.add_argument("--minmax", metavar="FILE", help="its min/max JSON")
    p.add_argument("--csv", metavar="FILE", help="its training CSV (inputs first, then targets)")
    p.add_argument("--activation", choices=["sigmoid", "tanh"], default="sigmoid",
                   help="the activation the tool used in every layer (default: sigmoid)")
    p.add_argument("--scaling", choices=["minmax01", "minmax11"], default="minmax01",
                   help="the min-max range the tool scaled to: [0, 1] or [-1, 1] (default: minmax01)")
    p.add_argument("--out", required=True, metavar="FILE", help="the project file to write")
    p.set_defaults(func=cmd_import_reference)

    register_minimize(sub)
    register_generate(sub)
    register_lesson(sub)
    register_exercise(sub)
    register_import_onnx(sub)
    return parser


def _split_gui_args(argv: list[str]) -> list[str] | None:
    """The GUI's arguments when ``argv`` opens the app (no command, a project or lesson path,
    or `open`)."""
    if not argv:
        return []
    if argv[0] == "open" and not {"-h", "--help"} & set(argv):
        return argv[1:]
    if len(argv) == 1 and not argv[0].startswith("-") and argv[0].endswith(".json"):
        return argv
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        gui_args = _split_gui_args(argv)
        if gui_args is not None:
            from mlp_studio.app.shell.main import run_app

            return run_app(gui_args)
        args = build_parser().parse_args(argv)
        if args.self_test:
            from mlp_studio.app.shell.self_test import run_self_test

            return run_self_test()
        if args.command is None:
            build_parser().print_help()
            return 0
        return args.func(args)
    except MLPError as exc:
        print(f"mlp-studio: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:  # stdout's reader left early (| head): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("\nmlp-studio: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:
        print(f"mlp-studio: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return EXIT_USER_ERROR
