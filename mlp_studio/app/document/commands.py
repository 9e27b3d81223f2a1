"""Undo commands. Each one changes only the document (through its ``_install_*``
methods, which emit the signals the views redraw from) and holds its own copies,
so later in-place edits of the live network cannot change what undo restores.

Every command that changes the network also keeps the document's ``StepState``
before and after (the network Reset goes back to, the optimiser's carried state
and the row order), and the shown trace with its step in progress before."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from mlp_studio.app.document.step_state import StepState
from mlp_studio.core.dataset import Dataset
from mlp_studio.core.network import Network
from mlp_studio.core.trace import StepTrace
from mlp_studio.core.training import TrainingConfig

if TYPE_CHECKING:
    from mlp_studio.app.document.document import Document

UNTITLED = "Untitled"  # the name of a project that has no file and is no example or lesson
_WEIGHT_ID = 1001
_BIAS_ID = 1002


class NetworkCommand(QUndoCommand):
    """Replace the whole network: a hand edit (structure, re-initialise), an epoch, a
    training run's result, Reset; ``state`` is the step state after it.

    The trace shown no longer describes the new weights, so it is cleared; undo
    brings it back.
    """

    def __init__(self, doc: "Document", after: Network, text: str, state: StepState) -> None:
        super().__init__(text)
        self.doc = doc
        self.before = doc.project.network.copy()
        self.after = after.copy()
        self.trace_before = doc._shown_step()
        self.state_before, self.state_after = doc.step_state, state

    # the trace goes before and comes back after the network whose shape it matches
    def redo(self) -> None:
        self.doc._install_trace(None, 0)
        self.doc._install_step_state(self.state_after)
        self.doc._install_network(self.after.copy())

    def undo(self) -> None:
        self.doc._install_step_state(self.state_before)
        self.doc._install_network(self.before.copy())
        self.doc._install_trace(*self.trace_before)


class StepCommand(QUndoCommand):
    """One training step: the new weights, the trace that produced them and the
    optimiser's state after it (``carry``)."""

    def __init__(self, doc: "Document", after: Network, trace: StepTrace, revealed: int,
                 text: str, state: StepState) -> None:
        super().__init__(text)
        self.doc = doc
        self.before = doc.project.network.copy()
        self.after = after.copy()
        self.trace_before = doc._shown_step()
        self.trace_after = (trace, revealed, None)
        self.state_before, self.state_after = doc.step_state, state

    def redo(self) -> None:
        self.doc._install_step_state(self.state_after)
        self.doc._install_network(self.after.copy())
        self.doc._install_trace(*self.trace_after)

    def undo(self) -> None:
        self.doc._install_step_state(self.state_before)
        self.doc._install_network(self.before.copy())
        self.doc._install_trace(*self.trace_before)


class _ValueCommand(QUndoCommand):
    """Set one number of the network in place (a hand edit: Reset goes back to the edited
    network); consecutive edits of the same number merge into one undo step (spin box arrows)."""

    command_id = -1

    def __init__(self, doc: "Document", key: tuple, old: float, new: float, text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self.key = key
        self.old = old
        self.new = new
        self.trace_before = doc._shown_step()
        self.state_before = doc.step_state

    def id(self) -> int:  # noqa: A003 - Qt's name
        return self.command_id

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, type(self)) or other.key != self.key:
            return False
        self.new = other.new
        return True

    def _array(self):
        raise NotImplementedError

    def redo(self) -> None:
        arr, index = self._array()
        arr[index] = self.new
        self.doc._install_step_state(StepState.edited(self.doc.project.network))
        self.doc._values_changed()
        self.doc._install_trace(None, 0)

    def undo(self) -> None:
        arr, index = self._array()
        arr[index] = self.old
        self.doc._install_step_state(self.state_before)
        self.doc._values_changed()
        self.doc._install_trace(*self.trace_before)


class WeightCommand(_ValueCommand):
    command_id = _WEIGHT_ID

    def _array(self):
        layer, node, inp = self.key
        return self.doc.project.network.layers[layer].weights, (node, inp)


class BiasCommand(_ValueCommand):
    command_id = _BIAS_ID

    def _array(self):
        layer, node = self.key
        return self.doc.project.network.layers[layer].biases, node


class DatasetCommand(QUndoCommand):
    """Replace the dataset, and the network too when the column choice changes its shape
    (Reset then goes back to that network). The optimiser starts at rest on new data. An
    unsaved project (an example, a lesson) given data from another source is no longer that
    example: it is named ``UNTITLED`` until undone."""

    def __init__(self, doc: "Document", data: Dataset | None, network: Network | None,
                 text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self.data_before, self.data_after = doc.project.data, data
        self.net_before = doc.project.network.copy() if network is not None else None
        self.net_after = network.copy() if network is not None else None
        self.trace_before = doc._shown_step()
        self.row_before = doc.selected_row
        self.state_before = doc.step_state
        self.state_after = (StepState.edited(network) if network is not None
                            else doc.step_state.at_rest())
        new_source = data is not None and (self.data_before is None or data.source != self.data_before.source)
        self.name_before = doc.untitled_name
        self.name_after = UNTITLED if doc.path is None and new_source else doc.untitled_name

    def redo(self) -> None:
        self.doc._install_name(self.name_after)
        self.doc._install_trace(None, 0)
        self.doc._install_step_state(self.state_after)
        self.doc._install_data(self.data_after,
                               self.net_after.copy() if self.net_after is not None else None, 0)

    def undo(self) -> None:
        self.doc._install_name(self.name_before)
        self.doc._install_step_state(self.state_before)
        self.doc._install_data(self.data_before,
                               self.net_before.copy() if self.net_before is not None else None,
                               self.row_before)
        self.doc._install_trace(*self.trace_before)


class SettingsCommand(QUndoCommand):
    """Change the training settings and/or the loss. A step in progress is not continued
    under new settings (its trace stays shown); undo brings it back."""

    def __init__(self, doc: "Document", text: str, config: TrainingConfig | None = None,
                 loss: str | None = None) -> None:
        super().__init__(text)
        self.doc = doc
        project = doc.project
        self.before = (replace(project.training), project.loss)
        self.after = (replace(config) if config is not None else replace(project.training),
                      loss if loss is not None else project.loss)
        self.trace_before = doc._shown_step()

    def redo(self) -> None:
        self.doc._install_trace(self.doc.trace, self.doc.revealed)
        self.doc._install_settings(replace(self.after[0]), self.after[1])

    def undo(self) -> None:
        self.doc._install_settings(replace(self.before[0]), self.before[1])
        self.doc._install_trace(*self.trace_before)
