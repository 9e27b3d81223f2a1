"""Generated data (``core.generators``) as CSV text, a file, or a table as if read from one.

Inputs and targets are written with six decimals. Two classes are one 0/1 ``label``
column; more classes are written by name (A, B, C, ...), which the CSV reader turns into one
0/1 column per class, as it does for any column of class names.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from mlp_studio.core.generators import Generated
from mlp_studio.io.atomic import write_text_atomic
from mlp_studio.io.csv_table import Table, read_csv


def csv_text(data: Generated) -> str:
    """The CSV text of ``data``: a header row, then one line per row."""
    lines = [",".join((*data.input_names, data.target_name))]
    for x, t in zip(data.inputs.tolist(), data.target.tolist()):
        lines.append(",".join([*(f"{v:.6f}" for v in x), _target_cell(data, t)]))
    return "\n".join(lines) + "\n"


def _target_cell(data: Generated, value: float) -> str:
    if data.class_names is None:
        return f"{value:.6f}"
    if len(data.class_names) > 2:
        return data.class_names[int(value)]
    return str(int(value))


def write_csv(data: Generated, path: str | os.PathLike) -> None:
    """Write ``data`` to ``path`` atomically."""
    write_text_atomic(path, csv_text(data))


def as_table(data: Generated) -> Table:
    """The table the CSV reader makes of ``data``'s file (class columns included)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{data.kind}.csv"
        write_csv(data, path)
        table = read_csv(path)
    table.path = f"{data.kind} (generated)"
    return table
