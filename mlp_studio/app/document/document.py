"""The document: the one open project, its undo stack and what is shown of it.

Views never change each other: they call the document's methods, which push
undo commands (``mlp_studio.app.document.commands``), and redraw from its signals.
Display state (the trace shown, the selection, the chosen row) is not undoable,
except that a step's trace comes and goes with the step. A partly taken step is
shown with its ``PhasedStep`` (``partial_step``), which is never advanced in place:
the step controller continues a copy of it.

What stepping carries besides the weights (``step_state``: the network Reset goes
back to, the optimiser's state, the row order) is document state too, changed only
by the undo commands, so Undo/Redo and Epoch presses always continue from the
state that belongs to the weights shown.

While a training run is active the document is locked (``lock_edits``): every undoable
change raises ``MLPError`` with the lock's reason, and ``revision`` (which counts the
changes to the project) lets a run's result land only on the project it started from.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from mlp_studio.app.document import commands
from mlp_studio.app.document.step_state import StepState
from mlp_studio.core.dataset import Dataset
from mlp_studio.core.losses import check_pairing
from mlp_studio.core.network import Network
from mlp_studio.core.project import Project
from mlp_studio.core.trace import PhasedStep, StepTrace, forward_trace, phases_for
from mlp_studio.core.training import Carry, TrainingConfig
from mlp_studio.errors import MLPError

Selection = tuple  # ("node", layer, node) | ("edge", layer, node, input) | ("input", i)

UNDO_BUDGET_BYTES = 512 * 2**20  # about what the undo history may hold
UNDO_STEP_COPIES = 6  # a step keeps two networks and a trace (weights before/after, gradients)
UNDO_MIN_STEPS = 100
UNDO_UNLIMITED_FROM = 100_000  # a history that long is not worth capping (small networks)

#: the reason edits are refused while a training run is active (shown to the user as is)
EDIT_LOCK_TRAINING = "Training is running — stop it to edit"


class StaleRunError(MLPError):
    """A training run's result was refused: the project changed after the run started."""


def undo_limit(net: Network) -> int:
    """Undo steps kept for ``net`` (0: all): as many as fit ``UNDO_BUDGET_BYTES`` when each
    holds ``UNDO_STEP_COPIES`` float64 copies of the parameters, at least ``UNDO_MIN_STEPS``."""
    steps = UNDO_BUDGET_BYTES // (UNDO_STEP_COPIES * 8 * net.n_parameters)
    return 0 if steps >= UNDO_UNLIMITED_FROM else max(UNDO_MIN_STEPS, steps)


def default_project() -> Project:
    """What File > New starts from: a 2-3-1 sigmoid network, seeded, no data."""
    return Project(Network.create([2, 3, 1], "sigmoid", "uniform", seed=0))


