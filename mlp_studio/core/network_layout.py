"""Where a network is drawn: one column per layer, nodes spaced evenly and centred, wide
columns collapsed to their first and last few nodes. The app's canvas and the SVG
drawing (``network_svg``) share it."""

from __future__ import annotations

COLUMN_GAP = 300.0
NODE_GAP = 96.0
RADIUS = 27.0
HEAD, TAIL = 5, 3          # nodes drawn at the start and end of a collapsed column
COLLAPSE_ABOVE = HEAD + TAIL + 2
LABEL_MAX_EDGES = 40       # a layer's edges are labelled with their weights when it draws at most this many


def drawn_indices(n: int) -> list[int]:
    """Which of a column's ``n`` nodes are drawn (all, or the first and last few)."""
    if n <= COLLAPSE_ABOVE:
        return list(range(n))
    return list(range(HEAD)) + list(range(n - TAIL, n))


def column_slots(n: int) -> list[int | None]:
    """A column's slots from top to bottom: node indices, and None where "… more" stands."""
    shown = drawn_indices(n)
    if len(shown) == n:
        return shown
    return shown[:HEAD] + [None] + shown[HEAD:]


def node_positions(sizes: list[int]) -> dict[tuple[int, int], tuple[float, float]]:
    """(x, y) of every drawn node, keyed by (column, node); column 0 holds the inputs."""
    out = {}
    for p, n in enumerate(sizes):
        slots = column_slots(n)
        top = -(len(slots) - 1) * NODE_GAP / 2
        for k, j in enumerate(slots):
            if j is not None:
                out[(p, j)] = (p * COLUMN_GAP, top + k * NODE_GAP)
    return out


def labels_edges(n_in: int, n_out: int) -> bool:
    """Whether a layer with ``n_in`` inputs and ``n_out`` nodes shows its weights on the edges."""
    a, b = len(drawn_indices(n_in)), len(drawn_indices(n_out))
    return a * b <= LABEL_MAX_EDGES
