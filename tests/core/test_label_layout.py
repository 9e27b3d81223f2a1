"""Edge-label placement: rectangles, overlap areas by hand, labels kept apart."""

from __future__ import annotations

from mlp_studio.core.label_layout import label_rect, overlap, place_labels


def test_overlap_area_by_hand():
    assert overlap((0, 0, 4, 3), (2, 1, 6, 5)) == 2 * 2
    assert overlap((0, 0, 4, 3), (4, 0, 8, 3)) == 0.0  # touching edges share no area
    assert overlap((0, 0, 4, 3), (10, 10, 11, 11)) == 0.0


def test_label_rect_is_centred_on_the_segment_or_lifted():
    assert label_rect((0, 0, 100, 50), 0.5, (20, 10)) == (40, 20, 60, 30)
    assert label_rect((0, 0, 100, 50), 0.2, (20, 10)) == (10, 5, 30, 15)
    assert label_rect((0, 0, 100, 50), 0.5, (20, 10), -0.6) == (40, 14, 60, 24)


def test_two_crossing_edges_get_labels_apart():
    # an X: both preferred spots (t = 0.5) are the crossing point
    segments = [(0, 0, 200, 100), (0, 100, 200, 0)]
    places = place_labels(segments, (40, 14))
    rects = [label_rect(s, t, (40, 14), lift) for s, (t, lift) in zip(segments, places)]
    assert overlap(*rects) == 0.0
    assert places[0] == (0.5, 0.0)  # the first keeps its preferred place, centred


def test_labels_keep_clear_of_obstacles():
    segment = (0, 0, 200, 0)
    node = (80, -20, 120, 20)  # a node in the middle of the edge
    ((t, lift),) = place_labels([segment], (30, 10), [node])
    assert overlap(label_rect(segment, t, (30, 10), lift), node) == 0.0
    # by hand: clear when 200 t - 15 >= 120 (t >= 0.675) or 200 t + 15 <= 80 (t <= 0.325);
    # the grid points 0.14 + 0.04 k nearest the preferred 0.5 that are clear: 0.30 and 0.70
    assert lift == 0.0 and min(abs(t - 0.3), abs(t - 0.7)) < 1e-9


def test_a_label_moves_off_its_line_when_the_line_is_full():
    # a short edge between two nodes: no centred place is clear, just above it is
    segment = (0, 0, 100, 0)
    left, right = (-10, -0.5, 40, 0.5), (60, -0.5, 110, 0.5)  # 20 apart: a 30-wide label can't sit between
    ((t, lift),) = place_labels([segment], (30, 10), [left, right])
    assert lift != 0.0
    assert overlap(label_rect(segment, t, (30, 10), lift), left) == 0.0
    assert overlap(label_rect(segment, t, (30, 10), lift), right) == 0.0


def test_a_label_with_no_clear_place_is_left_out_and_blocks_nothing():
    # a short edge walled in by a node: no place on it or beside it is clear
    walled = (0, 0, 40, 0)
    wall = (-20, -30, 60, 30)
    free = (100, 0, 300, 0)
    places = place_labels([walled, free], (30, 10), [wall])
    assert places[0] is None
    assert places[1] == (0.5, 0.0)


def test_close_parallel_edges_all_get_labels_apart():
    # three parallel edges 12 apart, labels 10 high: each fits centred on its own edge
    segments = [(0, y, 100, y) for y in (0, 12, 24)]
    places = place_labels(segments, (30, 10))
    assert None not in places
    rects = [label_rect(s, t, (30, 10), lift) for s, (t, lift) in zip(segments, places)]
    assert all(overlap(a, b) == 0 for i, a in enumerate(rects) for b in rects[i + 1:])
