"""Step-through control: forward pass, sub-step, update, epoch, row, reset.

``StepController`` does no maths: a step is a core ``PhasedStep`` on a copy of
the document's network (sensitivities from core ``sensitivity``), an epoch is
one core ``Trainer.run_epoch``. A finished step enters the document with
``apply_step`` (one undo command: Undo is "step back"); a partial step is
shown with ``set_trace`` (display state only). The momentum velocity of each
network a step produced is remembered, so the next step from that network
carries it, also after Undo/Redo.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence

from mlp_studio.app.widgets.appearance import appearance
from mlp_studio.core.network import Network
from mlp_studio.core.trace import (
    PHASE_FORWARD,
    PhasedStep,
    StepTrace,
    first_non_finite,
    phases_for,
    sensitivity,
)
from mlp_studio.core.training import Carry, Trainer
from mlp_studio.core.optimizers import OptimizerState
from mlp_studio.errors import MLPError

#: how many step results (network, carry) are remembered for Undo/Redo
HISTORY = 500
#: an epoch of more (rows x parameters) than this runs on the training worker, if there is one
BIG_EPOCH = 20_000_000


def snapshot(trace: StepTrace) -> StepTrace:
    """A trace object of its own (its arrays are never changed in place once set)."""
    return replace(trace, layers=[replace(lt) for lt in trace.layers], extra=dict(trace.extra))


def _matches(trace: StepTrace, net: Network) -> bool:
    """Whether ``trace`` starts from exactly the weights of ``net``."""
    return len(trace.layers) == len(net.layers) and all(
        lt.activation == layer.activation
        and np.array_equal(lt.weights_before, layer.weights)
        and np.array_equal(lt.biases_before, layer.biases)
        for lt, layer in zip(trace.layers, net.layers))


class StepController(QObject):
    """Steps the document's network. ``changed`` fires when what can be done or
    shown changes; ``message`` carries a note for the user (status bar)."""

    changed = Signal()
    message = Signal(str)

    def __init__(self, document, parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else document)
        self.doc = document
        self.use_batch = False
        self.advance_row = False
        self.last_epoch_loss: float | None = None
        self._phased: PhasedStep | None = None
        self._busy = False
        #: momentum's velocity and the row shuffling after each step result, keyed by the
        #: network's fingerprint (oldest first): Epoch presses continue like one long run
        self._history: OrderedDict[bytes, Carry] = OrderedDict()
        self._initial = document.project.network.copy()
        #: starts one epoch on a worker thread (the training panel's); False if it cannot
        self.background_epoch: Callable[[], bool] | None = None
        self._make_actions()
        document.network_changed.connect(self._on_network_changed)
        document.trace_changed.connect(self._on_trace_changed)
        for signal in (document.data_changed, document.settings_changed, document.row_changed):
            signal.connect(self._on_inputs_changed)
        document.project_replaced.connect(self._on_project_replaced)
        self._refresh()

    # ------------------------------------------------------------- actions
    def _make_actions(self) -> None:
        def action(text: str, shortcut: str, slot, tip: str, checkable: bool = False) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(shortcut))
            act.setToolTip(f"{tip} ({QKeySequence(shortcut).toString()})")
            act.setStatusTip(tip)
            act.setCheckable(checkable)
            (act.toggled if checkable else act.triggered).connect(slot)
            return act

        self.act_forward = action("Forward", "F10", self.step_forward,
                                  "Forward pass: every layer's weighted sums and activations")
        self.act_substep = action("Sub-step", "F8", self.sub_step,
                                  "Next sub-step: one layer forward, a delta, or the update")
        self.act_update = action("Update", "F11", self.step_update,
                                 "Backpropagation update: finish the step and change the weights")
        self.act_epoch = action("Epoch", "Ctrl+E", self.run_epoch,
                                "One epoch over all rows, as training does it")
        self.act_prev_row = action("Previous row", "Alt+Up", self.previous_row, "Previous data row")
        self.act_next_row = action("Next row", "Alt+Down", self.next_row, "Next data row")
        self.act_batch = action("Batch", "Ctrl+B", self.set_batch,
                                "Step on the training mode's batch instead of one row", True)
        self.act_advance = action("Auto next row", "Ctrl+Shift+N", self.set_advance_row,
                                  "After each update, move to the next row", True)
        self.act_reset = action("Reset weights", "Ctrl+Shift+R", self.reset,
                                "Back to the initial weights (as opened or last set); undoable")

    @property
    def actions(self) -> list[QAction]:
        return [self.act_forward, self.act_substep, self.act_update, self.act_epoch,
                self.act_prev_row, self.act_next_row, self.act_batch, self.act_advance,
                self.act_reset]

    # --------------------------------------------------------------- state
    @property
    def initial_network(self) -> Network:
        return self._initial

    @property
    def phases(self):
        return phases_for(len(self.doc.project.network.layers))

    def rows(self) -> list[int]:
        """The data rows the next step uses."""
        project = self.doc.project
        return project.rows_for_update(None if self.use_batch else self.doc.selected_row).tolist()

    def status_text(self) -> str:
        """What is shown: the rows and the last sub-step revealed (named in the notation)."""
        if self.doc.project.data is None:
            return "Load data to step through training"
        trace, revealed = self.doc.trace, self.doc.revealed
        phases = self.phases
        if trace is None or revealed == 0:
            head = _rows_text(self.rows())
            if self.last_epoch_loss is not None:
                return f"Epoch done, loss during the epoch {self.last_epoch_loss:.6g} · next: {head}"
            return f"{head} · ready: F10 forward, F8 sub-step, F11 update"
        head = _rows_text(trace.rows)
        if revealed >= len(phases):
            return f"{head} · step complete ({len(phases)}/{len(phases)})"
        names = appearance().notation(len(trace.layers))
        done, coming = phases[revealed - 1], phases[revealed]
        return (f"{head} · {names.phase_title(done.kind, done.layer)} ({revealed}/{len(phases)})"
                f" · next: {names.phase_title(coming.kind, coming.layer)}")

    # ------------------------------------------------------------ stepping
    def step_forward(self) -> None:
        """Reveal every forward sub-step (starting a new step unless one is mid-forward)."""
        if self._phased is None or self._phased.next_phase.kind != PHASE_FORWARD:
            if not self._start():
                return
        with np.errstate(all="ignore"):  # a NaN or overflow is reported by _commit / the views
            while self._phased.next_phase.kind == PHASE_FORWARD:
                self._phased.advance()
        self._publish()

    def sub_step(self) -> None:
        """Reveal the next sub-step; the update sub-step completes the step."""
        if self._phased is None and not self._start():
            return
        with np.errstate(all="ignore"):
            self._phased.advance()
        if self._phased.done:
            self._commit()
        else:
            self._publish()

    def step_update(self) -> None:
        """Run the rest of the step (all of it if none is under way) and apply it."""
        if self._phased is None and not self._start():
            return
        with np.errstate(all="ignore"):
            self._phased.run()
        self._commit()

    def run_epoch(self) -> None:
        """One epoch of the training settings (core ``Trainer.run_epoch``), one undo step.

        A big epoch goes to ``background_epoch`` (the training worker) so the
        window never blocks; its result arrives as one undo step too.
        """
        project = self.doc.project
        if project.data is None:
            return
        if (self.background_epoch is not None
                and project.data.n_rows * project.network.n_parameters > BIG_EPOCH):
            self._phased = None
            if self.background_epoch():
                self.message.emit("A big epoch: it runs on the training worker (see Training)")
            else:
                self.message.emit("A training run is going: stop it before taking an epoch")
            return
        before = project.network
        net = before.copy()
        try:
            trainer = Trainer(net, project.data.X, project.data.Z, project.loss, project.training)
        except MLPError as exc:
            self.message.emit(f"Cannot run an epoch: {exc}")
            return
        carry = self._carry_for(before)
        if carry is not None:
            trainer.resume(carry)
        with np.errstate(all="ignore"):
            loss = trainer.run_epoch()
        self._remember(net, trainer.carry())
        self.last_epoch_loss = loss
        self._phased = None
        with self._own_change():
            self.doc.set_network(net, f"Epoch (loss {loss:.4g})")
        if not net.is_finite() or not np.isfinite(loss):
            self.message.emit("The epoch gave non-finite weights or loss: try a smaller learning rate")
        else:
            self.message.emit(f"Epoch done: loss during the epoch {loss:.6g}")

    def reset(self) -> None:
        """Back to the initial weights (undoable)."""
        if self.doc.project.network.equals(self._initial):
            return
        self._phased = None
        self.last_epoch_loss = None
        with self._own_change():
            self.doc.set_network(self._initial.copy(), "Reset to initial weights")

    # ---------------------------------------------------------------- rows
    def set_row(self, row: int) -> None:
        self.doc.set_row(row)

    def next_row(self) -> None:
        data = self.doc.project.data
        if data is not None and self.doc.selected_row + 1 < data.n_rows:
            self.doc.set_row(self.doc.selected_row + 1)

    def previous_row(self) -> None:
        if self.doc.project.data is not None and self.doc.selected_row > 0:
            self.doc.set_row(self.doc.selected_row - 1)

    def set_batch(self, on: bool) -> None:
        if bool(on) == self.use_batch:
            return
        self.use_batch = bool(on)
        self.act_batch.setChecked(self.use_batch)
        self._phased = None
        self._refresh()

    def set_advance_row(self, on: bool) -> None:
        self.advance_row = bool(on)
        self.act_advance.setChecked(self.advance_row)

    # ------------------------------------------------------------ internals
    def _start(self) -> bool:
        """Begin a new step on a copy of the network; False (with a message) if impossible."""
        project = self.doc.project
        if project.data is None:
            self.message.emit("Load data to step through training")
            return False
        try:
            rows = self.rows()
            cfg = project.training
            x, z = project.data.X[rows], project.data.Z[rows]
            self._phased = PhasedStep.for_config(
                project.network.copy(), x, z, project.loss, cfg, project.data.n_rows, rows,
                self._state_for(project.network))
        except MLPError as exc:
            self._phased = None
            self.message.emit(f"Cannot step: {exc}")
            return False
        if len(rows) == 1:
            with np.errstate(all="ignore"):
                sens = sensitivity(project.network, x, 0)
            for lt, (sw, sb) in zip(self._phased.trace.layers, sens):
                lt.sensitivity_weights, lt.sensitivity_biases = sw, sb
        self.last_epoch_loss = None
        return True

    def _publish(self) -> None:
        with self._own_change():
            self.doc.set_trace(snapshot(self._phased.trace), self._phased.position)

    def _commit(self) -> None:
        phased, self._phased = self._phased, None
        trace = snapshot(phased.trace)
        before = self._carry_for(self.doc.project.network)  # a step leaves the shuffling as it was
        self._remember(phased.net.copy(), Carry(phased.state, before.shuffle if before else None))
        with self._own_change():
            self.doc.apply_step(phased.net, trace, f"Step {_rows_text(trace.rows)}")
        problem = first_non_finite(trace)
        if problem is not None:
            self.message.emit(f"Not a finite number at {problem}: try a smaller learning rate")
        if self.advance_row and not self.use_batch:
            self.next_row()

    def _remember(self, net: Network, carry: Carry) -> None:
        key = net.fingerprint()
        self._history.pop(key, None)
        self._history[key] = carry
        while len(self._history) > HISTORY:
            self._history.popitem(last=False)

    def _carry_for(self, net: Network) -> Carry | None:
        return self._history.get(net.fingerprint())

    def _state_for(self, net: Network) -> OptimizerState | None:
        carry = self._carry_for(net)
        return None if carry is None else carry.optimizer

    @contextmanager
    def _own_change(self) -> Iterator[None]:
        """Document changes made by the controller itself (not user edits)."""
        self._busy = True
        try:
            yield
        finally:
            self._busy = False
            self._refresh()

    def _on_network_changed(self) -> None:
        if self._busy or getattr(self.doc, "snapshot", None) is not None:
            return  # our own change, or a training run's display-only weights
        net = self.doc.project.network
        if net.fingerprint() not in self._history:
            self._initial = net.copy()  # set by the user (edit, open, training run, undo of those)
        self._resume()

    def _on_trace_changed(self) -> None:
        if not self._busy and getattr(self.doc, "snapshot", None) is None:  # not a run's display
            self._resume()

    def _on_inputs_changed(self) -> None:
        if not self._busy:
            self._phased = None
            self._refresh()

    def _on_project_replaced(self) -> None:
        self._history.clear()
        self._initial = self.doc.project.network.copy()
        self.last_epoch_loss = None
        self._phased = None
        self._refresh()

    def _resume(self) -> None:
        """Continue a partial step the document shows (e.g. after Undo of its update)
        by replaying its sub-steps; otherwise the next action starts a new step."""
        self._phased = None
        trace, revealed, project = self.doc.trace, self.doc.revealed, self.doc.project
        n = len(self.phases)
        if (trace is not None and 0 < revealed < n and project.data is not None
                and _matches(trace, project.network)
                and max(trace.rows) < project.data.n_rows):
            data = project.data
            step = PhasedStep(project.network.copy(), data.X[trace.rows], data.Z[trace.rows],
                              trace.loss_name, trace.learning_rate, trace.reduction, trace.rows,
                              trace.optimizer, trace.penalty, self._state_for(project.network))
            for _ in range(revealed):
                step.advance()
            for mine, shown in zip(step.trace.layers, trace.layers):
                mine.sensitivity_weights = shown.sensitivity_weights
                mine.sensitivity_biases = shown.sensitivity_biases
            self._phased = step
        self._refresh()

    def _refresh(self) -> None:
        has_data = self.doc.project.data is not None
        for act in (self.act_forward, self.act_substep, self.act_update, self.act_epoch):
            act.setEnabled(has_data)
        batches = has_data and self.doc.project.training.mode != "online"
        if self.use_batch and not batches:  # online mode: every update is one row
            self.use_batch = False
            self._phased = None
            self.act_batch.setChecked(False)
        self.act_batch.setEnabled(batches)
        n_rows = self.doc.project.data.n_rows if has_data else 0
        self.act_prev_row.setEnabled(has_data and self.doc.selected_row > 0)
        self.act_next_row.setEnabled(has_data and self.doc.selected_row + 1 < n_rows)
        self.act_reset.setEnabled(not self.doc.project.network.equals(self._initial))
        self.changed.emit()


def _rows_text(rows: list[int]) -> str:
    if len(rows) == 1:
        return f"row {rows[0]}"
    if rows == list(range(rows[0], rows[-1] + 1)):
        return f"rows {rows[0]}–{rows[-1]}"
    return f"{len(rows)} rows"
