"""Walking a lesson through the document: Next runs a step's action, Back undoes it.

The actions run in core's ``LessonRunner`` on a copy of the project; what they
change then enters the document through its undo commands (new weights, settings)
and display state (trace, row, selection). Back puts the undo stack and the
display state back as they were before the step. Epochs and runs train on a
worker thread, so the window stays responsive.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal

from mlp_studio.core.address import Address
from mlp_studio.core.lesson import Lesson, LessonRunner, LessonStep, RunnerState
from mlp_studio.core.quiz import Grade, Score, number_at
from mlp_studio.core.trace import phases_for
from mlp_studio.errors import MLPError
from mlp_studio.io.lesson_file import lesson_values

TRAINING_ACTIONS = ("epoch", "run")


def selection_of(address: Address | None) -> tuple | None:
    """The document's selection tuple for an address (a bias selects its node)."""
    if address is None:
        return None
    if address.kind == "w":
        return ("edge", *address.index)
    if address.kind == "input":
        return ("input", address.index[0])
    return ("node", *address.index)


@dataclass
class _Before:
    """What Back restores: the undo index, the runner and the shown state before a step's action."""

    undo_index: int
    runner: RunnerState
    shown: tuple


class LessonSession(QObject):
    """One lesson walked in ``document``. ``changed`` fires when the step, its state or the
    score changes; ``lab_opened`` carries the lab's setup for the window to show;
    ``failed`` carries an action's error message."""

    changed = Signal()
    lab_opened = Signal(object)
    failed = Signal(str)
    _trained = Signal(object)  # from the worker thread: None or the error message

    def __init__(self, document, lesson: Lesson, parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else document)
        self.doc = document
        self.lesson = lesson
        self.score = Score()
        self.index = 0
        self.grade: Grade | None = None
        self.revealed = False  # the question's value is shown
        self.busy = False
        self._done: dict[int, _Before] = {}  # steps whose action has run
        self._thread: threading.Thread | None = None
        self._trained.connect(self._after_training)
        document.new_project(lesson.project.copy(), name=f"{lesson.title} (lesson)")
        self.runner = LessonRunner(document.project.copy())
        self._enter()

    # --------------------------------------------------------------- state
    @property
    def step(self) -> LessonStep:
        return self.lesson.steps[self.index]

    @property
    def progress(self) -> str:
        return f"{self.index + 1} of {len(self.lesson.steps)}"

    @property
    def action_done(self) -> bool:
        return self.step.action is None or self.index in self._done

    @property
    def can_go_back(self) -> bool:
        return self.index > 0 and not self.busy

    @property
    def can_go_next(self) -> bool:
        return self.index + 1 < len(self.lesson.steps) and self.action_done and not self.busy

    def answer_value(self) -> float | None:
        """The value the step's question asks for, once its action has run."""
        q = self.step.question
        if q is None or not self.action_done:
            return None
        return number_at(lesson_values(self.runner), q.path)

    # ---------------------------------------------------------- navigation
    def next(self) -> None:
        if self.can_go_next:
            self.index += 1
            self._enter()

    def back(self) -> None:
        """Undo this step's action (if it ran) and show the step before."""
        if not self.can_go_back:
            return
        self._undo(self.index)
        self.index -= 1
        self.grade, self.revealed = None, False
        self.changed.emit()

    def check(self, answer: float | None) -> None:
        """Run the step's action and reveal: ``answer`` (None: the student asks to be shown)
        is graded against the value and counted in the score."""
        if self.step.question is None or self.busy:
            return
        if not self.action_done:
            self._pending_answer = answer
            self._run_action()
            return
        self._grade(answer)

    def _grade(self, answer: float | None) -> None:
        try:
            value = self.answer_value()
        except MLPError as exc:
            self.failed.emit(str(exc))
            return
        if answer is not None and value is not None and not self.revealed:
            self.grade = self.score.record(answer, value)
        self.revealed = True
        self.changed.emit()

    def _enter(self) -> None:
        """Show the current step; run its action unless it waits for an answer."""
        self.grade, self.revealed = None, False
        self._pending_answer = None
        if self.step.highlight and self.step.action is None:
            self.doc.select(selection_of(self.step.highlight[0]))
        if self.step.question is None and not self.action_done:
            self._run_action()
        else:
            self.changed.emit()

    # ------------------------------------------------------------- actions
    def _shown(self) -> tuple:
        return self.doc.trace, self.doc.revealed, self.doc.selected_row, self.doc.selection

    def _run_action(self) -> None:
        action = self.step.action
        self._done[self.index] = _Before(self.doc.undo_stack.index(), self.runner.snapshot(), self._shown())
        if action.kind in TRAINING_ACTIONS:
            self.busy = True
            self.changed.emit()
            self._thread = threading.Thread(target=self._train_in_thread, args=(action,),
                                            name="lesson-training", daemon=True)
            self._thread.start()
            return
        try:
            self.runner.apply(action)
        except MLPError as exc:
            self._fail(exc)
            return
        self._publish()

    def _train_in_thread(self, action) -> None:
        try:
            self.runner.apply(action)
        except MLPError as exc:
            self._trained.emit(str(exc))
            return
        self._trained.emit(None)

    def _after_training(self, error: str | None) -> None:
        self._thread.join()
        self._thread = None
        self.busy = False
        if error is not None:
            self._fail(MLPError(error))
            return
        self._publish()

    def _fail(self, exc: MLPError) -> None:
        self.runner.restore(self._done.pop(self.index).runner)
        self.failed.emit(f"Step {self.index + 1}: {exc}")
        self.changed.emit()

    def _publish(self) -> None:
        """Bring what the action changed into the document."""
        runner, doc, kind = self.runner, self.doc, self.step.action.kind
        text = f"Lesson step {self.index + 1}: {kind.replace('_', ' ')}"
        project = runner.project
        if project.training != doc.project.training:
            doc.set_training(replace(project.training), text)
        if not project.network.equals(doc.project.network):
            if runner.trace is not None and runner.revealed == len(phases_for(len(project.network.layers))):
                doc.apply_step(project.network.copy(), runner.trace, text)
            else:
                doc.set_network(project.network.copy(), text)
        if project.data is not None and runner.row != doc.selected_row:
            doc.set_row(runner.row)
        if runner.trace is not None and kind in ("forward", "sub_step", "update"):
            doc.set_trace(runner.trace, runner.revealed)
        highlight = self.step.highlight
        chosen = runner.selection if kind in ("select", "set") else (highlight[0] if highlight else None)
        if chosen is not None:
            doc.select(selection_of(chosen))
        if kind == "open_lab":
            self.lab_opened.emit(runner.lab.setup)
        if self.step.question is not None:
            self._grade(self._pending_answer)
        else:
            self.changed.emit()

    def _undo(self, index: int) -> None:
        before = self._done.pop(index, None)
        if before is None:
            return
        self.doc.undo_stack.setIndex(before.undo_index)
        self.runner.restore(before.runner)
        trace, revealed, row, selection = before.shown
        if self.doc.project.data is not None and row != self.doc.selected_row:
            self.doc.set_row(row)
        self.doc.set_trace(trace, revealed)
        self.doc.select(selection)
        if self.runner.lab is not None:
            self.lab_opened.emit(self.runner.lab.setup)

    def shutdown(self) -> None:
        """Wait for a training action under way (it is short: lesson networks are small)."""
        if self._thread is not None:
            self._thread.join()
