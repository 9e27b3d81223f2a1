"""Where each edge's label sits along its edge: clear of the other labels and of the nodes.

A label of a fixed size sits at a fraction ``t`` of the way from the edge's start to
its end: centred on the edge, or where that is taken, just above or below it (a
vertical shift of ``lift`` label heights). Labels are placed one after another: each
takes the first candidate place, centred ones and those nearest the preferred
fraction first, at which it overlaps nothing placed before it and no obstacle (nodes,
their texts), or else the one where the overlapping area is least. Placing in a different order can leave less overlap, so
a few orders are tried (the given one, reversed, by slope both ways) and the best
kept. Pure geometry: the canvas computes it once per layout, not per step.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Rect = tuple[float, float, float, float]        # left, top, right, bottom
Segment = tuple[float, float, float, float]     # x1, y1, x2, y2

#: fractions along an edge that a label may sit at
FRACTIONS = tuple(round(0.14 + 0.04 * k, 2) for k in range(19))  # 0.14 ... 0.86
#: vertical shifts, in label heights, tried after the centred place: just above, just below
LIFTS = (0.0, -0.6, 0.6)

Place = tuple[float, float]  # (fraction along the edge, lift in label heights)


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
            obstacles: list[Rect], places: Sequence[Place]) -> tuple[float, dict[int, Place]]:
    """Place the labels in ``order``: (total overlapping area, place by segment index)."""
    blocked = list(obstacles)
    total, chosen = 0.0, {}
    for index in order:
        best_cost, best = float("inf"), places[0]
        for place in places:
            rect = label_rect(segments[index], place[0], size, place[1])
            cost = sum(overlap(rect, other) for other in blocked)
            if cost < best_cost:
                best_cost, best = cost, place
            if cost == 0.0:
                break
        blocked.append(label_rect(segments[index], best[0], size, best[1]))
        chosen[index] = best
        total += best_cost
    return total, chosen


def place_labels(segments: Sequence[Segment], size: tuple[float, float],
                 obstacles: Iterable[Rect] = (), preferred: float = 0.5) -> list[Place]:
    """Where each segment's label sits: (fraction along it, lift) (see the module docstring)."""
    blocked = list(obstacles)
    fractions = sorted(FRACTIONS, key=lambda t: abs(t - preferred))
    places = [(t, lift) for lift in LIFTS for t in fractions]
    given = list(range(len(segments)))
    slope = [(s[3] - s[1]) / ((s[2] - s[0]) or 1.0) for s in segments]
    by_slope = sorted(given, key=slope.__getitem__)
    best: tuple[float, dict[int, Place]] | None = None
    for order in (given, given[::-1], by_slope, by_slope[::-1]):
        attempt = _greedy(segments, order, size, blocked, places)
        if best is None or attempt[0] < best[0]:
            best = attempt
        if best[0] == 0.0:
            break
    return [best[1][i] for i in given] if best else []
