"""How layers, nodes, parameters and numbers are written, in one place for every view and export.

Two notations:

- ``reference``: the reference worked example's. Hidden layers are numbered from 0
  (``h[0]``), the output layer is ``o``; ``wh[0][1][0]`` is the weight into node 1 of
  hidden layer 0 from input 0, ``bo[0]`` the output's bias; ``s`` the weighted sum,
  ``a`` a hidden activation, ``y`` an output, ``delta`` the error signal, ``z`` the target.
- ``lecture``: the common lecture notation. Layers are numbered from 1 (layer 0 being the
  inputs) and nodes from 1: ``w^(l)_ij`` is the weight into node i of layer l from node j
  of layer l-1, ``z`` the weighted sum, ``a`` an activation (``x_j`` the inputs), ``δ`` the
  error signal, ``y`` the target.

Layer ``l`` and node ``j`` arguments are always the code's 0-based indices
(``network.layers[l]``, ``weights[l][j][i]``); only the text differs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

REFERENCE = "reference"
LECTURE = "lecture"
NOTATIONS = {REFERENCE: "Reference document: wh[0][1][0], s, a, delta",
             LECTURE: "Lecture: w⁽ˡ⁾ᵢⱼ, z, a, δ"}
MINUS = "\u2212"
_SUB_DIGITS = str.maketrans("0123456789()", "₀₁₂₃₄₅₆₇₈₉₍₎")
_SUP_DIGITS = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")


def number_text(value: float, decimals: int = 4, minus: str = MINUS) -> str:
    """``value`` to ``decimals`` places with a true minus sign; never "−0.0000";
    scientific from a million up (and for tiny non-zero values that would show as 0)."""
    v = float(value)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return ("" if v > 0 else minus) + "∞"
    text = f"{v:.{decimals}g}" if abs(v) >= 1e6 else f"{v:.{decimals}f}"
    if text.startswith("-"):
        text = text[1:] if float(text) == 0 else minus + text[1:]
    return text


@dataclass(frozen=True)
class Name:
    """A symbol: ``base`` (``w``, ``b``, ``s``, ``z``, ``a``, ``y``, ``delta``, ``x``, ``v``),
    its subscript and superscript as written in the notation."""

    base: str
    sub: str = ""
    sup: str = ""

    def plain(self) -> str:
        """One line of Unicode: ``wh[0][1][0]``, ``δh[0][1]``, ``w⁽¹⁾₂₁``."""
        base = "δ" if self.base == "delta" else self.base
        if self.sup:  # the lecture notation: indices as sub- and superscripts
            return base + self.sup.translate(_SUP_DIGITS) + self.sub.translate(_SUB_DIGITS)
        return base + self.sub


class Notation:
    """Names in one notation for a network of ``n_layers`` weight layers."""

    def __init__(self, notation: str = REFERENCE, n_layers: int = 2) -> None:
        if notation not in NOTATIONS:
            raise ValueError(f"unknown notation {notation!r}; choose {' or '.join(NOTATIONS)}")
        self.notation = notation
        self.n_layers = n_layers
        self.lecture = notation == LECTURE

    def is_output(self, layer: int) -> bool:
        return layer == self.n_layers - 1

    # ---------------------------------------------------------------- symbols
    @property
    def sum_base(self) -> str:
        return "z" if self.lecture else "s"

    def _indices(self, idx: tuple[int | str, ...]) -> str:
        """0-based indices as written (a letter such as ``k`` stays a letter)."""
        if self.lecture:
            numbers = [str(i + 1) if isinstance(i, int) else i for i in idx]
            return ("," if any(len(n) > 1 for n in numbers) else "").join(numbers)
        return "".join(f"[{i}]" for i in idx)

    def symbol(self, what: str, layer: int, *idx: int | str) -> Name:
        """``what`` (w, b, s, a, delta, v) of ``layer`` for node/parameter indices ``idx``."""
        if self.lecture:
            base = {"s": "z"}.get(what, what)
            return Name(base, self._indices(idx), f"({layer + 1})")
        if what == "a" and self.is_output(layer):
            what = "y"
        head = "o" if self.is_output(layer) else f"h[{layer}]"
        return Name(what, head + self._indices(idx))

    def input(self, i: int) -> Name:
        return Name("x", self._indices((i,)) if self.lecture else f"[{i}]")

    def target(self, j: int) -> Name:
        return Name("y", self._indices((j,))) if self.lecture else Name("z", f"[{j}]")

    def weight(self, layer: int, node: int, source: int) -> str:
        return self.symbol("w", layer, node, source).plain()

    def bias(self, layer: int, node: int) -> str:
        return self.symbol("b", layer, node).plain()

    # ------------------------------------------------------------------ words
    def layer_name(self, layer: int) -> str:
        """``hidden layer 0`` / ``output layer``; ``layer 1 (hidden)`` / ``layer 2 (output)``."""
        kind = "output" if self.is_output(layer) else "hidden"
        if self.lecture:
            return f"layer {layer + 1} ({kind})"
        return "output layer" if kind == "output" else f"hidden layer {layer}"

    def column_title(self, column: int) -> str:
        """A canvas column's short title (column 0 is the inputs)."""
        if column == 0:
            return "Inputs" + (" (layer 0)" if self.lecture else "")
        name = self.layer_name(column - 1)
        return name[0].upper() + name[1:]

    def node_words(self, layer: int, node: int) -> str:
        return f"node {node + 1 if self.lecture else node} of {self.layer_name(layer)}"

    def input_words(self, i: int, column: str | None = None) -> str:
        text = f"input {self.input(i).plain()}"
        return text + (f" ({column})" if column and column != self.input(i).plain() else "")

    def source_words(self, layer: int, i: int, column: str | None = None) -> str:
        """What feeds weight column ``i`` of ``layer``: an input, or a node of the layer before."""
        return self.input_words(i, column) if layer == 0 else self.node_words(layer - 1, i)

    def weight_words(self, layer: int, node: int, source: int, column: str | None = None) -> str:
        """``weight wh[0][1][0]: from input x[0] (I0) to node 1 of hidden layer 0``."""
        return (f"weight {self.weight(layer, node, source)}: from "
                f"{self.source_words(layer, source, column)} to {self.node_words(layer, node)}")

    def bias_words(self, layer: int, node: int) -> str:
        return f"bias {self.bias(layer, node)} of {self.node_words(layer, node)}"

    def phase_title(self, kind: str, layer: int) -> str:
        """A sub-step's title (``kind`` one of ``core.trace``'s PHASE_* names)."""
        titles = {"forward": f"Forward through the {self.layer_name(layer)}",
                  "output_delta": "Output delta",
                  "hidden_delta": f"Delta of the {self.layer_name(layer)}",
                  "update": "Update weights and biases"}
        return titles[kind]
