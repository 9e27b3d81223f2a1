"""Puts the teaching part into the main window: the Lesson and Quiz docks, the Lessons menu,
File > Open Lesson / New Exercise / Save Timeline with Project, Step > Quiz me, the timeline
strip and its comparison, Tools > Gradient Check and the Help menu."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from mlp_studio.app.teaching.canvas_marks import CanvasMarks
from mlp_studio.app.teaching.help import HelpMenu
from mlp_studio.app.teaching.lesson_panel import LessonPanel
from mlp_studio.app.teaching.lesson_session import LessonSession
from mlp_studio.app.teaching.quiz_panel import QuizPanel
from mlp_studio.app.teaching.timeline import CompareView, TimelineRecorder, TimelineStrip
from mlp_studio.core.lesson import LabSetup, Lesson
from mlp_studio.errors import MLPError
from mlp_studio.io.lesson_file import BUNDLED_LESSONS, bundled_lesson_path, load_lesson

LESSON_FILTER = "MLP Studio lesson (*.mlp-lesson.json);;JSON (*.json);;All files (*)"


def _action(window: QMainWindow, text: str, tip: str, slot, checkable: bool = False) -> QAction:
    act = QAction(text, window)
    act.setToolTip(tip)
    act.setStatusTip(tip)
    act.setCheckable(checkable)
    (act.toggled if checkable else act.triggered).connect(slot)
    return act


def _menu(window: QMainWindow, title: str):
    """The window's menu called ``title`` (made if missing)."""
    for menu in window.menuBar().findChildren(QMenu):
        if menu.title().replace("&", "") == title.replace("&", ""):
            return menu
    return window.menuBar().addMenu(title)


