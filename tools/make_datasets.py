"""Write the bundled example datasets and projects (seeded; NumPy and mlp_studio only).

``python tools/make_datasets.py [FOLDER]`` writes them into FOLDER (default: the
repository's ``resources/``, where they are committed). Every file is rebuilt from
fixed seeds, so a run reproduces the committed files exactly. Each project's data is
read back from its CSV, so both hold the same numbers.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.generators import generate
from mlp_studio.core.network import Layer, Network
from mlp_studio.core.project import Project
from mlp_studio.core.training import TrainingConfig
from mlp_studio.io.atomic import write_text_atomic
from mlp_studio.io.csv_table import read_csv
from mlp_studio.io.generated_csv import csv_text
from mlp_studio.io.project_file import save_project

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "resources"

# The reference document's 2-3-1 example: its initial weights and its 4-row dataset.
REFERENCE_CSV = "I0,  I1,  Z0\n70,  98,  91\n50,  85,  82\n65,  67,  80\n25,  95,  68\n"
REFERENCE_LAYERS = [
    ([[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]], [0.5, 0.5, 0.5]),
    ([[0.5, -1.0, 0.0]], [0.5]),
]


def write_csv(name: str, columns: list[str], values: np.ndarray, decimals: int) -> Path:
    rows = "\n".join(",".join(f"{v:.{decimals}f}" for v in row) for row in values)
    path = OUT / name
    write_text_atomic(path, ",".join(columns) + "\n" + rows + "\n")
    return path


def project_for(csv_path: Path, sizes: list[int], activations: list[str], loss: str,
                input_scaling: str, target_scaling: str, training: TrainingConfig,
                seed: int, initializer: str = "xavier") -> Project:
    table = read_csv(csv_path)
    data = Dataset.with_default_columns(table.columns, table.values, input_scaling=input_scaling,
                                        target_scaling=target_scaling)
    net = Network.create(sizes, activations, initializer=initializer, seed=seed)
    project = Project(net, loss, data, training)
    project.validate()
    return project


def reference() -> None:
    (OUT / "reference.csv").write_text(REFERENCE_CSV, encoding="utf-8")
    net = Network(2, [Layer(np.array(w), np.array(b), "sigmoid") for w, b in REFERENCE_LAYERS])
    table = read_csv(OUT / "reference.csv")
    data = Dataset.with_default_columns(table.columns, table.values)
    save_project(Project(net, "half_squared_error", data,
                         TrainingConfig(learning_rate=0.1, mode="online", epochs=1000)),
                 OUT / "reference.mlp.json")


def xor() -> None:
    values = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]], float)
    path = write_csv("xor.csv", ["x1", "x2", "y"], values, 0)
    project = project_for(path, [2, 3, 1], ["sigmoid", "sigmoid"], "half_squared_error",
                          "none", "none", TrainingConfig(learning_rate=2.0, epochs=2000),
                          seed=1, initializer="uniform")
    save_project(project, OUT / "xor.mlp.json")


def two_moons(n: int = 200, noise: float = 0.1, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    half = n // 2
    t_outer = rng.uniform(0.0, np.pi, half)
    t_inner = rng.uniform(0.0, np.pi, n - half)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = np.column_stack([1.0 - np.cos(t_inner), 0.5 - np.sin(t_inner)])
    points = np.vstack([outer, inner]) + rng.normal(0.0, noise, (n, 2))
    labels = np.r_[np.zeros(half), np.ones(n - half)]
    order = rng.permutation(n)
    path = write_csv("two_moons.csv", ["x", "y", "label"],
                     np.column_stack([points, labels])[order], 4)
    project = project_for(path, [2, 8, 1], ["tanh", "sigmoid"], "cross_entropy",
                          "minmax11", "none",
                          TrainingConfig(learning_rate=0.5, mode="minibatch", batch_size=10,
                                         epochs=500, shuffle=True, seed=0), seed=0)
    save_project(project, OUT / "two_moons.mlp.json")


def noisy_sine(n: int = 100, noise: float = 0.1, seed: int = 3) -> None:
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 2.0 * np.pi, n))
    y = np.sin(x) + rng.normal(0.0, noise, n)
    path = write_csv("noisy_sine.csv", ["x", "y"], np.column_stack([x, y]), 4)
    project = project_for(path, [1, 10, 1], ["tanh", "identity"], "half_squared_error",
                          "minmax11", "none",
                          TrainingConfig(learning_rate=0.05, mode="online", epochs=1000,
                                         shuffle=True, seed=0), seed=0)
    save_project(project, OUT / "noisy_sine.mlp.json")


def overfitting_moons() -> None:
    """Noisy moons and a network big enough to learn their noise: the held-out loss rises."""
    write_text_atomic(OUT / "overfitting_moons.csv", csv_text(generate("moons", 100, 0.3, seed=5)))
    project = project_for(OUT / "overfitting_moons.csv", [2, 16, 16, 1], ["tanh", "tanh", "sigmoid"],
                          "cross_entropy", "zscore", "none",
                          TrainingConfig(learning_rate=0.2, mode="batch", epochs=3000, holdout=0.4,
                                         seed=0), seed=1)
    save_project(project, OUT / "overfitting_moons.mlp.json")


def main() -> None:
    reference()
    xor()
    two_moons()
    noisy_sine()
    overfitting_moons()


if __name__ == "__main__":
    main()
