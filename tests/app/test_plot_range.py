"""Axis ranges that follow growing data in steps, and the loss plot following them."""

from __future__ import annotations

import numpy as np
import pytest

from mlp_studio.app.training.loss_plot import EPOCH_MARGIN, LossPlot
from mlp_studio.app.widgets.plot_range import epoch_range, nice_ceiling, value_range
from tests.app.test_loss_plot import snap


@pytest.mark.parametrize("value, expected", [
    (1.0, 1.0), (1.2, 2.0), (2.0, 2.0), (3.0, 5.0), (7.5, 10.0), (10.0, 10.0), (11.0, 20.0),
    (450.0, 500.0), (0.03, 0.05), (0.0007, 0.001)])
def test_nice_ceiling_is_the_next_1_2_5_step(value, expected):
    assert nice_ceiling(value) == pytest.approx(expected, rel=1e-12)


def test_epoch_range_changes_only_at_round_numbers():
    ranges = {epoch_range(e) for e in range(1, 101)}
    assert sorted(ranges) == [(0.0, 1.0), (0.0, 2.0), (0.0, 5.0), (0.0, 10.0), (0.0, 20.0),
                              (0.0, 50.0), (0.0, 100.0)]  # 7 changes in 100 epochs


def test_value_range_holds_until_the_data_leaves_it_or_shrinks_to_a_third():
    first = value_range(None, 0.5, 1.0, nonnegative=True)
    assert first == pytest.approx((0.475, 1.025))  # 5 % margins of the 0.5 span
    assert value_range(first, 0.49, 1.0, nonnegative=True) == first  # still inside: kept
    lower = value_range(first, 0.4, 1.0, nonnegative=False)  # ran out below: the old span as room
    assert lower == pytest.approx((0.4 - 0.55, 1.0 + 0.05 * 0.6))
    assert value_range(first, 0.4, 1.0, nonnegative=True)[0] == 0.0  # ...but no negative losses
    assert value_range(first, 0.0, 10.0, nonnegative=True) == pytest.approx((0.0, 12.5))  # 25 % of 10
    tight = value_range(lower, 0.9, 1.0, nonnegative=True)  # fills 0.1 / 0.78 < 1/3: re-fit
    assert tight == pytest.approx((0.895, 1.005))
    assert value_range(None, 0.0, 0.1, nonnegative=True)[0] == 0.0  # no negative losses shown
    assert value_range(None, -3.0, -1.0, nonnegative=False) == pytest.approx((-3.1, -0.9))
    assert value_range(None, 2.0, 2.0, nonnegative=True) == pytest.approx((1.99, 2.01))  # flat


def test_a_growing_loss_curve_moves_the_axes_a_few_times(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    vb = plot.plot_widget.getPlotItem().vb
    ranges = []
    for epoch in range(1, 201):  # a decreasing loss, one epoch per frame
        plot.add_snapshot(snap(1, [epoch], [np.exp(-epoch / 30.0) + 0.05]))
        plot.redraw()
        ranges.append(tuple(map(tuple, vb.viewRange())))
    assert len(set(ranges)) <= 14  # pyqtgraph's auto range would move them 200 times
    (x0, x1), (y0, y1) = ranges[-1]
    losses = plot.train.y.view
    assert x0 == 0.0 and x1 == pytest.approx(200.0 * (1 + EPOCH_MARGIN)) and y0 <= losses.min() and losses.max() <= y1
    assert losses.max() - losses.min() >= (y1 - y0) / 3


def test_panning_stops_following_and_auto_range_starts_it_again(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    vb = plot.plot_widget.getPlotItem().vb
    plot.add_snapshot(snap(1, [1, 2, 3], [0.3, 0.2, 0.1]))
    plot.redraw()
    vb.setRange(xRange=(1, 2), yRange=(0.15, 0.25), padding=0)
    vb.sigRangeChangedManually.emit(vb.state["mouseEnabled"])  # what a drag emits
    plot.add_snapshot(snap(1, [4, 5], [0.05, 0.04]))
    plot.redraw()
    assert vb.viewRange()[0] == pytest.approx([1, 2])  # the user's view stays
    vb.enableAutoRange()  # the "A" button
    plot.add_snapshot(snap(1, [6], [0.03]))
    plot.redraw()
    (x0, x1), (y0, y1) = vb.viewRange()
    assert (x0, x1) == (0.0, pytest.approx(10.0 * (1 + EPOCH_MARGIN))) and y0 <= 0.03 and y1 >= 0.3 and not any(vb.state["autoRange"])


def test_log_scale_follows_in_decades(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.add_snapshot(snap(1, [1, 2, 3], [1.0, 0.01, 0.0001]))
    plot.set_log(True)
    (_, _), (y0, y1) = plot.plot_widget.getPlotItem().vb.viewRange()
    assert y0 <= -4.0 and y1 >= 0.0 and y1 - y0 < 5.0
