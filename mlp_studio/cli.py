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
from mlp_studio.cli_update_rule import add_update_rule_options, with_update_rule_options
from mlp_studio.errors import MLPError, listed, shown
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


def _require_data(project, path: str):
    """The project's dataset; its target-range warnings go to stderr."""
    if project.data is None:
        raise MLPError("the project has no data; add a CSV in the app first", where=path)
    for warning in project.data.target_range_warnings(project.network.layers[-1].activation):
        print(f"mlp-studio: warning: {warning}", file=sys.stderr)
    return project.data


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
    from mlp_studio.core.training_run import RunSpec, Unsteered, run_training

    project = _load(args.project)
    _require_data(project, args.project)
    project.training = with_update_rule_options(project.training, args)
    epochs = _epoch_limit(args.epochs, project)
    out = Path(args.project) if args.in_place else Path(args.out) if args.out else _default_out(args.project)
    if resolved(out) == resolved(args.project) and not args.in_place:
        raise MLPError("refusing to overwrite the project; use --in-place", where=str(out))
    check_writable(out)
    losses: list[float] = []
    validation: list[float] = []

    def report(snap) -> None:  # the same run as the app's, held-out rows included
        losses.extend(snap.train_loss.tolist())
        if snap.val_loss is not None:
            validation.extend(snap.val_loss.tolist())
        if not args.json:
            for i, (epoch, loss) in enumerate(zip(snap.epochs, snap.train_loss)):
                held = f", validation {snap.val_loss[i]:.6g}" if snap.val_loss is not None else ""
                print(f"epoch {epoch}: loss {loss:.6g}{held}")

    result = run_training(0, RunSpec.from_project(project, epochs), report, Unsteered())
    project.network = result.network
    out = _save_trained(project, out, args.project)
    if args.json:
        print(dumps_strict({"loss": losses, "validation_loss": validation or None,
                          "stopped": result.stop.message, "stop_code": result.stop.code,
                          "out": str(out)}))
    else:
        print(f"stopped: {result.stop.message}; wrote {out}")
    return 0


def cmd_predict(args) -> int:
    import numpy as np

    from mlp_studio.io.csv_table import read_csv

    project = _load(args.project)
    data = _require_data(project, args.project)
    table = read_csv(args.csv)
    position = {c: k for k, c in enumerate(table.columns)}
    missing = [c for c in data.inputs if c not in position]
    if missing:
        raise MLPError(f"the CSV lacks the input columns {listed(missing)}", where=args.csv)
    raw = table.values[:, [position[c] for c in data.inputs]]
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
    from mlp_studio.cli_exercise import register as register_exercise
    from mlp_studio.core.gradcheck import MAX_CHECKED_PARAMETERS
    from mlp_studio.cli_generate import register as register_generate
    from mlp_studio.cli_import_onnx import register as register_import_onnx
    from mlp_studio.cli_lesson import register as register_lesson
    from mlp_studio.cli_minimize import register as register_minimize

    parser = argparse.ArgumentParser(
        prog="mlp-studio",
        description="MLP Studio: with no command, opens the app (on PROJECT or the bundled example).")
    parser.add_argument("--version", action="version", version=f"mlp-studio {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="open the window, step, train a few epochs, exit 0 if all works")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("open", help="open the app on a project file (the default command)")
    p.add_argument("project", nargs="?")

    p = sub.add_parser("trace", help="one training step on a data row, every number shown")
    p.add_argument("project")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--row", type=int, default=0, help="0-based data row (default 0)")
    group.add_argument("--batch", action="store_true", help="one update over the mode's batch")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_trace)

    p = sub.add_parser("train", help="train and write the trained project")
    p.add_argument("project")
    p.add_argument("--epochs", type=_epochs, help=f"epochs to run (0 to {MAX_CLI_EPOCHS:,}; "
                                                   "default: the project's)")
    p.add_argument("--out", help="output project (default: NAME.trained.mlp.json beside PROJECT)")
    p.add_argument("--in-place", action="store_true", help="overwrite PROJECT")
    p.add_argument("--json", action="store_true")
    add_update_rule_options(p)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("predict", help="outputs for a CSV's rows, in the data's own units")
    p.add_argument("project")
    p.add_argument("csv")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("gradcheck", help="backprop against finite differences, per layer")
    p.add_argument("project")
    p.add_argument("--max-parameters", type=_positive_int, default=MAX_CHECKED_PARAMETERS,
                   help=f"compare at most this many parameters, an equal share per layer drawn "
                        f"at random (default {MAX_CHECKED_PARAMETERS})")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_gradcheck)

    p = sub.add_parser("export", help="a worked example (Markdown/LaTeX) or the reference tool's JSON")
    p.add_argument("project")
    p.add_argument("--format", choices=["worked-example", "reference-json", "reference-minmax",
                                        *INTEROP_FORMATS],
                   required=True, help="reference-json: its trained-weights file; "
                                       "reference-minmax: its min/max file; pytorch: a standalone "
                                       "PyTorch script; onnx: an ONNX model (docs/interop.md)")
    p.add_argument("--row", type=int, default=0)
    p.add_argument("--out")
    add_interop_arguments(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import-reference", help="a project from the reference tool's JSON files")
    p.add_argument("weights", help="its trained-weights JSON (hiddenWeights, ..., outputBias)")
    p.add_argument("--minmax", help="its min/max JSON")
    p.add_argument("--csv", help="its training CSV (inputs first, then targets)")
    p.add_argument("--activation", choices=["sigmoid", "tanh"], default="sigmoid")
    p.add_argument("--scaling", choices=["minmax01", "minmax11"], default="minmax01")
    p.add_argument("--out", required=True, help="the project file to write")
    p.set_defaults(func=cmd_import_reference)

    register_minimize(sub)
    register_generate(sub)
    register_lesson(sub)
    register_exercise(sub)
    register_import_onnx(sub)
    return parser


def _split_gui_args(argv: list[str]) -> list[str] | None:
    """The GUI's arguments when ``argv`` opens the app (no command, a project path or `open`)."""
    if not argv:
        return []
    if argv[0] == "open":
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
    except KeyboardInterrupt:
        print("\nmlp-studio: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:
        print(f"mlp-studio: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return EXIT_USER_ERROR
