"""The lesson side panel: the step's text with its formulas, its question, Back / Next, "3 of 12"."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPushButton, QTextBrowser, QVBoxLayout,
                               QWidget)

from mlp_studio.app.widgets.appearance import appearance
from mlp_studio.core.quiz import tolerance
from mlp_studio.io.math_html import put_math, split_math
from mlp_studio.io.worked_formula import worked_formula


def in_colour(html_text: str, role: str) -> str:
    """``html_text`` in the appearance's ``role`` colour (``good`` or ``error``)."""
    return f"<span style='color:{getattr(appearance().colours(), role).name()}'>{html_text}</span>"


def verdict(right: bool, answer: float) -> str:
    """"Right" or "Not quite", in colour, and the answer given."""
    return in_colour(f"<b>{'Right' if right else 'Not quite'}</b>: you said {answer:g}",
                     "good" if right else "error")


def lesson_html(markdown: str) -> str:
    """A lesson text (Markdown with ``$...$`` formulas) as Qt rich text."""
    text, formulas = split_math(markdown)
    doc = QTextDocument()
    doc.setMarkdown(text)
    return put_math(doc.toHtml(), formulas)


def parse_answer(text: str) -> float | None:
    """A typed number (a comma as the decimal mark is fine, so is the − sign); None if none."""
    try:
        return float(text.strip().replace(",", ".").replace("−", "-"))
    except ValueError:
        return None


class LessonPanel(QWidget):
    """Shows a ``LessonSession`` (or nothing, before a lesson is opened)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lesson_panel")
        self.session = None
        self._shown_step = -1
        self.title = QLabel("No lesson open: choose one from the Lessons menu")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold; font-size: 12pt;")
        self.progress = QLabel("")
        self.progress.setToolTip("Which step of the lesson this is")
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        self.text.setToolTip("The step's explanation")
        self.text.setMinimumHeight(150)
        self.question = QLabel("")
        self.question.setWordWrap(True)
        self.answer_edit = QLineEdit()
        self.answer_edit.setPlaceholderText("your prediction, e.g. 0.6225")
        self.answer_edit.setToolTip("Type the value you expect before it is shown, then press Check")
        self.answer_edit.returnPressed.connect(self._check)
        self.check_button = QPushButton("Check")
        self.check_button.setToolTip("Run the step and compare its value with your prediction")
        self.check_button.clicked.connect(self._check)
        self.show_button = QPushButton("Show me")
        self.show_button.setToolTip("Run the step and show the value without scoring")
        self.show_button.clicked.connect(lambda: self.session and self.session.check(None))
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)
        self.back_button = QPushButton("◀ Back")
        self.back_button.setToolTip("Undo this step's action and go to the step before")
        self.back_button.clicked.connect(lambda: self.session and self.session.back())
        self.next_button = QPushButton("Next ▶")
        self.next_button.setToolTip("Go to the next step (it runs its action)")
        self.next_button.clicked.connect(lambda: self.session and self.session.next())
        self.score = QLabel("")
        self.score.setToolTip("Your predictions that were within tolerance, this lesson")

        answer_row = QHBoxLayout()
        answer_row.addWidget(self.answer_edit, 1)
        answer_row.addWidget(self.check_button)
        answer_row.addWidget(self.show_button)
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addWidget(self.progress, 1, Qt.AlignmentFlag.AlignCenter)
        nav.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.question)
        layout.addLayout(answer_row)
        layout.addWidget(self.result)
        layout.addWidget(self.score)
        layout.addLayout(nav)
        self.refresh()

    def set_session(self, session) -> None:
        """Show ``session`` (None: no lesson)."""
        self.session = session
        self._shown_step = -1
        if session is not None:
            session.changed.connect(self.refresh)
        else:
            self.title.setText("No lesson open: choose one from the Lessons menu")
            self.progress.setText("")
            self.text.clear()
            self.score.setText("")
        self.refresh()

    def _check(self) -> None:
        if self.session is None:
            return
        answer = parse_answer(self.answer_edit.text())
        if answer is None:
            self.result.setText(in_colour("Type a number first (or press Show me)", "error"))
            return
        self.session.check(answer)

    def refresh(self) -> None:
        s = self.session
        has = s is not None
        for w in (self.back_button, self.next_button):
            w.setVisible(has)
        if not has:
            self._show_question(False)
            return
        step = s.step
        if s.index != self._shown_step:
            self._shown_step = s.index
            self.answer_edit.clear()
        self.title.setText(s.lesson.title)
        self.progress.setText(s.progress)
        self.text.setHtml(lesson_html(step.text))
        self.back_button.setEnabled(s.can_go_back)
        self.next_button.setEnabled(s.can_go_next)
        self.score.setText(f"Score: {s.score.text}" if s.score.asked else "")
        q = step.question
        self._show_question(q is not None)
        if q is None:
            return
        self.question.setText(f"<b>Predict:</b> {html.escape(q.ask)}")
        for w in (self.answer_edit, self.check_button, self.show_button):
            w.setEnabled(not s.busy and not s.revealed)
        if not s.revealed:
            self.result.setText("")
            return
        self.result.setText(self._reveal_text())

    def _show_question(self, on: bool) -> None:
        for w in (self.question, self.answer_edit, self.check_button, self.show_button, self.result):
            w.setVisible(on)

    def _reveal_text(self) -> str:
        s = self.session
        q = s.step.question
        value = s.answer_value()
        parts = []
        if s.grade is not None:
            parts.append(verdict(s.grade.right, s.grade.answer))
        parts.append(f"The value is <b>{value:.4f}</b> (accepted within ±{tolerance(value):.2g}).")
        trace = s.runner.trace
        formula = worked_formula(trace, q.path) if trace is not None else None
        if formula:
            parts.append(formula)
        return "<br>".join(parts)
