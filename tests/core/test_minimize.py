"""Gradient descent and Newton-Raphson on the lab's functions."""

from __future__ import annotations

import numpy as np
import pytest

from mlp_studio.core.expression import Objective
from mlp_studio.core.minimize import (
    PRESETS,
    STOP_DIVERGED,
    STOP_GRADIENT,
    STOP_MAX_ITERATIONS,
    STOP_SINGULAR,
    STOP_STEP,
    MinimizeConfig,
    Minimizer,
    contour_levels,
    default_view,
    framing_view,
    grid,
    minimize,
    path_in_view,
    tangent_lines,
    view_with_points,
)
from mlp_studio.errors import MLPError

QUARTIC = "3*x**4 + 5*x**3 - 20*x**2 + 8*x + 10"

# The reference document's table (mlp-training-math.md, "An example using the
# gradient descent formula"): x_old, grad x, x_new, y_old, grad y, y_new, f(new).
# Its later rows were computed from rounded values and three f entries are
# wrong; the exact values (x_k = 3 * 0.8**k, f_k = 25 * 0.64**k) are below.
REFERENCE_ROWS = [
    (None, None, 3.0000, None, None, 4.0000, 25.0000),
    (3.0000, 6.0000, 2.4000, 4.0000, 8.0000, 3.2000, 16.0000),
    (2.4000, 4.8000, 1.9200, 3.2000, 6.4000, 2.5600, 10.2400),
    (1.9200, 3.8400, 1.5360, 2.5600, 5.1200, 2.0480, 6.5536),
    (1.5360, 3.0720, 1.2288, 2.0480, 4.0960, 1.6384, 4.1943),
    (1.2288, 2.4576, 0.9830, 1.6384, 3.2768, 1.3107, 2.6844),
    (0.9830, 1.9661, 0.7864, 1.3107, 2.6214, 1.0486, 1.7180),  # reference: 1.9660, 1.7179
    (0.7864, 1.5729, 0.6291, 1.0486, 2.0972, 0.8389, 1.0995),  # reference: 1.5728
    (0.6291, 1.2583, 0.5033, 0.8389, 1.6777, 0.6711, 0.7037),  # reference: 1.2582, 1.6778, 0.7140
    (0.5033, 1.0066, 0.4027, 0.6711, 1.3422, 0.5369, 0.4504),  # reference: 0.3579
    (0.4027, 0.8053, 0.3221, 0.5369, 1.0737, 0.4295, 0.2882),  # reference: 0.8054, 0.3222, 1.0738, 0.2294
]


def test_reference_bowl_table_to_four_decimals() -> None:
    m = Minimizer(Objective("x**2 + y**2"), (3, 4), MinimizeConfig(eta=0.1))
    m.run(10)
    its = m.iterations
    assert len(its) == 11
    for k, row in enumerate(REFERENCE_ROWS):
        x_old, gx, x_new, y_old, gy, y_new, f_new = row
        assert its[k].x == pytest.approx([x_new, y_new], abs=5e-5)
        assert its[k].f == pytest.approx(f_new, abs=5e-5)
        if k:
            assert its[k - 1].x == pytest.approx([x_old, y_old], abs=5e-5)
            assert its[k - 1].grad == pytest.approx([gx, gy], abs=5e-5)
            np.testing.assert_allclose(its[k].step, its[k].x - its[k - 1].x)
        # and exactly the closed form x_k = 3 * 0.8**k, y_k = 4 * 0.8**k
        assert its[k].x == pytest.approx([3 * 0.8**k, 4 * 0.8**k], rel=1e-12)
        assert its[k].f == pytest.approx(25 * 0.64**k, rel=1e-12)


def test_momentum_matches_hand_calculation() -> None:
    # f = x^2, eta 0.1, mu 0.5 from 1: v1 = -0.2, x1 = 0.8; v2 = 0.5*-0.2 - 0.1*1.6 = -0.26, x2 = 0.54
    m = Minimizer(Objective("x**2"), (1.0,), MinimizeConfig(eta=0.1, momentum=0.5))
    m.run(2)
    assert [it.x[0] for it in m.iterations] == pytest.approx([1.0, 0.8, 0.54])
    assert m.iterations[2].step[0] == pytest.approx(-0.26)


def test_newton_on_a_quadratic_converges_in_one_step() -> None:
    # f = (x-1)^2 + 2(y+2)^2 + x y: minimum where 2(x-1) + y = 0 and 4(y+2) + x = 0
    obj = Objective("(x - 1)**2 + 2*(y + 2)**2 + x*y")
    expected = np.linalg.solve([[2.0, 1.0], [1.0, 4.0]], [2.0, -8.0])
    m = minimize(obj, (5.0, 7.0), MinimizeConfig(method="newton", tol=1e-10, max_iterations=50))
    assert len(m.iterations) == 2
    assert m.stop.code == STOP_GRADIENT
    np.testing.assert_allclose(m.iterations[1].x, expected, atol=1e-12)