class Document(QObject):
    """The open project; see the module docstring."""

    network_changed = Signal()
    data_changed = Signal()
    settings_changed = Signal()
    trace_changed = Signal()
    selection_changed = Signal()
    file_changed = Signal()
    row_changed = Signal()
    #: emitted after ``open``/``new_project`` replaced everything (after the signals above)
    project_replaced = Signal()
    #: emitted when edits become locked or free again (``edit_lock``)
    edit_lock_changed = Signal()

    def __init__(self, project: Project | None = None, path: str | Path | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: Project = project if project is not None else default_project()
        self.path: Path | None = Path(path) if path is not None else None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(undo_limit(self.project.network))
        self.trace: StepTrace | None = None
        self.revealed: int = 0
        #: the step the trace shows part of, continued by the next sub-step (never advanced)
        self.partial_step: PhasedStep | None = None
        self.step_state = StepState(self.project.network.copy())
        self.selected_row: int = 0
        self.selection: Selection | None = None
        self.untitled_name = commands.UNTITLED
        self.snapshot: Network | None = None  # weights of a training run in progress
        self._snapshot_trace: StepTrace | None = None  # the selected row's forward pass under them
        #: why undoable changes are refused now (a training run is active), else None
        self.edit_lock: str | None = None
        #: counts changes to the project (network, data, settings), undo and redo included
        self.revision = 0
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)

    def _on_clean_changed(self, _clean: bool) -> None:
        self.file_changed.emit()

    # ------------------------------------------------------------------ state
    @property
    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    @property
    def network(self) -> Network:
        """The network to draw: a running training's snapshot, else the project's."""
        return self.snapshot if self.snapshot is not None else self.project.network

    def show_snapshot(self, net: Network | None) -> None:
        """Display only (not undoable): show a training run's weights; None: the project's."""
        if net is self.snapshot:
            return
        self.snapshot = net
        self._snapshot_trace = None if net is None else self._forward_on_row(net)
        self.network_changed.emit()
        self.trace_changed.emit()

    def _forward_on_row(self, net: Network) -> StepTrace | None:
        """The selected row's forward pass under ``net`` (so node fills follow a training run)."""
        data = self.project.data
        if data is None or not 0 <= self.selected_row < data.n_rows:
            return None
        r = self.selected_row
        return forward_trace(net, data.X[r:r + 1], data.Z[r:r + 1], self.project.loss,
                             self.project.training.learning_rate,
                             self.project.training.batch_reduction, [r])

    @property
    def shown_trace(self) -> StepTrace | None:
        """The trace, if its shapes fit the network drawn (views use this, never a stale shape)."""
        trace, net = (self._snapshot_trace if self.snapshot is not None else self.trace), self.network
        if trace is None or len(trace.layers) != len(net.layers):
            return None
        if any(lt.weights_before.shape != layer.weights.shape
               for lt, layer in zip(trace.layers, net.layers)):
            return None
        return trace

    @property
    def display_name(self) -> str:
        return self.path.name if self.path is not None else self.untitled_name

    # ------------------------------------------------------------------ lock
    def lock_edits(self, reason: str | None) -> None:
        """Refuse every undoable change with ``reason`` (None: accept them again)."""
        if reason != self.edit_lock:
            self.edit_lock = reason
            self.edit_lock_changed.emit()

    def _check_editable(self) -> None:
        if self.edit_lock is not None:
            raise MLPError(self.edit_lock)

    def undo(self) -> None:
        self._check_editable()
        self.undo_stack.undo()

    def redo(self) -> None:
        self._check_editable()
        self.undo_stack.redo()

    # ------------------------------------------------------------- undoable
    def set_network(self, net: Network, text: str = "Change network") -> None:
        self._check_editable()
        net.validate()
        check_pairing(self.project.loss, net.layers[-1].activation, net.n_outputs)
        self._check_fits_data(net)
        self._push_network(net, text, StepState.edited(net))

    def _push_network(self, net: Network, text: str, state: StepState) -> None:
        self.undo_stack.push(commands.NetworkCommand(self, net, text, state))

    def set_weight(self, layer: int, node: int, input: int, value: float) -> None:  # noqa: A002
        self._check_editable()
        value = self._finite(value, f"weight [{layer}][{node}][{input}]")
        w = self.project.network.layers[layer].weights
        old = float(w[node, input])
        if old == value:
            return
        self.undo_stack.push(commands.WeightCommand(
            self, (layer, node, input), old, value,
            f"Set weight [{layer}][{node}][{input}] to {value:g}"))

    def set_bias(self, layer: int, node: int, value: float) -> None:
        self._check_editable()
        value = self._finite(value, f"bias [{layer}][{node}]")
        b = self.project.network.layers[layer].biases
        old = float(b[node])
        if old == value:
            return
        self.undo_stack.push(commands.BiasCommand(
            self, (layer, node), old, value, f"Set bias [{layer}][{node}] to {value:g}"))

    def set_activation(self, layer: int, name: str) -> None:
        self._check_editable()
        if self.project.network.layers[layer].activation == name:
            return
        net = self.project.network.copy()
        net.layers[layer].activation = name
        self.set_network(net, f"Set layer {layer} activation to {name}")

    def set_dataset(self, dataset: Dataset | None, network: Network | None = None,
                    text: str = "Load data") -> None:
        """Replace the data; ``network`` (when the columns change its shape) replaces the network too."""
        self._check_editable()
        self._check_fits_data(network if network is not None else self.project.network, dataset)
        if network is not None:
            network.validate()
            check_pairing(self.project.loss, network.layers[-1].activation, network.n_outputs)
        self.undo_stack.push(commands.DatasetCommand(self, dataset, network, text))

    def set_training(self, config: TrainingConfig, text: str = "Change training settings") -> None:
        self._check_editable()
        config.validate()
        self.undo_stack.push(commands.SettingsCommand(self, text, config=config))

    def set_loss(self, name: str) -> None:
        self._check_editable()
        if name == self.project.loss:
            return
        net = self.project.network
        check_pairing(name, net.layers[-1].activation, net.n_outputs)
        self.undo_stack.push(commands.SettingsCommand(self, f"Set loss to {name}", loss=name))

    def apply_step(self, network_after: Network, trace: StepTrace, text: str = "Step",
                   carry: Carry | None = None) -> None:
        """A step: the new weights, the (complete) trace shown and the optimiser's state
        after it (``carry``); undo restores all three."""
        self._check_editable()
        revealed = len(phases_for(len(network_after.layers)))
        state = StepState(self.step_state.initial, carry)
        self.undo_stack.push(commands.StepCommand(self, network_after, trace, revealed, text, state))

    def apply_epoch(self, network_after: Network, carry: Carry, text: str) -> None:
        """An epoch: the new weights and the optimiser's state and row order after it."""
        self._check_editable()
        self._push_network(network_after, text, StepState(self.step_state.initial, carry))

    def reset_weights(self) -> None:
        """Back to ``step_state.initial``, the optimiser at rest (undoable)."""
        self._check_editable()
        self._push_network(self.step_state.initial, "Reset to initial weights",
                           self.step_state.at_rest())

    def apply_run(self, net: Network, text: str, started_at: int | None) -> None:
        """A training run's result, unless the project changed since the run started at
        revision ``started_at`` (then ``StaleRunError``; None: apply it anyway, on top).
        A run starts from rest and leaves the optimiser at rest; Reset is not moved."""
        self._check_editable()
        if started_at is not None and started_at != self.revision:
            raise StaleRunError(
                "the project changed while training ran, so the trained weights were not "
                "applied over that change")
        if not net.equals(self.project.network):
            net.validate()
            self._check_fits_data(net)
            self._push_network(net, text, self.step_state.at_rest())

    # ---------------------------------------------------------- display state
    def set_trace(self, trace: StepTrace | None, revealed: int | None = None) -> None:
        """Show ``trace`` with ``revealed`` sub-steps (all of them when None)."""
        if revealed is None:
            revealed = len(phases_for(len(self.project.network.layers))) if trace is not None else 0
        self._install_trace(trace, revealed)

    def show_partial_step(self, step: PhasedStep) -> None:
        """Show a step taken up to ``step.position``; the document keeps ``step`` as it is."""
        self._install_trace(step.trace, step.position, step)

    def end_partial_step(self) -> None:
        """The next sub-step starts a new step (the trace stays shown)."""
        self.partial_step = None

    def select(self, selection: Selection | None) -> None:
        selection = tuple(selection) if selection is not None else None
        if selection == self.selection:
            return
        self.selection = selection
        self.selection_changed.emit()

    def set_row(self, row: int) -> None:
        data = self.project.data
        if data is None or not 0 <= row < data.n_rows:
            raise MLPError(f"row {row} is out of range" + (
                f": the data has rows 0 to {data.n_rows - 1}" if data is not None else ": no data"))
        if row != self.selected_row:
            self.selected_row = row
            self.partial_step = None  # a step goes on with the row it started on, or not at all
            self.row_changed.emit()

    # ------------------------------------------------------------------ files
    def open(self, path: str | Path) -> None:
        """Replace the project with the file's; on MLPError the current project stays."""
        self._check_editable()
        from mlp_studio.io.project_file import load_project

        project = load_project(path)
        self._replace(project, Path(path))

    def save(self, path: str | Path | None = None) -> None:
        """Write the project (atomically) to ``path`` or the current path; mark clean."""
        from mlp_studio.io.project_file import save_project

        target = Path(path) if path is not None else self.path
        if target is None:
            raise MLPError("the project has no file name yet; use Save As")
        save_project(self.project, target)
        self.path = target
        self.undo_stack.setClean()
        self.file_changed.emit()

    def new_project(self, project: Project | None = None, name: str = commands.UNTITLED) -> None:
        """Start over with ``project`` (default: a fresh 2-3-1 network) and no file name;
        ``name`` is shown until it is saved (e.g. an example's name)."""
        self._check_editable()
        self.untitled_name = name
        self._replace(project if project is not None else default_project(), None)

    def restore(self, project: Project, path: str | Path | None) -> None:
        """Take a recovered project (after a crash): it belongs to ``path`` but is unsaved."""
        self._check_editable()
        self._replace(project, Path(path) if path is not None else None)
        self.undo_stack.resetClean()

    # -------------------------------------------- used by the undo commands
    def _install_network(self, net: Network) -> None:
        structure_changed = net.sizes != self.project.network.sizes
        self.project.network = net
        self.revision += 1
        if structure_changed:
            self._drop_stale_selection()
        self.network_changed.emit()

    def _values_changed(self) -> None:
        self.revision += 1
        self.network_changed.emit()

    def _shown_step(self) -> tuple[StepTrace | None, int, PhasedStep | None]:
        """What ``_install_trace`` takes to show this again."""
        return self.trace, self.revealed, self.partial_step

    def _install_trace(self, trace: StepTrace | None, revealed: int,
                       partial: PhasedStep | None = None) -> None:
        self.partial_step = partial
        if trace is self.trace and revealed == self.revealed:
            return
        self.trace, self.revealed = trace, revealed
        self.trace_changed.emit()

    def _install_step_state(self, state: StepState) -> None:
        self.step_state = state

    def _install_data(self, data: Dataset | None, network: Network | None, row: int) -> None:
        """Data (and a network that fits it) are both in place before any signal goes out."""
        self.project.data = data
        self.revision += 1
        if network is not None:
            structure_changed = network.sizes != self.project.network.sizes
            self.project.network = network
            if structure_changed:
                self._drop_stale_selection()
            self.network_changed.emit()
        self.data_changed.emit()
        row = min(row, data.n_rows - 1) if data is not None else 0
        if row != self.selected_row:
            self.selected_row = row
            self.row_changed.emit()

    def _install_name(self, name: str) -> None:
        """The name shown while the project has no file."""
        if name != self.untitled_name:
            self.untitled_name = name
            self.file_changed.emit()

    def _install_settings(self, config: TrainingConfig, loss: str) -> None:
        self.project.training = config
        self.project.loss = loss
        self.revision += 1
        self.settings_changed.emit()

    # --------------------------------------------------------------- helpers
    def _replace(self, project: Project, path: Path | None) -> None:
        self.undo_stack.clear()
        # only an empty stack takes a new limit: it is sized for the network opened
        self.undo_stack.setUndoLimit(undo_limit(project.network))
        self.project = project
        self.path = path
        self.revision += 1
        self.snapshot = None
        self.trace, self.revealed, self.selected_row, self.selection = None, 0, 0, None
        self.partial_step = None
        self.step_state = StepState(project.network.copy())
        for signal in (self.network_changed, self.data_changed, self.settings_changed,
                       self.trace_changed, self.selection_changed, self.row_changed,
                       self.file_changed, self.project_replaced):
            signal.emit()

    def _check_fits_data(self, net: Network, data: Dataset | None = None) -> None:
        data = self.project.data if data is None else data
        if data is None:
            return
        net.check_fits(len(data.inputs), len(data.targets))

    def _drop_stale_selection(self) -> None:
        if self.selection is not None and not self.selection_exists(self.selection):
            self.selection = None
            self.selection_changed.emit()

    def selection_exists(self, sel: Selection) -> bool:
        """Whether ``sel`` names a node, edge or input of the current network."""
        sizes = self.project.network.sizes
        kind = sel[0]
        if kind == "input":
            return 0 <= sel[1] < sizes[0]
        if kind not in ("node", "edge") or not 0 <= sel[1] < len(sizes) - 1:
            return False
        ok = 0 <= sel[2] < sizes[sel[1] + 1]
        return ok and (kind == "node" or 0 <= sel[3] < sizes[sel[1]])

    @staticmethod
    def _finite(value: float, what: str) -> float:
        value = float(np.float64(value))
        if not math.isfinite(value):
            raise MLPError(f"{what} must be a finite number, got {value}")
        return value
