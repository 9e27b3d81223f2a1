"""The network editor canvas: nodes in columns, edges coloured by sign and sized by |weight|.

The scene is rebuilt when the network's shape (or the data's column names)
changes; otherwise only colours, pens and texts are updated, so a step redraws
quickly. Wide columns are drawn collapsed: the first and last few nodes and a
"… N more" marker; edges are drawn only between drawn nodes. Values come from
``document.trace`` (the row the document has selected, for a batch trace).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import (QBrush, QColor, QFont, QImage, QPainter, QPainterPath,
                           QPainterPathStroker, QPen)
from PySide6.QtWidgets import (QGraphicsEllipseItem, QGraphicsLineItem, QGraphicsRectItem,
                               QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView, QToolTip)

from mlp_studio.app.document.document import Document
from mlp_studio.core.activations import get_activation
from mlp_studio.core.network_layout import (COLLAPSE_ABOVE, COLUMN_GAP, NODE_GAP, RADIUS, TAIL,
                                            drawn_indices, labels_edges)

WIDTH = 5.4                # extra pen width of the largest |weight|
DENSE_WIDTH = 2.4          # the same in a layer drawn with more than DENSE_EDGES edges
DENSE_EDGES = 24           # (thinner lines: readable bundles, and a quick repaint)
HIT_WIDTH = 10.0          # the clickable band along an edge (wider than every pen)
MAX_SCALE = 1.6            # auto-fit does not blow small networks up beyond this
MIN_AUTO_SCALE = 0.8       # nor shrink big ones below this (text stays readable; scroll instead)

POSITIVE = QColor("#1f6fb4")
NEGATIVE = QColor("#e4572e")
NODE_LOW = QColor("#ffffff")
NODE_HIGH = QColor("#f2a541")
INPUT_FILL = QColor("#e8eef5")
OUTLINE = QColor("#3a3a3a")
SELECTED = QColor("#1a1a1a")
TEXT = QColor("#222222")
MUTED = QColor("#666666")


#: edge pens by (positive, width, selected): widths come in 1/8 px steps, so few
_PENS: dict[tuple[bool, float, bool], QPen] = {}


def fmt(value: float) -> str:
    return f"{value:.4f}" if abs(value) < 1e4 else f"{value:.4g}"


def _row_of(arr: np.ndarray | None, row: int) -> np.ndarray | None:
    if arr is None:
        return None
    return arr if arr.ndim == 1 else arr[row]


class NodeItem(QGraphicsEllipseItem):
    """A node; ``key`` is ("input", i) or ("node", layer, node)."""

    def __init__(self, key: tuple, x: float, y: float) -> None:
        super().__init__(-RADIUS, -RADIUS, 2 * RADIUS, 2 * RADIUS)
        self.key = key
        self.setPos(x, y)
        self.setZValue(2)
        self.value_text = QGraphicsSimpleTextItem(self)
        self.value_text.setFont(QFont("Sans", 9))
        self.below_text = QGraphicsSimpleTextItem(self)
        self.below_text.setFont(QFont("Sans", 8))
        self.below_text.setBrush(QBrush(MUTED))

    def set_texts(self, value: str, below: str) -> None:
        self.value_text.setText(value)
        r = self.value_text.boundingRect()
        self.value_text.setPos(-r.width() / 2, -r.height() / 2)
        self.below_text.setText(below)
        r = self.below_text.boundingRect()
        self.below_text.setPos(-r.width() / 2, RADIUS + 2)


class EdgeItem(QGraphicsLineItem):
    """An edge; ``key`` is ("edge", layer, node, input). Its hit area (a band
    HIT_WIDTH wide along the line, wider than thin edges so they can be clicked)
    is made once: the line never moves, and Qt asks for the shape many times
    per repaint."""

    def __init__(self, key: tuple, p1: QPointF, p2: QPointF) -> None:
        super().__init__(p1.x() + RADIUS, p1.y(), p2.x() - RADIUS, p2.y())
        self.key = key
        self.setZValue(1)
        self.label: EdgeLabel | None = None
        self.style: tuple | None = None  # (positive, width, selected) of the pen set
        path = QPainterPath(self.line().p1())
        path.lineTo(self.line().p2())
        stroker = QPainterPathStroker()
        stroker.setWidth(HIT_WIDTH)
        self._shape = stroker.createStroke(path)

    def shape(self) -> QPainterPath:  # noqa: D102 - Qt's name
        return self._shape


class EdgeLabel(QGraphicsRectItem):
    """An edge's weight on a pale box, so it stays readable where edges cross."""

    def __init__(self) -> None:
        super().__init__()
        self.setBrush(QBrush(QColor(255, 255, 255, 215)))
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.setZValue(3)
        self.text = QGraphicsSimpleTextItem(self)
        self.text.setFont(QFont("Sans", 8))

    def show_text(self, text: str, color: QColor, centre: QPointF) -> None:
        self.text.setText(text)
        self.text.setBrush(QBrush(color))
        r = self.text.boundingRect()
        self.setRect(-1, 0, r.width() + 2, r.height())
        self.setPos(centre.x() - r.width() / 2, centre.y() - r.height() / 2)


