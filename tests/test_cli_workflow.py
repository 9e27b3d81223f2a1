"""The whole loop from the command line on the bundled CSVs: new -> train -> evaluate ->
predict. evaluate's numbers are checked against numbers computed here with NumPy from
predict's outputs and the project file's scaling, and against scikit-learn."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.metrics import confusion_matrix

from mlp_studio.cli import main
from mlp_studio.io.resources import resource_path

BUNDLED = ["noisy_sine.csv", "reference.csv", "two_moons.csv", "xor.csv"]


def run(capsys, *argv) -> tuple[str, str]:
    assert main([str(a) for a in argv]) == 0
    captured = capsys.readouterr()
    return captured.out, captured.err


def run_json(capsys, *argv):
    out, err = run(capsys, *argv, "--json")
    return json.loads(out), err


def read_rows(path) -> tuple[list[str], list[list[str]]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    split = [[cell.strip() for cell in line.split(",")] for line in lines]
    return split[0], split[1:]


def split_csv(source, tmp_path) -> tuple:
    """(training CSV, held-back CSV): every fourth row held back when there are enough."""
    header, rows = read_rows(source)
    held = [r for i, r in enumerate(rows) if i % 4 == 3] if len(rows) >= 8 else rows
    train = [r for i, r in enumerate(rows) if i % 4 != 3] if len(rows) >= 8 else rows
    paths = []
    for name, part in (("train.csv", train), ("held.csv", held)):
        path = tmp_path / name
        path.write_text("\n".join(",".join(r) for r in [header, *part]) + "\n", encoding="utf-8")
        paths.append(path)
    return tuple(paths)


def scale(values: np.ndarray, scaling: dict) -> np.ndarray:
    """The project file's scaling written out: (v - min) / (max - min), and so on."""
    method = scaling["method"]
    if method == "none":
        return values
    if method == "zscore":
        return (values - np.array(scaling["mean"])) / np.array(scaling["std"])
    lo, hi = np.array(scaling["min"]), np.array(scaling["max"])
    unit = (values - lo) / np.where(hi == lo, 1.0, hi - lo)
    return unit * 2 - 1 if method == "minmax11" else unit


def loss_by_hand(y: np.ndarray, z: np.ndarray, loss: str) -> float:
    """Per-sample loss averaged over the rows (the training's mean reduction)."""
    if loss == "half_squared_error":
        return float(np.mean(0.5 * np.sum((y - z) ** 2, axis=1)))
    if y.shape[1] == 1:
        return float(-np.mean(z * np.log(y) + (1 - z) * np.log(1 - y)))
    return float(-np.mean(np.sum(z * np.log(y), axis=1)))


def target_values(path, names: list[str]) -> np.ndarray:
    """The target columns of a CSV file as numbers; ``col=name`` columns as 0/1 of a class."""
    header, rows = read_rows(path)
    columns = []
    for name in names:
        if name in header:
            columns.append([float(r[header.index(name)]) for r in rows])
        else:
            column, _, label = name.rpartition("=")
            columns.append([float(r[header.index(column)] == label) for r in rows])
    return np.array(columns).T


@pytest.mark.parametrize("name", BUNDLED)
def test_the_loop_on_a_bundled_csv(capsys, tmp_path, name):
    train_csv, held_csv = split_csv(resource_path(name), tmp_path)
    project = tmp_path / "p.mlp.json"
    out, err = run(capsys, "new", "--csv", train_csv, "--hidden", "4", "--seed", "1",
                   "--out", project)
    assert out.startswith(f"wrote {project}: network ") and "output layer" in err
    result, _ = run_json(capsys, "train", project, "--epochs", "40")
    assert len(result["loss"]) == 40
    trained = tmp_path / "p.trained.mlp.json"
    evaluation, _ = run_json(capsys, "evaluate", trained, held_csv)
    predicted, _ = run_json(capsys, "predict", trained, held_csv)

    saved = json.loads(trained.read_text())
    data = saved["data"]
    y = np.array(predicted["outputs"])
    z_raw = target_values(held_csv, data["targets"])
    assert predicted["columns"] == data["targets"] and y.shape == z_raw.shape
    y_scaled = scale(y, data["scaling"]["targets"])
    z_scaled = scale(z_raw, data["scaling"]["targets"])
    assert evaluation["rows"] == len(z_raw)
    assert evaluation["loss"] == pytest.approx(loss_by_hand(y_scaled, z_scaled, saved["loss"]),
                                               rel=1e-9)
    if name in ("two_moons.csv", "xor.csv"):  # 0/1 labels: classes
        assert saved["loss"] == "cross_entropy"
        true, pred = z_raw[:, 0].astype(int), (y[:, 0] >= 0.5).astype(int)
        counted = [[int(np.sum((true == t) & (pred == p))) for p in (0, 1)] for t in (0, 1)]
        assert evaluation["confusion"] == counted
        assert evaluation["confusion"] == confusion_matrix(true, pred, labels=[0, 1]).tolist()
        assert evaluation["accuracy"] == pytest.approx(np.mean(true == pred))
    else:
        assert saved["loss"] == "half_squared_error"
        assert evaluation["accuracy"] is None and evaluation["confusion"] is None


