"""CSV reading: the reference's spaced data and the quirks of spreadsheet exports (separators,
decimal commas, quotes, byte-order marks, blank and short rows).

Expected values are written out by hand from each file's text.
"""

from __future__ import annotations


import numpy as np
import pytest

from mlp_studio.errors import MLPError
from mlp_studio.io import csv_table
from mlp_studio.io.csv_table import read_csv

REFERENCE_ROWS = [[70, 98, 91], [50, 85, 82], [65, 67, 80], [25, 95, 68]]


def write(tmp_path, data: bytes | str, name: str = "data.csv"):
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def error_of(path) -> MLPError:
    with pytest.raises(MLPError) as info:
        read_csv(path)
    return info.value


def test_reference_data_with_spaces_after_commas(tmp_path):
    # The reference document's table, formatted as it prints it.
    path = write(tmp_path, "I0,  I1,  Z0\n70,  98,  91\n50,  85,  82\n65,  67,  80\n25,  95,  68\n")
    table = read_csv(path)
    assert table.columns == ["I0", "I1", "Z0"]
    assert table.values.dtype == np.float64
    assert table.values.tolist() == REFERENCE_ROWS
    assert table.path == str(path)


def test_utf8_bom_and_crlf(tmp_path):
    table = read_csv(write(tmp_path, b"\xef\xbb\xbfa,b\r\n1,2\r\n3,4\r\n"))
    assert table.columns == ["a", "b"]
    assert table.values.tolist() == [[1, 2], [3, 4]]


def test_utf16_with_bom_and_tabs_as_excel_unicode_text(tmp_path):
    table = read_csv(write(tmp_path, "x\ty\r\n1.5\t-2\r\n".encode("utf-16")))
    assert table.columns == ["x", "y"]
    assert table.values.tolist() == [[1.5, -2.0]]


def test_semicolons_with_decimal_commas(tmp_path):
    table = read_csv(write(tmp_path, "a;b;c\n1,5;2;-0,25\n3;4,75;5\n"))
    assert table.columns == ["a", "b", "c"]
    assert table.values.tolist() == [[1.5, 2.0, -0.25], [3.0, 4.75, 5.0]]


def test_tab_delimiter(tmp_path):
    table = read_csv(write(tmp_path, "a\tb\n1\t2\n3\t4.5\n"))
    assert table.values.tolist() == [[1, 2], [3, 4.5]]


def test_quoted_numbers_and_quoted_decimal_comma(tmp_path):
    table = read_csv(write(tmp_path, '"a","b"\n"1.5","2"\n3,"4,25"\n'))
    assert table.columns == ["a", "b"]
    assert table.values.tolist() == [[1.5, 2.0], [3.0, 4.25]]


def test_blank_lines_are_skipped_and_line_numbers_still_count_them(tmp_path):
    path = write(tmp_path, "\n\na,b\n1,2\n\n   \n,,\n3,4\n\nx,5\n")
    assert error_of(path).where == f"{path}, line 10, column 'a'"
    table = read_csv(write(tmp_path, "\na,b\n1,2\n\n3,4\n\n", "ok.csv"))
    assert table.values.tolist() == [[1, 2], [3, 4]]


def test_trailing_delimiters_as_spreadsheets_write_them(tmp_path):
    table = read_csv(write(tmp_path, "a;b;\n1;2;\n3;4;;\n"))
    assert table.columns == ["a", "b"]
    assert table.values.tolist() == [[1, 2], [3, 4]]


def test_missing_cell_in_the_middle(tmp_path):
    path = write(tmp_path, "I0,I1,Z0\n1,2,3\n4,,6\n")
    err = error_of(path)
    assert err.where == f"{path}, line 3, column 'I1'"
    assert "empty" in err.message


def test_short_row_names_the_first_missing_column(tmp_path):
    path = write(tmp_path, "I0,I1,Z0\n1,2,3\n4,5\n")
    err = error_of(path)
    assert err.where == f"{path}, line 3, column 'Z0'"
    assert "2 of 3" in err.message


