"""Where each edge's label sits along its edge: clear of the other labels and of the nodes.

A label of a fixed size sits at a fraction ``t`` of the way from the edge's start to
its end: centred on the edge, or where that is taken, just above or below it (a
vertical shift of ``lift`` label heights). Labels are placed one after another: each
takes the first candidate place, centred ones and those nearest the preferred
fraction first, that overlaps nothing placed before it and no obstacle (nodes, their
texts). A label with no clear place is left out (None): an unreadable pile of numbers
helps nobody, and the edge's tooltip and the inspector still give its value. The
order of placing decides which labels fit, so a few orders are tried (the given one,
reversed, by slope both ways) and the one that leaves out fewest kept. Pure
geometry: the canvas computes it once per layout, not per step.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Rect = tuple[float, float, float, float]        # left, top, right, bottom
Segment = tuple[float, float, float, float]     # x1, y1, x2, y2
Place = tuple[float, float]                     # (fraction along the edge, lift in label heights)

#: fractions along an edge that a label may sit at
FRACTIONS = tuple(round(0.14 + 0.04 * k, 2) for k in range(19))  # 0.14 ... 0.86
#: vertical shifts, in label heights, tried after the centred place: just above, just below
LIFTS = (0.0, -0.6, 0.6)


def overlap(a: Rect, b: Rect) -> float:
    """The area two rectangles share (0 when they only touch)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def label_rect(segment: Segment, t: float, size: tuple[float, float], lift: float = 0.0) -> Rect:
    """The rectangle of a label of ``size`` (width, height) centred at ``t`` along ``segment``,
    moved down by ``lift`` label heights."""
    x1, y1, x2, y2 = segment
    w, h = size
    cx, cy = x1 + t * (x2 - x1), y1 + t * (y2 - y1) + lift * h
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _greedy(segments: Sequence[Segment], order: Sequence[int], size: tuple[float, float],
            obstacles: list[Rect], places: Sequence[Place]) -> dict[int, Place | None]:
    """Place the labels in ``order``: the place of each segment's label, None where none is clear."""
    blocked = list(obstacles)
    chosen: dict[int, Place | None] = {}
    for index in order:
        chosen[index] = None
        for t, lift in places:
            rect = label_rect(segments[index], t, size, lift)
            if not any(overlap(rect, other) for other in blocked):
                blocked.append(rect)
                chosen[index] = (t, lift)
                break
    return chosen


def place_labels(segments: Sequence[Segment], size: tuple[float, float],
                 obstacles: Iterable[Rect] = (), preferred: float = 0.5) -> list[Place | None]:
    """Where each segment's label sits, None where it is left out (see the module docstring)."""
    blocked = list(obstacles)
    fractions = sorted(FRACTIONS, key=lambda t: abs(t - preferred))
    places = [(t, lift) for lift in LIFTS for t in fractions]
    given = list(range(len(segments)))
    slope = [(s[3] - s[1]) / ((s[2] - s[0]) or 1.0) for s in segments]
    by_slope = sorted(given, key=slope.__getitem__)
    best: dict[int, Place | None] = {}
    fewest_left_out = len(segments) + 1
    for order in (given, given[::-1], by_slope, by_slope[::-1]):
        attempt = _greedy(segments, order, size, blocked, places)
        left_out = sum(place is None for place in attempt.values())
        if left_out < fewest_left_out:
            best, fewest_left_out = attempt, left_out
        if left_out == 0:
            break
    return [best[i] for i in given]
