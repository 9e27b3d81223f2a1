"""Lessons: a project and a list of steps, each with a short text, an optional action,
parts of the network to highlight and an optional question.

``LessonRunner`` applies the actions to a project without any window, the way the
app's step buttons do: the lesson check runs it, and the app walks the same
actions through its document. Parameters and nodes are named as in the reference
document: ``w[layer][node][input]``, ``b[layer][node]``, ``node[layer][node]``,
``input[i]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from mlp_studio.core.address import Address
from mlp_studio.core.expression import Objective
from mlp_studio.core.minimize import MinimizeConfig, Minimizer
from mlp_studio.core.network import Network
from mlp_studio.core.project import Project
from mlp_studio.core.trace import PhasedStep, StepTrace, forward_trace, phases_for
from mlp_studio.core.training import MODES, Carry, Trainer
from mlp_studio.core.workspace import REDUCTIONS
from mlp_studio.errors import MLPError

ACTIONS = ("forward", "sub_step", "update", "epoch", "run", "select", "set", "open_lab")
#: training settings a ``set`` action may change, with the values each allows (None: a number)
SETTINGS: dict[str, tuple[str, ...] | None] = {
    "learning_rate": None, "batch_reduction": REDUCTIONS, "mode": MODES}
MAX_RUN_EPOCHS = 100_000
MAX_LAB_STEPS = 10_000

@dataclass(frozen=True)
class LabSetup:
    """The lab on ``function`` from ``x0`` with learning rate ``eta``, ``steps`` iterations taken."""

    function: str
    x0: tuple[float, ...]
    eta: float = 0.1
    steps: int = 0


@dataclass(frozen=True)
class Action:
    """One action; which fields matter depends on ``kind`` (one of ACTIONS).

    ``row``: the data row of forward/sub_step/update (None: the current row);
    ``count``: epochs of ``run``; ``target``: the address of ``select``/``set`` or
    a setting name of ``set``; ``value``: what ``set`` writes; ``lab``: ``open_lab``'s setup.
    """

    kind: str
    row: int | None = None
    count: int = 1
    target: str = ""
    value: float | str | None = None
    lab: LabSetup | None = None


@dataclass(frozen=True)
class LessonQuestion:
    """Asked before the step's action shows the value at ``path`` (the trace's JSON
    form); ``answer`` is the value the lesson's text promises, if it gives one."""

    ask: str
    path: str
    answer: float | None = None


@dataclass(frozen=True)
class LessonStep:
    text: str
    action: Action | None = None
    highlight: tuple[Address, ...] = ()
    question: LessonQuestion | None = None


@dataclass
class Lesson:
    title: str
    project: Project
    steps: list[LessonStep]
    summary: str = ""


@dataclass
class LabState:
    setup: LabSetup
    minimizer: Minimizer

    @property
    def values(self) -> dict:
        last = self.minimizer.last
        stop = self.minimizer.stop
        return {"function": self.setup.function, "iterations": last.index,
                "x": last.x.tolist(), "f": float(last.f), "grad": last.grad.tolist(),
                "stopped": None if stop is None else stop.code}


@dataclass(frozen=True)
class RunnerState:
    """A runner's state between actions (see ``LessonRunner.snapshot``)."""

    project: Project
    row: int
    trace: StepTrace | None
    epoch_losses: list[float]
    selection: Address | None
    lab: LabState | None
    phased_position: int | None
    carry: Carry