def write_iris(path, rows) -> None:
    iris = load_iris()
    lines = ["sepal_length,sepal_width,petal_length,petal_width,species"]
    lines += [",".join(f"{v:g}" for v in iris.data[i]) + "," + iris.target_names[iris.target[i]]
              for i in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_loop_with_class_names(capsys, tmp_path):
    train_csv, held_csv = tmp_path / "iris.csv", tmp_path / "held.csv"
    write_iris(train_csv, range(0, 150, 2))
    write_iris(held_csv, [i for i in range(1, 150, 2) if i < 100])  # no virginica held back
    project = tmp_path / "iris.mlp.json"
    _, err = run(capsys, "new", "--csv", train_csv, "--hidden", "5", "--learning-rate", "0.5",
                 "--out", project)
    assert "output layer softmax with the cross_entropy loss" in err
    run(capsys, "train", project, "--epochs", "60", "--quiet")
    trained = tmp_path / "iris.trained.mlp.json"
    evaluation, _ = run_json(capsys, "evaluate", trained, held_csv)
    predicted, _ = run_json(capsys, "predict", trained, held_csv)
    saved = json.loads(trained.read_text())
    assert saved["data"]["targets"] == ["species=setosa", "species=versicolor", "species=virginica"]
    y = np.array(predicted["outputs"])
    z = target_values(held_csv, saved["data"]["targets"])
    assert z[:, 2].sum() == 0 and evaluation["rows"] == 50
    assert evaluation["loss"] == pytest.approx(-np.mean(np.sum(z * np.log(y), axis=1)), rel=1e-9)
    true, pred = z.argmax(axis=1), y.argmax(axis=1)
    assert evaluation["confusion"] == confusion_matrix(true, pred, labels=[0, 1, 2]).tolist()
    assert sum(map(sum, evaluation["confusion"])) == 50 and evaluation["confusion"][2] == [0, 0, 0]
    assert evaluation["accuracy"] == pytest.approx(np.mean(true == pred))
    text, _ = run(capsys, "evaluate", trained, held_csv)
    assert "predicted versicolor" in text and "true setosa" in text
    assert f"{np.trace(np.array(evaluation['confusion']))} of 50 rows" in text


def test_new_stores_the_settings_given(capsys, tmp_path):
    project = tmp_path / "x.mlp.json"
    run(capsys, "new", "--csv", resource_path("reference.csv"), "--inputs", "I1,I0", "--hidden",
        "3,2", "--activation", "tanh", "--init", "zeros", "--scaling", "minmax11",
        "--target-scaling", "minmax01", "--learning-rate", "0.25", "--mode", "minibatch",
        "--batch-size", "2", "--epochs", "7", "--holdout", "0.25", "--seed", "5", "--out", project)
    saved = json.loads(project.read_text())
    layers = saved["network"]["layers"]
    assert [l["activation"] for l in layers] == ["tanh", "tanh", "sigmoid"]
    assert [np.shape(l["weights"]) for l in layers] == [(3, 2), (2, 3), (1, 2)]
    assert all(not np.any(l["weights"]) for l in layers)
    # columns keep the file's order, as in the app's column dialog
    assert saved["data"]["inputs"] == ["I0", "I1"] and saved["data"]["targets"] == ["Z0"]
    assert saved["data"]["scaling"]["inputs"] == {"method": "minmax11", "min": [25, 67], "max": [70, 98]}
    assert saved["data"]["rows"] == [[70, 98, 91], [50, 85, 82], [65, 67, 80], [25, 95, 68]]
    assert {k: saved["training"][k] for k in ("learning_rate", "mode", "batch_size", "epochs",
                                               "holdout", "seed")} == \
        {"learning_rate": 0.25, "mode": "minibatch", "batch_size": 2, "epochs": 7,
         "holdout": 0.25, "seed": 5}


def test_new_refuses_what_cannot_work_and_keeps_files(capsys, tmp_path):
    project = tmp_path / "x.mlp.json"
    project.write_text("mine")
    csv = resource_path("xor.csv")
    assert main(["new", "--csv", str(csv), "--out", str(project)]) == 2
    assert "--force" in capsys.readouterr().err and project.read_text() == "mine"
    fresh = tmp_path / "y.mlp.json"
    for argv, message in (
            (["--loss", "cross_entropy", "--output-activation", "identity"], "cross_entropy needs"),
            (["--targets", "z"], "no column named 'z'; the columns are 'x1', 'x2', 'y'"),
            (["--hidden", "3,0"], "at least one node"),
            (["--hidden", "3;2"], "--hidden must be node counts")):
        assert main(["new", "--csv", str(csv), "--out", str(fresh), *argv]) == 2
        err = capsys.readouterr().err
        assert err.startswith("mlp-studio: error: ") and message in err and err.count("\n") == 1
        assert not fresh.exists()


def test_no_hidden_layer(capsys, tmp_path):
    project = tmp_path / "x.mlp.json"
    run(capsys, "new", "--csv", resource_path("noisy_sine.csv"), "--hidden", "none", "--out", project)
    assert json.loads(project.read_text())["network"]["inputs"] == 1
    assert len(json.loads(project.read_text())["network"]["layers"]) == 1


def test_warnings_are_said_once_with_the_count_of_rows(capsys, tmp_path):
    project = tmp_path / "sine.mlp.json"
    run(capsys, "new", "--csv", resource_path("noisy_sine.csv"), "--out", project)
    far = tmp_path / "far.csv"
    xs = [0.5, 7.0, 8.0, -1.0, 0.25, 9.0]
    far.write_text("x,y\n" + "".join(f"{x},0.5\n" for x in xs))
    _, err = run(capsys, "predict", project, far)
    assert err.count("warning") == 1
    assert "4 of 6 rows have inputs outside the range of the training data" in err
    project_json = json.loads(project.read_text())
    project_json["data"]["scaling"]["targets"] = {"method": "none"}
    for r, row in enumerate(project_json["data"]["rows"]):
        row[1] = {3: 2.5, 5: -4.0}.get(r, 0.5)
    project.write_text(json.dumps(project_json))
    _, err = run(capsys, "trace", project)
    assert err.count("warning") == 1 and "2 of 100 rows have targets outside [0, 1]" in err


def test_evaluate_refuses_rows_without_the_projects_columns(capsys, tmp_path):
    project = tmp_path / "xor.mlp.json"
    run(capsys, "new", "--csv", resource_path("xor.csv"), "--out", project)
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2\n0,1\n")
    assert main(["evaluate", str(project), str(bad)]) == 2
    assert "the CSV lacks the target columns 'y'" in capsys.readouterr().err
    bad.write_text("x1,x2,y\n0,1,0.5\n")
    assert main(["evaluate", str(project), str(bad)]) == 2
    assert "trained on classes" in capsys.readouterr().err


def test_a_project_without_data_points_to_new(capsys, tmp_path):
    from mlp_studio.core.network import Network
    from mlp_studio.core.project import Project
    from mlp_studio.io.project_file import save_project

    bare = tmp_path / "bare.mlp.json"
    save_project(Project(Network.create([2, 3, 1])), bare)
    for argv in (["evaluate", bare, resource_path("xor.csv")], ["train", bare]):
        assert main([str(a) for a in argv]) == 2
        err = capsys.readouterr().err
        assert "the project has no data" in err and "mlp-studio new --csv FILE" in err


def test_derived_inputs_are_computed_from_the_new_rows(capsys, tmp_path):
    from mlp_studio.core.dataset import Dataset
    from mlp_studio.core.derived import DerivedColumn, with_derived
    from mlp_studio.core.network import Network
    from mlp_studio.core.project import Project
    from mlp_studio.io.project_file import save_project

    rows = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]], float)
    product = (DerivedColumn("x1x2", "x1*x2"),)
    columns, values = with_derived(["x1", "x2", "y"], rows, product)
    data = Dataset(columns, values, ["x1", "x2", "x1x2"], ["y"], "none", "none", derived=product)
    net = Network.create([3, 1], "identity", seed=2)
    project = tmp_path / "xor3.mlp.json"
    save_project(Project(net, data=data), project)
    new_rows = tmp_path / "new.csv"
    new_rows.write_text("x2,x1,y\n0.5,0.5,1\n1,0.25,0\n")
    predicted, _ = run_json(capsys, "predict", project, new_rows)
    w, b = net.layers[0].weights[0], net.layers[0].biases[0]
    by_hand = [w @ [0.5, 0.5, 0.25] + b, w @ [0.25, 1, 0.25] + b]
    assert np.array(predicted["outputs"])[:, 0] == pytest.approx(by_hand, rel=1e-12)
    evaluation, _ = run_json(capsys, "evaluate", project, new_rows)
    z = np.array([1.0, 0.0])
    assert evaluation["loss"] == pytest.approx(np.mean(0.5 * (np.array(by_hand) - z) ** 2), rel=1e-12)
