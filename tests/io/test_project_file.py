"""Project files: the format in docs/file-formats.md, fitted scaling, strict checks with JSON paths.

Numbers come from the reference document (its normalised table and its
forward pass for the input (1, 1)) or from hand calculation.
"""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from mlp_studio.core.training import TrainingConfig
from mlp_studio.errors import MLPError
from mlp_studio.io import project_file
from mlp_studio.io.project_file import (
    load_project, loads_project, project_from_dict, project_to_dict, save_project)

# The reference example as a version-1 project (scaling by method name, optional keys left out).
REFERENCE_PROJECT = """
{"format": "mlp-studio-project", "version": 1,
 "network": {"inputs": 2, "layers": [
   {"activation": "sigmoid", "weights": [[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]], "biases": [0.5, 0.5, 0.5]},
   {"activation": "sigmoid", "weights": [[0.5, -1.0, 0.0]], "biases": [0.5]}]},
 "loss": "half_squared_error",
 "data": {"columns": ["I0", "I1", "Z0"], "rows": [[70, 98, 91], [50, 85, 82], [65, 67, 80], [25, 95, 68]],
          "inputs": ["I0", "I1"], "targets": ["Z0"],
          "scaling": {"inputs": "minmax01", "targets": "minmax01"}},
 "training": {"learning_rate": 0.1, "mode": "online", "batch_size": 1,
              "batch_reduction": "mean", "epochs": 1000, "shuffle": false, "seed": 0}}
"""


def example() -> dict:
    return json.loads(REFERENCE_PROJECT)


def error_of(data, source: str = "") -> MLPError:
    with pytest.raises(MLPError) as info:
        project_from_dict(data, source)
    return info.value


def test_the_reference_project_loads_with_the_reference_numbers():
    p = loads_project(REFERENCE_PROJECT)
    assert p.network.sizes == [2, 3, 1]
    assert p.network.layers[0].weights.tolist() == [[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]]
    assert p.network.layers[1].biases.tolist() == [0.5]
    assert p.loss == "half_squared_error"
    # The reference document's [0, 1] table: I0 -> 1.0, 0.5555, 0.8888, 0.0; I1 -> 1.0, 0.5806, 0.0, 0.9032.
    np.testing.assert_allclose(p.data.X[:, 0], [1.0, 0.5555, 0.8888, 0.0], atol=1e-4)
    np.testing.assert_allclose(p.data.X[:, 1], [1.0, 0.5806, 0.0, 0.9032], atol=1e-4)
    # Targets are scaled too: (91 - 68) / (91 - 68) = 1, (82 - 68) / 23, ...
    np.testing.assert_allclose(p.data.Z[:, 0], [1.0, 14 / 23, 12 / 23, 0.0], rtol=1e-15)
    # The reference's forward pass for the input (1, 1): y = 0.5030.
    assert p.network.forward(np.array([1.0, 1.0]))[0] == pytest.approx(0.5030, abs=5e-5)
    assert p.training == TrainingConfig(learning_rate=0.1, mode="online", batch_size=1,
                                        batch_reduction="mean", epochs=1000, shuffle=False, seed=0)


def test_save_writes_the_fitted_scaling_and_reloads_exactly(tmp_path):
    p = loads_project(REFERENCE_PROJECT)
    path = tmp_path / "ref.mlp.json"
    save_project(p, path)
    saved = json.loads(path.read_text())
    assert saved["data"]["scaling"] == {
        "inputs": {"method": "minmax01", "min": [25.0, 67.0], "max": [70.0, 98.0]},
        "targets": {"method": "minmax01", "min": [68.0], "max": [91.0]}}
    assert saved["data"]["rows"] == [[70, 98, 91], [50, 85, 82], [65, 67, 80], [25, 95, 68]]
    assert saved["network"] == example()["network"]
    q = load_project(path)
    assert q.network.equals(p.network)
    assert np.array_equal(q.data.X, p.data.X) and np.array_equal(q.data.Z, p.data.Z)
    assert q.training == p.training
    assert project_to_dict(q) == saved


