"""Generated data sets for teaching: classes in the plane and simple regressions.

Every kind draws its clean points from one random stream and the noise from another, both
seeded by ``seed``: the same seed gives the same rows, and changing only ``noise`` moves the
same points by exactly the noise. For the class kinds the noise is added to the inputs (the
points move, in the inputs' units); for the regression kinds it is added to the target (in
the target's units), so the inputs stay where the function is evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from mlp_studio.errors import MLPError

MAX_ROWS = 1_000_000
MAX_CLASSES = 10
CLASS_KINDS = ("circle", "xor", "gaussians", "spiral", "moons")
REGRESSION_KINDS = ("sine", "plane")
KINDS = CLASS_KINDS + REGRESSION_KINDS
#: the plane kind's target: 0.5 x1 - 0.3 x2 + 0.2
PLANE = (0.5, -0.3, 0.2)


@dataclass(frozen=True)
class Generated:
    """Rows of a generated data set: named input columns and one target column.

    For the class kinds ``target`` holds class numbers 0..K-1 and ``class_names`` their
    names; for two classes the target is the 0/1 column itself (one sigmoid output).
    """

    kind: str
    inputs: np.ndarray
    input_names: tuple[str, ...]
    target: np.ndarray
    target_name: str
    class_names: tuple[str, ...] | None = None

    @property
    def n_rows(self) -> int:
        return self.inputs.shape[0]


def generate(kind: str, rows: int, noise: float = 0.0, seed: int = 0, classes: int = 2) -> Generated:
    """``rows`` rows of ``kind`` (one of ``KINDS``); ``classes`` for gaussians and spiral."""
    if kind not in KINDS:
        raise MLPError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    if not 2 <= rows <= MAX_ROWS:
        raise MLPError(f"rows must be between 2 and {MAX_ROWS:,}, got {rows}")
    if not (np.isfinite(noise) and 0.0 <= noise <= 10.0):
        raise MLPError(f"noise must be a standard deviation between 0 and 10, got {noise}")
    if kind in ("gaussians", "spiral"):
        if not 2 <= classes <= MAX_CLASSES:
            raise MLPError(f"classes must be between 2 and {MAX_CLASSES}, got {classes}")
    elif classes != 2:
        raise MLPError(f"{kind} has two classes; --classes is for gaussians and spiral")
    clean_rng, noise_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    if kind in REGRESSION_KINDS:
        x, y = _REGRESSIONS[kind](clean_rng, rows)
        y = y + noise * noise_rng.standard_normal(rows)
        names = ("x",) if x.shape[1] == 1 else ("x1", "x2")
        return Generated(kind, x, names, y, "y")
    label = np.arange(rows) % classes  # balanced classes
    clean_rng.shuffle(label)
    points = _CLASSES[kind](clean_rng, label, classes)
    points = points + noise * noise_rng.standard_normal(points.shape)
    names = tuple(chr(ord("A") + k) for k in range(classes))
    return Generated(kind, points, ("x1", "x2"), label.astype(np.float64), "label", names)


def _angles(rng: np.random.Generator, n: int, high: float = 2 * np.pi) -> np.ndarray:
    return rng.uniform(0.0, high, n)


def _circle(rng: np.random.Generator, label: np.ndarray, _: int) -> np.ndarray:
    """Class 1 inside radius 0.5, class 0 on a ring from 0.7 to 1."""
    radius = np.where(label == 1, rng.uniform(0.0, 0.5, label.size), rng.uniform(0.7, 1.0, label.size))
    angle = _angles(rng, label.size)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def _xor(rng: np.random.Generator, label: np.ndarray, _: int) -> np.ndarray:
    """Class 1 where the signs of x1 and x2 differ; points keep 0.05 from the axes."""
    magnitude = rng.uniform(0.05, 1.0, (label.size, 2))
    sign1 = rng.choice([-1.0, 1.0], label.size)
    sign2 = np.where(label == 1, -sign1, sign1)
    return magnitude * np.column_stack([sign1, sign2])


def _gaussians(rng: np.random.Generator, label: np.ndarray, classes: int) -> np.ndarray:
    """Class k around the k-th of ``classes`` points on a circle of radius 2, spread 0.5."""
    centre_angle = 2 * np.pi * label / classes
    centres = 2.0 * np.column_stack([np.cos(centre_angle), np.sin(centre_angle)])
    return centres + 0.5 * rng.standard_normal((label.size, 2))


def _spiral(rng: np.random.Generator, label: np.ndarray, classes: int) -> np.ndarray:
    """``classes`` arms turning 1.5 times from the centre to radius 1."""
    t = rng.uniform(0.05, 1.0, label.size)
    angle = 3 * np.pi * t + 2 * np.pi * label / classes
    return np.column_stack([t * np.cos(angle), t * np.sin(angle)])


def _moons(rng: np.random.Generator, label: np.ndarray, _: int) -> np.ndarray:
    """Two interleaved half circles of radius 1 (scikit-learn's make_moons layout)."""
    angle = _angles(rng, label.size, np.pi)
    upper = np.column_stack([np.cos(angle), np.sin(angle)])
    lower = np.column_stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)])
    return np.where((label == 1)[:, None], lower, upper)


def _sine(rng: np.random.Generator, rows: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(-np.pi, np.pi, rows)
    return x[:, None], np.sin(x)


def _plane(rng: np.random.Generator, rows: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(-1.0, 1.0, (rows, 2))
    a, b, c = PLANE
    return x, a * x[:, 0] + b * x[:, 1] + c


_CLASSES: dict[str, Callable[[np.random.Generator, np.ndarray, int], np.ndarray]] = {
    "circle": _circle, "xor": _xor, "gaussians": _gaussians, "spiral": _spiral, "moons": _moons}
_REGRESSIONS: dict[str, Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]] = {
    "sine": _sine, "plane": _plane}
