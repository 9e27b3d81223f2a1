"""Names of parameters and nodes as the reference document writes them:
``w[layer][node][input]``, ``b[layer][node]``, ``node[layer][node]``, ``input[i]``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlp_studio.core.network import Network
from mlp_studio.errors import MLPError

_ADDRESS = re.compile(r"^(w|b|node|input)((?:\[\d+\])+)$")
_ARITY = {"w": 3, "b": 2, "node": 2, "input": 1}


@dataclass(frozen=True)
class Address:
    """A weight ``w[l][j][i]``, a bias ``b[l][j]``, a node ``node[l][j]`` or an input ``input[i]``."""

    kind: str
    index: tuple[int, ...]

    @classmethod
    def parse(cls, text: str) -> "Address":
        m = _ADDRESS.match(text.replace(" ", ""))
        if not m:
            raise MLPError(f"{text!r} names no parameter or node; write w[layer][node][input], "
                           "b[layer][node], node[layer][node] or input[i]")
        kind, index = m.group(1), tuple(int(v) for v in re.findall(r"\d+", m.group(2)))
        if len(index) != _ARITY[kind]:
            raise MLPError(f"{text!r}: {kind} takes {_ARITY[kind]} indices, got {len(index)}")
        return cls(kind, index)

    def __str__(self) -> str:
        return self.kind + "".join(f"[{i}]" for i in self.index)

    def check(self, net: Network) -> None:
        """MLPError if the network has no such parameter or node."""
        if self.kind == "input":
            ok = self.index[0] < net.n_inputs
        else:
            layer, node = self.index[0], self.index[1]
            ok = layer < len(net.layers) and node < net.layers[layer].n_out
            if ok and self.kind == "w":
                ok = self.index[2] < net.layers[layer].n_in
        if not ok:
            raise MLPError(f"the {'-'.join(map(str, net.sizes))} network has no {self}")

    @property
    def is_parameter(self) -> bool:
        return self.kind in ("w", "b")

    def get(self, net: Network) -> float:
        layer = net.layers[self.index[0]]
        return float(layer.weights[self.index[1:]] if self.kind == "w" else layer.biases[self.index[1]])

    def put(self, net: Network, value: float) -> None:
        layer = net.layers[self.index[0]]
        if self.kind == "w":
            layer.weights[self.index[1:]] = value
        else:
            layer.biases[self.index[1]] = value
