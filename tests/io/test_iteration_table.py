"""The iteration table as CSV and Markdown, checked against the reference's first rows."""

from __future__ import annotations

import csv
import io

from mlp_studio.core.expression import Objective
from mlp_studio.core.minimize import MinimizeConfig, Minimizer
from mlp_studio.io.iteration_table import compact_cell, format_cell, iterations_csv, iterations_markdown, table_columns


def bowl_run(steps: int) -> Minimizer:
    m = Minimizer(Objective("x**2 + y**2"), (3.0, 4.0), MinimizeConfig(eta=0.1))
    m.run(steps)
    return m


def test_columns_follow_the_reference_layout() -> None:
    assert table_columns(["x", "y"]) == ["k", "x_old", "df/dx", "x_new", "y_old", "df/dy", "y_new", "f"]


def test_markdown_matches_the_reference_rows() -> None:
    text = iterations_markdown(["x", "y"], bowl_run(3).iterations)
    rows = [[c.strip() for c in line.split("|")[1:-1]] for line in text.splitlines()]
    assert rows[0] == table_columns(["x", "y"])
    assert set(rows[1][0]) <= {"-", ":"}
    # the reference document's table, first rows (f of the new point)
    assert rows[2] == ["0", "", "", "3.0000", "", "", "4.0000", "25.0000"]
    assert rows[3] == ["1", "3.0000", "6.0000", "2.4000", "4.0000", "8.0000", "3.2000", "16.0000"]
    assert rows[4] == ["2", "2.4000", "4.8000", "1.9200", "3.2000", "6.4000", "2.5600", "10.2400"]
    assert rows[5] == ["3", "1.9200", "3.8400", "1.5360", "2.5600", "5.1200", "2.0480", "6.5536"]


def test_csv_is_full_precision_and_reads_back() -> None:
    m = bowl_run(2)
    rows = list(csv.reader(io.StringIO(iterations_csv(["x", "y"], m.iterations))))
    assert rows[0] == table_columns(["x", "y"])
    assert rows[1] == ["0", "", "", "3.0", "", "", "4.0", "25.0"]
    assert [float(c) for c in rows[2][1:]] == [3.0, 6.0, 2.4, 4.0, 8.0, 3.2, 16.0]
    assert float(rows[3][-1]) == m.iterations[2].f  # shortest round-trip text
    assert iterations_csv(["x", "y"], m.iterations, decimals=2).splitlines()[2] == "1,3.00,6.00,2.40,4.00,8.00,3.20,16.00"


def test_format_cell() -> None:
    assert format_cell(None) == ""
    assert format_cell(-0.00001) == "0.0000"  # no "-0.0000"
    assert format_cell(1.23456e12) == "1.2346e+12"
    assert format_cell(float("inf")) == "inf"
    assert format_cell(0.1 + 0.2, None) == "0.30000000000000004"


def test_compact_cell_fits_a_narrow_column() -> None:
    assert compact_cell(None) == ""
    assert compact_cell(-87.36319) == "-87.3632"
    assert compact_cell(-4336.91724) == "-4336.917"
    assert compact_cell(40350.9249) == "40350.92"
    assert compact_cell(253744.1234) == "253744.1"
    assert compact_cell(999999.4) == "999999.4"
    assert compact_cell(-1.0487e12) == "-1.05e12"
    assert compact_cell(1.8239e105) == "1.82e105"
    assert compact_cell(float("-inf")) == "-inf"
