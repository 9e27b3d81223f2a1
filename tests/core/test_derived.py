"""Derived columns: expressions of other columns, computed per row, refused with a reason."""

from __future__ import annotations

import numpy as np
import pytest

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.derived import DerivedColumn, derived_values, with_derived
from mlp_studio.errors import MLPError

COLUMNS = ["x1", "x2", "label"]
VALUES = np.array([[0.5, -2.0, 1.0], [1.5, 3.0, 0.0], [-1.0, 0.25, 1.0]])


def test_products_squares_and_functions_row_by_row():
    assert derived_values(COLUMNS, VALUES, DerivedColumn("p", "x1*x2")).tolist() == [-1.0, 4.5, -0.25]
    assert derived_values(COLUMNS, VALUES, DerivedColumn("q", "x1**2 + 1")).tolist() == [1.25, 3.25, 2.0]
    s = derived_values(COLUMNS, VALUES, DerivedColumn("s", "sin(x1) * pi"))
    assert s == pytest.approx([np.sin(0.5) * np.pi, np.sin(1.5) * np.pi, np.sin(-1.0) * np.pi], abs=1e-15)
    assert derived_values(COLUMNS, VALUES, DerivedColumn("c", "2")).tolist() == [2.0, 2.0, 2.0]


def test_a_later_column_may_use_an_earlier_one():
    columns, values = with_derived(COLUMNS, VALUES, (DerivedColumn("p", "x1*x2"), DerivedColumn("pp", "p*p")))
    assert columns == COLUMNS + ["p", "pp"]
    assert values[:, 4].tolist() == [1.0, 20.25, 0.0625] and np.array_equal(values[:, :3], VALUES)


@pytest.mark.parametrize("column, message", [
    (DerivedColumn("x1", "x2"), "already a column named 'x1'"),
    (DerivedColumn(" ", "x2"), "needs a name"),
    (DerivedColumn("z", "x3 * x1"), "uses x3, which is no column"),
    (DerivedColumn("z", "x1 *"), "column"),
    (DerivedColumn("z", "log(x2)"), "not a finite number in data row 0 \\(0-based\\) and 0 other"),
    (DerivedColumn("z", "__import__('os')"), "unexpected character"),
    (DerivedColumn("z", "__import__(x1)"), "may not start with"),
])
def test_bad_columns_are_refused_with_a_reason(column, message):
    with pytest.raises(MLPError, match=message):
        derived_values(COLUMNS, VALUES, column)


def test_a_dataset_keeps_its_derived_columns_last():
    columns, values = with_derived(COLUMNS, VALUES, (DerivedColumn("p", "x1*x2"),))
    data = Dataset(columns, values, ["x1", "x2", "p"], ["label"], derived=(DerivedColumn("p", "x1*x2"),))
    assert data.n_base_columns == 3 and data.raw_inputs[:, 2].tolist() == [-1.0, 4.5, -0.25]
    with pytest.raises(MLPError, match="last columns"):
        Dataset(COLUMNS, VALUES, ["x1"], ["label"], derived=(DerivedColumn("x2", "x1"),))
