"""Choosing columns (the column dialog's and `mlp-studio new`'s one source) and finding a
project's columns in another CSV. Expected values are read off each file's text."""

from __future__ import annotations

import numpy as np
import pytest

from mlp_studio.errors import MLPError
from mlp_studio.io.column_choice import dataset_for_roles, default_roles, named_roles, roles_of
from mlp_studio.io.column_match import project_columns
from mlp_studio.io.csv_table import read_csv

FLOWERS = "length,width,species\n1.4,0.2,setosa\n4.7,1.4,versicolor\n6.0,2.5,virginica\n1.3,0.2,setosa\n"
DIGITS = "a,b,digit\n0.5,1,2\n0.1,0,0\n0.9,1,1\n0.3,0,2\n"


def table_of(tmp_path, text: str, name: str = "data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_csv(path)


def test_default_roles_last_column_or_last_class_column(tmp_path):
    assert default_roles(table_of(tmp_path, "x1,x2,y\n0,1,1\n")) == ["input", "input", "target"]
    flowers = table_of(tmp_path, FLOWERS)
    assert flowers.columns == ["length", "width", "species=setosa", "species=versicolor",
                               "species=virginica"]
    assert default_roles(flowers) == ["input", "input", "target", "target", "target"]


def test_named_roles_expand_a_class_name_column(tmp_path):
    flowers = table_of(tmp_path, FLOWERS)
    assert named_roles(flowers, inputs=["width"], targets=["species"]) == \
        ["ignore", "input", "target", "target", "target"]
    assert named_roles(flowers, targets=["length"]) == ["target", "input", "input", "input", "input"]
    data = dataset_for_roles(flowers, named_roles(flowers))
    assert data.targets == ["species=setosa", "species=versicolor", "species=virginica"]
    assert data.raw_targets.tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]
    assert data.X[:, 0].tolist() == pytest.approx([(v - 1.3) / (6.0 - 1.3) for v in (1.4, 4.7, 6.0, 1.3)])


def test_class_numbers_become_one_target_per_class(tmp_path):
    digits = table_of(tmp_path, DIGITS)
    roles = named_roles(digits, classes=["digit"])
    assert roles == ["input", "input", "target classes"]
    data = dataset_for_roles(digits, roles, "none", "none")
    assert data.targets == ["digit=0", "digit=1", "digit=2"]
    assert data.raw_targets.tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert data.inputs == ["a", "b"] and data.X.tolist() == [[0.5, 1], [0.1, 0], [0.9, 1], [0.3, 0]]


@pytest.mark.parametrize("kw, message", [
    ({"targets": ["colour"]}, "no column named 'colour'; the columns are 'length', 'width', 'species'"),
    ({"inputs": ["length", "species"]}, "the default target column is among the inputs"),
    ({"inputs": ["length"], "targets": ["length"]}, "'length' named twice"),
    ({"classes": ["species"]}, "'species' holds class names"),
])
def test_impossible_choices_say_what(tmp_path, kw, message):
    with pytest.raises(MLPError) as info:
        named_roles(table_of(tmp_path, FLOWERS), **kw)
    assert message in str(info.value) and "data.csv" in str(info.value)


def test_no_input_left_is_the_datasets_error(tmp_path):
    table = table_of(tmp_path, "x,y\n1,2\n")
    with pytest.raises(MLPError, match="at least one input column"):
        dataset_for_roles(table, roles_of(table.columns, [], ["x", "y"]))


def test_project_columns_by_name_in_any_order(tmp_path):
    table = table_of(tmp_path, "y, x2, x1\n5, 2, 1\n6, 4, 3\n")
    assert project_columns(table, ["x1", "x2"], "input").tolist() == [[1, 2], [3, 4]]
    with pytest.raises(MLPError, match="lacks the target columns 'z'"):
        project_columns(table, ["z"], "target")


def test_a_class_missing_from_the_file_is_a_column_of_zeros(tmp_path):
    table = table_of(tmp_path, "length,species\n1,virginica\n2,setosa\n")
    names = ["species=setosa", "species=versicolor", "species=virginica"]
    assert project_columns(table, names, "target").tolist() == [[0, 0, 1], [1, 0, 0]]


def test_class_numbers_found_from_the_number_column(tmp_path):
    table = table_of(tmp_path, "a,digit\n0,2\n1,0\n")
    assert project_columns(table, ["digit=0", "digit=1", "digit=2"], "target").tolist() == \
        [[0, 0, 1], [1, 0, 0]]


def test_unknown_classes_are_counted_and_named(tmp_path):
    table = table_of(tmp_path, "length,species\n1,rosea\n2,setosa\n3,rosea\n")
    with pytest.raises(MLPError) as info:
        project_columns(table, ["species=setosa", "species=virginica"], "target")
    text = str(info.value)
    assert "2 of 3 rows (the first is row 0)" in text and "'rosea'" in text
    assert "'setosa', 'virginica'" in text and "column 'species'" in text
    numbers = table_of(tmp_path, "a,digit\n0,7\n1,0\n")
    with pytest.raises(MLPError, match=r"1 of 2 rows .* classes the network was not trained on: '7'"):
        project_columns(numbers, ["digit=0", "digit=1"], "target")


def test_columns_found_agree_with_the_file_values(tmp_path):
    table = table_of(tmp_path, DIGITS)
    got = project_columns(table, ["b", "a"], "input")
    assert np.array_equal(got, np.array([[1, 0.5], [0, 0.1], [1, 0.9], [0, 0.3]]))