class TeachingViews:
    def __init__(self, window: QMainWindow, document) -> None:
        self.window = window
        self.doc = document
        self.session: LessonSession | None = None
        self._opening = False
        self.marks = CanvasMarks(window.canvas)
        right, bottom = Qt.DockWidgetArea.RightDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea
        self.lesson_panel = LessonPanel()
        self.lesson_dock = window.add_dock(self.lesson_panel, "Lesson", right, "dock_lesson")
        self.lesson_dock.hide()
        self.quiz_panel = QuizPanel(document, window.step_controller)
        self.quiz_dock = window.add_dock(self.quiz_panel, "Quiz", right, "dock_quiz")
        self.quiz_dock.hide()
        self.recorder = TimelineRecorder(document, window)
        self.strip = TimelineStrip(self.recorder, window)
        window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.strip)
        self.compare_view = CompareView(self.marks)
        self.compare_dock = window.add_dock(self.compare_view, "Timeline compare", bottom,
                                            "dock_timeline_compare")
        self.compare_dock.hide()
        self.strip.compared.connect(self._show_comparison)
        self._make_actions()
        self.help = HelpMenu(window)
        window.stopping_work.connect(self.shutdown)
        document.project_replaced.connect(self._on_project_replaced)

    def _make_actions(self) -> None:
        w = self.window
        self.act_open_lesson = _action(w, "Open &Lesson…", "Open a lesson file (*.mlp-lesson.json)",
                                       lambda: self.open_lesson())
        self.act_new_exercise = _action(w, "New &Exercise…",
                                        "Write exercise sheets with answer keys for a class",
                                        lambda: self.new_exercise())
        self.act_save_timeline = _action(w, "Save &Timeline with Project",
                                         "Keep the timeline (every step) in the project file when saving",
                                         self._save_timeline, checkable=True)
        file_menu = w.file_menu
        first_separator = next((a for a in file_menu.actions() if a.isSeparator()), None)
        file_menu.insertActions(first_separator, [self.act_open_lesson, self.act_new_exercise])
        actions = file_menu.actions()
        save_as = next((k for k, a in enumerate(actions) if a.text().replace("&", "").startswith("Save As")),
                       len(actions) - 1)
        file_menu.insertAction(actions[save_as + 1] if save_as + 1 < len(actions) else None,
                               self.act_save_timeline)
        lessons = w.menuBar().insertMenu(_menu(w, "&Tools").menuAction(), _lessons_menu(w, self))
        self.lessons_menu = lessons.menu()
        self.act_quiz = _action(w, "&Quiz Me", "Predict each value before the next sub-step shows it",
                                self.quiz_dock.setVisible, checkable=True)
        self.quiz_dock.visibilityChanged.connect(self.act_quiz.setChecked)
        step_menu = self.window.step_views.menu
        step_menu.addSeparator()
        step_menu.addAction(self.act_quiz)
        self.act_gradcheck = _action(w, "&Gradient Check…",
                                     "Compare backprop's gradients with finite differences, per layer",
                                     lambda: self.gradient_check())
        _menu(w, "&Tools").addAction(self.act_gradcheck)

    # ------------------------------------------------------------- lessons
    def open_lesson(self, path: str | Path | None = None) -> LessonSession | None:
        """Open a lesson (asks for the file when ``path`` is None); errors in a dialog."""
        if self.window.refuse_while_locked():
            return None
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self.window, "Open lesson", "", LESSON_FILTER)
            if not path:
                return None
        try:
            lesson = load_lesson(path)
        except (MLPError, OSError) as exc:
            QMessageBox.warning(self.window, "Could not open the lesson", str(exc))
            return None
        return self.start_lesson(lesson)

    def start_lesson(self, lesson: Lesson) -> LessonSession | None:
        """Start ``lesson`` in the Lesson panel (after the unsaved-changes prompt)."""
        if self.window.refuse_while_locked() or not self.window.maybe_save():
            return None
        self.window.stopping_work.emit()
        self._opening = True
        try:
            self.session = LessonSession(self.doc, lesson, self.window)
        finally:
            self._opening = False
        self.session.changed.connect(self._show_highlights)
        self.session.lab_opened.connect(self._open_lab)
        self.session.failed.connect(lambda text: QMessageBox.warning(self.window, "Lesson", text))
        self.lesson_panel.set_session(self.session)
        self.lesson_dock.show()
        self.lesson_dock.raise_()
        self._show_highlights()
        return self.session

    def _show_highlights(self) -> None:
        if self.session is not None:
            self.marks.show(list(self.session.step.highlight))

    def _open_lab(self, setup: LabSetup) -> None:
        lab = self.window.show_minimize_lab()
        lab.function_edit.setText(setup.function)
        lab.vars_edit.setText("")
        lab.eta_edit.setText(f"{setup.eta:g}")
        lab.apply_function(start=setup.x0)
        for _ in range(setup.steps):
            lab.step()

    def _on_project_replaced(self) -> None:
        """Another project was opened: the lesson ends (its own opening is not one)."""
        if self.session is not None and not self._opening:
            self.session.shutdown()
            self.session = None
            self.lesson_panel.set_session(None)
            self.marks.clear()

    # ------------------------------------------------------------ timeline
    def _show_comparison(self, changes) -> None:
        self.compare_view.show_changes(changes)
        if not self.compare_dock.isVisible() and not self.compare_dock.isFloating():
            self.window.tabifyDockWidget(self.window.data_dock, self.compare_dock)
        self.compare_dock.show()
        self.compare_dock.raise_()

    def _save_timeline(self, on: bool) -> None:
        self.recorder.set_save_with_project(on)

    # --------------------------------------------------------------- tools
    def gradient_check(self):
        from mlp_studio.app.lab.gradcheck_dialog import GradientCheckDialog

        dialog = GradientCheckDialog(self.doc, self.window)
        dialog.show()
        return dialog

    def new_exercise(self):
        from mlp_studio.app.teaching.exercise_dialog import ExerciseDialog

        dialog = ExerciseDialog(self.window)
        if dialog.exec() and dialog.first_project is not None:
            self.window.open_path(dialog.first_project)
        return dialog

    def shutdown(self) -> None:
        if self.session is not None:
            self.session.shutdown()


def _lessons_menu(window: QMainWindow, views: TeachingViews) -> QMenu:
    menu = QMenu("&Lessons", window)
    menu.setObjectName("menu_lessons")
    for name in BUNDLED_LESSONS:
        try:
            title = load_lesson(bundled_lesson_path(name)).title
        except MLPError:
            continue
        act = _action(window, title, f"Open the lesson “{title}”",
                      lambda _=False, n=name: views.open_lesson(bundled_lesson_path(n)))
        menu.addAction(act)
    return menu


def install_teaching_views(window: QMainWindow, document) -> TeachingViews:
    """Add the lessons, quiz, timeline, exercise, gradient check and help parts to ``window``."""
    views = TeachingViews(window, document)
    window.teaching_views = views  # keeps the Python objects alive with the window
    return views
