"""A dataset: a numeric table, the chosen input and target columns, and their scaling."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mlp_studio.core.activations import get_activation
from mlp_studio.core.derived import DerivedColumn
from mlp_studio.core.scaling import Scaler
from mlp_studio.errors import MLPError, listed, shown


def _outside(values: np.ndarray, lo, hi) -> tuple[int, int, int] | None:
    """(number of rows with a value outside [lo, hi], the first such row, its first such
    column), or None when every value lies inside."""
    outside = (values < lo) | (values > hi)
    rows = np.flatnonzero(outside.any(axis=1))
    if rows.size == 0:
        return None
    r = int(rows[0])
    return rows.size, r, int(np.argmax(outside[r]))


@dataclass
class Dataset:
    """Raw values (rows x columns) plus column choice and fitted scalers.

    ``X`` and ``Z`` are the scaled inputs and targets the network sees.
    Scalers are fitted on the rows unless given (as when a project is loaded).
    The last ``len(derived)`` columns are computed from their expressions (``core.derived``).
    """

    columns: list[str]
    values: np.ndarray
    inputs: list[str]
    targets: list[str]
    input_scaling: str = "minmax01"
    target_scaling: str = "minmax01"
    input_scaler: Scaler | None = None
    target_scaler: Scaler | None = None
    source: str = ""
    derived: tuple[DerivedColumn, ...] = ()
    X: np.ndarray = field(init=False, repr=False)
    Z: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.values = np.asarray(self.values, dtype=np.float64)
        if self.values.ndim != 2 or self.values.shape[1] != len(self.columns):
            raise MLPError(f"expected {len(self.columns)} values per row")
        if self.values.shape[0] == 0:
            raise MLPError("the data has no rows")
        if [d.name for d in self.derived] != self.columns[len(self.columns) - len(self.derived):]:
            raise MLPError("derived columns must be the last columns, in order")
        self._position = {name: k for k, name in enumerate(self.columns)}
        for name in self.inputs + self.targets:
            if name not in self._position:
                raise MLPError(f"no column named {shown(name)}; columns are {listed(self.columns)}")
        if not self.inputs or not self.targets:
            raise MLPError("choose at least one input column and one target column")
        if set(self.inputs) & set(self.targets):
            raise MLPError("a column cannot be both an input and a target: "
                           + ", ".join(sorted(set(self.inputs) & set(self.targets))))
        raw_x, raw_z = self.raw_inputs, self.raw_targets
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is refused below
            if self.input_scaler is None:
                self.input_scaler = Scaler.fit(self.input_scaling, raw_x)
            if self.target_scaler is None:
                self.target_scaler = Scaler.fit(self.target_scaling, raw_z)
            self.X = self.input_scaler.transform(raw_x)
            self.Z = self.target_scaler.transform(raw_z)
        _check_scaled(self.inputs, self.input_scaler, self.X)
        _check_scaled(self.targets, self.target_scaler, self.Z)

    @classmethod
    def with_default_columns(cls, columns: list[str], values: np.ndarray, **kw) -> "Dataset":
        """All columns but the last are inputs; the last is the target."""
        if len(columns) < 2:
            raise MLPError("the data needs at least two columns: inputs and a target")
        return cls(columns, values, list(columns[:-1]), [columns[-1]], **kw)

    def _cols(self, names: list[str]) -> np.ndarray:
        return self.values[:, [self._position[n] for n in names]]

    @property
    def raw_inputs(self) -> np.ndarray:
        return self._cols(self.inputs)

    @property
    def raw_targets(self) -> np.ndarray:
        return self._cols(self.targets)

    @property
    def n_base_columns(self) -> int:
        """Columns read from the data (the derived ones follow them)."""
        return len(self.columns) - len(self.derived)

    @property
    def n_rows(self) -> int:
        return self.values.shape[0]

    def target_range_warnings(self, output_activation: str) -> list[str]:
        """One message (or none) for the rows whose scaled targets lie outside what the
        output activation can produce, with their count."""
        lo, hi = get_activation(output_activation).value_range
        found = _outside(self.Z, lo, hi)
        if found is None:
            return []
        count, r, j = found
        return [f"{count} of {self.n_rows} rows have targets outside [{lo:g}, {hi:g}] after "
                f"scaling (target {shown(self.targets[j])} of row {r} is {self.Z[r, j]:g}), but a "
                f"{output_activation} output only reaches [{lo:g}, {hi:g}]: the output can never "
                f"match them and its delta y(1-y)(y-z) will be huge. Scale the targets "
                f"(e.g. minmax01) or use an identity output."]

    def input_range_warnings(self, raw_inputs: np.ndarray) -> list[str]:
        """One message (or none) for the rows of new raw inputs outside the range of these
        rows' inputs (where the network's outputs are extrapolation), with their count."""
        raw = np.atleast_2d(np.asarray(raw_inputs, dtype=np.float64))
        trained = self.raw_inputs
        lo, hi = trained.min(axis=0), trained.max(axis=0)
        found = _outside(raw, lo, hi)
        if found is None:
            return []
        count, r, j = found
        return [f"{count} of {raw.shape[0]} rows have inputs outside the range of the "
                f"training data (input {shown(self.inputs[j])} of row {r} is {raw[r, j]:g}, trained on "
                f"[{lo[j]:g}, {hi[j]:g}]): the outputs for them are extrapolation"]


def _check_scaled(names: list[str], scaler: Scaler, scaled: np.ndarray) -> None:
    """MLPError naming the first column whose fitted scaling or scaled values are not finite
    (values near the float limit, e.g. 1e308: their mean, std or max - min overflow)."""
    with np.errstate(over="ignore", invalid="ignore"):
        offset, span = scaler.offset_span()
        ok = np.isfinite(offset) & np.isfinite(span) & np.isfinite(scaled).all(axis=0)
    bad = np.flatnonzero(~ok)
    if bad.size:
        k = int(bad[0])
        raise MLPError(f"the column's values are too large to scale with {scaler.method} (its "
                       f"{'mean or spread' if scaler.method == 'zscore' else 'range'} overflows "
                       f"floating point); divide the column by a power of ten first",
                       where=f"column {shown(names[k])}")
