"""Axis ranges that follow growing data in steps.

A live plot whose ranges change on every frame redraws both axes and the grid
each time (about 15 ms of software rendering for a small plot, against about
1 ms when only the curves change), so the loss plot moves its ranges in steps:
the epoch axis to the next 1, 2 or 5 x 10^k, the loss axis only when the data
leaves it or fills less than a third of it.
"""

from __future__ import annotations

import math

FILL_MIN = 1.0 / 3.0  # re-fit the value range when the data fills less than this of it
HEADROOM = 0.25  # least extra room, as a share of the data's span, on a side the data ran out of
MARGIN = 0.05  # room on the other sides


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 x 10^k that is at least ``value`` (> 0)."""
    k = math.floor(math.log10(value))
    for m in (1.0, 2.0, 5.0, 10.0):
        step = m * 10.0 ** k
        if step >= value * (1.0 - 1e-12):
            return step
    raise AssertionError("unreachable: 10 x 10^k >= value")


def epoch_range(last: float) -> tuple[float, float]:
    """The x range for epochs up to ``last``: from 0 to a round number."""
    return 0.0, nice_ceiling(max(last, 1.0))


def value_range(shown: tuple[float, float] | None, lo: float, hi: float,
                nonnegative: bool) -> tuple[float, float]:
    """The y range for data in [``lo``, ``hi``]: ``shown`` while it holds the data and the
    data fills at least ``FILL_MIN`` of it, else a new fit; past a side the data ran out of
    it leaves as much room again as ``shown`` had, so a steadily growing range changes
    a logarithmic number of times (never below 0 when ``nonnegative`` data starts at or
    above 0)."""
    span = hi - lo
    if span <= 0.0:
        span = abs(hi) * 0.1 or 1.0
    if shown is not None:
        a, b = shown
        if a <= lo and hi <= b and span >= (b - a) * FILL_MIN:
            return shown
    below = above = MARGIN * span
    if shown is not None:  # room to grow into on a side the data ran out of: the range at least doubles
        room = max(HEADROOM * span, shown[1] - shown[0])
        below = room if lo < shown[0] else below
        above = room if hi > shown[1] else above
    a, b = lo - below, hi + above
    if nonnegative and lo >= 0.0:
        a = max(a, 0.0)
    return a, b
