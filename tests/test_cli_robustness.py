"""Hostile input on the command line: no hang, no traceback, no invalid JSON, no lost work.

Cases that could hang run in a subprocess whose timeout the harness enforces.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from mlp_studio.cli import MAX_CLI_EPOCHS, main
from mlp_studio.cli_minimize import MAX_STEPS
from mlp_studio.core.dataset import Dataset
from mlp_studio.core.expression import MAX_VARIABLES
from mlp_studio.core.network import Layer, Network
from mlp_studio.core.project import Project
from mlp_studio.io.project_file import load_project, save_project
from mlp_studio.io.resources import EXAMPLE_PROJECT, resource_path

HANG_BOUND = 60  # seconds the harness lets a command run before calling it a hang


def run_cli(*argv, timeout: float = HANG_BOUND, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mlp_studio", *map(str, argv)],
                          capture_output=True, text=True, timeout=timeout, **kw)


def strict_json(text: str):
    """Parse as a strict JSON parser does: NaN and Infinity are not JSON."""
    def refuse(name):
        raise ValueError(f"{name} is not JSON")
    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def example(tmp_path):
    path = tmp_path / "reference.mlp.json"
    shutil.copy(resource_path(EXAMPLE_PROJECT), path)
    return path


@pytest.fixture
def loop(tmp_path):
    link = tmp_path / "loop.mlp.json"
    link.symlink_to(link)
    return link


def _user_error(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in proc.stderr


# ------------------------------------------------------------------ paths


def test_symlink_loop_as_output_is_a_user_error(example, loop):
    _user_error(run_cli("train", example, "--epochs", "1", "--out", loop), "loop.mlp.json", "loop")
    _user_error(run_cli("export", example, "--format", "reference-json", "--out", loop),
                "loop.mlp.json")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_is_refused_as_csv_and_as_project(example, tmp_path):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    _user_error(run_cli("predict", example, fifo), "data.csv", "pipe (FIFO)")
    project_fifo = tmp_path / "p.mlp.json"
    os.mkfifo(project_fifo)
    _user_error(run_cli("trace", project_fifo), "p.mlp.json", "pipe (FIFO)")
    _user_error(run_cli("trace", tmp_path), "folder")


def test_train_checks_the_output_before_training(example, tmp_path, capsys):
    out = tmp_path / "missing" / "out.mlp.json"
    assert main(["train", str(example), "--epochs", "1", "--out", str(out)]) == 2
    err = capsys.readouterr()
    assert "does not exist" in err.err and "epoch 1" not in err.out  # refused before any epoch


def test_a_save_that_fails_after_training_lands_beside_the_input(example, tmp_path, capsys,
                                                                   monkeypatch):
    import mlp_studio.io.project_file as project_file
    from mlp_studio.errors import MLPError

    out = tmp_path / "sub" / "out.mlp.json"
    out.parent.mkdir()
    original = project_file.save_project

    def failing(project, path):  # the folder became unwritable while training ran
        if str(path) == str(out):
            raise MLPError("cannot write here: Permission denied", where=str(path))
        original(project, path)

    monkeypatch.setattr(project_file, "save_project", failing)  # cli imports it when used
    assert main(["train", str(example), "--epochs", "2", "--out", str(out)]) == 2
    fallback = tmp_path / "reference.trained.mlp.json"
    assert f"saved to {fallback}" in capsys.readouterr().err
    trained = load_project(fallback).network
    assert not trained.equals(load_project(example).network)  # the two epochs are in it


def test_stale_temporary_of_a_killed_save_is_removed_by_the_next_save(example, tmp_path):
    stale = tmp_path / ".reference.mlp.json.abcd1234.tmp"
    fresh = tmp_path / ".reference.mlp.json.efgh5678.tmp"  # another process saving right now
    stale.write_bytes(b"x" * 1000)
    fresh.write_bytes(b"y")
    old = stale.stat().st_mtime - 3600
    os.utime(stale, (old, old))
    assert main(["train", str(example), "--epochs", "1", "--in-place", "--json"]) == 0
    assert not stale.exists() and fresh.exists()


# ------------------------------------------------------------------ overflow, JSON


def _huge_project(tmp_path, scaling: str, column: np.ndarray):
    values = np.column_stack([column, np.linspace(0, 1, len(column))])
    data = Dataset(["big", "z"], values, ["big"], ["z"], input_scaling="none")
    path = tmp_path / f"{scaling}.mlp.json"
    net = Network(1, [Layer(np.array([[0.5]]), np.array([0.1]), "sigmoid")])
    save_project(Project(net, "half_squared_error", data), path)
    text = path.read_text().replace('"method": "none"', f'"method": "{scaling}"', 1)
    return path, text


@pytest.mark.parametrize("scaling, column", [
    ("zscore", np.array([1e308, 1e308, 1e307])),  # mean overflows
    ("minmax01", np.array([-1e308, 1e308, 0.0])),  # max - min overflows
    ("minmax11", np.array([-1e308, 1e308, 0.0])),
])
def test_data_whose_scaling_overflows_is_refused_naming_the_column(scaling, column):
    from mlp_studio.errors import MLPError

    with pytest.raises(MLPError, match="too large to scale") as info:
        Dataset(["big", "z"], np.column_stack([column, [0.0, 1.0, 2.0]]), ["big"], ["z"],
                input_scaling=scaling)
    assert info.value.where == "column 'big'"


def test_overflowing_data_in_a_csv_is_refused_at_load(tmp_path):
    from mlp_studio.errors import MLPError
    from mlp_studio.io.csv_table import read_csv

    csv = tmp_path / "big.csv"
    csv.write_text("a,b,z\n1,1e308,0\n2,1e308,1\n3,-1e308,0\n")
    table = read_csv(csv)  # finite numbers: the file itself is fine
    with pytest.raises(MLPError, match="column 'b'"):
        Dataset.with_default_columns(table.columns, table.values)


def test_non_finite_numbers_are_printed_as_null(example, tmp_path, capsys):
    project = load_project(example)
    project.network.layers[0].weights[:] = 1e308  # s overflows: NaN/inf all the way through
    path = tmp_path / "huge.mlp.json"
    save_project(project, path)
    for argv in (["trace", path, "--json"], ["gradcheck", path, "--json"]):
        assert main(list(map(str, argv))) == 0
        out = strict_json(capsys.readouterr().out)
        assert out is not None
    csv = tmp_path / "in.csv"
    csv.write_text("I0,I1\n70,98\n")
    assert main(["predict", str(path), str(csv), "--json"]) == 0
    assert strict_json(capsys.readouterr().out)["columns"] == ["Z0"]


# ------------------------------------------------------------------ bounded runs


@pytest.mark.parametrize("epochs", ["-1", str(MAX_CLI_EPOCHS + 1), "1e12", "ten"])
def test_train_refuses_impossible_or_unbounded_epochs(example, epochs):
    proc = run_cli("train", example, f"--epochs={epochs}")
    assert proc.returncode == 2 and "--epochs" in proc.stderr and "Traceback" not in proc.stderr


def test_train_refuses_a_project_without_an_epoch_limit(example, tmp_path):
    text = example.read_text()
    data = json.loads(text)
    data["training"]["epochs"] = None
    endless = tmp_path / "endless.mlp.json"
    endless.write_text(json.dumps(data))
    _user_error(run_cli("train", endless), "no epoch limit", "--epochs")
    data["training"]["epochs"] = 10**12
    endless.write_text(json.dumps(data))
    _user_error(run_cli("train", endless), f"{MAX_CLI_EPOCHS:,}")


def test_minimize_refuses_more_steps_than_it_may_keep():
    _user_error(run_cli("minimize", "--f", "x**2", "--x0", "1", "--steps", "1000000000"),
                f"{MAX_STEPS:,}")


def test_minimize_refuses_many_variables_quickly():
    f = "*".join(f"x{i}" for i in range(300))
    x0 = ",".join(["1"] * 300)
    _user_error(run_cli("minimize", "--f", f, "--x0", x0, "--method", "newton"),
                f"at most {MAX_VARIABLES}")


def test_newton_divergence_does_not_mention_a_learning_rate(capsys):
    # f' = x^(-2/3) / 3, f'' = -2/9 x^(-5/3): Newton's step -f'/f'' = 1.5 x takes x to 2.5 x
    assert main(["minimize", "--f", "x**(1/3)", "--x0", "1", "--method", "newton",
                 "--steps", "1000", "--json"]) == 0
    out = strict_json(capsys.readouterr().out)
    assert [it["x"][0] for it in out["iterations"][:4]] == pytest.approx([1, 2.5, 6.25, 15.625])
    assert out["stop_code"] == "diverged"
    assert "learning rate" in out["stopped"] and "no learning rate" in out["stopped"]
    assert "smaller learning rate" not in out["stopped"]


# ------------------------------------------------------------------ gradcheck


def test_gradcheck_samples_a_large_network_and_reports_how_many(tmp_path, capsys, example):
    rng = np.random.default_rng(0)
    project = load_project(example)
    project.network = Network(2, [Layer(rng.normal(0, 0.3, (300, 2)), np.zeros(300), "tanh"),
                                  Layer(rng.normal(0, 0.1, (40, 300)), np.zeros(40), "tanh"),
                                  Layer(rng.normal(0, 0.1, (1, 40)), np.zeros(1), "sigmoid")])
    path = tmp_path / "wide.mlp.json"
    save_project(project, path)
    assert main(["gradcheck", str(path), "--json", "--max-parameters", "90"]) == 0
    captured = capsys.readouterr()
    out = strict_json(captured.out)
    assert out["parameters"] == [900, 12040, 41]
    assert out["checked"] == [30, 30, 30]
    assert max(out["max_relative_difference"]) < 1e-3  # a wrong gradient differs by ~1
    assert "parameters checked: 90 of 90" in captured.err


def test_gradcheck_ctrl_c_ends_with_130_and_no_traceback(example, monkeypatch, capsys):
    from mlp_studio.core import gradcheck

    def interrupted(*args, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(gradcheck, "mean_loss", interrupted)
    assert main(["gradcheck", str(example)]) == 130
    assert "interrupted" in capsys.readouterr().err


# ------------------------------------------------------------------ messages


def test_huge_cells_and_keys_are_echoed_shortened(tmp_path, example):
    csv = tmp_path / "big.csv"
    cell = "9" * 5_000_000 + "x"
    csv.write_text(f"I0,I1\n1,{cell}\n")
    proc = run_cli("predict", example, csv)
    _user_error(proc, "big.csv")
    assert len(proc.stderr) < 1000
    data = json.loads(example.read_text())
    data["k" * 10**6] = 1
    bad = tmp_path / "key.mlp.json"
    bad.write_text(json.dumps(data))
    proc = run_cli("trace", bad)
    _user_error(proc, "unknown key")
    assert len(proc.stderr) < 1000


def test_import_reference_refuses_to_drop_a_target_class(tmp_path, capsys):
    weights = tmp_path / "w.json"
    weights.write_text(json.dumps({"hiddenWeights": [[[0.1, 0.2]]], "hiddenBias": [[0.0]],
                                   "outputWeights": [[0.3]], "outputBias": [0.0]}))
    csv = tmp_path / "two.csv"
    csv.write_text("a,b,kind\n1,2,cat\n3,4,dog\n")
    assert main(["import-reference", str(weights), "--csv", str(csv),
                 "--out", str(tmp_path / "p.mlp.json")]) == 2
    err = capsys.readouterr().err
    assert "'kind' holds 2 classes" in err and not (tmp_path / "p.mlp.json").exists()
