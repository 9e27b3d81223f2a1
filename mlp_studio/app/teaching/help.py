"""The Help menu: the built-in guide (offline), the keyboard shortcuts, and F1, which opens
the guide at the section of the panel that has the keyboard focus."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QDialog, QMainWindow, QMenu, QTableWidget,
                               QTableWidgetItem, QTextBrowser, QVBoxLayout, QWidget)

from mlp_studio.app.teaching.lesson_panel import lesson_html
from mlp_studio.io.resources import resource_path

#: the guide's section of each panel (by the object name of the panel or its dock)
TOPICS = {"dock_math": "math", "inspector_dock": "inspector", "training_dock": "training",
          "data_dock": "data", "dock_lesson": "lesson", "dock_quiz": "quiz",
          "timeline_strip": "timeline", "dock_timeline_compare": "timeline", "network_canvas": "canvas",
          "step_toolbar": "stepping", "dock_layer_strips": "stepping", "minimize_lab": "lab"}


def guide_sections() -> dict[str, str]:
    """The guide's sections by topic key (``## key`` lines in resources/help/guide.md)."""
    sections: dict[str, list[str]] = {"intro": []}
    key = "intro"
    for line in resource_path("help/guide.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            key = line[3:].strip()
            sections[key] = []
        else:
            sections[key].append(line)
    return {k: "\n".join(v) for k, v in sections.items()}


def topic_of(widget: QWidget | None, canvas: QWidget | None = None) -> str:
    """The guide section for ``widget``: that of the nearest enclosing panel (``canvas``:
    the network canvas), else the start."""
    while widget is not None:
        topic = "canvas" if widget is canvas else TOPICS.get(widget.objectName())
        if topic is not None:
            return topic
        widget = widget.parentWidget()
    return "intro"


class GuideWindow(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("MLP Studio guide")
        self.resize(640, 620)
        self.browser = QTextBrowser()
        self.browser.setToolTip("The MLP Studio guide")
        parts = [f'<a name="{key}"></a>' + lesson_html(text) for key, text in guide_sections().items()]
        self.browser.setHtml("".join(parts))
        QVBoxLayout(self).addWidget(self.browser)

    def show_topic(self, topic: str) -> None:
        self.show()
        self.raise_()
        self.browser.scrollToAnchor(topic)


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str]]:
    """(action, keys) of every menu and toolbar action of ``window`` that has a shortcut."""
    rows, seen = [], set()
    for act in window.findChildren(QAction):
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts())
        name = act.text().replace("&", "").rstrip("…").strip()
        if keys and name and (name, keys) not in seen:
            seen.add((name, keys))
            rows.append((name, keys))
    return sorted(rows)


class ShortcutsWindow(QDialog):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Action", "Keys"])
        self.table.setToolTip("Every keyboard shortcut of the window")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, (name, keys) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(name))
            self.table.setItem(r, 1, QTableWidgetItem(keys))
        self.table.resizeColumnsToContents()
        QVBoxLayout(self).addWidget(self.table)
        self.resize(460, 560)


class HelpMenu:
    """Adds the guide, the shortcuts and F1 to the window's Help menu (made if missing)."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.guide: GuideWindow | None = None
        menu = next((m for m in window.menuBar().findChildren(QMenu)
                     if m.title().replace("&", "") == "Help"), None)
        if menu is None:
            menu = window.menuBar().addMenu("&Help")
        menu.setObjectName("menu_help")
        first = menu.actions()[0] if menu.actions() else None
        self.act_guide = QAction("MLP Studio &Guide", window)
        self.act_guide.setToolTip("The built-in guide to every panel (works offline)")
        self.act_guide.triggered.connect(lambda: self.show_guide("intro"))
        self.act_context = QAction("Help for This &Panel", window)
        self.act_context.setShortcut(QKeySequence("F1"))
        self.act_context.setToolTip("Open the guide at the panel that has the keyboard focus (F1)")
        self.act_context.triggered.connect(self.help_for_focus)
        self.act_shortcuts = QAction("&Keyboard Shortcuts", window)
        self.act_shortcuts.setToolTip("List every keyboard shortcut")
        self.act_shortcuts.triggered.connect(self.show_shortcuts)
        for act in (self.act_guide, self.act_context, self.act_shortcuts):
            menu.insertAction(first, act)
        if first is not None:
            menu.insertSeparator(first)
        self.menu = menu

    def show_guide(self, topic: str) -> GuideWindow:
        if self.guide is None:
            self.guide = GuideWindow(self.window)
        self.guide.show_topic(topic)
        return self.guide

    def help_for_focus(self) -> GuideWindow:
        return self.show_guide(topic_of(QApplication.focusWidget(), self.window.centralWidget()))

    def show_shortcuts(self) -> ShortcutsWindow:
        dialog = ShortcutsWindow(self.window)
        dialog.show()
        return dialog

