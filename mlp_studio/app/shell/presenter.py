"""Presenter mode (View > Presenter mode, F5): for a projector.

Large fonts everywhere and high contrast (through the appearance), only the canvas and
the math panel in view (the math panel takes half the width), and one key per step:
Space or Right takes the next sub-step, Left undoes, Esc leaves. Leaving restores the
docks as they were.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QDockWidget, QMainWindow

from mlp_studio.app.widgets.appearance import appearance

MATH_SHARE = 0.5  # of the window's width


class Presenter(QObject):
    """Switches ``window`` in and out of presenter mode; ``action`` is the View menu's toggle."""

    def __init__(self, window: QMainWindow, math_dock: QDockWidget, next_step: QAction,
                 undo: QAction) -> None:
        super().__init__(window)
        self.window = window
        self.math_dock = math_dock
        self._saved: QByteArray | None = None
        self.action = QAction("&Presenter mode", window)
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence("F5"))
        tip = "Large text, the canvas and the math panel only; Space / Right: next sub-step, " \
              "Left: undo, Esc: leave"
        self.action.setStatusTip(tip)
        self.action.setToolTip(tip)
        self.action.toggled.connect(self.set_active)
        self._keys = []
        for key, action in (("Space", next_step), ("Right", next_step), ("Left", undo)):
            shortcut = QShortcut(QKeySequence(key), window)
            shortcut.activated.connect(action.trigger)
            shortcut.setEnabled(False)
            self._keys.append(shortcut)
        leave = QShortcut(QKeySequence("Esc"), window)
        leave.activated.connect(lambda: self.set_active(False))
        leave.setEnabled(False)
        self._keys.append(leave)

    @property
    def active(self) -> bool:
        return appearance().presenter

    def set_active(self, on: bool) -> None:
        if on == self.active:
            return
        window = self.window
        if on:
            self._saved = window.saveState()
            for dock in window.findChildren(QDockWidget):
                dock.setVisible(dock is self.math_dock)
            if window.dockWidgetArea(self.math_dock) != Qt.DockWidgetArea.RightDockWidgetArea:
                window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.math_dock)
            self.math_dock.raise_()
        appearance().set_presenter(on)
        if on:
            window.resizeDocks([self.math_dock], [int(window.width() * MATH_SHARE)],
                               Qt.Orientation.Horizontal)
        elif self._saved is not None:
            window.restoreState(self._saved)
            self._saved = None
        for shortcut in self._keys:
            shortcut.setEnabled(on)
        self.action.blockSignals(True)
        self.action.setChecked(on)
        self.action.blockSignals(False)
        window.canvas.fit_to_window()
