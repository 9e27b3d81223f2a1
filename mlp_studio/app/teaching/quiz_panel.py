"""Quiz mode (Step > Quiz me): before each sub-step the student predicts one value it will
show; Check takes the sub-step and reveals the value with its worked formula."""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from mlp_studio.app.teaching.lesson_panel import in_colour, parse_answer, verdict
from mlp_studio.core.quiz import Question, Score, number_at, question_for, tolerance
from mlp_studio.errors import MLPError
from mlp_studio.io.worked_formula import worked_formula


class QuizPanel(QWidget):
    """Asks about the step controller's next sub-step; keeps the session's score."""

    def __init__(self, document, controller, seed: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quiz_panel")
        self.doc = document
        self.controller = controller
        self.score = Score()
        self.rng = np.random.default_rng(seed)
        self.current: Question | None = None
        self.prompt = QLabel("")
        self.prompt.setWordWrap(True)
        self.answer_edit = QLineEdit()
        self.answer_edit.setPlaceholderText("your prediction")
        self.answer_edit.setToolTip("Type the value you expect, then press Check")
        self.answer_edit.returnPressed.connect(self.check)
        self.check_button = QPushButton("Check")
        self.check_button.setToolTip("Take the sub-step and compare its value with your prediction")
        self.check_button.clicked.connect(self.check)
        self.skip_button = QPushButton("Ask another")
        self.skip_button.setToolTip("Ask about a different value of the next sub-step")
        self.skip_button.clicked.connect(self.ask)
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        self.score_label = QLabel("")
        self.score_label.setToolTip("Predictions within tolerance (1 % or 4 decimals) this session")
        row = QHBoxLayout()
        row.addWidget(self.answer_edit, 1)
        row.addWidget(self.check_button)
        row.addWidget(self.skip_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addLayout(row)
        layout.addWidget(self.result, 1)
        layout.addWidget(self.score_label)
        self.ask()

    def next_phase(self):
        """The sub-step the controller takes next."""
        phases = self.controller.phases
        revealed = self.doc.revealed if self.doc.trace is not None else 0
        return phases[revealed % len(phases)]

    def ask(self) -> None:
        """Choose a value of the next sub-step to predict."""
        if self.doc.project.data is None:
            self.current = None
            self.prompt.setText("Load data first: the quiz asks about a step on a data row.")
            return
        phase = self.next_phase()
        self.current = question_for(phase, self.doc.project.network.sizes, self.rng)
        self.prompt.setText(f"<b>Next: {html.escape(phase.label)}.</b><br>"
                            f"Predict the <b>{html.escape(self.current.label)}</b>.")
        self.answer_edit.clear()
        self.answer_edit.setFocus()

    def check(self) -> None:
        if self.current is None:
            return
        answer = parse_answer(self.answer_edit.text())
        if answer is None:
            self.result.setText(in_colour("Type a number first", "error"))
            return
        self.controller.sub_step()
        trace = self.doc.trace
        try:
            value = number_at(trace, self.current.path)
        except MLPError as exc:
            self.result.setText(in_colour(html.escape(str(exc)), "error"))
            return
        grade = self.score.record(answer, value)
        said = f"Your last prediction, the {html.escape(self.current.label)}: {verdict(grade.right, answer)}"
        formula = worked_formula(trace, self.current.path) or ""
        self.result.setText(f"{said}<br>The value is <b>{value:.4f}</b> "
                            f"(accepted within ±{tolerance(value):.2g}).<br>{formula}")
        self.score_label.setText(f"Score: {self.score.text}")
        self.ask()
