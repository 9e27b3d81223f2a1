"""A network's SVG (what Jupyter shows): the canvas layout, every weight and bias, no Qt."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np

import mlp_studio as ms
from mlp_studio.core.network_layout import COLUMN_GAP, NODE_GAP, node_positions
from mlp_studio.io.resources import EXAMPLE_PROJECT, resource_path
from tests.core.reference_net import HIDDEN_W, OUTPUT_W

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_the_reference_network_shows_its_weights_biases_and_names():
    project = ms.load_project(resource_path(EXAMPLE_PROJECT))
    root = parse(project._repr_svg_())
    circles = root.findall(f"{NS}circle")
    assert len(circles) == 2 + 3 + 1
    lines = root.findall(f"{NS}line")
    assert len(lines) == 2 * 3 + 3 * 1
    titles = {line.find(f"{NS}title").text: line for line in lines}
    # every weight, exactly, with the blue/red sign colours of the canvas
    for (li, matrix) in ((0, HIDDEN_W), (1, OUTPUT_W)):
        for j, row in enumerate(matrix):
            for i, w in enumerate(row):
                line = titles[f"w[{li}][{j}][{i}] = {float(w)!r}"]
                assert line.get("stroke") == ("#1f6fb4" if w >= 0 else "#e4572e")
    # width 0.6 + 5.4 |w| / max |w| (max |w| = 1 here), as the canvas draws its pens
    for title, line in titles.items():
        w = abs(float(title.split(" = ")[1]))
        assert float(line.get("stroke-width")) == round(0.6 + 5.4 * w, 2)
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert texts.count("b = 0.5000") == 4  # three hidden biases and the output's
    assert {"I0", "I1", "Z0", "-0.5000", "1.0000"} <= set(texts)
    assert "Hidden 1 · sigmoid (3)" in texts and "Output · sigmoid (1)" in texts


def test_wide_columns_collapse_like_the_canvas():
    net = ms.create_network([3, 20, 2], ["relu", "identity"])
    root = parse(net._repr_svg_())
    assert len(root.findall(f"{NS}circle")) == 3 + 8 + 2  # 5 first, 3 last of the 20
    assert "… 12 more" in [t.text for t in root.iter(f"{NS}text")]
    pos = node_positions(net.sizes)
    assert pos[(1, 0)][0] == COLUMN_GAP and pos[(1, 1)][1] - pos[(1, 0)][1] == NODE_GAP
    cx = sorted({float(c.get("cx")) for c in root.findall(f"{NS}circle")})
    np.testing.assert_array_equal(cx, [0.0, COLUMN_GAP, 2 * COLUMN_GAP])