def test_newton_singular_hessian_is_a_stop_reason() -> None:
    m = Minimizer(Objective("x**3 + y"), (0.0, 1.0), MinimizeConfig(method="newton"))
    assert m.step() is None
    assert m.stop.code == STOP_SINGULAR
    assert "singular" in m.stop.message and "(0, 1)" in m.stop.message
    assert len(m.iterations) == 1


def quartic_minima() -> tuple[float, float, float]:
    """Stationary points of the quartic from numpy.roots of f' = 12x^3 + 15x^2 - 40x + 8."""
    roots = np.sort(np.roots([12.0, 15.0, -40.0, 8.0]).real)
    return tuple(roots)


@pytest.mark.parametrize("method, eta", [("gd", 0.01), ("newton", 0.1)])
def test_quartic_start_side_decides_the_minimum(method: str, eta: float) -> None:
    left_min, hump, right_min = quartic_minima()
    obj = Objective(QUARTIC)
    cfg = MinimizeConfig(method=method, eta=eta, tol=1e-9, max_iterations=500)
    # Newton converges to whatever stationary point is near: start close to each minimum.
    starts = (-1.0, 2.0) if method == "gd" else (-2.0, 1.5)
    ends = [minimize(obj, (x0,), cfg) for x0 in starts]
    assert [m.stop.code for m in ends] == [STOP_GRADIENT, STOP_GRADIENT]
    assert ends[0].last.x[0] == pytest.approx(left_min, abs=1e-7)
    assert ends[1].last.x[0] == pytest.approx(right_min, abs=1e-7)
    assert ends[0].last.x[0] < hump < ends[1].last.x[0]


def test_quartic_large_eta_diverges_and_is_reported() -> None:
    m = minimize(Objective(QUARTIC), (2.0,), MinimizeConfig(eta=0.05, max_iterations=100))
    assert m.stop.code == STOP_DIVERGED
    assert "diverged" in m.stop.message
    assert len(m.iterations) < 20
    assert m.step() is None  # no more steps after a stop


def test_overflow_to_infinity_is_divergence() -> None:
    m = minimize(Objective("exp(x)"), (800.0,), MinimizeConfig(eta=1.0, max_iterations=5))
    assert m.stop.code == STOP_DIVERGED
    assert len(m.iterations) == 1


def test_step_tolerance_and_max_iterations() -> None:
    m = minimize(Objective("x**2"), (1.0,), MinimizeConfig(eta=0.1, step_tol=0.01, max_iterations=100))
    # steps are 0.2 * 0.8**(k-1); the first <= 0.01 is at k = 15 (0.2 * 0.8**14 = 0.0088)
    assert m.stop.code == STOP_STEP
    assert len(m.iterations) == 16
    m = minimize(Objective("x**2"), (1.0,), MinimizeConfig(eta=0.1, max_iterations=7))
    assert m.stop.code == STOP_MAX_ITERATIONS
    assert len(m.iterations) == 8


def test_gradient_tolerance_at_start_stops_at_once() -> None:
    m = Minimizer(Objective("x**2 + y**2"), (0.0, 0.0), MinimizeConfig(tol=1e-6))
    assert m.done and m.stop.code == STOP_GRADIENT and m.run(5) == []


def test_rosenbrock_newton_reaches_the_valley_floor() -> None:
    m = minimize(Objective(PRESETS[2].text), PRESETS[2].x0, MinimizeConfig(method="newton", tol=1e-8, max_iterations=50))
    np.testing.assert_allclose(m.last.x, [1.0, 1.0], atol=1e-8)


def test_presets_run() -> None:
    for preset in PRESETS:
        obj = Objective(preset.text)
        m = Minimizer(obj, preset.x0, preset.config)
        m.run(preset.steps)
        assert len(m.iterations) == preset.steps + 1 or m.stop.code == STOP_GRADIENT
        assert m.last.f < m.iterations[0].f