def test_whole_numbers_are_saved_as_integers_but_negative_zero_keeps_its_sign():
    d = example()
    d["data"]["rows"][0] = [-5, -0.0, 2.5]
    p = project_from_dict(d)
    p.training.batch_size = np.int64(2)  # NumPy scalars, as a widget might hand them over
    text = project_file.dumps_project(p)
    saved = json.loads(text)
    assert saved["data"]["rows"][0] == [-5, -0.0, 2.5]
    assert [type(v) for v in saved["data"]["rows"][0]] == [int, float, float]
    assert "[-5, -0.0, 2.5]" in text
    assert saved["training"]["batch_size"] == 2


def test_stored_scaler_is_used_instead_of_refitting():
    d = example()
    d["data"]["scaling"] = {"inputs": {"method": "minmax01", "min": [0, 50], "max": [100, 100]},
                            "targets": {"method": "minmax11", "min": [60], "max": [100]}}
    p = project_from_dict(d)
    # 70 -> (70 - 0) / 100 = 0.7; 98 -> (98 - 50) / 50 = 0.96; 91 -> 2 (91 - 60) / 40 - 1 = 0.55
    np.testing.assert_allclose(p.data.X[0], [0.7, 0.96], rtol=1e-15)
    assert p.data.Z[0, 0] == pytest.approx(0.55, rel=1e-15)


def test_zscore_and_none_scaling_objects():
    d = example()
    d["data"]["scaling"] = {"inputs": {"method": "zscore", "mean": [50, 80], "std": [10, 20]},
                            "targets": {"method": "none"}}
    p = project_from_dict(d)
    np.testing.assert_allclose(p.data.X[0], [(70 - 50) / 10, (98 - 80) / 20], rtol=1e-15)
    assert p.data.Z[:, 0].tolist() == [91, 82, 80, 68]
    again = project_to_dict(p)["data"]["scaling"]
    assert again == {"inputs": {"method": "zscore", "mean": [50.0, 80.0], "std": [10.0, 20.0]},
                     "targets": {"method": "none"}}


def test_data_and_training_may_be_absent_and_training_keys_take_defaults():
    d = example()
    del d["data"]
    d["training"] = {"learning_rate": 0.5, "momentum": 0.9, "target_loss": 0.01, "patience": 5,
                     "epochs": None}
    p = project_from_dict(d)
    assert p.data is None
    assert p.training == TrainingConfig(learning_rate=0.5, momentum=0.9, target_loss=0.01,
                                        patience=5, epochs=None)
    del d["training"]
    assert project_from_dict(d).training == TrainingConfig()
    assert "data" not in project_to_dict(project_from_dict(d))


def _set(path: str, value):
    """A mutation of the example: set the value at a dotted path (``[i]`` for lists)."""
    def apply(d):
        keys = path.replace("[", ".").replace("]", "").split(".")
        target = d
        for k in keys[:-1]:
            target = target[int(k)] if k.isdigit() else target[k]
        last = keys[-1]
        if value is _DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
        return d
    return apply


_DELETE = object()

