"""A project's columns found in another CSV, to predict or evaluate on new rows.

Columns are matched by name, in any order. A project column ``species=setosa``
(one 0/1 column per class) is found as it is, as all zeros when the file's
``species`` column has no row of that class, or, for classes given as numbers
(``label=2``), from the file's column ``label``. A row whose class is none the
network was trained on is an error naming the class and the number of such rows.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from mlp_studio.core.derived import DerivedColumn, with_derived
from mlp_studio.errors import MLPError, listed, shown
from mlp_studio.io.csv_table import Table, class_column


def _class_source(table: Table, name: str) -> tuple[str, str] | None:
    """(class column, class) when ``name`` is a class's 0/1 column made from ``table``'s
    class-name column or to be made from its column of class numbers, else None."""
    for column in table.classes:
        if name.startswith(class_column(column, "")):
            return column, name[len(class_column(column, "")):]
    column, sep, label = name.rpartition("=")
    if sep and name not in table.columns and column in table.columns:
        return column, label
    return None


def _number_class(values: np.ndarray, label: str, where: str) -> np.ndarray:
    try:
        number = float(label)
    except ValueError:
        raise MLPError(f"the network's class {shown(label)} is no number, but the column holds numbers",
                       where=where) from None
    return (values == number).astype(np.float64)


def project_columns(table: Table, names: list[str], what: str,
                    derived: tuple[DerivedColumn, ...] = ()) -> np.ndarray:
    """Raw values (rows, ``len(names)``) of the project's ``what`` columns ``names``;
    the project's ``derived`` columns that the file lacks are computed from its columns."""
    missing_derived = [d for d in derived if d.name not in table.columns]
    if missing_derived:
        columns, values = with_derived(table.columns, table.values, missing_derived)
        table = replace(table, columns=columns, values=values)
    out = np.empty((table.n_rows, len(names)))
    groups: dict[str, list[int]] = {}
    missing = []
    for j, name in enumerate(names):
        source = _class_source(table, name)
        if source is not None:
            groups.setdefault(source[0], []).append(j)
        if name in table.columns:
            out[:, j] = table.values[:, table.columns.index(name)]
        elif source is not None and source[0] in table.classes:
            out[:, j] = 0.0
        elif source is not None:
            column, label = source
            values = table.values[:, table.columns.index(column)]
            out[:, j] = _number_class(values, label, f"{table.path}, column {column!r}")
        else:
            missing.append(name)
    if missing:
        raise MLPError(f"the CSV lacks the {what} columns {listed(missing)}", where=table.path)
    for column, members in groups.items():
        _check_known_classes(table, column, out[:, members], [names[j] for j in members])
    return out


def _check_known_classes(table: Table, column: str, one_hot: np.ndarray, names: list[str]) -> None:
    """Every row must be in one of the classes ``names`` (the network's) of ``column``."""
    unknown_rows = np.flatnonzero(one_hot.sum(axis=1) == 0)
    if unknown_rows.size == 0:
        return
    known = [n[len(class_column(column, "")):] for n in names]
    if column in table.classes:
        unknown = [c for c in table.classes[column] if c not in known]
    else:
        values = table.values[unknown_rows, table.columns.index(column)]
        unknown = [f"{v:g}" for v in np.unique(values)]
    raise MLPError(f"{unknown_rows.size} of {table.n_rows} rows (the first is row "
                   f"{unknown_rows[0]}) hold classes the network was not trained on: "
                   f"{listed(unknown)}; it knows {listed(known)}",
                   where=f"{table.path}, column {column!r}")
