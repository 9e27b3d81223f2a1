"""Per-column scaling with its inverse: none, min-max [0, 1], min-max [-1, 1], z-score.

The fitted parameters (``lo``/``hi`` or ``mean``/``std``) are stored so a saved
project reproduces the same scaled numbers. A constant column (min = max, or
std = 0) is scaled with a span of 1 instead of dividing by zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlp_studio.errors import MLPError, shown

SCALINGS = ("none", "minmax01", "minmax11", "zscore")


@dataclass
class Scaler:
    """Scaling of several columns with one method; ``a``, ``b`` are per-column
    (min, max) for min-max and (mean, std) for z-score."""

    method: str
    a: np.ndarray
    b: np.ndarray

    @classmethod
    def fit(cls, method: str, values: np.ndarray) -> "Scaler":
        if method not in SCALINGS:
            raise MLPError(f"unknown scaling {shown(method)}; choose one of {', '.join(SCALINGS)}")
        values = np.atleast_2d(np.asarray(values, dtype=np.float64))
        n = values.shape[1]
        if method == "none" or values.shape[0] == 0:
            return cls(method, np.zeros(n), np.ones(n))
        if method == "zscore":
            return cls(method, values.mean(axis=0), values.std(axis=0))
        return cls(method, values.min(axis=0), values.max(axis=0))

    def offset_span(self) -> tuple[np.ndarray, np.ndarray]:
        """(offset, span): ``transform`` is (x - offset) / span, then * 2 - 1 for minmax11."""
        if self.method == "none":
            return np.zeros_like(self.a), np.ones_like(self.a)
        span = self.b - self.a if self.method != "zscore" else self.b.copy()
        span = np.where(span == 0, 1.0, span)
        return self.a, span

    def transform(self, values: np.ndarray) -> np.ndarray:
        offset, span = self.offset_span()
        unit = (np.asarray(values, dtype=np.float64) - offset) / span
        return unit * 2.0 - 1.0 if self.method == "minmax11" else unit

    def inverse(self, scaled: np.ndarray) -> np.ndarray:
        offset, span = self.offset_span()
        unit = np.asarray(scaled, dtype=np.float64)
        if self.method == "minmax11":
            unit = (unit + 1.0) / 2.0
        return unit * span + offset

    def to_dict(self) -> dict:
        keys = ("mean", "std") if self.method == "zscore" else ("min", "max")
        return {"method": self.method, keys[0]: self.a.tolist(), keys[1]: self.b.tolist()}

    @property
    def scaled_range(self) -> tuple[float, float]:
        """The range the training rows map to (min-max only; z-score is unbounded)."""
        return {"minmax01": (0.0, 1.0), "minmax11": (-1.0, 1.0)}.get(self.method, (-np.inf, np.inf))