CASES = [
    (_set("network.layers[1].weights[0]", [0.5, -1.0]), "network.layers[1].weights[0]",
     "expected 3 numbers, got 2"),
    (_set("network.layers[0].biases", [0.5, 0.5]), "network.layers[0].biases",
     "expected 3 numbers, got 2"),
    (_set("network.layers[0].weights[2][1]", True), "network.layers[0].weights[2][1]",
     "expected a number, got true"),
    (_set("network.layers[0].weights[2][1]", "0.5"), "network.layers[0].weights[2][1]",
     "expected a number, got a string"),
    (_set("network.layers[0].weights", "abc"), "network.layers[0].weights",
     "expected a list of lists of numbers, got a string"),
    (_set("network.layers[0].weights[1]", 3), "network.layers[0].weights[1]",
     "expected a list of numbers, got a number"),
    (_set("network.layers[0].weights[0][0]", 1e400), "network.layers[0].weights[0][0]",
     "too large"),
    (_set("network.layers[0].weights[0][0]", 10**400), "network.layers[0].weights[0][0]",
     "too large"),
    (_set("network.layers[0].biases[1]", float("nan")), "network.layers[0].biases[1]", "NaN"),
    (_set("network.inputs", "2"), "network.inputs", "expected a whole number, got a string"),
    (_set("network.inputs", 3), "network.layers[0].weights[0]", "expected 3 numbers, got 2"),
    (_set("network.layers", []), "network.layers", "non-empty list"),
    (_set("network.layers[0].weight", []), "network.layers[0].weight", "unknown key 'weight'"),
    (_set("network.layers[0].biases", _DELETE), "network.layers[0]", "missing key 'biases'"),
    (_set("network.layers[0].activation", "swish"), "network.layers[0].activation",
     "unknown value 'swish'"),
    (_set("network.layers[0].activation", "__import__('os').system('false')"),
     "network.layers[0].activation", "unknown value"),
    (_set("network.layers[0].activation", "softmax"), "network.layers[0].activation",
     "output layer only"),
    (_set("loss", "hinge"), "loss", "unknown value 'hinge'"),
    (_set("network.layers[1].activation", "tanh"), "", ""),  # valid: tanh output, half SE
    (_set("loss", "cross_entropy"), "", ""),  # valid: binary cross-entropy, sigmoid output
    (_set("extra", 1), "extra", "unknown key 'extra'"),
    (_set("format", "something-else"), "format", "not an MLP Studio project"),
    (_set("version", 2), "version", "made by a newer MLP Studio"),
    (_set("version", 0), "version", "unknown file format version 0"),
    (_set("version", True), "version", "expected a whole-number format version, got true"),
    (_set("version", "1"), "version", "got a string"),
    (_set("data.inputs[1]", "I9"), "data.inputs[1]", "no column named 'I9'"),
    (_set("data.inputs", ["I0"]), "data", "2 inputs and 1 outputs but the data has 1 input"),
    (_set("data.targets", ["I1"]), "data", "both an input and a target"),
    (_set("data.rows[2]", [65, 67]), "data.rows[2]", "expected 3 numbers, got 2"),
    (_set("data.rows[3][0]", None), "data.rows[3][0]", "expected a number, got null"),
    (_set("data.rows", []), "data.rows", "at least one row"),
    (_set("data.columns[2]", "I0"), "data.columns[2]", "'I0' appears twice"),
    (_set("data.scaling.inputs", "log"), "data.scaling.inputs", "unknown value 'log'"),
    (_set("data.scaling.inputs", {"method": "minmax01", "min": [0, 0]}), "data.scaling.inputs",
     "missing key 'max'"),
    (_set("data.scaling.inputs", {"method": "minmax01", "min": [0], "max": [1]}),
     "data.scaling.inputs.min", "expected 2 numbers, got 1"),
    (_set("data.scaling.targets", {"method": "zscore", "mean": [0], "std": [-1]}),
     "data.scaling.targets.std[0]", "cannot be negative"),
    (_set("data.scaling.targets", {"method": "none", "min": [0]}), "data.scaling.targets.min",
     "unknown key 'min'"),
    (_set("training.mode", "stochastic"), "training.mode", "unknown value 'stochastic'"),
    (_set("training.batch_reduction", "max"), "training.batch_reduction", "choose one of mean, sum"),
    (_set("training.shuffle", 1), "training.shuffle", "expected true or false, got a number"),
    (_set("training.batch_size", 1.5), "training.batch_size", "expected a whole number, got 1.5"),
    (_set("training.learning_rate", -1), "training", "learning rate must be a positive number"),
    (_set("training.learning_rate", False), "training.learning_rate", "got false"),
    (_set("training.momentum", 1.0), "training", "momentum must be in [0, 1)"),
    (_set("training.speed", 3), "training.speed", "unknown key 'speed'"),
    (_set("training.holdout", 1.0), "training", "hold-out fraction must be in [0, 1)"),
    (_set("training.holdout", "a quarter"), "training.holdout", "expected a number"),
]


