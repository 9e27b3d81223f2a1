"""Strict JSON for output: NaN and infinities (which JSON lacks) become ``null``."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np


def json_ready(value: Any) -> Any:
    """``value`` with NumPy arrays and scalars as lists and numbers, and every non-finite
    float as None, so ``json.dumps(..., allow_nan=False)`` always succeeds."""
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
        if arr.dtype.kind != "f":
            return arr.tolist()
        finite = np.isfinite(arr)
        if finite.all():
            return arr.tolist()
        out = arr.astype(object)
        out[~finite] = None
        return out.tolist()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    return value


def dumps_strict(value: Any) -> str:
    """JSON text of ``value`` that every JSON parser accepts (see :func:`json_ready`)."""
    return json.dumps(json_ready(value), allow_nan=False)
