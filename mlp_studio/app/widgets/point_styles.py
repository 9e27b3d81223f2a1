"""Pens and brushes for pyqtgraph scatter points, one object per colour and width.

``ScatterPlotItem`` renders a point's symbol once per distinct pen and brush *object*
(its symbol atlas is keyed by the objects' ids), so a redraw that made new, equal pens
and brushes rendered every point again: ~10 ms a step for 200 points, and an atlas
that only grew. Views that colour their points on every redraw take them from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor, QPen

MAX_STYLES = 512  # kept per view (a few per class, palette and text size)


class PointStyles:
    """The pens and brushes one view has handed out, reused while their colour is."""

    def __init__(self) -> None:
        self._styles: dict[tuple, QPen | QBrush] = {}

    def brush(self, colour: QColor | None) -> QBrush:
        """A brush of ``colour`` (None: no fill)."""
        return self._get(("brush", None if colour is None else colour.rgba()), lambda: pg.mkBrush(colour))

    def brushes(self, colours: Iterable[QColor | None]) -> list[QBrush]:
        return [self.brush(colour) for colour in colours]

    def pen(self, colour: QColor, width: float) -> QPen:
        return self._get(("pen", colour.rgba(), width), lambda: pg.mkPen(colour, width=width))

    def _get(self, key: tuple, make: Callable[[], QPen | QBrush]) -> QPen | QBrush:
        style = self._styles.get(key)
        if style is None:
            if len(self._styles) >= MAX_STYLES:
                self._styles.clear()
            style = self._styles[key] = make()
        return style
