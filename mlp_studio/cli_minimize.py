"""`mlp-studio minimize`: the gradient-descent lab on the command line."""

from __future__ import annotations

import argparse
import math

from mlp_studio.cli_support import add_command
from mlp_studio.core.expression import Objective
from mlp_studio.core.minimize import Iteration, MinimizeConfig, minimize
from mlp_studio.errors import MLPError, shown
from mlp_studio.io.iteration_table import iterations_markdown
from mlp_studio.io.json_out import dumps_strict, json_ready

#: iterations one command may run: every one is kept for the table (about 100 bytes each)
MAX_STEPS = 100_000


def _floats(text: str, what: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise MLPError(f"{what} must be numbers separated by commas, got {shown(text)}") from None
    if not all(math.isfinite(v) for v in values):
        raise MLPError(f"{what} must be finite numbers, got {shown(text)}")
    return values


def iteration_to_dict(it: Iteration) -> dict:
    """One iteration for JSON; inf and nan become null."""
    return json_ready({"x": it.x, "f": float(it.f), "grad": it.grad})


def run(args: argparse.Namespace) -> int:
    """Handler of ``minimize``; user errors raise MLPError (the CLI prints them)."""
    if not 0 <= args.steps <= MAX_STEPS:
        raise MLPError(f"--steps must be from 0 to {MAX_STEPS:,}, got {args.steps}")
    variables = None if args.vars is None else args.vars.split(",")
    obj = Objective(args.f, variables)
    x0 = _floats(args.x0, "--x0")
    if len(x0) != obj.n:
        raise MLPError(
            f"--x0 has {len(x0)} values but f has {obj.n} variables ({', '.join(obj.variables)})"
        )
    config = MinimizeConfig(
        method=args.method, eta=args.eta, momentum=args.momentum, tol=args.tol, max_iterations=args.steps
    )
    result = minimize(obj, x0, config)
    text = obj.formulas(hessian=False)
    if args.json:
        print(dumps_strict({
            "vars": list(obj.variables),
            "f": text["f"],
            "gradient": text["gradient"],
            "iterations": [iteration_to_dict(it) for it in result.iterations],
            "stopped": result.stop.message,
            "stop_code": result.stop.code,
        }))
        return 0
    print(f"f({', '.join(obj.variables)}) = {text['f']}")
    for v, g in zip(obj.variables, text["gradient"]):
        print(f"df/d{v} = {g}")
    if args.method == "gd":
        extra = f", momentum {args.momentum:g}" if args.momentum else ""
        print(f"gradient descent, eta {args.eta:g}{extra}")
    else:
        print("Newton-Raphson")
    print()
    print(iterations_markdown(obj.variables, result.iterations), end="")
    print()
    print(f"stopped: {result.stop.message}")
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``minimize`` command to an argparse subparsers object."""
    p = add_command(
        subparsers, "minimize", "gradient descent or Newton's method on a function, step by step",
        "Minimise f step by step and print the iteration table (or JSON): x, f(x) and the "
        "gradient at every iteration, the formulas of f and its gradient, and why it stopped. "
        "Write values that start with '-' with '=': --x0=-1.2,1 --f=-x**2.",
        ["minimize --f 'x**2 + 3*y**2' --x0 3,4 --eta 0.1 --steps 20",
         "minimize --f '(1-x)**2 + 100*(y-x**2)**2' --x0=-1.2,1 --method newton --json"])
    p.add_argument("--f", required=True, metavar="EXPR",
                   help="the function, e.g. 'x**2 + y**2' (+ - * / ** ^, exp log sqrt sin cos tanh abs)")
    p.add_argument("--x0", required=True, help="start point, comma-separated in variable order, e.g. 3,4")
    p.add_argument("--eta", type=float, default=0.1, help="learning rate for gd (default 0.1)")
    p.add_argument("--steps", type=int, default=10,
                   help=f"iterations to run (default 10, at most {MAX_STEPS:,})")
    p.add_argument("--method", choices=["gd", "newton"], default="gd",
                   help="gd: gradient descent; newton: Newton-Raphson with the exact Hessian "
                        "(default: gd)")
    p.add_argument("--momentum", type=float, default=0.0, help="momentum for gd, in [0, 1)")
    p.add_argument("--tol", type=float, help="stop when the gradient norm is at most this")
    p.add_argument("--vars", help="variable order, e.g. y,x (default: alphabetical, x2 before x10)")
    p.add_argument("--json", action="store_true",
                   help="print the formulas, every iteration and why it stopped as JSON")
    p.set_defaults(func=run)
    return p
