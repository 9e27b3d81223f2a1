"""The timeline of a session: the networks after each step, and what changed between two of them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mlp_studio.core.address import Address
from mlp_studio.core.network import Network
from mlp_studio.errors import MLPError


@dataclass(frozen=True)
class ParameterChange:
    """One weight or bias that differs between two networks."""

    address: Address
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


def compare_networks(before: Network, after: Network) -> list[ParameterChange]:
    """Every parameter whose value differs, largest absolute change first (ties in
    network order); MLPError if the two networks have different shapes."""
    if before.sizes != after.sizes:
        raise MLPError(f"cannot compare a {'-'.join(map(str, before.sizes))} network with a "
                       f"{'-'.join(map(str, after.sizes))} network")
    changes = []
    for i, (a, b) in enumerate(zip(before.layers, after.layers)):
        for j, k in zip(*np.nonzero(a.weights != b.weights)):
            changes.append(ParameterChange(Address("w", (i, int(j), int(k))),
                                           float(a.weights[j, k]), float(b.weights[j, k])))
        for j in np.flatnonzero(a.biases != b.biases):
            changes.append(ParameterChange(Address("b", (i, int(j))), float(a.biases[j]), float(b.biases[j])))
    return sorted(changes, key=lambda c: -abs(c.change))


@dataclass
class HistoryEntry:
    """A point of the timeline: what was done (``label``) and the network after it."""

    label: str
    network: Network


@dataclass
class History:
    """The networks of a session in order; ``current`` is the point the project is at."""

    entries: list[HistoryEntry] = field(default_factory=list)
    current: int = 0

    def validate(self) -> None:
        if not self.entries:
            raise MLPError("a history needs at least one entry")
        if not 0 <= self.current < len(self.entries):
            raise MLPError(f"current is {self.current}, but the history has entries "
                           f"0 to {len(self.entries) - 1}")
