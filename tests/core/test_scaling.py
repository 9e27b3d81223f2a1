"""Scaling per column with its inverse, constant columns, z-score by hand."""

import numpy as np
import pytest

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.scaling import SCALINGS, Scaler
from mlp_studio.errors import MLPError

VALUES = np.array([[70.0, 5.0], [50.0, 5.0], [65.0, 5.0], [25.0, 5.0]])


@pytest.mark.parametrize("method", SCALINGS)
def test_inverse_undoes_transform(method):
    sc = Scaler.fit(method, VALUES)
    np.testing.assert_allclose(sc.inverse(sc.transform(VALUES)), VALUES, rtol=1e-13)


def test_constant_column_does_not_divide_by_zero():
    for method in ("minmax01", "minmax11", "zscore"):
        out = Scaler.fit(method, VALUES).transform(VALUES)
        assert np.isfinite(out).all()
    assert Scaler.fit("minmax01", VALUES).transform(VALUES)[:, 1] == pytest.approx([0, 0, 0, 0])


def test_zscore_by_hand():
    col = VALUES[:, 0]
    mean = (70 + 50 + 65 + 25) / 4
    std = (sum((v - mean) ** 2 for v in col) / 4) ** 0.5
    out = Scaler.fit("zscore", VALUES).transform(VALUES)[:, 0]
    assert out == pytest.approx([(v - mean) / std for v in col])


def test_fitted_scaler_reused_for_new_data():
    sc = Scaler.fit("minmax01", VALUES)
    assert sc.transform(np.array([[47.5, 5.0]]))[0, 0] == pytest.approx(0.5)
    assert sc.to_dict() == {"method": "minmax01", "min": [25.0, 5.0], "max": [70.0, 5.0]}


def test_dataset_errors_name_the_problem():
    with pytest.raises(MLPError, match="no column named 'Q'"):
        Dataset(["a", "b"], VALUES, ["a"], ["Q"])
    with pytest.raises(MLPError, match="both an input and a target"):
        Dataset(["a", "b"], VALUES, ["a"], ["a"])
    with pytest.raises(MLPError, match="unknown scaling"):
        Dataset(["a", "b"], VALUES, ["a"], ["b"], input_scaling="log")
    ds = Dataset.with_default_columns(["a", "b"], VALUES)
    assert ds.inputs == ["a"] and ds.targets == ["b"]
