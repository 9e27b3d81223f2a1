"""Step-through control: forward pass, sub-step, update, epoch, row, reset.

``StepController`` does no maths and keeps no state of the document's: a step is a
core ``PhasedStep`` on a copy of the document's network (sensitivities from core
``sensitivity``), an epoch is one core ``Trainer.run_epoch``. Both start from the
document's ``step_state`` (the optimiser's carried state, the row order) and hand
the state after them back with the result: a finished step enters the document
with ``apply_step``, an epoch with ``apply_epoch`` (one undo command each: Undo is
"step back"). A partly taken step is shown with ``show_partial_step``; the next
sub-step continues a copy of it.
"""

from __future__ import annotations

from collections.abc import Callable
import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence


from mlp_studio.app.document.document import Document
from mlp_studio.app.widgets.appearance import appearance
from mlp_studio.core.trace import PHASE_FORWARD, PhasedStep, first_non_finite, phases_for, sensitivity
from mlp_studio.core.training import Carry, Trainer
from mlp_studio.errors import MLPError

#: an epoch of more (rows x parameters) than this runs on the training worker, if there is one
#: (as a one-epoch training run: it starts, and leaves, the optimiser at rest)
BIG_EPOCH = 20_000_000


class StepController(QObject):
    """Steps the document's network. ``changed`` fires when what can be done or
    shown changes; ``message`` carries a note for the user (status bar)."""

    changed = Signal()
    message = Signal(str)

    def __init__(self, document: Document, parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else document)
        self.doc = document
        self.use_batch = False
        self.advance_row = False
        self.last_epoch_loss: float | None = None
        #: starts one epoch on a worker thread (the training panel's); False if it cannot
        self.background_epoch: Callable[[], bool] | None = None
        self._make_actions()
        for signal in (document.network_changed, document.trace_changed, document.data_changed,
                       document.settings_changed, document.row_changed, document.edit_lock_changed):
            signal.connect(self._refresh)
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
                                "Step on the training mode's batch that holds the selected row "
                                "instead of the row alone", True)
        self.act_advance = action("Auto next row", "Ctrl+Shift+N", self.set_advance_row,
                                  "After each update, move to the next row", True)
        self.act_reset = action("Reset weights", "Ctrl+Shift+R", self.reset,
                                "Back to the initial weights (as opened or last edited by hand); undoable")

    @property
    def actions(self) -> list[QAction]:
        return [self.act_forward, self.act_substep, self.act_update, self.act_epoch,
                self.act_prev_row, self.act_next_row, self.act_batch, self.act_advance,
                self.act_reset]

    # --------------------------------------------------------------- state
    @property
    def phases(self):
        return phases_for(len(self.doc.project.network.layers))

    def rows(self) -> list[int]:
        """The data rows the next step uses."""
        project, row = self.doc.project, self.doc.selected_row
        return (project.batch_rows(row) if self.use_batch else project.rows_for_update(row)).tolist()

    def status_text(self) -> str:
        """What is shown: the rows and the last sub-step revealed (named in the notation)."""
        if self.doc.project.data is None:
            return "Load data to step through training"
        trace, revealed = self.doc.trace, self.doc.revealed
        phases = self.phases
        if trace is None or revealed == 0:
            head = _rows_text(self.rows()) + self._rate_text()
            if self.last_epoch_loss is not None:
                return f"Epoch done, loss during the epoch {self.last_epoch_loss:.6g} · next: {head}"
            return f"{head} · ready: F10 forward, F8 sub-step, F11 update"
        head = _rows_text(trace.rows) + self._rate_text(trace.learning_rate)
        if revealed >= len(phases):
            return f"{head} · step complete ({len(phases)}/{len(phases)})"
        names = appearance().notation(len(trace.layers))
        done, coming = phases[revealed - 1], phases[revealed]
        return (f"{head} · {names.phase_title(done.kind, done.layer)} ({revealed}/{len(phases)})"
                f" · next: {names.phase_title(coming.kind, coming.layer)}")

    def _rate_text(self, rate: float | None = None) -> str:
        """`` · η 0.05`` under a learning-rate schedule: ``rate`` (a step's), else the next
        step's; nothing for a constant rate (the Learning rate setting says it)."""
        project = self.doc.project
        if project.training.schedule == "constant":
            return ""
        if rate is None:
            carry = self.doc.step_state.carry
            rate = project.training.next_rate(carry.optimizer if carry is not None else None,
                                              project.data.n_rows)
        return f" · η {rate:.4g}"

    # ------------------------------------------------------------ stepping
    def step_forward(self) -> None:
        """Reveal every forward sub-step (starting a new step unless one is mid-forward)."""
        step = self._continued()
        if step is None or step.next_phase.kind != PHASE_FORWARD:
            step = self._start()
            if step is None:
                return
        with np.errstate(all="ignore"):  # a NaN or overflow is reported by _commit / the views
            while step.next_phase.kind == PHASE_FORWARD:
                step.advance()
        self.doc.show_partial_step(step)

    def sub_step(self) -> None:
        """Reveal the next sub-step; the update sub-step completes the step."""
        step = self._continued() or self._start()
        if step is None:
            return
        with np.errstate(all="ignore"):
            step.advance()
        if step.done:
            self._commit(step)
        else:
            self.doc.show_partial_step(step)

    def step_update(self) -> None:
        """Run the rest of the step (all of it if none is under way) and apply it."""
        step = self._continued() or self._start()
        if step is None:
            return
        with np.errstate(all="ignore"):
            step.run()
        self._commit(step)

    def run_epoch(self) -> None:
        """One epoch of the training settings (core ``Trainer.run_epoch``), one undo step,
        continuing from the document's carried optimiser state and row order.

        A big epoch goes to ``background_epoch`` (the training worker) so the
        window never blocks; its result arrives as one undo step too.
        """
        project = self.doc.project
        if project.data is None:
            return
        if (self.background_epoch is not None
                and project.data.n_rows * project.network.n_parameters > BIG_EPOCH):
            self.doc.end_partial_step()
            if self.background_epoch():
                self.message.emit("A big epoch: it runs on the training worker (see Training)")
            else:
                self.message.emit("A training run is going: stop it before taking an epoch")
            return
        net = project.network.copy()
        try:
            trainer = Trainer(net, project.data.X, project.data.Z, project.loss, project.training)
        except MLPError as exc:
            self.message.emit(f"Cannot run an epoch: {exc}")
            return
        if self.doc.step_state.carry is not None:
            trainer.resume(self.doc.step_state.carry)
        with np.errstate(all="ignore"):
            loss = trainer.run_epoch()
        self.last_epoch_loss = loss
        self.doc.apply_epoch(net, trainer.carry(), f"Epoch (loss {loss:.4g})")
        if not net.is_finite() or not np.isfinite(loss):
            self.message.emit("The epoch gave non-finite weights or loss: try a smaller learning rate")
        else:
            self.message.emit(f"Epoch done: loss during the epoch {loss:.6g}")

    def reset(self) -> None:
        """Back to the initial weights (undoable)."""
        if self.doc.project.network.equals(self.doc.step_state.initial):
            return
        self.last_epoch_loss = None
        self.doc.reset_weights()

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
        self.doc.end_partial_step()
        self._refresh()

    def set_advance_row(self, on: bool) -> None:
        self.advance_row = bool(on)
        self.act_advance.setChecked(self.advance_row)

    # ------------------------------------------------------------ internals
    def _continued(self) -> PhasedStep | None:
        """A copy of the step the document shows part of, to take further; None if none."""
        partial = self.doc.partial_step
        return partial.copy() if partial is not None else None

    def _start(self) -> PhasedStep | None:
        """A new step on a copy of the network, from the carried optimiser state; None (with a
        message) if impossible."""
        project = self.doc.project
        if project.data is None:
            self.message.emit("Load data to step through training")
            return None
        carry = self.doc.step_state.carry
        try:
            rows = self.rows()
            cfg = project.training
            x, z = project.data.X[rows], project.data.Z[rows]
            step = PhasedStep.for_config(
                project.network.copy(), x, z, project.loss, cfg, project.data.n_rows, rows,
                carry.optimizer if carry is not None else None)
        except MLPError as exc:
            self.message.emit(f"Cannot step: {exc}")
            return None
        if len(rows) == 1:
            with np.errstate(all="ignore"):
                sens = sensitivity(project.network, x, 0)
            for lt, (sw, sb) in zip(step.trace.layers, sens):
                lt.sensitivity_weights, lt.sensitivity_biases = sw, sb
        self.last_epoch_loss = None
        return step

    def _commit(self, step: PhasedStep) -> None:
        """Apply a finished step with the optimiser's state after it (rows as they were; an
        epoch's worth of steps moves the learning-rate schedule on, see ``Carry.after_step``)."""
        carry = (self.doc.step_state.carry or Carry()).after_step(
            step.state, len(step.trace.rows), self.doc.project.data.n_rows)
        self.doc.apply_step(step.net, step.trace, f"Step {_rows_text(step.trace.rows)}", carry)
        problem = first_non_finite(step.trace)
        if problem is not None:
            self.message.emit(f"Not a finite number at {problem}: try a smaller learning rate")
        if self.advance_row and self.use_batch:  # on to the next batch, round to the first
            after = step.trace.rows[-1] + 1
            self.doc.set_row(after if after < self.doc.project.data.n_rows else 0)
        elif self.advance_row:
            self.next_row()

    def _on_project_replaced(self) -> None:
        self.last_epoch_loss = None
        self._refresh()

    def _refresh(self) -> None:
        has_data = self.doc.project.data is not None
        free = self.doc.edit_lock is None
        for act in (self.act_forward, self.act_substep, self.act_update, self.act_epoch):
            act.setEnabled(free and has_data)
        batches = has_data and self.doc.project.training.mode != "online"
        if self.use_batch and not batches:  # online mode: every update is one row
            self.use_batch = False
            self.doc.end_partial_step()
            self.act_batch.setChecked(False)
        self.act_batch.setEnabled(batches)
        n_rows = self.doc.project.data.n_rows if has_data else 0
        self.act_prev_row.setEnabled(has_data and self.doc.selected_row > 0)
        self.act_next_row.setEnabled(has_data and self.doc.selected_row + 1 < n_rows)
        self.act_reset.setEnabled(free and not self.doc.project.network.equals(self.doc.step_state.initial))
        self.changed.emit()


def _rows_text(rows: list[int]) -> str:
    if len(rows) == 1:
        return f"row {rows[0]}"
    if rows == list(range(rows[0], rows[-1] + 1)):
        return f"rows {rows[0]}–{rows[-1]}"
    return f"{len(rows)} rows"
