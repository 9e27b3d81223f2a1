"""An SVG drawing of a network in the canvas layout, with its weights and biases: what a
Jupyter notebook shows for a network (``Network._repr_svg_``). Plain text, no Qt."""

from __future__ import annotations

from html import escape

import numpy as np

from mlp_studio.core.network import Network
from mlp_studio.core.network_layout import (RADIUS, column_slots, labels_edges, node_positions)

POSITIVE, NEGATIVE = "#1f6fb4", "#e4572e"
INPUT_FILL, NODE_FILL, OUTLINE, TEXT, MUTED = "#e8eef5", "#ffffff", "#3a3a3a", "#222222", "#666666"
MAX_WIDTH = 5.4  # extra stroke width of the largest |weight|
MARGIN = 90.0
HEADER = 46.0
CHAR_WIDTH = 6.4  # about one character of the 11 px labels, for the pale box behind a weight


def _fmt(value: float) -> str:
    return f"{value:.4f}" if abs(value) < 1e4 else f"{value:.4g}"


def network_svg(net: Network, input_names: list[str] | None = None,
                output_names: list[str] | None = None) -> str:
    """The SVG text: nodes in columns, edges blue (w >= 0) or red (w < 0) and as wide as |w|,
    each layer's weights on its edges when few, each node's bias below it."""
    sizes = net.sizes
    pos = node_positions(sizes)
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    left, right = min(xs) - RADIUS - MARGIN, max(xs) + RADIUS + MARGIN
    top, bottom = min(ys) - RADIUS - HEADER, max(ys) + RADIUS + 24
    wmax = max(float(np.abs(l.weights).max()) for l in net.layers) or 1.0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left:g} {top:g} {right - left:g} '
             f'{bottom - top:g}" width="{right - left:g}" height="{bottom - top:g}" '
             f'font-family="sans-serif" font-size="11">']
    labels = []
    for li, layer in enumerate(net.layers):
        show = labels_edges(layer.n_in, layer.n_out)
        for j in column_slots(layer.n_out):
            for i in column_slots(layer.n_in):
                if i is None or j is None:
                    continue
                (x1, y1), (x2, y2) = pos[(li, i)], pos[(li + 1, j)]
                w = float(layer.weights[j, i])
                colour = POSITIVE if w >= 0 else NEGATIVE
                width = 0.6 + MAX_WIDTH * abs(w) / wmax
                parts.append(f'<line x1="{x1 + RADIUS:g}" y1="{y1:g}" x2="{x2 - RADIUS:g}" y2="{y2:g}" '
                             f'stroke="{colour}" stroke-width="{width:.2f}"><title>w[{li}][{j}][{i}] = '
                             f'{w!r}</title></line>')
                if show:
                    cx, cy, text = (x1 + x2) / 2, (y1 + y2) / 2, _fmt(w)
                    half = CHAR_WIDTH * len(text) / 2 + 2
                    labels.append(f'<rect x="{cx - half:g}" y="{cy - 8:g}" width="{2 * half:g}" '
                                  f'height="15" fill="white" fill-opacity="0.85"/>')
                    labels.append(f'<text x="{cx:g}" y="{cy + 4:g}" text-anchor="middle" '
                                  f'fill="{colour}">{text}</text>')
    parts += labels
    for p, n in enumerate(sizes):
        x = p * 300.0
        title = (f"Inputs ({n})" if p == 0 else
                 f"{'Output' if p == len(net.layers) else f'Hidden {p}'} · {net.layers[p - 1].activation} ({n})")
        parts.append(f'<text x="{x:g}" y="{top + 20:g}" text-anchor="middle" font-weight="bold" '
                     f'font-size="13" fill="{TEXT}">{escape(title)}</text>')
        slots = column_slots(n)
        for k, j in enumerate(slots):
            if j is None:
                y = (pos[(p, slots[k - 1])][1] + pos[(p, slots[k + 1])][1]) / 2
                parts.append(f'<text x="{x:g}" y="{y + 4:g}" text-anchor="middle" fill="{MUTED}">'
                             f'… {n - len(slots) + 1} more</text>')
                continue
            _, y = pos[(p, j)]
            fill = INPUT_FILL if p == 0 else NODE_FILL
            parts.append(f'<circle cx="{x:g}" cy="{y:g}" r="{RADIUS:g}" fill="{fill}" stroke="{OUTLINE}" '
                         f'stroke-width="1.5"/>')
            if p == 0 or p == len(sizes) - 1:
                names = input_names if p == 0 else output_names
                name = names[j] if names else (f"x{j}" if p == 0 else f"y{j}")
                anchor, dx = ("end", -RADIUS - 8) if p == 0 else ("start", RADIUS + 8)
                parts.append(f'<text x="{x + dx:g}" y="{y + 4:g}" text-anchor="{anchor}" '
                             f'fill="{TEXT}">{escape(name)}</text>')
            if p > 0:
                b = float(net.layers[p - 1].biases[j])
                parts.append(f'<text x="{x:g}" y="{y + RADIUS + 13:g}" text-anchor="middle" '
                             f'font-size="10" fill="{MUTED}">b = {_fmt(b)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