class NetworkCanvas(QGraphicsView):
    """Draws ``document``'s network; click selects, Ctrl+wheel zooms, drag pans."""

    def __init__(self, document: Document, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(QBrush(QColor("#fbfbfb")))
        self.setMinimumSize(320, 240)
        self.nodes: dict[tuple, NodeItem] = {}
        self.edges: dict[tuple, EdgeItem] = {}
        self._structure: tuple | None = None
        self._auto_fit = True
        self._press_pos: QPointF | None = None
        self._wmax = 1.0
        self._dense: list[bool] = []  # per layer: drawn with thinner edges
        self._nodes_drawn_for: tuple = (None, None, None, None)  # (network, trace, revealed, row)
        d = document
        d.network_changed.connect(self._on_network_changed)
        d.data_changed.connect(self._on_network_changed)
        d.trace_changed.connect(self._on_trace_changed)  # edges show weights only
        d.row_changed.connect(self.refresh_nodes)
        d.selection_changed.connect(self._show_selection)
        self.rebuild()

    # ---------------------------------------------------------------- layout
    def _structure_key(self) -> tuple:
        data = self.document.project.data
        names = (tuple(data.inputs), tuple(data.targets)) if data is not None else None
        net = self.document.network
        return tuple(net.sizes), tuple(l.activation for l in net.layers), names

    def _on_network_changed(self) -> None:
        if self._structure_key() != self._structure:
            self.rebuild()
        else:
            self.refresh()

    def rebuild(self) -> None:
        """Recreate all items for the current network shape."""
        scene = self.scene()
        scene.clear()
        self.nodes.clear()
        self.edges.clear()
        self._structure = self._structure_key()
        net = self.document.network
        sizes = net.sizes
        data = self.document.project.data
        positions: dict[tuple, QPointF] = {}
        tallest = max(len(drawn_indices(n)) + (n > COLLAPSE_ABOVE) for n in sizes)
        header_y = -(tallest - 1) * NODE_GAP / 2 - RADIUS - 34
        for p, n in enumerate(sizes):
            x = p * COLUMN_GAP
            shown = drawn_indices(n)
            slots = len(shown) + (1 if len(shown) < n else 0)
            top = -(slots - 1) * NODE_GAP / 2
            self._column_header(p, n, x, header_y)
            slot = 0
            for j in shown:
                if len(shown) < n and j == n - TAIL:
                    more = QGraphicsSimpleTextItem(f"… {n - len(shown)} more")
                    more.setFont(QFont("Sans", 9))
                    more.setBrush(QBrush(MUTED))
                    r = more.boundingRect()
                    more.setPos(x - r.width() / 2, top + slot * NODE_GAP - r.height() / 2)
                    scene.addItem(more)
                    slot += 1
                key = ("input", j) if p == 0 else ("node", p - 1, j)
                node = NodeItem(key, x, top + slot * NODE_GAP)
                scene.addItem(node)
                self.nodes[key] = node
                positions[(p, j)] = node.pos()
                slot += 1
            self._node_names(p, shown, data)
        self._dense = [len(drawn_indices(layer.n_in)) * len(drawn_indices(layer.n_out)) > DENSE_EDGES
                       for layer in net.layers]
        for li, layer in enumerate(net.layers):
            for j in drawn_indices(layer.n_out):
                for i in drawn_indices(layer.n_in):
                    key = ("edge", li, j, i)
                    edge = EdgeItem(key, positions[(li, i)], positions[(li + 1, j)])
                    scene.addItem(edge)
                    self.edges[key] = edge
        for li, layer in enumerate(net.layers):
            if labels_edges(layer.n_in, layer.n_out):
                for key, edge in self.edges.items():
                    if key[1] == li:
                        edge.label = self._edge_label()
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-40, -30, 40, 30))
        self.refresh()
        self._show_selection()
        if self._auto_fit:
            self._fit(MIN_AUTO_SCALE)

    def _column_header(self, p: int, n: int, x: float, y: float) -> None:
        layers = self.document.network.layers
        if p == 0:
            title = f"Inputs ({n})"
        else:
            kind = "Output" if p == len(layers) else f"Hidden {p}"
            title = f"{kind} · {layers[p - 1].activation} ({n})"
        item = QGraphicsSimpleTextItem(title)
        item.setFont(QFont("Sans", 10, QFont.Weight.Bold))
        item.setBrush(QBrush(TEXT))
        r = item.boundingRect()
        item.setPos(x - r.width() / 2, y)
        self.scene().addItem(item)

    def _node_names(self, p: int, shown: list[int], data) -> None:
        """Names beside input and output nodes: the data's column names, or x0/y0."""
        last = len(self.document.network.sizes) - 1
        if p not in (0, last):
            return
        for j in shown:
            if data is not None:
                name = (data.inputs if p == 0 else data.targets)[j]
            else:
                name = f"x{j}" if p == 0 else f"y{j}"
            key = ("input", j) if p == 0 else ("node", p - 1, j)
            node = self.nodes[key]
            item = QGraphicsSimpleTextItem(name)
            item.setFont(QFont("Sans", 9))
            item.setBrush(QBrush(TEXT))
            r = item.boundingRect()
            dx = -RADIUS - 8 - r.width() if p == 0 else RADIUS + 8
            item.setPos(node.pos().x() + dx, node.pos().y() - r.height() / 2)
            self.scene().addItem(item)

    def _edge_label(self) -> "EdgeLabel":
        item = EdgeLabel()
        self.scene().addItem(item)
        return item

    # ---------------------------------------------------------------- values
    def _trace_row(self) -> int:
        trace = self.document.shown_trace
        if trace is None or not trace.is_batch:
            return 0
        row = self.document.selected_row
        return trace.rows.index(row) if row in trace.rows else 0

    def refresh(self) -> None:
        """Update fills, pens and texts from the network and the trace (no new items)."""
        net = self.document.network
        self._wmax = max(float(np.abs(l.weights).max()) for l in net.layers) or 1.0
        sel = self.document.selection
        styles: dict[tuple, tuple[bool, float, float]] = {}
        for li, layer in enumerate(net.layers):  # whole layers at once: NumPy, not per edge
            rows, cols = drawn_indices(layer.n_out), drawn_indices(layer.n_in)
            w = layer.weights[np.ix_(rows, cols)]
            widths = np.round(8 * (0.6 + (DENSE_WIDTH if self._dense[li] else WIDTH)
                                   * np.abs(w) / self._wmax)) / 8
            for r, j in enumerate(rows):
                for c, i in enumerate(cols):
                    styles[("edge", li, j, i)] = (w[r, c] >= 0, widths[r, c], w[r, c])
        for key, edge in self.edges.items():
            positive, width, w = styles[key]
            self._set_edge_pen(edge, bool(positive), float(width), key == sel)
            if edge.label is not None:
                self._place_label(edge, fmt(float(w)))
        self.refresh_nodes()

    def _nodes_source(self) -> tuple:
        doc = self.document
        return doc.network, doc.shown_trace, doc.revealed, doc.selected_row

    def _on_trace_changed(self) -> None:
        """Nodes follow the trace, unless ``refresh`` has just drawn this very network and
        trace (a training snapshot changes both at once: one redraw, not two)."""
        drawn, now = self._nodes_drawn_for, self._nodes_source()
        if drawn[0] is now[0] and drawn[1] is now[1] and drawn[2:] == now[2:]:
            return
        self.refresh_nodes()

    def refresh_nodes(self) -> None:
        """Update the nodes' fills and texts (the trace's values, the biases)."""
        doc = self.document
        self._nodes_drawn_for = self._nodes_source()
        net = doc.network
        trace = doc.shown_trace
        r = self._trace_row()
        x = None
        if trace is not None:
            x = _row_of(trace.input, r)
        elif doc.project.data is not None and doc.project.data.n_rows > doc.selected_row:
            x = doc.project.data.X[doc.selected_row]
        for key, node in self.nodes.items():
            if key[0] == "input":
                node.setBrush(QBrush(INPUT_FILL))
                node.set_texts(fmt(float(x[key[1]])) if x is not None else "", "")
                continue
            _, li, j = key
            layer = net.layers[li]
            lt = trace.layers[li] if trace is not None and li < len(trace.layers) else None
            a = _row_of(lt.a, r) if lt is not None else None
            delta = _row_of(lt.delta, r) if lt is not None else None
            value = float(a[j]) if a is not None else None
            node.setBrush(QBrush(self._fill(layer.activation, value)))
            below = f"b {fmt(float(layer.biases[j]))}"
            if delta is not None:
                below += f"\nδ {fmt(float(delta[j]))}"
            node.set_texts(fmt(value) if value is not None else "", below)
        self._show_selection()

    @staticmethod
    def _place_label(edge: EdgeItem, text: str) -> None:
        line = edge.line()
        edge.label.show_text(text, edge.pen().color().darker(130),
                             line.p1() + (line.p2() - line.p1()) * 0.72)

    @staticmethod
    def _fill(activation: str, value: float | None) -> QColor:
        if value is None or not np.isfinite(value):
            return NODE_LOW
        lo, hi = get_activation(activation).value_range
        if np.isfinite(lo) and np.isfinite(hi):
            t = (value - lo) / (hi - lo)
        else:
            t = 0.5 + 0.5 * np.tanh(value)
        t = min(max(float(t), 0.0), 1.0)  # plain floats: NumPy's clip costs ~15 µs a node
        return QColor.fromRgbF(
            NODE_LOW.redF() + t * (NODE_HIGH.redF() - NODE_LOW.redF()),
            NODE_LOW.greenF() + t * (NODE_HIGH.greenF() - NODE_LOW.greenF()),
            NODE_LOW.blueF() + t * (NODE_HIGH.blueF() - NODE_LOW.blueF()))

    def _show_selection(self) -> None:
        sel = self.document.selection
        for key, node in self.nodes.items():
            chosen = key == sel
            node.setPen(QPen(SELECTED if chosen else OUTLINE, 3.5 if chosen else 1.2))
        for key, edge in self.edges.items():
            chosen = key == sel
            if chosen or edge.zValue() != 1:
                self._set_edge_pen(edge, *self._edge_style(key), chosen)
                edge.setZValue(1.5 if chosen else 1)

    def _edge_style(self, key: tuple) -> tuple[bool, float]:
        """(weight >= 0, pen width) of one edge: the width grows with |w| (less in a dense
        layer), in steps of 1/8 px so that a pen is only replaced when it looks different
        (a training snapshot then repaints little)."""
        _, li, j, i = key
        w = float(self.document.network.layers[li].weights[j, i])
        span = DENSE_WIDTH if self._dense[li] else WIDTH
        return w >= 0, round(8 * (0.6 + span * abs(w) / self._wmax)) / 8

    def _set_edge_pen(self, edge: EdgeItem, positive: bool, width: float, selected: bool) -> None:
        """Blue for a positive weight, orange-red for a negative one; wider when selected.
        Flat caps: antialiased round caps cost several times more to paint."""
        width += 3 if selected else 0
        style = (positive, width, selected)
        if style == edge.style:
            return
        edge.style = style
        pen = _PENS.get(style)
        if pen is None:
            color = POSITIVE if positive else NEGATIVE
            pen = _PENS[style] = QPen(color.darker(170) if selected else color, width)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        edge.setPen(pen)

    # --------------------------------------------------------------- tooltips
    def tooltip_for(self, key: tuple) -> str:
        """The hover text of a node or edge: s, a, delta, or weight, gradient, last change."""
        doc = self.document
        net, trace, r = doc.network, doc.shown_trace, self._trace_row()
        if key[0] == "input":
            name = doc.project.data.inputs[key[1]] if doc.project.data is not None else f"x{key[1]}"
            lines = [f"input {key[1]} ({name})"]
            if trace is not None:
                lines.append(f"x = {fmt(float(_row_of(trace.input, r)[key[1]]))}")
            return "\n".join(lines)
        if key[0] == "node":
            _, li, j = key
            lines = [f"layer {li}, node {j} ({net.layers[li].activation})",
                     f"bias = {fmt(float(net.layers[li].biases[j]))}"]
            lt = trace.layers[li] if trace is not None else None
            for name in ("s", "a", "delta"):
                arr = _row_of(getattr(lt, name), r) if lt is not None else None
                lines.append(f"{name} = {fmt(float(arr[j])) if arr is not None else '–'}")
            return "\n".join(lines)
        _, li, j, i = key
        lines = [f"weight [{li}][{j}][{i}] = {fmt(float(net.layers[li].weights[j, i]))}"]
        lt = trace.layers[li] if trace is not None else None
        grad = lt.grad_weights if lt is not None else None
        lines.append(f"gradient = {fmt(float(grad[j, i])) if grad is not None else '–'}")
        if lt is not None and lt.weights_after is not None:
            change = float(lt.weights_after[j, i] - lt.weights_before[j, i])
            lines.append(f"last change = {change:+.6f}")
        else:
            lines.append("last change = –")
        return "\n".join(lines)

    def item_key_at(self, pos) -> tuple | None:
        for item in self.items(pos):
            while item is not None and not isinstance(item, (NodeItem, EdgeItem)):
                item = item.parentItem()
            if item is not None:
                return item.key
        return None

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.ToolTip:
            key = self.item_key_at(event.pos())
            if key is not None:
                QToolTip.showText(event.globalPos(), self.tooltip_for(key), self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    # ----------------------------------------------------------- interaction
    def mousePressEvent(self, event) -> None:  # noqa: N802
        self._press_pos = event.position()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        if self._press_pos is None or event.button() != Qt.MouseButton.LeftButton:
            return
        moved = (event.position() - self._press_pos).manhattanLength()
        self._press_pos = None
        if moved <= 4:  # a click, not a pan
            self.document.select(self.item_key_at(event.position().toPoint()))
        else:
            self._auto_fit = False

    def wheelEvent(self, event) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)
            event.accept()
        else:
            super().wheelEvent(event)

    def zoom(self, factor: float) -> None:
        self._auto_fit = False
        self.scale(factor, factor)

    def zoom_in(self) -> None:
        self.zoom(1.25)

    def zoom_out(self) -> None:
        self.zoom(0.8)

    def fit_to_window(self) -> None:
        """Show the whole network (View > Fit to Window)."""
        self._fit(0.0)

    def _fit(self, min_scale: float) -> None:
        """Fit the scene, scaled between ``min_scale`` and MAX_SCALE; keep following resizes.
        When the minimum wins, the top of the network is shown and the rest scrolls."""
        self._auto_fit = True
        rect = self.scene().sceneRect()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        scale = self.transform().m11()
        if not min_scale <= scale <= MAX_SCALE:
            scale = min(max(scale, min_scale), MAX_SCALE)
            self.resetTransform()
            self.scale(scale, scale)
            self.centerOn(rect.center())
            self.verticalScrollBar().setValue(self.verticalScrollBar().minimum())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._auto_fit:
            self._fit(MIN_AUTO_SCALE)

    def render_image(self, scale: float = 2.0) -> QImage:
        """The whole scene as an image (for File > Export canvas PNG)."""
        rect = self.scene().sceneRect()
        image = QImage(int(rect.width() * scale), int(rect.height() * scale),
                       QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.scene().render(painter, QRectF(image.rect()), rect)
        painter.end()
        return image