def test_long_row(tmp_path):
    path = write(tmp_path, "a,b\n1,2\n3,4,5\n")
    err = error_of(path)
    assert err.where == f"{path}, line 3"
    assert "expected 2 values" in err.message and "found 3" in err.message


def test_unquoted_decimal_commas_with_comma_delimiter_get_a_hint(tmp_path):
    err = error_of(write(tmp_path, "a,b\n1,5,2\n"))
    assert "decimal commas" in err.message


def test_text_in_a_numeric_column(tmp_path):
    path = write(tmp_path, "I0,  I1,  Z0\n70,  98,  91\n50,  eighty,  82\n")
    err = error_of(path)
    assert err.where == f"{path}, line 3, column 'I1'"
    assert err.message == "'eighty' is not a number"
    assert str(path) in str(err)


@pytest.mark.parametrize("cell", ["nan", "NaN", "inf", "-Infinity", "1e400"])
def test_nan_and_inf_are_refused_with_their_place(tmp_path, cell):
    path = write(tmp_path, f"a,b,c\n1,2,3\n4,5,6\n7,{cell},9\n")
    err = error_of(path)
    assert err.where == f"{path}, line 4, column 'b'"
    assert repr(cell) in err.message and "finite" in err.message


def test_single_row(tmp_path):
    assert read_csv(write(tmp_path, "a,b\n1,2\n")).values.tolist() == [[1, 2]]


def test_constant_column(tmp_path):
    table = read_csv(write(tmp_path, "a,b\n1,5\n2,5\n3,5\n"))
    assert table.values[:, 1].tolist() == [5, 5, 5]


def test_number_formats(tmp_path):
    table = read_csv(write(tmp_path, "a,b,c,d\n+1,.5,5.,-1.5e-3\n"))
    assert table.values.tolist() == [[1.0, 0.5, 5.0, -0.0015]]


@pytest.mark.parametrize("cell", ["1_000", "0x10", "1.234,5", "١"])
def test_lookalike_numbers_are_refused(tmp_path, cell):
    path = write(tmp_path, f"a;b\n1;{cell}\n")
    err = error_of(path)
    assert err.where == f"{path}, line 2, column 'b'"


def test_empty_file(tmp_path):
    err = error_of(write(tmp_path, b""))
    assert "empty" in err.message
    assert "empty" in error_of(write(tmp_path, "\n \n\n", "blank.csv")).message


def test_header_only(tmp_path):
    assert "no rows" in error_of(write(tmp_path, "a,b\n")).message


def test_missing_header(tmp_path):
    path = write(tmp_path, "70,  98,  91\n50,  85,  82\n")
    err = error_of(path)
    assert err.where == f"{path}, line 1"
    assert "header" in err.message


def test_unnamed_and_duplicate_columns(tmp_path):
    assert "column 2 has no name" in error_of(write(tmp_path, "a,,c\n1,2,3\n")).message
    err = error_of(write(tmp_path, "a,b,a\n1,2,3\n", "dup.csv"))
    assert "'a' appears twice (columns 1 and 3)" in err.message


