"""Marks on the network canvas: a lesson's highlights and a timeline comparison's changes.

Rings around nodes and a glow along edges, drawn as extra items in the canvas's
scene; they are drawn again after the canvas rebuilds its items."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QGraphicsLineItem, QGraphicsSimpleTextItem

from mlp_studio.app.widgets.appearance import appearance
from mlp_studio.core.address import Address

MARK = QColor(255, 170, 0, 170)
RING = 7.0
GLOW = 10.0


def canvas_key(address: Address) -> tuple:
    """The canvas item key of a parameter or node (a bias marks its node)."""
    if address.kind == "w":
        return ("edge", *address.index)
    if address.kind == "input":
        return ("input", address.index[0])
    return ("node", *address.index)


class CanvasMarks(QObject):
    """Marks ``addresses`` (with optional short labels) on ``canvas``."""

    def __init__(self, canvas, parent: QObject | None = None) -> None:
        super().__init__(parent if parent is not None else canvas)
        self.canvas = canvas
        self.marks: list[tuple[Address, str]] = []
        self._items: list[QGraphicsItem] = []
        doc = canvas.document
        for signal in (doc.network_changed, doc.data_changed, doc.project_replaced):
            signal.connect(self._redraw)  # after the canvas's own slots: its items are new
        appearance().changed.connect(self._redraw)  # the labels' size and colour

    def show(self, addresses, labels=None) -> None:
        labels = list(labels) if labels is not None else [""] * len(addresses)
        self.marks = list(zip(addresses, labels))
        self._redraw()

    def clear(self) -> None:
        self.show([])

    @property
    def keys(self) -> list[tuple]:
        return [canvas_key(a) for a, _ in self.marks]

    def _redraw(self) -> None:
        scene = self.canvas.scene()
        for item in self._items:
            if shiboken6.isValid(item) and item.scene() is scene:
                scene.removeItem(item)
        self._items = []
        for address, label in self.marks:
            key = canvas_key(address)
            node, edge = self.canvas.nodes.get(key), self.canvas.edges.get(key)
            if node is not None:
                rect = node.rect().adjusted(-RING, -RING, RING, RING)
                item = QGraphicsEllipseItem(rect)
                item.setPos(node.pos())
                item.setPen(QPen(MARK, 4))
                anchor = node.pos() + rect.topRight()
            elif edge is not None:
                item = QGraphicsLineItem(edge.line())
                item.setPos(edge.pos())
                item.setPen(QPen(MARK, GLOW))
                anchor = edge.pos() + edge.line().center()
            else:
                continue  # a collapsed node or edge is not drawn
            item.setZValue(0.5)
            scene.addItem(item)
            self._items.append(item)
            if label:
                text = QGraphicsSimpleTextItem(label)
                text.setFont(appearance().font(12, bold=True))
                text.setBrush(QBrush(appearance().colours().warning))
                text.setPos(anchor)
                text.setZValue(3)
                scene.addItem(text)
                self._items.append(text)
