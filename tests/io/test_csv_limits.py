"""The CSV reader at its limits: many columns, blank lines, blocks, line endings.

Without the limits some of these would never finish; the harness's timeout
catches that. Nothing here measures time.
"""

from __future__ import annotations

import numpy as np
import pytest

from mlp_studio.errors import MLPError
from mlp_studio.io import csv_table
from mlp_studio.io.csv_table import MAX_COLUMNS, read_csv


def _write(tmp_path, text: str | bytes, name: str = "t.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_a_million_columns_are_refused_with_the_count(tmp_path):
    header = ",".join(f"c{i}" for i in range(10**6))
    with pytest.raises(MLPError, match=f"1,000,000 columns; at most {MAX_COLUMNS:,}") as info:
        read_csv(_write(tmp_path, header + "\n" + ",".join(["1"] * 10**6) + "\n"))
    assert info.value.where.endswith("t.csv, line 1")


def test_the_largest_allowed_header_reads_and_a_repeated_name_is_found(tmp_path):
    names = [f"c{i}" for i in range(MAX_COLUMNS)]
    row = ",".join(str(i % 7) for i in range(MAX_COLUMNS))
    table = read_csv(_write(tmp_path, ",".join(names) + "\n" + row + "\n" + row + "\n"))
    assert table.columns == names and table.values.shape == (2, MAX_COLUMNS)
    assert table.values[1, 9] == 2.0
    names[-1] = "c17"
    with pytest.raises(MLPError, match=f"'c17' appears twice \\(columns 18 and {MAX_COLUMNS}\\)"):
        read_csv(_write(tmp_path, ",".join(names) + "\n" + row + "\n", "dup.csv"))


def test_blank_lines_cannot_claim_a_huge_array(tmp_path):
    header = ",".join(f"c{i}" for i in range(2000))
    row = ",".join(["1.5"] * 2000)
    calls = []
    table = read_csv(_write(tmp_path, header + "\n" * 200_000 + row + "\n"),
                     lambda done, total: calls.append((done, total)))
    assert table.values.shape == (1, 2000) and table.values[0, 1999] == 1.5
    assert calls[-1] == (1, 1)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_lines_split_across_blocks_read_as_whole_lines(tmp_path, monkeypatch, newline):
    monkeypatch.setattr(csv_table, "BLOCK_CHARS", 7)  # most lines span two or more blocks
    rows = [[1.25, -2.0, 3e-3], [4.0, 5.5, 6.0], [7.0, 8.0, 9.125]]
    text = newline.join(["a,b,c"] + [",".join(map(repr, r)) for r in rows] + [""])
    table = read_csv(_write(tmp_path, text))
    assert table.values.tolist() == rows
    bad = newline.join(["a,b,c", "1,2,3", "", "4,five,6", ""])
    with pytest.raises(MLPError, match="'five' is not a number") as info:
        read_csv(_write(tmp_path, bad, "bad.csv"))
    assert info.value.where.endswith("bad.csv, line 4, column 'b'")  # the blank line counted


def test_a_nan_in_a_later_block_names_its_line(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_table, "BLOCK_CHARS", 64)
    lines = ["x,z"] + [f"{i},{i % 2}" for i in range(100)]
    lines[77] = "76,nan"
    with pytest.raises(MLPError, match="'nan' is not a finite number") as info:
        read_csv(_write(tmp_path, "\n".join(lines) + "\n"))
    assert info.value.where.endswith("line 78, column 'z'")


def test_a_nul_byte_and_bad_utf8_name_their_lines_when_streamed(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_table, "BLOCK_CHARS", 8)
    with pytest.raises(MLPError, match="line 3 contains binary data"):
        read_csv(_write(tmp_path, b"a,b\n1,2\n3,\x004\n"))
    with pytest.raises(MLPError, match="line 4 has the byte 0xFF"):
        read_csv(_write(tmp_path, b"a,b\n1,2\n3,4\n5,\xff\n", "latin.csv"))


def test_values_match_numpy_on_a_large_file(tmp_path):
    rng = np.random.default_rng(1)
    values = np.round(rng.normal(size=(50_000, 4)), 5)
    path = tmp_path / "big.csv"
    with path.open("w") as f:
        f.write("a,b,c,d\n")
        np.savetxt(f, values, fmt="%.5f", delimiter=",")
    np.testing.assert_array_equal(read_csv(path).values, np.loadtxt(path, delimiter=",", skiprows=1))
