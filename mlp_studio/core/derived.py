"""Derived columns: a new data column computed from an expression of other columns
(``x1*x2``, ``x1**2``, ``sin(x1)``), in the lab's safe expression language, never ``eval``.

A project keeps the expression, not the numbers: the column is computed again whenever the
data is loaded, from the columns before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from mlp_studio.core.expression import CONSTANTS, FUNCTIONS, parse
from mlp_studio.errors import MLPError

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class DerivedColumn:
    """Column ``name`` holds ``expression`` evaluated on each row."""

    name: str
    expression: str


def derived_values(columns: list[str], values: np.ndarray, column: DerivedColumn) -> np.ndarray:
    """The values of ``column`` for every row of ``values`` (whose columns are ``columns``)."""
    if not column.name.strip():
        raise MLPError("the new column needs a name")
    if column.name in columns:
        raise MLPError(f"there is already a column named {column.name!r}")
    tree = parse(column.expression)
    usable = {name: k for k, name in enumerate(columns) if _IDENTIFIER.match(name)}
    unknown = sorted(tree.names() - set(usable) - set(CONSTANTS) - set(FUNCTIONS))
    if unknown:
        hint = ", ".join(usable) or "none"
        raise MLPError(f"{column.expression!r} uses {', '.join(unknown)}, which is no column; "
                       f"columns it can use (names of letters, digits and _, starting with a letter): {hint}")
    env = {name: values[:, k] for name, k in usable.items()}
    with np.errstate(all="ignore"):
        result = np.broadcast_to(np.asarray(tree.evaluate(env), np.float64), (values.shape[0],)).copy()
    bad = np.flatnonzero(~np.isfinite(result))
    if bad.size:
        row = int(bad[0])
        raise MLPError(f"{column.name} = {column.expression} is not a finite number in data row {row} "
                       f"(0-based) and {bad.size - 1} other row(s)")
    return result


def with_derived(columns: list[str], values: np.ndarray,
                 derived: tuple[DerivedColumn, ...]) -> tuple[list[str], np.ndarray]:
    """``columns`` and ``values`` with each derived column appended in order (a later one may
    use an earlier one)."""
    columns = list(columns)
    for column in derived:
        new = derived_values(columns, values, column)
        values = np.column_stack([values, new])
        columns.append(column.name)
    return columns, values
