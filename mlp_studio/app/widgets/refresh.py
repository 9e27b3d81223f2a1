"""Coalesced, lazy redraws for the step-through views.

One change of the document often emits several signals (a step: ``network_changed``
then ``trace_changed``); a view connected to each would redraw once per signal.
``Refresher.request`` only marks the view dirty and starts a zero-delay single-shot
timer, so the view redraws once per event-loop turn, after the whole change. A view
that is not on screen is not redrawn at all until it is: hidden, or in a dock behind
another dock's tab (Qt keeps such a dock "visible" but moves it out of the window;
its ``visibilityChanged`` says when its tab comes to the front). So a view that starts
behind a tab is first drawn when the user brings it forward, not while the window opens.
A view that is shown redraws before its first paint; one whose tab comes to the front, on
the next turn of the event loop (building pyqtgraph items inside Qt's tab switch left
graphics items that crashed the interpreter's exit).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QTimer
from PySide6.QtWidgets import QDockWidget, QWidget


class Refresher(QObject):
    """Calls ``redraw`` for ``widget`` at most once per event-loop turn, and only while
    the widget is on screen. ``count`` counts the redraws (for tests and profiling)."""

    def __init__(self, widget: QWidget, redraw: Callable[[], None]) -> None:
        super().__init__(widget)
        self.widget = widget
        self.redraw = redraw
        self.dirty = False
        self.count = 0
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self.flush)
        self._dock: QDockWidget | None = None
        widget.installEventFilter(self)

    def on_screen(self) -> bool:
        """Whether the widget is shown and not (wholly) outside its window."""
        self._find_dock()
        w = self.widget
        if not w.isVisible():
            return False
        return QRect(w.mapTo(w.window(), QPoint(0, 0)), w.size()).intersects(w.window().rect())

    def request(self, *_args) -> None:
        """Mark the view out of date; it redraws on the next event-loop turn if on screen."""
        self.dirty = True
        if self.on_screen():
            self.timer.start()

    def _find_dock(self) -> None:
        """Follow the enclosing dock's tab (found once the widget is in one)."""
        if self._dock is not None:
            return
        parent = self.widget.parentWidget()
        while parent is not None and not isinstance(parent, QDockWidget):
            parent = parent.parentWidget()
        if parent is not None:
            self._dock = parent
            parent.visibilityChanged.connect(self._on_dock_visibility)

    def _on_dock_visibility(self, visible: bool) -> None:
        if visible and self.dirty:
            self.timer.start()

    def flush(self) -> None:
        """Redraw now if out of date (e.g. before grabbing a hidden view as an image)."""
        self.timer.stop()
        if self.dirty:
            self.dirty = False
            self.count += 1
            self.redraw()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Show:
            if self.dirty and self.on_screen():
                self.flush()  # before the first paint: no stale frame
        return False
