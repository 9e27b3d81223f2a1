"""The exported PyTorch script against MLP Studio: the same predictions, and the same weights
after training (one epoch of SGD; two processes under torchrun with gloo).

Runs where torch is installed (the ``torch`` extra) and is skipped elsewhere; with
MLP_STUDIO_REQUIRE_TORCH=1 (as benchmarks/torch_interop.sh sets) a missing torch fails.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

if os.environ.get("MLP_STUDIO_REQUIRE_TORCH"):
    torch = importlib.import_module("torch")
else:
    torch = pytest.importorskip("torch")

from mlp_studio.cli import main  # noqa: E402
from mlp_studio.io.project_file import load_project, save_project  # noqa: E402
from mlp_studio.io.pytorch_export import write_pytorch_script  # noqa: E402

from tests.interop.conftest import CASES, CASE_IDS, make_project  # noqa: E402

SUBPROCESS_ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def write_data_csv(path: Path, project) -> None:
    data = project.data
    lines = [",".join(data.columns)] + [",".join(repr(float(v)) for v in row) for row in data.values]
    path.write_text("\n".join(lines) + "\n")


def load_script(path: Path):
    spec = importlib.util.spec_from_file_location(f"exported_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def exported(project, tmp_path: Path):
    script, csv_path, project_path = tmp_path / "model.py", tmp_path / "data.csv", tmp_path / "p.mlp.json"
    save_project(project, project_path)
    assert main(["export", str(project_path), "--format", "pytorch", "--out", str(script)]) == 0
    write_data_csv(csv_path, project)
    return script, csv_path, project_path


def mlp_studio_train(project_path: Path, epochs: int, capsys):
    out = project_path.with_name("trained.mlp.json")
    capsys.readouterr()
    assert main(["train", str(project_path), "--epochs", str(epochs), "--out", str(out), "--json"]) == 0
    losses = json.loads(capsys.readouterr().out)["loss"]
    return load_project(out).network, losses


def assert_same_weights(state: dict, network, rtol: float) -> None:
    for i, layer in enumerate(network.layers):
        np.testing.assert_allclose(state[f"layers.{2 * i}.weight"].numpy(), layer.weights, rtol=rtol,
                                   atol=1e-14)
        np.testing.assert_allclose(state[f"layers.{2 * i}.bias"].numpy(), layer.biases, rtol=rtol,
                                   atol=1e-14)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_script_predictions_equal_mlp_studio_predict(case, tmp_path, capsys):
    project = make_project(case)
    script, csv_path, project_path = exported(project, tmp_path)
    capsys.readouterr()
    assert main(["predict", str(project_path), str(csv_path), "--json"]) == 0
    expected = np.array(json.loads(capsys.readouterr().out)["outputs"])
    module = load_script(script)
    np.testing.assert_allclose(module.predict(project.data.raw_inputs), expected, rtol=1e-12, atol=1e-12)


def test_script_predict_command_prints_the_same_numbers(tmp_path, capsys):
    project = make_project(CASES[1])
    script, csv_path, _ = exported(project, tmp_path)
    run = subprocess.run([sys.executable, str(script), "--predict", str(csv_path)], capture_output=True,
                         text=True, env=SUBPROCESS_ENV, check=True)
    lines = run.stdout.splitlines()
    assert lines[0] == ",".join(project.data.inputs + project.data.targets)
    printed = np.array([[float(v) for v in line.split(",")] for line in lines[1:]])
    n_in = project.network.n_inputs
    np.testing.assert_array_equal(printed[:, :n_in], project.data.raw_inputs)
    np.testing.assert_allclose(printed[:, n_in:], project.predict(project.data.raw_inputs), rtol=1e-12)


TRAINING_VARIANTS = {
    "online": dict(mode="online"),
    "minibatch-shuffled-momentum": dict(mode="minibatch", batch_size=5, shuffle=True, seed=3, momentum=0.6),
    "batch-sum": dict(mode="batch", batch_reduction="sum", learning_rate=0.01),
    # three epochs, so that the schedules change the rate
    "nesterov-l2-step": dict(optimizer="nesterov", momentum=0.7, l2=0.05, schedule="step",
                             step_epochs=1, gamma=0.5),
    "adam-l1-cosine": dict(optimizer="adam", learning_rate=0.01, beta1=0.8, l1=0.01, schedule="cosine",
                           epochs=4),
    "rmsprop-invscaling-sum": dict(optimizer="rmsprop", learning_rate=0.002, rho=0.8,
                                   batch_reduction="sum", schedule="invscaling", power_t=0.25),
}
EPOCHS = {"nesterov-l2-step": 3, "adam-l1-cosine": 3, "rmsprop-invscaling-sum": 3}


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("variant", TRAINING_VARIANTS)
def test_epochs_of_training_equal_mlp_studio_train(case, variant, tmp_path, capsys):
    """One epoch of SGD in three modes; three epochs of the other optimisers, penalties and
    schedules."""
    project = make_project(case)
    project.training = replace(project.training, **TRAINING_VARIANTS[variant])
    epochs = EPOCHS.get(variant, 1)
    script, csv_path, project_path = exported(project, tmp_path)
    expected, losses = mlp_studio_train(project_path, epochs, capsys)
    module = load_script(script)
    module.train(str(csv_path), epochs, str(tmp_path / "trained.pt"), torch.float64)
    printed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("epoch ")]
    assert [float(line.split()[-1]) for line in printed] == pytest.approx(losses, rel=1e-11)
    assert_same_weights(torch.load(tmp_path / "trained.pt", weights_only=True), expected, rtol=1e-10)


def test_script_train_command_writes_the_trained_weights(tmp_path, capsys):
    project = make_project(CASES[0])
    script, csv_path, project_path = exported(project, tmp_path)
    expected, _ = mlp_studio_train(project_path, 3, capsys)
    out = tmp_path / "trained.pt"
    subprocess.run([sys.executable, str(script), "--train", str(csv_path), "--epochs", "3",
                    "--out", str(out)], capture_output=True, text=True, env=SUBPROCESS_ENV, check=True)
    assert_same_weights(torch.load(out, weights_only=True), expected, rtol=1e-10)


def test_two_processes_under_torchrun_train_like_one(tmp_path, capsys):
    """torchrun, 2 processes, gloo on CPU: each takes half of every shuffled minibatch; the
    summed shares give MLP Studio's updates (Adam, an L2 penalty, a step schedule)."""
    project = make_project(CASES[2])
    project.training = replace(project.training, mode="minibatch", batch_size=6, shuffle=True, seed=5,
                               optimizer="adam", learning_rate=0.01, l2=0.1, schedule="step",
                               step_epochs=1)
    script, csv_path, project_path = exported(project, tmp_path)
    expected, losses = mlp_studio_train(project_path, 2, capsys)
    out = tmp_path / "ddp.pt"
    run = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nnodes=1",
         "--nproc_per_node=2", str(script), "--train", str(csv_path), "--epochs", "2", "--out", str(out)],
        capture_output=True, text=True, env=SUBPROCESS_ENV, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    printed = [float(line.split()[-1]) for line in run.stdout.splitlines() if line.startswith("epoch")]
    assert printed == pytest.approx(losses, rel=1e-12)
    assert_same_weights(torch.load(out, weights_only=True), expected, rtol=1e-10)
