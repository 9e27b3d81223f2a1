"""Minimise a function of a few variables step by step: gradient descent
(optionally with momentum) or Newton-Raphson, with stop rules.

Gradient descent: ``v = mu v - eta grad f(x); x_new = x + v`` (``mu = 0`` is
plain ``x_new = x - eta grad f(x)``). Newton-Raphson: solve ``H d = grad f(x)``
and ``x_new = x - d``. Iteration 0 is the start point; iteration k records
the point after k steps, f and the gradient there, and the step that led to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from mlp_studio.core.expression import Objective
from mlp_studio.core.stop_reason import StopReason
from mlp_studio.errors import MLPError, shown

METHODS = ("gd", "newton")

STOP_MAX_ITERATIONS = "max_iterations"
STOP_GRADIENT = "gradient_tolerance"
STOP_STEP = "step_tolerance"
STOP_DIVERGED = "diverged"
STOP_SINGULAR = "singular_hessian"

HUGE = 1e100
"""Values beyond this (in x, f or the gradient) count as divergence."""


@dataclass(frozen=True)
class Iteration:
    index: int
    x: np.ndarray
    f: float
    grad: np.ndarray
    step: np.ndarray  # x - previous x (zeros for the start point)


@dataclass
class MinimizeConfig:
    """Settings of a run. ``tol`` (gradient norm), ``step_tol`` (step norm)
    and ``max_iterations`` are each off when None."""

    method: str = "gd"
    eta: float = 0.1
    momentum: float = 0.0
    tol: float | None = None
    step_tol: float | None = None
    max_iterations: int | None = None

    def validate(self) -> None:
        if self.method not in METHODS:
            raise MLPError(f"unknown method {shown(self.method)}; choose gd or newton")
        if self.method == "gd" and not (math.isfinite(self.eta) and self.eta > 0):
            raise MLPError(f"the learning rate eta must be a positive number, got {self.eta}")
        if not (0.0 <= self.momentum < 1.0):
            raise MLPError(f"momentum must be in [0, 1), got {self.momentum}")
        if self.method == "newton" and self.momentum:
            raise MLPError("momentum applies to gradient descent only, not to Newton's method")
        for name in ("tol", "step_tol"):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value >= 0):
                raise MLPError(f"{name} must be a number >= 0, got {value}")
        if self.max_iterations is not None and self.max_iterations < 0:
            raise MLPError(f"the maximum number of iterations must be 0 or more, got {self.max_iterations}")


def _fmt_point(x: np.ndarray) -> str:
    return "(" + ", ".join(f"{v:.6g}" for v in x) + ")"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


class Minimizer:
    """A stepper: ``step()`` takes one iteration, ``run(n)`` up to n more.

    ``iterations`` holds the records (item 0 is the start point); ``stop`` is
    set when a stop rule fires, after which no more steps are taken.
    """

    def __init__(self, objective: Objective, x0, config: MinimizeConfig | None = None) -> None:
        self.objective = objective
        self.config = config or MinimizeConfig()
        self.config.validate()
        x = np.array(x0, dtype=float).reshape(-1)
        if x.shape != (objective.n,):
            raise MLPError(
                f"the start point needs {objective.n} values ({', '.join(objective.variables)}), got {x.size}"
            )
        if not np.all(np.isfinite(x)):
            raise MLPError(f"the start point must be finite, got {_fmt_point(x)}")
        self.iterations: list[Iteration] = []
        self.stop: StopReason | None = None
        self._velocity = np.zeros_like(x)
        self._record(x, np.zeros_like(x))

    @property
    def done(self) -> bool:
        return self.stop is not None

    @property
    def last(self) -> Iteration:
        return self.iterations[-1]

    def _record(self, x: np.ndarray, step: np.ndarray) -> None:
        f = self.objective.value(x)
        grad = self.objective.grad(x)
        self.iterations.append(Iteration(len(self.iterations), x, f, grad, step))
        self._check(step)

    def _check(self, step: np.ndarray) -> None:
        it, cfg = self.last, self.config
        values = np.concatenate([it.x, it.grad, [it.f]])
        if not np.all(np.isfinite(values)) or np.max(np.abs(values)) > HUGE:
            where = "the start point" if it.index == 0 else f"iteration {it.index}"
            self.stop = StopReason(
                STOP_DIVERGED,
                f"diverged at {where}: x = {_fmt_point(it.x)}, f = {it.f:.6g} "
                f"(values not finite or too large; {_divergence_hint(cfg.method)})",
            )
        elif cfg.tol is not None and float(np.linalg.norm(it.grad)) <= cfg.tol:
            self.stop = StopReason(
                STOP_GRADIENT,
                f"converged after {_plural(it.index, 'iteration')}: gradient norm "
                f"{np.linalg.norm(it.grad):.3g} <= {cfg.tol:g} at x = {_fmt_point(it.x)}",
            )
        elif it.index > 0 and cfg.step_tol is not None and float(np.linalg.norm(step)) <= cfg.step_tol:
            self.stop = StopReason(
                STOP_STEP,
                f"stopped after {_plural(it.index, 'iteration')}: step size {np.linalg.norm(step):.3g} <= {cfg.step_tol:g}",
            )
        elif cfg.max_iterations is not None and it.index >= cfg.max_iterations:
            self.stop = StopReason(STOP_MAX_ITERATIONS, f"reached {_plural(it.index, 'iteration')} at x = {_fmt_point(it.x)}")

    def _direction(self) -> np.ndarray | None:
        """The step from the current point, or None (with ``stop`` set)."""
        it = self.last
        if self.config.method == "gd":
            self._velocity = self.config.momentum * self._velocity - self.config.eta * it.grad
            return self._velocity.copy()
        hess = self.objective.hess(it.x)
        if not np.all(np.isfinite(hess)):
            self.stop = StopReason(STOP_DIVERGED, f"the Hessian is not finite at x = {_fmt_point(it.x)}")
            return None
        try:
            singular = np.linalg.cond(hess) > 1e14
            step = None if singular else -np.linalg.solve(hess, it.grad)
        except np.linalg.LinAlgError:
            step = None
        if step is None:
            self.stop = StopReason(
                STOP_SINGULAR,
                f"the Hessian is singular at x = {_fmt_point(it.x)}, so Newton's method "
                "cannot take a step there; try another start point or gradient descent",
            )
        return step

    def step(self) -> Iteration | None:
        """Take one iteration; None when already stopped or no step is possible."""
        if self.done:
            return None
        step = self._direction()
        if step is None:
            return None
        with np.errstate(all="ignore"):
            x = self.last.x + step
        self._record(x, step)
        return self.last

    def run(self, n: int) -> list[Iteration]:
        """Take up to ``n`` iterations (fewer if a stop rule fires)."""
        start = len(self.iterations)
        for _ in range(n):
            if self.step() is None:
                break
        return self.iterations[start:]


def _divergence_hint(method: str) -> str:
    if method == "newton":
        return "Newton's method has no learning rate: start closer to a minimum, or use gd"
    return "try a smaller learning rate"


def minimize(objective: Objective, x0, config: MinimizeConfig) -> Minimizer:
    """Run until a stop rule fires; ``config`` must bound the run somehow."""
    if config.max_iterations is None:
        raise MLPError("set a maximum number of iterations")
    m = Minimizer(objective, x0, config)
    while not m.done and m.step() is not None:
        pass
    return m


@dataclass(frozen=True)
class Preset:
    name: str
    text: str
    x0: tuple[float, ...]
    config: MinimizeConfig = field(default_factory=MinimizeConfig)
    steps: int = 10  # a good "run N" for the lesson
    note: str = ""
    view: tuple[float, ...] = ()  # plot bounds: (xmin, xmax) or (xmin, xmax, ymin, ymax)


PRESETS: tuple[Preset, ...] = (
    Preset(
        "Bowl x² + y² (reference)",
        "x**2 + y**2",
        (3.0, 4.0),
        MinimizeConfig(eta=0.1, tol=1e-8, max_iterations=1000),
        10,
        "The reference document's example: from (3, 4) with eta 0.1 each step multiplies x and y by 0.8.",
        (-5.0, 5.0, -5.0, 5.0),
    ),
    Preset(
        "Quartic with two minima",
        "3*x**4 + 5*x**3 - 20*x**2 + 8*x + 10",
        (2.0,),
        MinimizeConfig(eta=0.01, tol=1e-8, max_iterations=1000),
        50,
        "Start right of the hump (x > 0.22) to reach the local minimum near 1.15, left of it for the "
        "global one near -2.62. With eta 0.02 the steps overshoot and oscillate; with 0.05 they diverge.",
        (-3.5, 2.5),
    ),
    Preset(
        "Rosenbrock valley",
        "(1 - x)**2 + 100*(y - x**2)**2",
        (-1.2, 1.0),
        MinimizeConfig(eta=0.001, tol=1e-8, max_iterations=20000),
        1000,
        "A curved valley: steepest descent zig-zags and crawls towards the minimum at (1, 1); "
        "Newton's method gets there in a few steps.",
        (-2.0, 2.0, -1.0, 3.0),
    ),
)


# ------------------------------------------------------------ plot support


def default_view(x0: Sequence[float]) -> tuple[float, ...]:
    """Bounds around the start point and the origin, at least 2 wide per variable."""
    bounds: list[float] = []
    for v in x0:
        lo, hi = min(v, 0.0), max(v, 0.0)
        pad = max(1.0, 0.25 * (hi - lo))
        bounds += [lo - pad, hi + pad]
    return tuple(bounds)


def framing_view(objective: Objective, x0: Sequence[float], reach: float = 10.0,
                 n: int = 4001) -> tuple[float, ...]:
    """Bounds for a first look at f: for one variable, around the start point and every
    stationary point (a sign change of f') within ``reach`` of the start point or the origin,
    so each minimum shows; otherwise ``default_view``."""
    if objective.n != 1:
        return default_view(x0)
    start = float(x0[0])
    xs = np.linspace(min(start, 0.0) - reach, max(start, 0.0) + reach, n)
    (g,) = objective.gradient_on(xs)
    g0, g1 = g[:-1], g[1:]
    crossing = np.flatnonzero(np.isfinite(g0) & np.isfinite(g1) & ((g0 < 0) != (g1 < 0)) & (g0 != g1))
    if crossing.size == 0:
        return default_view(x0)
    roots = xs[crossing] - g0[crossing] * (xs[crossing + 1] - xs[crossing]) / (g1[crossing] - g0[crossing])
    lo, hi = min(start, float(roots.min())), max(start, float(roots.max()))
    pad = max(0.5, 0.15 * (hi - lo))
    return lo - pad, hi + pad


def path_in_view(points: np.ndarray, view: Sequence[float], max_growth: float = 1.0) -> int:
    """How many leading ``points`` (rows) are finite and lie inside ``view`` grown by
    ``max_growth`` view-widths on each side: the part of a divergent path worth plotting."""
    pts = np.atleast_2d(np.asarray(points, dtype=float))
    inside = np.all(np.isfinite(pts), axis=1)
    for i in range(len(view) // 2):
        lo, hi = view[2 * i], view[2 * i + 1]
        width = hi - lo
        with np.errstate(invalid="ignore"):
            inside &= (pts[:, i] >= lo - max_growth * width) & (pts[:, i] <= hi + max_growth * width)
    return len(pts) if inside.all() else int(np.argmin(inside))


def view_with_points(view: Sequence[float], points: np.ndarray, max_growth: float = 4.0) -> tuple[float, ...]:
    """``view`` grown to hold ``points`` (rows), ignoring points that are not
    finite or lie more than ``max_growth`` view-widths away (a divergent run)."""
    bounds = list(view)
    pts = np.atleast_2d(np.asarray(points, dtype=float))
    for i in range(len(bounds) // 2):
        lo, hi = bounds[2 * i], bounds[2 * i + 1]
        width = hi - lo
        col = pts[:, i]
        col = col[np.isfinite(col) & (col > lo - max_growth * width) & (col < hi + max_growth * width)]
        if col.size:
            margin = 0.05 * width
            bounds[2 * i] = min(lo, float(col.min()) - margin)
            bounds[2 * i + 1] = max(hi, float(col.max()) + margin)
    return tuple(bounds)


def curve(objective: Objective, xmin: float, xmax: float, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """f sampled on [xmin, xmax] (one variable)."""
    xs = np.linspace(xmin, xmax, n)
    return xs, objective.evaluate(xs)


def grid(objective: Objective, view: Sequence[float], n: int = 150) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """f on an n x n grid over (xmin, xmax, ymin, ymax); ``z[i, j] = f(xs[i], ys[j])``."""
    xs = np.linspace(view[0], view[1], n)
    ys = np.linspace(view[2], view[3], n)
    xx, yy = np.meshgrid(xs, ys, indexing="ij")
    return xs, ys, objective.evaluate(xx, yy)


def contour_levels(z: np.ndarray, n: int = 14) -> np.ndarray:
    """``n`` contour levels evenly spaced in log(1 + f - min f), up to the 95th
    percentile, so functions with a huge range (Rosenbrock) still show their valley."""
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return np.array([])
    low = float(finite.min())
    top = float(np.quantile(finite, 0.95)) - low
    if not top > 0:
        return np.array([])
    return low + np.expm1(np.linspace(0.0, np.log1p(top), n + 1)[1:])


def contour_bands(z: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """The band index of each value between ``levels`` (0..len(levels)); -1 where not finite."""
    bands = np.digitize(z, levels).astype(float)
    bands[~np.isfinite(z)] = np.nan
    return bands


def tangent_lines(iterations: Sequence[Iteration], half_width: float,
                  y_per_x: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Tangent segments y = f + f'(x) (t - x) for t in [x - w, x + w] at each
    one-variable iterate, joined into one array with NaN gaps.

    With ``y_per_x`` (how many y units the screen shows in the length of one x unit)
    w shrinks with the slope, w = half_width / sqrt(1 + (f' / y_per_x)^2), so every
    segment has the same length on screen as a horizontal one of half-width ``half_width``."""
    xs, ys = [], []
    for it in iterations:
        x, f, g = float(it.x[0]), it.f, float(it.grad[0])
        w = half_width if y_per_x is None else half_width / math.hypot(1.0, g / y_per_x)
        xs += [x - w, x + w, np.nan]
        ys += [f - g * w, f + g * w, np.nan]
    return np.array(xs), np.array(ys)
