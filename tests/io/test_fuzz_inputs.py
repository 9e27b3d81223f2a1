"""Fuzzing of what a user hands the readers: CSV headers, cells, raw bytes and paths.

Every input either reads or raises MLPError (a message naming the place); nothing
else escapes, and nothing read holds NaN or infinite values. The suite runs a
few hundred examples per test; the full run is

    MLP_FUZZ_EXAMPLES=3000 python -m pytest -q -p no:cacheprovider tests/io/test_fuzz_inputs.py
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlp_studio.errors import MLPError
from mlp_studio.io.atomic import check_writable, write_text_atomic
from mlp_studio.io.csv_table import read_csv
from mlp_studio.io.project_file import load_project

EXAMPLES = int(os.environ.get("MLP_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

delimiters = st.sampled_from([",", ";", "\t", " ,", ", "])
names = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
numbers = st.floats(allow_nan=True, allow_infinity=True).map(repr) | st.integers().map(str)
cells = numbers | names | st.sampled_from(["", " ", '"1,5"', "1,5", "nan", "-inf", "1e308",
                                           "-1e309", "0x10", "1_000", "setosa", '"', "١٢"])
newlines = st.sampled_from(["\n", "\r\n", "\r", "\n\n"])
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])


def _read(data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(data)
        try:
            table = read_csv(path)
        except MLPError as exc:
            assert str(exc)
            assert len(str(exc)) <= 2 * 2000 + len(str(path)) + 10  # messages stay short
            return None
    assert table.values.shape == (table.n_rows, len(table.columns)) and table.n_rows >= 1
    assert np.isfinite(table.values).all()
    assert len(set(table.columns)) == len(table.columns)
    return table


@FUZZ
@given(header=st.lists(names, min_size=1, max_size=6), rows=st.lists(st.lists(cells, max_size=7),
       max_size=6), delimiter=delimiters, newline=newlines, encoding=encodings)
def test_any_header_and_cells_read_or_name_the_problem(header, rows, delimiter, newline, encoding):
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    try:
        data = newline.join(lines).encode(encoding)
    except UnicodeEncodeError:
        return
    _read(data)


pieces = st.sampled_from([b"a", b"b", b",", b";", b"\t", b"1", b"2.5", b"-", b".", b"e", b"\n",
                          b"\r", b'"', b" ", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"nan", b"x=1",
                          "é".encode(), b"\xff", b"PK\x03\x04", b"1e308", b"inf"])


@FUZZ
@given(parts=st.lists(pieces, max_size=60))
def test_any_bytes_read_or_name_the_problem(parts):
    _read(b"".join(parts))


@FUZZ
@given(numbers_=st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=2, max_size=40))
def test_numbers_written_are_numbers_read(numbers_):
    rows = len(numbers_) // 2
    values = np.array(numbers_[:rows * 2]).reshape(rows, 2)
    table = _read(("a,b\n" + "".join(f"{float(x)!r},{float(y)!r}\n" for x, y in values)).encode())
    assert table is not None and np.array_equal(table.values, values)


path_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=300)


@FUZZ
@given(name=path_text)
def test_any_path_opens_or_names_the_problem(name):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, name)
        for action in (read_csv, load_project, check_writable,
                       lambda p: write_text_atomic(p, "x")):
            try:
                action(path)
            except MLPError as exc:
                assert str(exc)