@dataclass
class LessonRunner:
    """Applies lesson actions to ``project`` (changed in place), keeping what a step shows:
    the current row, the step trace, the last epoch losses, the selection, the lab."""

    project: Project
    row: int = 0
    trace: StepTrace | None = None
    epoch_losses: list[float] = field(default_factory=list)
    selection: Address | None = None
    lab: LabState | None = None
    _phased: PhasedStep | None = None
    _carry: Carry = field(default_factory=Carry)

    @property
    def revealed(self) -> int:
        """How many sub-steps of ``trace`` are done (all of them for a finished update)."""
        if self.trace is None:
            return 0
        if self._phased is not None:
            return self._phased.position
        n = len(self.trace.layers)
        return n if self.trace.layers[-1].delta is None else len(phases_for(n))

    def snapshot(self) -> "RunnerState":
        """What :meth:`restore` needs to put the runner back as it is now."""
        return RunnerState(self.project.copy(), self.row, self.trace, list(self.epoch_losses),
                           self.selection, self.lab,
                           None if self._phased is None else self._phased.position, self._carry)

    def restore(self, state: "RunnerState") -> None:
        """Back to ``state`` (a :meth:`snapshot`); a sub-step under way is taken again."""
        self.project = state.project.copy()
        self.row, self.epoch_losses = state.row, list(state.epoch_losses)
        self.selection, self.lab, self._carry = state.selection, state.lab, state.carry
        self._phased = None
        self.trace = state.trace
        if state.phased_position is not None:
            self._phased = self._new_step()
            for _ in range(state.phased_position):
                self._phased.advance()
            self.trace = self._phased.trace

    def apply(self, action: Action) -> None:
        """Run ``action``; MLPError saying what cannot be done."""
        if action.kind not in ACTIONS:
            raise MLPError(f"unknown action {action.kind!r}; choose one of {', '.join(ACTIONS)}")
        getattr(self, f"_do_{action.kind}")(action)

    # -------------------------------------------------------- network steps
    def _data(self):
        if self.project.data is None:
            raise MLPError("the lesson's project has no data to step on")
        return self.project.data

    def _use_row(self, row: int | None) -> None:
        data = self._data()
        if row is not None:
            if not 0 <= row < data.n_rows:
                raise MLPError(f"row {row} is out of range: the data has rows 0 to {data.n_rows - 1}")
            if row != self.row:
                self._phased = None
            self.row = row

    def _rows(self) -> np.ndarray:
        cfg = self.project.training
        return np.array([self.row]) if cfg.mode == "online" else self.project.rows_for_update(None)

    def _new_step(self) -> PhasedStep:
        data, cfg, rows = self._data(), self.project.training, self._rows()
        return PhasedStep.for_config(self.project.network, data.X[rows], data.Z[rows],
                                     self.project.loss, cfg, data.n_rows, rows.tolist(),
                                     self._carry.optimizer)

    def _do_forward(self, action: Action) -> None:
        self._use_row(action.row)
        data, cfg, rows = self._data(), self.project.training, self._rows()
        self._phased = None
        self.trace = forward_trace(self.project.network, data.X[rows], data.Z[rows],
                                   self.project.loss, cfg.learning_rate, cfg.batch_reduction,
                                   rows.tolist())

    def _do_sub_step(self, action: Action) -> None:
        self._use_row(action.row)
        if self._phased is None or self._phased.done:
            self._phased = self._new_step()
        self._phased.advance()
        self.trace = self._phased.trace
        if self._phased.done:
            self._finish_step()

    def _do_update(self, action: Action) -> None:
        self._use_row(action.row)
        if self._phased is None or self._phased.done:
            self._phased = self._new_step()
        self.trace = self._phased.run()
        self._finish_step()

    def _finish_step(self) -> None:
        self._carry = self._carry.after_step(self._phased.state, len(self._phased.trace.rows),
                                             self._data().n_rows)
        self._phased = None

    def _do_epoch(self, action: Action) -> None:
        self._train(1)

    def _do_run(self, action: Action) -> None:
        if not 1 <= action.count <= MAX_RUN_EPOCHS:
            raise MLPError(f"run takes 1 to {MAX_RUN_EPOCHS} epochs, got {action.count}")
        self._train(action.count)

    def _train(self, epochs: int) -> None:
        data = self._data()
        trainer = Trainer(self.project.network, data.X, data.Z, self.project.loss, self.project.training)
        trainer.resume(self._carry)
        result = trainer.train(epochs)
        self._carry = trainer.carry()
        self._phased = None
        self.trace = None
        self.epoch_losses = list(result.losses)
        if result.stop is not None and result.stop.code == "diverged":
            raise MLPError(result.stop.message)

    # ------------------------------------------------------ selection, values
    def _do_select(self, action: Action) -> None:
        address = Address.parse(action.target)
        address.check(self.project.network)
        self.selection = address

    def _do_set(self, action: Action) -> None:
        if action.target in SETTINGS:
            self._set_setting(action.target, action.value)
            return
        address = Address.parse(action.target)
        address.check(self.project.network)
        if not address.is_parameter:
            raise MLPError(f"set changes a weight, a bias or a setting "
                           f"({', '.join(SETTINGS)}), not {address}")
        if not isinstance(action.value, (int, float)) or not np.isfinite(action.value):
            raise MLPError(f"{address} needs a finite number, got {action.value!r}")
        self._phased = None
        address.put(self.project.network, float(action.value))
        self.selection = address

    def _set_setting(self, name: str, value: float | str | None) -> None:
        choices = SETTINGS[name]
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not is_number if choices is None else value not in choices:
            wanted = "a number" if choices is None else ", ".join(choices)
            raise MLPError(f"{name} takes {wanted}, got {value!r}")
        updated = replace(self.project.training, **{name: value})
        updated.validate()
        self.project.training = updated
        self._phased = None

    # ------------------------------------------------------------------ lab
    def _do_open_lab(self, action: Action) -> None:
        setup = action.lab
        if setup is None:
            raise MLPError("open_lab needs a function and a start point")
        if not 0 <= setup.steps <= MAX_LAB_STEPS:
            raise MLPError(f"the lab takes 0 to {MAX_LAB_STEPS} steps, got {setup.steps}")
        minimizer = Minimizer(Objective(setup.function), setup.x0, MinimizeConfig(eta=setup.eta))
        minimizer.run(setup.steps)
        self.lab = LabState(setup, minimizer)
