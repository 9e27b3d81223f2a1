"""Generated data as CSV: the file the CLI writes, read back by the CSV reader."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from mlp_studio.core.generators import generate
from mlp_studio.io.csv_table import read_csv
from mlp_studio.io.generated_csv import as_table, csv_text


def test_two_classes_are_one_0_1_label_column(tmp_path):
    data = generate("moons", 50, 0.1, seed=7)
    table = as_table(data)
    assert table.columns == ["x1", "x2", "label"] and not table.classes
    assert np.allclose(table.values[:, :2], data.inputs, atol=5e-7)
    assert np.array_equal(table.values[:, 2], data.target)


def test_more_classes_are_written_by_name_and_read_as_one_column_per_class():
    data = generate("gaussians", 60, seed=1, classes=3)
    text = csv_text(data)
    assert text.splitlines()[0] == "x1,x2,label" and set(line[-1] for line in text.splitlines()[1:]) == set("ABC")
    table = as_table(data)
    assert table.columns == ["x1", "x2", "label=A", "label=B", "label=C"]
    assert np.array_equal(table.values[:, 2:].argmax(axis=1), data.target)
    assert table.default_targets == ["label=A", "label=B", "label=C"]


def test_the_cli_writes_the_same_bytes_for_the_same_seed(tmp_path):
    def run(seed: int, name: str) -> bytes:
        out = tmp_path / name
        subprocess.run([sys.executable, "-m", "mlp_studio", "generate", "spiral", "--rows", "40",
                        "--noise", "0.05", "--seed", str(seed), "--classes", "3", "--out", str(out)],
                       check=True, capture_output=True, timeout=120)
        return out.read_bytes()

    first, again, other = run(3, "a.csv"), run(3, "b.csv"), run(4, "c.csv")
    assert first == again and first != other
    assert read_csv(tmp_path / "a.csv").n_rows == 40


def test_the_cli_names_a_bad_setting(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mlp_studio", "generate", "xor", "--rows", "0",
                           "--out", str(tmp_path / "x.csv")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "rows must be between" in done.stderr and not (tmp_path / "x.csv").exists()
