"""`mlp-studio minimize` through its own parser, the project's CLI and a subprocess."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import numpy as np
import pytest

from mlp_studio.cli import main
from mlp_studio.cli_minimize import register


def run_json(capsys, *args: str) -> dict:
    assert main(["minimize", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_register_on_a_fresh_parser(capsys) -> None:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["minimize", "--f", "x**2", "--x0", "1", "--steps", "3", "--json"])
    assert args.func(args) == 0
    data = json.loads(capsys.readouterr().out)
    # x_{k+1} = 0.8 x_k
    assert [it["x"][0] for it in data["iterations"]] == pytest.approx([1.0, 0.8, 0.64, 0.512])


def test_reference_bowl_json(capsys) -> None:
    data = run_json(capsys, "--f", "x**2 + y**2", "--x0", "3,4", "--eta", "0.1", "--steps", "3")
    assert data["vars"] == ["x", "y"]
    its = data["iterations"]
    assert len(its) == 4
    assert [it["x"] for it in its] == [pytest.approx(v) for v in ([3, 4], [2.4, 3.2], [1.92, 2.56], [1.536, 2.048])]
    assert [it["f"] for it in its] == pytest.approx([25.0, 16.0, 10.24, 6.5536])
    assert [it["grad"] for it in its] == [pytest.approx(v) for v in ([6, 8], [4.8, 6.4], [3.84, 5.12], [3.072, 4.096])]
    assert data["stop_code"] == "max_iterations"
    assert data["gradient"] == ["2*x", "2*y"]


def test_variable_order(capsys) -> None:
    data = run_json(capsys, "--f", "x10 + 2*x2", "--x0", "0,0", "--steps", "1")
    assert data["vars"] == ["x2", "x10"]
    assert data["iterations"][0]["grad"] == [2.0, 1.0]
    data = run_json(capsys, "--f", "x + 2*y", "--x0", "0,0", "--steps", "1", "--vars", "y,x")
    assert data["vars"] == ["y", "x"]
    assert data["iterations"][1]["x"] == pytest.approx([-0.2, -0.1])


def test_tol_stops_early_and_newton(capsys) -> None:
    data = run_json(capsys, "--f", "(x - 1)**2 + 3*(y + 2)**2", "--x0", "5,5", "--steps", "50",
                    "--method", "newton", "--tol", "1e-9")
    assert len(data["iterations"]) == 2
    assert data["iterations"][1]["x"] == pytest.approx([1.0, -2.0])
    assert data["stop_code"] == "gradient_tolerance"


def test_three_variables_and_momentum(capsys) -> None:
    # f = a^2 + b^2 + c^2, eta 0.1, mu 0.5: x1 = 0.8 x0, x2 = x1 + (0.5 (-0.2 x0) - 0.1 * 2 x1) = 0.54 x0
    data = run_json(capsys, "--f", "a**2 + b**2 + c**2", "--x0", "1,2,3", "--steps", "2", "--momentum", "0.5")
    assert data["iterations"][2]["x"] == pytest.approx([0.54, 1.08, 1.62])


def test_divergence_is_reported_as_json_nulls(capsys) -> None:
    # exp(900) overflows: the start point already diverges, and f is null in JSON
    data = run_json(capsys, "--f", "exp(x**2)", "--x0", "30", "--steps", "5")
    assert data["stop_code"] == "diverged"
    assert data["iterations"] == [{"x": [30.0], "f": None, "grad": [None]}]
    # x -> -2 x each step with eta 1.5 on x^2: f = 4**k passes 1e100 at k = 167 (log(1e100)/log(4) = 166.1)
    data = run_json(capsys, "--f", "x**2", "--x0", "1", "--eta", "1.5", "--steps", "1000")
    assert data["stop_code"] == "diverged"
    assert len(data["iterations"]) == 168


def test_table_output(capsys) -> None:
    assert main(["minimize", "--f", "x**2 + y**2", "--x0", "3,4", "--steps", "10"]) == 0
    out = capsys.readouterr().out
    assert "df/dx = 2*x" in out
    lines = [line for line in out.splitlines() if line.startswith("| ")]
    header = [c.strip() for c in lines[0].split("|")[1:-1]]
    assert header == ["k", "x_old", "df/dx", "x_new", "y_old", "df/dy", "y_new", "f"]
    cells = [c.strip() for c in lines[2].split("|")[1:-1]]
    assert cells == ["1", "3.0000", "6.0000", "2.4000", "4.0000", "8.0000", "3.2000", "16.0000"]
    cells = [c.strip() for c in lines[4].split("|")[1:-1]]
    assert cells == ["3", "1.9200", "3.8400", "1.5360", "2.5600", "5.1200", "2.0480", "6.5536"]
    assert "stopped: reached 10 iterations" in out


@pytest.mark.parametrize(
    "args, words",
    [
        (["--f", "x**2 + )", "--x0", "1"], "unexpected ')' at column 8"),
        (["--f", "x.__class__", "--x0", "1"], "attribute access"),
        (["--f", "system(x)", "--x0", "1"], "unknown function 'system'"),
        (["--f", "x**2 + y**2", "--x0", "1"], "--x0 has 1 values but f has 2 variables"),
        (["--f", "x**2", "--x0", "a"], "numbers separated by commas"),
        (["--f", "x**2", "--x0", "1", "--eta", "-1"], "positive"),
        (["--f", "x**2", "--x0", "1", "--vars", "y"], "not in the variable list"),
        (["--f", "x**2", "--x0", "1", "--method", "newton", "--momentum", "0.5"], "gradient descent only"),
    ],
)
def test_errors_exit_2_without_traceback(capsys, args: list[str], words: str) -> None:
    assert main(["minimize", *args]) == 2
    captured = capsys.readouterr()
    assert words in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_python_m_subprocess() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mlp_studio", "minimize", "--f", "x**2 + y**2", "--x0", "3,4",
         "--eta", "0.1", "--steps", "2", "--json"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    np.testing.assert_allclose(data["iterations"][2]["x"], [1.92, 2.56])
    proc = subprocess.run(
        [sys.executable, "-m", "mlp_studio", "minimize", "--f", "__import__(os)", "--x0", "1"],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert "names may not start with '_'" in proc.stderr and "^" in proc.stderr
    assert "Traceback" not in proc.stderr