@pytest.mark.parametrize(
    "config, x0, words",
    [
        (MinimizeConfig(method="adam"), (1.0,), "unknown method"),
        (MinimizeConfig(eta=0.0), (1.0,), "positive"),
        (MinimizeConfig(momentum=1.0), (1.0,), "momentum"),
        (MinimizeConfig(method="newton", momentum=0.5), (1.0,), "gradient descent only"),
        (MinimizeConfig(tol=-1.0), (1.0,), "tol"),
        (MinimizeConfig(), (1.0, 2.0), "needs 1 values"),
        (MinimizeConfig(), (float("nan"),), "finite"),
    ],
)
def test_bad_settings_are_user_errors(config: MinimizeConfig, x0, words: str) -> None:
    with pytest.raises(MLPError, match=words):
        Minimizer(Objective("x**2"), x0, config)


# ------------------------------------------------------------ plot support


def test_contour_levels_spread_over_a_huge_range() -> None:
    obj = Objective(PRESETS[2].text)
    _, _, z = grid(obj, PRESETS[2].view)
    levels = contour_levels(z, 14)
    assert len(levels) == 14 and np.all(np.diff(levels) > 0)
    assert levels[0] < 1.0 < levels[-1]  # the valley floor gets its own contour
    assert levels[-1] == pytest.approx(np.quantile(z, 0.95))


def test_tangent_lines_touch_the_curve_with_slope_f_prime() -> None:
    m = Minimizer(Objective("x**2"), (1.0,), MinimizeConfig(eta=0.25))
    m.run(1)  # x: 1 -> 0.5
    X, Y = tangent_lines(m.iterations, 0.5)
    # at x=1: f=1, f'=2 -> from (0.5, 0) to (1.5, 2); at x=0.5: f=0.25, f'=1 -> (0, -0.25) to (1, 0.75)
    np.testing.assert_allclose(X, [0.5, 1.5, np.nan, 0.0, 1.0, np.nan])
    np.testing.assert_allclose(Y, [0.0, 2.0, np.nan, -0.25, 0.75, np.nan])


def test_views() -> None:
    assert default_view((3.0, 4.0)) == (-1.0, 4.0, -1.0, 5.0)
    grown = view_with_points((-1.0, 1.0), np.array([[2.0], [np.inf], [1e9]]))
    assert grown == pytest.approx((-1.0, 2.1))  # the divergent points are left out


def test_tangent_segments_of_equal_screen_length() -> None:
    m = Minimizer(Objective("x**2"), (1.0,), MinimizeConfig(eta=0.25))
    m.run(1)  # x: 1 (f' = 2) -> 0.5 (f' = 1)
    y_per_x = 2.0  # the screen shows 2 units of f in the length of 1 unit of x
    X, Y = tangent_lines(m.iterations, 1.0, y_per_x)
    # slope 2 over 2 f-units per x-unit: 45 degrees on screen, half-width 1 / sqrt(2)
    w = 1 / np.sqrt(2)
    np.testing.assert_allclose(X[:2], [1 - w, 1 + w])
    np.testing.assert_allclose(Y[:2], [1 - 2 * w, 1 + 2 * w])
    for k in (0, 3):  # both segments are 2 units long on screen
        assert np.hypot(X[k + 1] - X[k], (Y[k + 1] - Y[k]) / y_per_x) == pytest.approx(2.0)


def test_framing_view_holds_every_stationary_point() -> None:
    # the quartic: f' = 12x^3 + 15x^2 - 40x + 8 has roots near -2.62, 0.22 and 1.15
    roots = np.sort(np.roots([12.0, 15.0, -40.0, 8.0]).real)
    lo, hi = framing_view(Objective(QUARTIC), (2.0,))
    pad = max(0.5, 0.15 * (2.0 - roots[0]))  # from the global minimum to the start point
    assert (lo, hi) == pytest.approx((roots[0] - pad, 2.0 + pad), abs=1e-4)
    # minima at -4 and 5 (and a maximum at 0.5), far from a start point at 0
    lo, hi = framing_view(Objective("(x - 5)**2 * (x + 4)**2"), (0.0,))
    assert (lo, hi) == pytest.approx((-4 - 1.35, 5 + 1.35), abs=1e-4)
    # no stationary point (f' = 1 everywhere), and two variables: the default view
    assert framing_view(Objective("x"), (3.0,)) == default_view((3.0,))
    assert framing_view(Objective("x**2 + y**2"), (3.0, 4.0)) == default_view((3.0, 4.0))


def test_path_in_view_stops_at_the_first_far_point() -> None:
    points = np.array([[0.0, 0.0], [2.5, 0.0], [0.0, 3.5], [0.0, 0.0]])
    assert path_in_view(points, (-1.0, 1.0, -1.0, 1.0)) == 2  # y = 3.5 is past 1 + 2
    assert path_in_view(points, (-1.0, 1.0, -1.0, 1.0), max_growth=2.0) == 4
    assert path_in_view(np.array([[0.0], [np.nan], [0.0]]), (-1.0, 1.0)) == 1
