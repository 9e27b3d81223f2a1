"""The mlp-studio command line: JSON numbers from the reference, files, errors."""

import json
import shutil
import subprocess
import sys

import pytest

from mlp_studio.cli import main
from mlp_studio.io.resources import EXAMPLE_PROJECT, resource_path


@pytest.fixture
def example(tmp_path):
    path = tmp_path / "reference.mlp.json"
    shutil.copy(resource_path(EXAMPLE_PROJECT), path)
    return path


def run_json(capsys, *argv):
    assert main([*map(str, argv), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_trace_row0_reproduces_reference(capsys, example):
    out = run_json(capsys, "trace", example, "--row", "0")
    hidden, output = out["layers"]
    assert out["input"] == [1.0, 1.0] and out["input_raw"] == [70.0, 98.0]
    assert out["target_raw"] == [91.0] and out["target"] == [1.0]
    assert hidden["s"] == pytest.approx([-1.0, 0.5, 1.5])
    assert hidden["a"] == pytest.approx([0.2689, 0.6225, 0.8176], abs=1e-4)
    assert output["a"] == pytest.approx([0.5030], abs=1e-4)
    y = output["a"][0]
    assert output["delta"] == pytest.approx([y * (1 - y) * (y - 1.0)])
    assert out["output_raw"] == pytest.approx([68 + y * (91 - 68)])
    assert out["loss_before"] == pytest.approx(0.5 * (y - 1) ** 2)
    assert len(output["sensitivity_weights"][0]) == 3
    assert output["sensitivity_biases"] == pytest.approx([y * (1 - y)])


def test_trace_batch_reports_mean_gradient(capsys, example):
    rows = [run_json(capsys, "trace", example, "--row", r)["layers"][1]["grad_biases"][0]
            for r in range(4)]
    data = json.loads(example.read_text())
    data["training"]["mode"] = "batch"
    example.write_text(json.dumps(data))
    out = run_json(capsys, "trace", example, "--batch")
    assert out["rows"] == [0, 1, 2, 3]
    assert out["layers"][1]["grad_biases"][0] == pytest.approx(sum(rows) / 4)


def test_train_writes_beside_never_over(capsys, example):
    before = example.read_bytes()
    out = run_json(capsys, "train", example, "--epochs", "5")
    assert len(out["loss"]) == 5 and out["loss"][-1] < out["loss"][0]
    assert out["stopped"] == "reached 5 epochs"
    assert example.read_bytes() == before
    trained = example.with_name("reference.trained.mlp.json")
    assert trained.exists() and out["out"] == str(trained)
    assert main(["train", str(example), "--out", str(example)]) == 2
    assert example.read_bytes() == before
    assert main(["train", str(example), "--epochs", "1", "--in-place"]) == 0
    assert example.read_bytes() != before


def test_predict_in_data_units(capsys, example):
    csv = example.with_name("new.csv")
    csv.write_text("I1, I0\n98, 70\n")
    out = run_json(capsys, "predict", example, csv)
    y = run_json(capsys, "trace", example, "--row", "0")["output_raw"]
    assert out["outputs"][0] == pytest.approx(y)


def test_gradcheck_and_exports(capsys, example):
    out = run_json(capsys, "gradcheck", example)
    assert max(out["max_relative_difference"]) < 1e-5
    assert main(["export", str(example), "--format", "worked-example"]) == 0
    text = capsys.readouterr().out
    assert "0.2689" in text and "0.5030" in text
    assert main(["export", str(example), "--format", "reference-json"]) == 0
    weights = json.loads(capsys.readouterr().out)
    assert weights["hiddenWeights"] == [[[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]]]
    assert weights["outputWeights"] == [[0.5, -1.0, 0.0]] and weights["outputBias"] == [0.5]
    assert main(["export", str(example), "--format", "reference-minmax"]) == 0
    minmax = json.loads(capsys.readouterr().out)
    assert minmax == {"minInput": [25, 67], "maxInput": [70, 98], "minOutput": [68], "maxOutput": [91]}


def test_user_errors_exit_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.mlp.json"
    bad.write_text('{"format": "mlp-studio-project", "version": 1, "network": {"inputs": 2, "layers": [')
    proc = subprocess.run([sys.executable, "-m", "mlp_studio", "trace", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "bad.mlp.json" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "mlp_studio", "trace", str(tmp_path / "none.json")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_reference_tool_files_round_trip_through_the_cli(capsys, example, tmp_path):
    weights, minmax = tmp_path / "w.json", tmp_path / "mm.json"
    assert main(["export", str(example), "--format", "reference-json", "--out", str(weights)]) == 0
    assert main(["export", str(example), "--format", "reference-minmax", "--out", str(minmax)]) == 0
    out = tmp_path / "imported.mlp.json"
    csv = resource_path("reference.csv")
    assert main(["import-reference", str(weights), "--minmax", str(minmax), "--csv", str(csv),
                 "--out", str(out)]) == 0
    capsys.readouterr()
    imported = run_json(capsys, "trace", out, "--row", "0")
    original = run_json(capsys, "trace", example, "--row", "0")
    assert imported["layers"][1]["a"] == original["layers"][1]["a"]
    assert imported["output_raw"] == pytest.approx(original["output_raw"])


def test_unscaled_sigmoid_target_is_warned_about(capsys, example):
    data = json.loads(example.read_text())
    data["data"]["scaling"] = {"inputs": "minmax01", "targets": "none"}
    example.write_text(json.dumps(data))
    assert main(["trace", str(example), "--json"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)  # stdout stays pure JSON
    assert out["target"] == [91.0]
    assert out["layers"][1]["delta"][0] == pytest.approx(-22.62, abs=0.01)  # the reference's slip
    err = captured.err
    assert "warning" in err and "91" in err and "sigmoid" in err


def test_train_holds_rows_out_as_the_app_does(capsys, tmp_path):
    from mlp_studio.core.evaluation import dataset_loss, holdout_split
    from mlp_studio.core.training import Trainer
    from mlp_studio.io.project_file import load_project, save_project

    project = load_project(resource_path("noisy_sine.mlp.json"))
    project.training.holdout, project.training.seed = 0.25, 3
    path = tmp_path / "sine.mlp.json"
    save_project(project, path)
    out = run_json(capsys, "train", path, "--epochs", "4")
    trained = load_project(tmp_path / "sine.trained.mlp.json")
    assert trained.training.holdout == 0.25  # the setting travels with the project
    train_rows, val_rows = holdout_split(project.data.n_rows, 0.25, 3)
    data = project.data
    headless = Trainer(project.network.copy(), data.X[train_rows], data.Z[train_rows], project.loss,
                       project.training).train(4)
    assert trained.network.equals(headless.network) and out["loss"] == headless.losses
    expected = dataset_loss(trained.network, data.X[val_rows], data.Z[val_rows], project.loss)
    assert len(out["validation_loss"]) == 4 and out["validation_loss"][-1] == pytest.approx(expected, rel=1e-12)


def test_train_with_adam_l2_and_a_schedule_equals_the_core_and_saves_them(capsys, example):
    from dataclasses import replace

    from mlp_studio.core.training import Trainer
    from mlp_studio.io.project_file import load_project

    out = run_json(capsys, "train", example, "--epochs", "6", "--optimizer", "adam", "--l2", "0.01",
                   "--schedule", "step", "--step-epochs", "2", "--gamma", "0.5")
    project = load_project(example)
    config = replace(project.training, optimizer="adam", l2=0.01, schedule="step", step_epochs=2,
                     gamma=0.5)
    core = Trainer(project.network.copy(), project.data.X, project.data.Z, project.loss, config).train(6)
    assert out["loss"] == core.losses
    trained = load_project(out["out"])
    assert trained.network.equals(core.network)
    assert (trained.training.optimizer, trained.training.l2, trained.training.schedule) == ("adam", 0.01, "step")
    saved = json.loads(example.with_name("reference.trained.mlp.json").read_text())["training"]
    assert saved["optimizer"] == "adam" and "beta1" not in saved  # defaults stay out of the file
    assert main(["train", str(example), "--momentum", "1.5"]) == 2
    assert "momentum must be in [0, 1), got 1.5" in capsys.readouterr().err
