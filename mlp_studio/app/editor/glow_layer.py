"""One cached item that paints the canvas's change glows.

A glow is a wide, translucent, antialiased line; Qt's raster engine paints those
some twenty times slower than opaque ones (about 70 µs each for a 300-pixel
edge), and a repaint would draw every glow again although they only change when
the document's parameters do. The glows stay ``QGraphicsLineItem`` objects in the
scene (their pens, visibility and bounds are the canvas's state) but paint
nothing themselves; ``GlowLayer`` paints them all, in their stacking order, into
one device-coordinate pixmap that Qt redraws only after ``refresh`` or a change
of the view's scale.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsLineItem


class GlowLayer(QGraphicsItem):
    """Paints ``glows`` (visible ones only) as one cached item at their z value."""

    def __init__(self, z: float) -> None:
        super().__init__()
        self.glows: list[QGraphicsLineItem] = []
        self._rect = QRectF()
        self.setZValue(z)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def add(self, glow: QGraphicsLineItem) -> None:
        """Paint ``glow`` from now on (it no longer paints itself)."""
        glow.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
        glow.setZValue(self.zValue())
        self.glows.append(glow)

    def shown(self) -> Iterable[QGraphicsLineItem]:
        return (glow for glow in self.glows if glow.isVisible())

    def refresh(self) -> None:
        """The glows' pens or visibility changed: paint them again."""
        rect = QRectF()
        for glow in self.shown():
            rect = rect.united(glow.sceneBoundingRect())
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self._rect

    def paint(self, painter, option, widget=None) -> None:  # noqa: D102 - Qt's name
        for glow in self.shown():
            painter.setPen(glow.pen())
            painter.drawLine(glow.line().translated(glow.pos()))
