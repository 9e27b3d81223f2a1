"""The output activation and loss chosen for a new network's targets; warnings with counts."""

from __future__ import annotations

import numpy as np
import pytest

from mlp_studio.core.dataset import Dataset
from mlp_studio.core.losses import check_pairing
from mlp_studio.core.output_choice import fitting_output
from mlp_studio.errors import MLPError


def dataset(targets, scaling="minmax01"):
    z = np.asarray(targets, float).reshape(len(targets), -1)
    x = np.arange(len(z), dtype=float)[:, None]
    names = [f"z{k}" for k in range(z.shape[1])]
    return Dataset(["x", *names], np.hstack([x, z]), ["x"], names, scaling, scaling)


@pytest.mark.parametrize("targets, scaling, activation, loss", [
    ([91, 82, 80, 68], "minmax01", "sigmoid", "half_squared_error"),  # the reference's choice
    ([91, 82, 80, 68], "minmax11", "tanh", "half_squared_error"),
    ([91, 82, 80, 68], "zscore", "identity", "half_squared_error"),
    ([0.2, 0.7], "none", "sigmoid", "half_squared_error"),
    ([0, 1, 1, 0], "minmax01", "sigmoid", "cross_entropy"),
    ([[1, 0, 0], [0, 1, 0], [0, 0, 1]], "minmax01", "softmax", "cross_entropy"),
    ([[1, 0], [1, 1]], "none", "sigmoid", "half_squared_error"),  # two 1s in a row: not one-hot
    ([0, 1, 1, 0], "minmax11", "tanh", "half_squared_error"),  # classes scaled to -1/1
])
def test_default_output_fits_the_targets(targets, scaling, activation, loss):
    choice = fitting_output(dataset(targets, scaling))
    assert (choice.activation, choice.loss) == (activation, loss)
    check_pairing(choice.loss, choice.activation, len(dataset(targets).targets))


def test_what_is_given_is_kept_and_the_rest_fits_it():
    classes = dataset([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert fitting_output(classes, activation="sigmoid").loss == "half_squared_error"
    assert fitting_output(classes, loss="half_squared_error").activation == "sigmoid"
    binary = dataset([0, 1, 1, 0])
    assert fitting_output(binary, activation="sigmoid").loss == "cross_entropy"
    assert fitting_output(binary, activation="tanh").loss == "half_squared_error"
    assert fitting_output(dataset([3, 5, 9], "zscore"), loss="cross_entropy").activation == "sigmoid"
    given = fitting_output(binary, activation="identity", loss="cross_entropy")
    assert (given.activation, given.loss) == ("identity", "cross_entropy")
    with pytest.raises(MLPError, match="cross_entropy needs a sigmoid"):
        check_pairing(given.loss, given.activation, 1)


def test_the_reason_names_the_range_or_the_classes():
    assert "[0, 1]" in fitting_output(dataset([91, 82, 80, 68])).reason
    assert "3 targets are one-hot classes" in fitting_output(dataset(np.eye(3))).reason


def test_target_warning_is_one_line_with_the_count_of_rows():
    data = dataset([[91, 0.5], [0.2, 0.5], [82, 3]], "none")
    (warning,) = data.target_range_warnings("sigmoid")
    assert warning.startswith("2 of 3 rows have targets outside [0, 1]")
    assert "target 'z0' of row 0 is 91" in warning
    assert data.target_range_warnings("identity") == []


def test_input_warning_counts_rows_outside_the_training_range():
    data = dataset([1, 2, 3, 4], "none")  # inputs x = 0..3
    (warning,) = data.input_range_warnings(np.array([[0.0], [-1.0], [3.0], [7.5], [9.0]]))
    assert warning.startswith("3 of 5 rows have inputs outside the range of the training data")
    assert "'x' of row 1 is -1, trained on [0, 3]" in warning
    assert data.input_range_warnings(np.array([[0.0], [2.5]])) == []
