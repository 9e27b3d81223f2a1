"""What stepping and Epoch presses carry besides the weights, as the document holds it."""

from __future__ import annotations

from dataclasses import dataclass

from mlp_studio.core.network import Network
from mlp_studio.core.training import Carry


@dataclass(frozen=True)
class StepState:
    """Held by the document and changed only by its undo commands, each of which keeps
    the state before and after. Its objects are never changed in place.

    ``initial``: the network Reset goes back to (as opened, or as last edited by hand:
    steps, epochs and training runs do not move it). ``carry``: the optimiser's state and
    the row order the next step or epoch continues from (core ``Carry``: momentum's
    velocity or Adam's and RMSprop's moments, the step and epoch counts); None: at rest,
    rows shuffled from the seed.
    """

    initial: Network
    carry: Carry | None = None

    def at_rest(self) -> StepState:
        """The same starting network, the optimiser at rest."""
        return StepState(self.initial)

    @staticmethod
    def edited(net: Network) -> StepState:
        """After a hand edit: Reset goes back to ``net``, the optimiser starts at rest."""
        return StepState(net.copy())
