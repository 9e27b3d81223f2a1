"""Bundled resources: found by name, and every example project loads and learns."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mlp_studio.core.training import Trainer
from mlp_studio.errors import MLPError
from mlp_studio.io import resources
from mlp_studio.io.csv_table import read_csv
from mlp_studio.io.project_file import load_project
from mlp_studio.io.resources import EXAMPLE_PROJECT, EXAMPLE_PROJECTS, resource_path

ROOT = Path(__file__).resolve().parents[2]


def test_example_project_is_the_reference_example():
    p = load_project(resource_path(EXAMPLE_PROJECT))
    assert p.network.layers[0].weights.tolist() == [[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]]
    assert p.network.layers[1].weights.tolist() == [[0.5, -1.0, 0.0]]
    assert p.data.values.tolist() == [[70, 98, 91], [50, 85, 82], [65, 67, 80], [25, 95, 68]]
    assert (p.data.input_scaler.method, p.data.target_scaler.method) == ("minmax01", "minmax01")
    assert (p.loss, p.training.learning_rate, p.training.mode) == ("half_squared_error", 0.1, "online")
    # The reference's forward pass for (1, 1): y = 0.5030.
    assert p.network.forward(np.array([1.0, 1.0]))[0] == pytest.approx(0.5030, abs=5e-5)


def test_reference_csv_has_the_documents_spacing():
    path = resource_path("reference.csv")
    assert path.read_text().splitlines()[:2] == ["I0,  I1,  Z0", "70,  98,  91"]
    assert read_csv(path).values.tolist() == load_project(resource_path(EXAMPLE_PROJECT)).data.values.tolist()


@pytest.mark.parametrize("name", ["xor", "two_moons", "noisy_sine"])
def test_datasets_match_their_projects(name):
    table = read_csv(resource_path(f"{name}.csv"))
    p = load_project(resource_path(f"{name}.mlp.json"))
    assert table.columns == p.data.columns
    assert np.array_equal(table.values, p.data.values)


def _train(name: str, epochs: int):
    p = load_project(resource_path(name))
    net = p.network.copy()
    result = Trainer(net, p.data.X, p.data.Z, p.loss, p.training).train(epochs)
    return p, net, result


def test_reference_project_learns():
    _, _, result = _train(EXAMPLE_PROJECT, 1000)
    assert result.losses[-1] < result.losses[0] / 3


def test_xor_is_learned():
    p, net, result = _train("xor.mlp.json", None)
    assert p.network.sizes == [2, 3, 1]
    y = net.forward(p.data.X)[:, 0]
    assert ((y > 0.5) == (p.data.raw_targets[:, 0] == 1)).all(), y
    assert result.losses[-1] < 0.01


def test_two_moons_is_separated():
    p, net, result = _train("two_moons.mlp.json", 60)
    assert p.network.sizes == [2, 8, 1] and p.loss == "cross_entropy"
    accuracy = ((net.forward(p.data.X)[:, 0] > 0.5) == (p.data.Z[:, 0] == 1)).mean()
    assert accuracy >= 0.97
    assert result.losses[-1] < 0.1


def test_noisy_sine_is_fitted():
    p, net, result = _train("noisy_sine.mlp.json", 300)
    assert p.network.sizes == [1, 10, 1]
    x = p.data.raw_inputs[:, 0]
    y = p.data.target_scaler.inverse(net.forward(p.data.X))[:, 0]
    # Within about two noise standard deviations (0.1) of the true sine.
    assert np.sqrt(np.mean((y - np.sin(x)) ** 2)) < 0.2


def test_generator_reproduces_the_committed_files(tmp_path):
    script = ROOT / "tools" / "make_datasets.py"
    subprocess.run([sys.executable, str(script), str(tmp_path)], check=True, cwd=tmp_path)
    csvs = ["reference.csv", "xor.csv", "two_moons.csv", "noisy_sine.csv", "overfitting_moons.csv"]
    for name in csvs + list(EXAMPLE_PROJECTS):
        assert (tmp_path / name).read_bytes() == resource_path(name).read_bytes(), name


def test_missing_and_unsafe_names():
    with pytest.raises(MLPError, match="missing"):
        resource_path("no-such-file.csv")
    for bad in ["", "../pyproject.toml", "/etc/passwd"]:
        with pytest.raises(MLPError):
            resource_path(bad)


def test_pyinstaller_bundle_layout(tmp_path, monkeypatch):
    bundled = tmp_path / "mlp_studio" / "resources"
    bundled.mkdir(parents=True)
    (bundled / "only-in-bundle.csv").write_text("a,b\n1,2\n")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("only-in-bundle.csv") == bundled / "only-in-bundle.csv"


def test_source_tree_fallback(monkeypatch):
    def no_package(name):
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(resources._importlib_resources, "files", no_package)
    assert resource_path("xor.csv") == ROOT / "resources" / "xor.csv"
