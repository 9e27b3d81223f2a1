"""`mlp-studio exercise`: answers checked against `mlp-studio trace`, reproducible, nice numbers."""

import json
import shutil
import subprocess

import numpy as np
import pytest

from mlp_studio.cli import main
from mlp_studio.core.quiz import number_at
from mlp_studio.io.project_file import load_project

QUANTITIES = {"s", "a", "delta", "grad_weights", "grad_biases", "weights_after", "biases_after"}


def _trace_json(project_path, row, capsys):
    capsys.readouterr()
    assert main(["trace", str(project_path), "--row", str(row), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("seed, layers, activation, loss", [
    (0, "2,3,1", "sigmoid", "half_squared_error"),
    (7, "3,2,2", "tanh", "squared_error"),
    (11, "2,4,3,1", "sigmoid", "half_squared_error"),
    (5, "2,2,3", "softmax", "cross_entropy"),
    (9, "4,5,2", "identity", "squared_error"),
])
def test_every_answer_is_the_trace_commands_value(tmp_path, capsys, seed, layers, activation, loss):
    args = ["exercise", "--seed", str(seed), "--layers", layers, "--activation", activation,
            "--loss", loss, "--count", "2", "--out", str(tmp_path)]
    assert main(args) == 0
    for variant in ("variant-1", "variant-2"):
        folder = tmp_path / variant
        key = json.loads((folder / "answers.json").read_text())
        assert set(key) == {"project", "row", "answers"} and key["project"] == "exercise.mlp.json"
        trace = _trace_json(folder / key["project"], key["row"], capsys)
        for item in key["answers"]:
            assert item["value"] == number_at(trace, item["path"]), item
        kinds = {a["path"].split(".")[2] for a in key["answers"] if a["path"].startswith("layers.")}
        assert kinds == QUANTITIES and any(a["path"] == "loss_before" for a in key["answers"])
        sheet, answers = (folder / "exercise.md").read_text(), (folder / "answers.md").read_text()
        first = key["answers"][1]
        assert first["label"] in sheet and f"{first['value']:.4f}" in answers
        assert f"{first['value']:.4f}" not in sheet.split("## Fill in")[1]


def test_numbers_have_one_or_two_decimals(tmp_path):
    assert main(["exercise", "--seed", "3", "--count", "3", "--out", str(tmp_path)]) == 0
    for k in (1, 2, 3):
        project = load_project(tmp_path / f"variant-{k}" / "exercise.mlp.json")
        for layer in project.network.layers:
            for v in np.concatenate([layer.weights.ravel(), layer.biases]):
                assert round(v, 1) == v
        assert all(round(v, 2) == v for v in project.data.values.ravel())
        assert project.data.input_scaler.method == "none"


def test_same_seed_same_bytes_other_seed_other_numbers(tmp_path):
    for name, seed in (("a", "4"), ("b", "4"), ("c", "5")):
        assert main(["exercise", "--seed", seed, "--count", "2", "--format", "latex",
                     "--out", str(tmp_path / name)]) == 0
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert len(files) == 12  # 6 files per variant
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()
    assert (tmp_path / "a/variant-1/exercise.mlp.json").read_bytes() != \
        (tmp_path / "c/variant-1/exercise.mlp.json").read_bytes()
    assert (tmp_path / "a/variant-1/exercise.md").read_bytes() != (tmp_path / "a/variant-2/exercise.md").read_bytes()


def test_latex_sheets_are_plain_ascii_documents(tmp_path):
    assert main(["exercise", "--seed", "2", "--format", "latex", "--out", str(tmp_path)]) == 0
    for name in ("exercise.tex", "answers.tex"):
        text = (tmp_path / "variant-1" / name).read_text()
        assert text.isascii() and text.startswith(r"\documentclass") and text.rstrip().endswith(r"\end{document}")
        assert text.count(r"\[") == text.count(r"\]") and text.count("{") == text.count("}")
        assert text.count(r"\begin{") == text.count(r"\end{")


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_latex_sheets_compile_with_pdflatex(tmp_path):
    assert main(["exercise", "--seed", "2", "--layers", "2,3,2", "--format", "latex", "--out", str(tmp_path)]) == 0
    for name in ("exercise.tex", "answers.tex"):
        result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", name],
                                cwd=tmp_path / "variant-1", capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.parametrize("args, message", [
    (["--layers", "2,x,1"], "--layers takes sizes"),
    (["--layers", "2,9,1"], "1 to 6 nodes"),
    (["--activation", "softmax", "--layers", "2,2,2"], "softmax output layer needs the cross_entropy"),
    (["--count", "0"], "--count must be 1 to 200"),
])
def test_bad_options_are_one_line_errors(tmp_path, capsys, args, message):
    assert main(["exercise", "--out", str(tmp_path), *args]) == 2
    assert message in capsys.readouterr().err