def test_binary_file(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    err = error_of(write(tmp_path, png, "picture.csv"))
    assert "not a text file" in err.message


def test_excel_workbook(tmp_path):
    assert "zip" in error_of(write(tmp_path, b"PK\x03\x04rest", "book.csv")).message


def test_not_utf8(tmp_path):
    path = write(tmp_path, "a,b\n1,2\n".encode() + "Température,3\n".encode("latin-1"))
    err = error_of(path)
    assert "UTF-8" in err.message and "line 3" in err.message


def test_missing_file(tmp_path):
    err = error_of(tmp_path / "nope.csv")
    assert err.where == str(tmp_path / "nope.csv")


def test_fast_and_careful_parsers_agree(tmp_path, monkeypatch):
    text = "a;b;c\n" + "\n".join(f"{i},25;{-i};{i * 1e-3:g}" for i in range(300)) + "\n"
    fast = read_csv(write(tmp_path, text)).values
    monkeypatch.setattr(csv_table, "_parse_fast", lambda *args: None)
    slow = read_csv(write(tmp_path, text, "again.csv")).values
    assert np.array_equal(fast, slow)
    assert fast[3].tolist() == [3.25, -3.0, 0.003]


def test_a_million_rows_with_progress(tmp_path):
    rng = np.random.default_rng(0)
    block = np.round(rng.normal(size=(1000, 3)), 6)
    text = "".join(",  ".join(f"{v:.6f}" for v in row) + "\n" for row in block)
    path = write(tmp_path, "I0,  I1,  Z0\n" + text * 1000)
    calls = []
    table = read_csv(path, progress=lambda done, total: calls.append((done, total)))
    assert table.values.shape == (10**6, 3)
    assert np.array_equal(table.values, np.tile(block, (1000, 1)))
    assert len(calls) >= 10 and calls[-1] == (10**6, 10**6)
    assert all(a[0] < b[0] for a, b in zip(calls, calls[1:]))


def test_an_error_deep_in_a_large_file_is_exact(tmp_path):
    lines = ["a,b"] + [f"{i},{i}" for i in range(200_000)]
    lines[150_001] = "5,oops"
    path = write(tmp_path, "\n".join(lines) + "\n")
    err = error_of(path)
    assert err.where == f"{path}, line 150002, column 'b'"


def test_a_column_of_class_names_becomes_one_0_1_column_per_class(tmp_path):
    path = write(tmp_path, "sepal;species;petal\n5,1;Iris-virginica;6,0\n7,0;Iris-setosa;1,4\n"
                           "6,3;Iris-versicolor;4,7\n4,9;Iris-setosa;1,5\n")
    table = read_csv(path)
    assert table.columns == ["sepal", "species=Iris-setosa", "species=Iris-versicolor",
                             "species=Iris-virginica", "petal"]  # in place, classes sorted
    assert table.values.tolist() == [[5.1, 0, 0, 1, 6.0], [7.0, 1, 0, 0, 1.4],
                                     [6.3, 0, 1, 0, 4.7], [4.9, 1, 0, 0, 1.5]]
    assert table.classes == {"species": ["Iris-setosa", "Iris-versicolor", "Iris-virginica"]}
    assert table.default_targets == ["petal"]  # the last column is no class column
    last = read_csv(write(tmp_path, "x,label\n1,b\n2,a\n", "last.csv"))
    assert last.default_targets == ["label=a", "label=b"]


@pytest.mark.parametrize("body, line, column, fragment", [
    ("1,cat,0\n2,7,0\n", 3, "c", "'7' is a number, but the column holds class names (such as 'cat')"),
    ("1,cat,0\n2,,0\n", 3, "c", "the cell is empty; every cell needs a class name"),
    ("1,cat,0\n2,dog,0\nx,cat,0\n", 4, "n", "'x' is not a number"),
])
def test_class_columns_take_only_names_and_say_where_not(tmp_path, body, line, column, fragment):
    path = write(tmp_path, "n,c,m\n" + body)
    err = error_of(path)
    assert err.where == f"{path}, line {line}, column {column!r}" and fragment in err.message


def test_too_many_classes_or_a_clashing_name_are_refused(tmp_path):
    from mlp_studio.io.csv_table import MAX_CLASSES

    rows = "".join(f"{k},id{k}\n" for k in range(MAX_CLASSES + 1))
    path = write(tmp_path, "x,name\n" + rows)
    err = error_of(path)
    assert err.where == f"{path}, column 'name'" and f"{MAX_CLASSES + 1} different values" in err.message
    clash = write(tmp_path, "c=a,c\n1,a\n2,b\n", "clash.csv")
    assert "'c=a'" in error_of(clash).message