@pytest.mark.parametrize("mutate, path, fragment", CASES)
def test_bad_values_name_their_json_path(mutate, path, fragment):
    d = mutate(copy.deepcopy(example()))
    if not path:
        project_from_dict(d)  # the control cases load
        return
    err = error_of(d, "p.mlp.json")
    assert err.where == f"p.mlp.json: {path}"
    assert fragment in err.message
    assert str(err).startswith(f"p.mlp.json: {path}: ")


def test_the_contract_example_message():
    d = _set("network.layers[1].weights[0]", [0.5, -1.0])(example())
    assert str(error_of(d)) == "network.layers[1].weights[0]: expected 3 numbers, got 2"


def test_newer_version_says_upgrade(tmp_path):
    path = tmp_path / "new.mlp.json"
    path.write_text(json.dumps(dict(example(), version=7, future_key={"x": 1})))
    with pytest.raises(MLPError) as info:
        load_project(path)
    assert "newer MLP Studio" in info.value.message and "please upgrade" in info.value.message


def test_truncated_file_names_line_and_column(tmp_path):
    path = tmp_path / "cut.mlp.json"
    save_project(loads_project(REFERENCE_PROJECT), path)
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(MLPError) as info:
        load_project(path)
    lines = text[: len(text) // 2].split("\n")
    assert info.value.where == f"{path}, line {len(lines)}, column {len(lines[-1]) + 1}"
    assert "not valid JSON" in info.value.message


def test_not_json_and_not_text(tmp_path):
    path = tmp_path / "x.mlp.json"
    path.write_text("format = 'mlp-studio-project'\n")
    with pytest.raises(MLPError) as info:
        load_project(path)
    assert info.value.where == f"{path}, line 1, column 1"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(MLPError, match="not UTF-8"):
        load_project(path)
    path.write_bytes(b"")
    with pytest.raises(MLPError, match="empty"):
        load_project(path)
    path.write_text("[1, 2]")
    with pytest.raises(MLPError, match="expected a JSON object, got a list"):
        load_project(path)


def test_nan_literal_in_the_file(tmp_path):
    path = tmp_path / "nan.mlp.json"
    path.write_text(REFERENCE_PROJECT.replace("[0.5, -1.0, 0.0]", "[0.5, NaN, 0.0]"))
    with pytest.raises(MLPError) as info:
        load_project(path)
    assert info.value.where == f"{path}: network.layers[1].weights[0][1]"


def test_duplicate_keys(tmp_path):
    path = tmp_path / "dup.mlp.json"
    path.write_text(REFERENCE_PROJECT.replace('"loss": "half_squared_error"',
                                            '"loss": "half_squared_error", "loss": "cross_entropy"'))
    with pytest.raises(MLPError, match="'loss' appears twice"):
        load_project(path)


def test_too_large_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.mlp.json"
    with open(path, "wb") as f:
        f.truncate(51 * 2**20)  # sparse: nothing is written or read
    monkeypatch.setattr(project_file, "parse_json", lambda *a: pytest.fail("read the file"))
    with pytest.raises(MLPError, match="too large"):
        load_project(path)


def test_a_project_too_large_to_open_again_is_not_saved(tmp_path, monkeypatch):
    monkeypatch.setattr(project_file, "MAX_PROJECT_BYTES", 1000)
    path = tmp_path / "p.mlp.json"
    path.write_text("old")
    with pytest.raises(MLPError, match="over the 0 MB a project file may have .its data has 4 rows"):
        save_project(loads_project(REFERENCE_PROJECT), path)
    assert path.read_text() == "old"


def test_json_bomb_of_deep_nesting(tmp_path):
    path = tmp_path / "deep.mlp.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(MLPError, match="nested too deeply"):
        load_project(path)
    d = example()
    d["network"]["layers"][0]["weights"] = json.loads("[" * 500 + "]" * 500)
    assert "network.layers[0].weights" in str(error_of(d))


def test_non_finite_network_is_not_saved(tmp_path):
    p = loads_project(REFERENCE_PROJECT)
    p.network.layers[1].weights[0, 2] = np.inf
    with pytest.raises(MLPError) as info:
        save_project(p, tmp_path / "x.mlp.json")
    assert info.value.where == "network.layers[1]"
    assert not (tmp_path / "x.mlp.json").exists()


def test_history_round_trips_and_bad_history_says_where(tmp_path):
    from mlp_studio.core.network import Network
    from mlp_studio.core.project import Project
    from mlp_studio.core.timeline import History, HistoryEntry
    from mlp_studio.io.project_file import load_project, loads_project, save_project
    from mlp_studio.errors import MLPError
    import json
    import pytest

    nets = [Network.create([2, 3, 1], seed=s) for s in (1, 2, 3)]
    project = Project(nets[2].copy(), history=History(
        [HistoryEntry(f"step {i}", n) for i, n in enumerate(nets)], current=2))
    path = tmp_path / "h.mlp.json"
    save_project(project, path)
    back = load_project(path).history
    assert back.current == 2 and [e.label for e in back.entries] == ["step 0", "step 1", "step 2"]
    assert all(a.network.equals(b) for a, b in zip(back.entries, nets))
    data = json.loads(path.read_text())
    data["history"]["current"] = 3
    with pytest.raises(MLPError, match="from 0 to 2") as err:
        loads_project(json.dumps(data))
    assert err.value.where == "history.current"
    data["history"]["current"] = 0
    data["history"]["entries"][1]["network"]["layers"][0]["weights"][0] = [1]
    with pytest.raises(MLPError) as err:
        loads_project(json.dumps(data))
    assert err.value.where == "history.entries[1].network.layers[0].weights[0]"


def test_derived_columns_are_saved_as_expressions_and_computed_on_load(tmp_path):
    from mlp_studio.core.dataset import Dataset
    from mlp_studio.core.derived import DerivedColumn, with_derived
    from mlp_studio.core.network import Network
    from mlp_studio.core.project import Project
    from mlp_studio.io.project_file import load_project, project_to_dict, save_project

    derived = (DerivedColumn("x1x2", "x1*x2"), DerivedColumn("r2", "x1**2 + x2**2"))
    base = np.array([[0.5, -2.0, 1.0], [1.5, 3.0, 0.0], [-1.0, 0.25, 1.0]])
    columns, values = with_derived(["x1", "x2", "label"], base, derived)
    data = Dataset(columns, values, ["x1", "x2", "x1x2", "r2"], ["label"], derived=derived)
    project = Project(Network.create([4, 2, 1]), data=data)
    saved = project_to_dict(project)["data"]
    assert saved["columns"] == ["x1", "x2", "label"] and saved["rows"][1] == [1.5, 3, 0]
    assert saved["derived"] == [{"name": "x1x2", "expression": "x1*x2"},
                                {"name": "r2", "expression": "x1**2 + x2**2"}]
    path = tmp_path / "p.mlp.json"
    save_project(project, path)
    loaded = load_project(path).data
    assert loaded.columns == columns and loaded.derived == derived
    assert loaded.raw_inputs[:, 2].tolist() == [-1.0, 4.5, -0.25]
    assert loaded.raw_inputs[:, 3].tolist() == [4.25, 11.25, 1.0625]


def test_a_derived_column_that_cannot_be_computed_names_its_place():
    from mlp_studio.core.project import Project
    from mlp_studio.io.project_file import loads_project, project_to_dict
    from tests.core.reference_net import reference_dataset, reference_network

    d = project_to_dict(Project(reference_network(), data=reference_dataset()))
    d["data"]["derived"] = [{"name": "bad", "expression": "I0 / (I1 - I1)"}]
    with pytest.raises(MLPError, match=r"data\.derived.*not a finite number in data row 0"):
        loads_project(json.dumps(d))
    d["data"]["derived"] = [{"name": "x", "expression": 3}]
    with pytest.raises(MLPError, match=r"data\.derived\[0\]\.expression: expected a string"):
        loads_project(json.dumps(d))
