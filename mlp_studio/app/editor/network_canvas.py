"""The network editor canvas: nodes in columns, edges coloured by sign and sized by |weight|.

The scene is rebuilt when the network's shape (or the data's column names, the
notation, the fonts) changes; otherwise only colours, pens and texts are updated,
so a step redraws quickly. Wide columns are drawn collapsed: the first and last
few nodes and a "… N more" marker; edges are drawn only between drawn nodes.
Values come from ``document.trace`` (the row the document has selected, for a
batch trace). The columns' spacing follows the view's shape, and the view keeps
the whole network in sight (until the user zooms or pans).

What the last change to the document did to the parameters (an update, an
epoch, a run, an edit, an undo) stays marked until the next change: a glow
along each edge, and a ring round each node, as wide as the |change| is large
against the largest; labelled edges and nodes also say the change in numbers.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import (QBrush, QColor, QFontMetricsF, QImage, QPainter, QPainterPath,
                           QPainterPathStroker, QPen)
from PySide6.QtWidgets import (QGraphicsEllipseItem, QGraphicsLineItem, QGraphicsRectItem,
                               QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView, QToolTip)

from mlp_studio.app.document.document import Document
from mlp_studio.app.editor.glow_layer import GlowLayer
from mlp_studio.app.widgets.appearance import appearance
from mlp_studio.core.activations import get_activation
from mlp_studio.core.label_layout import Rect, place_labels
from mlp_studio.core.network_layout import (COLLAPSE_ABOVE, NODE_GAP, RADIUS, TAIL, drawn_indices,
                                            labels_edges)

MIN_COLUMN_GAP, MAX_COLUMN_GAP = 230.0, 360.0  # the columns' spacing follows the view's shape
WIDTH = 5.4                # extra pen width of the largest |weight|
DENSE_WIDTH = 2.4          # the same in a layer drawn with more than DENSE_EDGES edges
DENSE_EDGES = 24           # (thinner lines: readable bundles, and a quick repaint)
HIT_WIDTH = 10.0          # the clickable band along an edge (wider than every pen)
MAX_ROW_SPREAD = 1.6       # a tall view spreads a column's nodes up to this times their gap
MAX_SCALE = 1.4            # auto-fit does not blow small networks up beyond this
GLOW_WIDTH = 12.0          # extra width of the change glow on the edge that changed most
RING_WIDTH = 9.0           # the same for the ring round a node whose bias changed most
#: text sizes in pixels at a font scale of 1 (the view scales them with the network)
VALUE_PX, SMALL_PX, LABEL_PX, TITLE_PX = 15, 13, 13, 15


def _radius() -> float:
    """A node's radius: geometry grows with the text (large fonts, presenter mode)."""
    return RADIUS * appearance().font_scale


def _node_gap() -> float:
    return NODE_GAP * appearance().font_scale


def _colours():
    return appearance().colours()


def positive_colour() -> QColor:
    """The pen colour of a positive weight in the palette in force."""
    return _colours().positive


def negative_colour() -> QColor:
    return _colours().negative


#: edge pens by (positive, width, selected, palette key): widths come in 1/8 px steps, so few
_PENS: dict[tuple, QPen] = {}


def fmt(value: float) -> str:
    """A value as the canvas, its tooltips and the inspector show it (the decimals chosen)."""
    return appearance().number(value)


def signed(value: float) -> str:
    """A change: ``+0.0123`` or ``−0.0123``."""
    text = fmt(value)
    return text if text.startswith("\u2212") else "+" + text


def _label_size() -> tuple[float, float]:
    """The room an edge label takes when it shows a weight and its change."""
    metrics = QFontMetricsF(appearance().font(LABEL_PX, bold=True))
    return metrics.horizontalAdvance(f"Δ{signed(-1.0)}") + 6, metrics.lineSpacing() + metrics.height() + 2


def _difference(before: list, now: list) -> list[tuple[np.ndarray, np.ndarray]] | None:
    """[(dW, db)] per layer from ``before`` to ``now``; None if the shapes differ or nothing changed."""
    if len(before) != len(now) or any(b[0].shape != n[0].shape for b, n in zip(before, now)):
        return None
    changes = [(n[0] - b[0], n[1] - b[1]) for b, n in zip(before, now)]
    return changes if any(dw.any() or db.any() for dw, db in changes) else None


def _same_changes(a: list | None, b: list | None) -> bool:
    if a is None or b is None or len(a) != len(b):
        return a is b
    return all(np.array_equal(x[0], y[0]) and np.array_equal(x[1], y[1]) for x, y in zip(a, b))


def _row_of(arr: np.ndarray | None, row: int) -> np.ndarray | None:
    if arr is None:
        return None
    return arr if arr.ndim == 1 else arr[row]


class NodeItem(QGraphicsEllipseItem):
    """A node; ``key`` is ("input", i) or ("node", layer, node)."""

    def __init__(self, key: tuple, x: float, y: float) -> None:
        super().__init__(-_radius(), -_radius(), 2 * _radius(), 2 * _radius())
        self.key = key
        self.setPos(x, y)
        self.setZValue(2)
        look, colours = appearance(), _colours()
        self.value_text = QGraphicsSimpleTextItem(self)
        self.value_text.setFont(look.font(VALUE_PX * 0.9))
        self.value_text.setBrush(QBrush(colours.text))
        self.below_text = QGraphicsSimpleTextItem(self)
        self.below_text.setFont(look.font(SMALL_PX))
        self.below_text.setBrush(QBrush(colours.muted))
        self.ring = QGraphicsEllipseItem(-_radius(), -_radius(), 2 * _radius(), 2 * _radius(), self)
        self.ring.setFlag(QGraphicsEllipseItem.GraphicsItemFlag.ItemStacksBehindParent)
        self.ring.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        # translucent and wide: slow to paint, and it changes only with the parameters
        self.ring.setCacheMode(QGraphicsEllipseItem.CacheMode.DeviceCoordinateCache)
        self.ring.hide()

    def set_texts(self, value: str, below: str) -> None:
        self.value_text.setText(value)
        r = self.value_text.boundingRect()
        self.value_text.setPos(-r.width() / 2, -r.height() / 2)
        self.below_text.setText(below)
        r = self.below_text.boundingRect()
        self.below_text.setPos(-r.width() / 2, _radius() + 2)


class EdgeItem(QGraphicsLineItem):
    """An edge; ``key`` is ("edge", layer, node, input). Its hit area (a band
    HIT_WIDTH wide along the line, wider than thin edges so they can be clicked)
    is made once: the line never moves, and Qt asks for the shape many times
    per repaint."""

    def __init__(self, key: tuple, p1: QPointF, p2: QPointF) -> None:
        super().__init__(p1.x() + _radius(), p1.y(), p2.x() - _radius(), p2.y())
        self.key = key
        self.setZValue(1)
        self.label: EdgeLabel | None = None
        self.label_at = 0.72  # where along the line the label sits
        self.label_lift = 0.0  # and how far below it (above when negative)
        self.style: tuple | None = None  # (positive, width, selected) of the pen set
        self.glow = QGraphicsLineItem(self.line())  # painted by the canvas's GlowLayer
        self.glow.hide()
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
        self.setBrush(QBrush(_colours().label_fill))
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.setZValue(3)
        self.text = QGraphicsSimpleTextItem(self)
        self.text.setFont(appearance().font(LABEL_PX, bold=True))

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
        self.setObjectName("network_canvas")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setMinimumSize(300, 220)
        self.nodes: dict[tuple, NodeItem] = {}
        self.edges: dict[tuple, EdgeItem] = {}
        self._structure: tuple | None = None
        self._column_gap = MAX_COLUMN_GAP
        self._row_gap = NODE_GAP
        self._auto_fit = True
        self._press_pos: QPointF | None = None
        self._wmax = 1.0
        self._dense: list[bool] = []  # per layer: drawn with thinner edges
        self._glows: GlowLayer  # paints the edges' change glows (made by rebuild)
        self._texts_room = QRectF()  # the nodes with their texts' full room (made by rebuild)
        self._nodes_drawn_for: tuple = (None, None, None, None)  # (network, trace, revealed, row)
        #: the parameters before the last change, and the change: [(dW, db)] per layer
        self._before = self._parameters()
        self.changes: list[tuple[np.ndarray, np.ndarray]] | None = None
        d = document
        d.network_changed.connect(self._on_network_changed)
        d.data_changed.connect(self._on_network_changed)
        d.trace_changed.connect(self._on_trace_changed)  # edges show weights only
        d.row_changed.connect(self.refresh_nodes)
        d.selection_changed.connect(self._show_selection)
        d.undo_stack.indexChanged.connect(self._on_document_step)
        d.project_replaced.connect(self._forget_changes)
        appearance().changed.connect(self._on_appearance)
        self._on_appearance()

    # ---------------------------------------------------------------- layout
    def _structure_key(self) -> tuple:
        data = self.document.project.data
        names = (tuple(data.inputs), tuple(data.targets)) if data is not None else None
        net = self.document.network
        look = appearance()
        return (tuple(net.sizes), tuple(l.activation for l in net.layers), names, self._column_gap, self._row_gap,
                look.prefs, look.presenter, look.is_dark())

    def _on_appearance(self) -> None:
        self.setBackgroundBrush(QBrush(_colours().background))
        _PENS.clear()
        for edge in self.edges.values():
            edge.style = None
        self.rebuild()

    def _on_network_changed(self) -> None:
        """Redraw; a change of the project's network marks what it changed at once (an undo
        command's change, which the undo stack's move then confirms without a second redraw)."""
        if self.document.snapshot is None:
            changes = _difference(self._before, self._parameters())
            if changes is not None:
                self.changes = changes
        if self._structure_key() != self._structure:
            self.rebuild()
        else:
            self.refresh()
            self._keep_marks_in_view()

    def _ideal_gaps(self) -> tuple[float, float]:
        """The spacing of the columns, then of the nodes in a column, that gives the network
        the view's shape: columns spread in a wide view, nodes (up to MAX_ROW_SPREAD times
        their usual gap) in a tall one, which leaves the edges' labels room."""
        sizes = self.document.network.sizes
        tallest = max(len(drawn_indices(n)) + (n > COLLAPSE_ABOVE) for n in sizes)
        unit = appearance().font_scale
        extra_h = 2 * _radius() + 110 * unit  # titles, texts
        extra_w = 2 * _radius() + 200 * unit  # names beside
        view = self.viewport().size()
        aspect = view.width() / max(view.height(), 1)
        columns = max(len(sizes) - 1, 1)
        gap = (aspect * ((tallest - 1) * _node_gap() + extra_h) - extra_w) / columns
        gap = min(max(gap, MIN_COLUMN_GAP * unit), MAX_COLUMN_GAP * unit)
        if tallest < 2:
            return gap, _node_gap()
        row = ((columns * gap + extra_w) / aspect - extra_h) / (tallest - 1)
        return gap, min(max(row, _node_gap()), MAX_ROW_SPREAD * _node_gap())

    def _gaps_differ(self, tolerance: float) -> bool:
        """Whether the view's shape now asks for other gaps than those drawn (by more than
        ``tolerance`` scene pixels)."""
        column, row = self._ideal_gaps()
        return abs(column - self._column_gap) > tolerance or abs(row - self._row_gap) > tolerance

    def rebuild(self) -> None:
        """Recreate all items for the current network shape."""
        scene = self.scene()
        scene.clear()
        self.nodes.clear()
        self.edges.clear()
        self._column_gap, self._row_gap = self._ideal_gaps()
        self._structure = self._structure_key()
        net = self.document.network
        if self.changes is not None and [dw.shape for dw, _ in self.changes] != \
                [l.weights.shape for l in net.layers]:
            self.changes = None  # marks of a network of another shape
        sizes = net.sizes
        data = self.document.project.data
        look = appearance()
        positions: dict[tuple, QPointF] = {}
        tallest = max(len(drawn_indices(n)) + (n > COLLAPSE_ABOVE) for n in sizes)
        header_y = -(tallest - 1) * self._row_gap / 2 - _radius() - 14 - look.px(TITLE_PX) * 1.6
        for p, n in enumerate(sizes):
            x = p * self._column_gap
            shown = drawn_indices(n)
            slots = len(shown) + (1 if len(shown) < n else 0)
            top = -(slots - 1) * self._row_gap / 2
            self._column_header(p, n, x, header_y)
            slot = 0
            for j in shown:
                if len(shown) < n and j == n - TAIL:
                    more = QGraphicsSimpleTextItem(f"… {n - len(shown)} more")
                    more.setFont(look.font(SMALL_PX))
                    more.setBrush(QBrush(_colours().muted))
                    r = more.boundingRect()
                    more.setPos(x - r.width() / 2, top + slot * self._row_gap - r.height() / 2)
                    scene.addItem(more)
                    slot += 1
                key = ("input", j) if p == 0 else ("node", p - 1, j)
                node = NodeItem(key, x, top + slot * self._row_gap)
                scene.addItem(node)
                self.nodes[key] = node
                positions[(p, j)] = node.pos()
                slot += 1
            self._node_names(p, shown, data)
        self._glows = GlowLayer(0.5)
        scene.addItem(self._glows)
        self._dense = [len(drawn_indices(layer.n_in)) * len(drawn_indices(layer.n_out)) > DENSE_EDGES
                       for layer in net.layers]
        obstacles = self._label_obstacles()
        left, top, right, bottom = zip(*obstacles) if obstacles else ((0,), (0,), (0,), (0,))
        self._texts_room = QRectF(min(left), min(top), max(right) - min(left), max(bottom) - min(top))
        for li, layer in enumerate(net.layers):
            n_in, n_out = len(drawn_indices(layer.n_in)), len(drawn_indices(layer.n_out))
            labelled: list[EdgeItem] = []
            for j in drawn_indices(layer.n_out):
                for i in drawn_indices(layer.n_in):
                    key = ("edge", li, j, i)
                    edge = EdgeItem(key, positions[(li, i)], positions[(li + 1, j)])
                    scene.addItem(edge)
                    scene.addItem(edge.glow)
                    self._glows.add(edge.glow)
                    self.edges[key] = edge
                    if labels_edges(layer.n_in, layer.n_out):
                        labelled.append(edge)
            # preferably a little towards the end of the edge where fewer edges meet
            segments = [(e.line().x1(), e.line().y1(), e.line().x2(), e.line().y2()) for e in labelled]
            size = _label_size()
            for edge, place in zip(labelled, place_labels(segments, size, obstacles,
                                                          0.58 if n_in <= n_out else 0.42)):
                if place is not None:  # else no label: the tooltip and the inspector say the weight
                    edge.label = self._edge_label()
                    edge.label_at, edge.label_lift = place[0], place[1] * size[1]
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-24, -16, 24, 16))
        self.refresh()
        self._show_selection()
        if self._auto_fit:
            self._fit()

    def _label_obstacles(self) -> list[Rect]:
        """What edge labels keep clear of: the nodes, with room for their texts below."""
        below = QFontMetricsF(appearance().font(SMALL_PX))
        below_w = below.horizontalAdvance(f"b {fmt(-1.0)}  Δ{signed(-1.0)}")
        below_h = 2 * below.lineSpacing()
        rects: list[Rect] = []
        for node in self.nodes.values():
            r = node.sceneBoundingRect()
            rects.append((r.left(), r.top(), r.right(), r.bottom()))
            x, y = node.pos().x(), r.bottom() + 2
            rects.append((x - below_w / 2, y, x + below_w / 2, y + below_h))
        return rects

    def _column_header(self, p: int, n: int, x: float, y: float) -> None:
        layers = self.document.network.layers
        title = appearance().notation(len(layers)).column_title(p)
        if p > 0:
            title += f" · {layers[p - 1].activation}"
        item = QGraphicsSimpleTextItem(f"{title} ({n})")
        item.setFont(appearance().font(TITLE_PX, bold=True))
        item.setBrush(QBrush(_colours().text))
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
            item.setFont(appearance().font(VALUE_PX))
            item.setBrush(QBrush(_colours().text))
            r = item.boundingRect()
            dx = -_radius() - 8 - r.width() if p == 0 else _radius() + 8
            item.setPos(node.pos().x() + dx, node.pos().y() - r.height() / 2)
            self.scene().addItem(item)

    def _edge_label(self) -> "EdgeLabel":
        item = EdgeLabel()
        self.scene().addItem(item)
        return item

    # ---------------------------------------------------------------- changes
    def _parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [(l.weights.copy(), l.biases.copy()) for l in self.document.network.layers]

    def _forget_changes(self) -> None:
        """Another project: nothing is marked, the next change is measured from its network."""
        self._before = self._parameters()
        if self.changes is not None:
            self.changes = None
            self.refresh()

    def _on_document_step(self) -> None:
        """The undo stack moved (a step, a run's result, an edit, an undo): mark what it changed."""
        now = self._parameters()
        changes = _difference(self._before, now)
        self._before = now
        if not _same_changes(changes, self.changes):
            self.changes = changes
            self.refresh()
            self._keep_marks_in_view()

    def _keep_marks_in_view(self) -> None:
        scene = self.scene()
        if self._auto_fit and not scene.sceneRect().contains(scene.itemsBoundingRect()):
            self._fit()  # the marks and their labels stay in view

    def _show_changes(self) -> None:
        changes = self.changes
        colour = QColor(_colours().change)
        colour.setAlpha(120)
        largest = max((max(float(np.abs(dw).max(initial=0)), float(np.abs(db).max(initial=0)))
                       for dw, db in changes), default=0.0) if changes else 0.0
        for key, edge in self.edges.items():
            change = float(changes[key[1]][0][key[2], key[3]]) if largest else 0.0
            if change == 0.0:
                edge.glow.hide()
                continue
            width = 2.0 + GLOW_WIDTH * abs(change) / largest
            edge.glow.setPen(QPen(colour, round(width * 4) / 4, Qt.PenStyle.SolidLine,
                                  Qt.PenCapStyle.FlatCap))
            edge.glow.show()
        for key, node in self.nodes.items():
            change = float(changes[key[1]][1][key[2]]) if largest and key[0] == "node" else 0.0
            if change == 0.0:
                node.ring.hide()
                continue
            grow = 2.0 + RING_WIDTH * abs(change) / largest
            node.ring.setRect(-_radius() - grow / 2, -_radius() - grow / 2, 2 * _radius() + grow, 2 * _radius() + grow)
            node.ring.setPen(QPen(colour, grow))
            node.ring.show()
        self._glows.refresh()

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
        changes = self.changes
        for key, edge in self.edges.items():
            positive, width, w = styles[key]
            self._set_edge_pen(edge, bool(positive), float(width), key == sel)
            if edge.label is not None:
                text = fmt(float(w))
                change = float(changes[key[1]][0][key[2], key[3]]) if changes else 0.0
                if change:
                    text += f"\nΔ{signed(change)}"
                self._place_label(edge, text)
        self._show_changes()
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
        colours = _colours()
        changes = self.changes
        for key, node in self.nodes.items():
            if key[0] == "input":
                node.setBrush(QBrush(colours.input_fill))
                node.set_texts(fmt(float(x[key[1]])) if x is not None else "", "")
                continue
            _, li, j = key
            layer = net.layers[li]
            lt = trace.layers[li] if trace is not None and li < len(trace.layers) else None
            a = _row_of(lt.a, r) if lt is not None else None
            delta = _row_of(lt.delta, r) if lt is not None else None
            value = float(a[j]) if a is not None else None
            node.setBrush(QBrush(self._fill(layer.activation, value, colours)))
            below = f"b {fmt(float(layer.biases[j]))}"
            change = float(changes[li][1][j]) if changes else 0.0
            if change:
                below += f"  Δ{signed(change)}"
            if delta is not None:
                below += f"\nδ {fmt(float(delta[j]))}"
            node.set_texts(fmt(value) if value is not None else "", below)
        self._show_selection()

    @staticmethod
    def _place_label(edge: EdgeItem, text: str) -> None:
        line = edge.line()
        colour = edge.pen().color()
        edge.label.show_text(text, colour if appearance().is_dark() else colour.darker(135),
                             line.p1() + (line.p2() - line.p1()) * edge.label_at
                             + QPointF(0.0, edge.label_lift))

    @staticmethod
    def _fill(activation: str, value: float | None, colours) -> QColor:
        low, high = colours.node_low, colours.node_high
        if value is None or not np.isfinite(value):
            return low
        lo, hi = get_activation(activation).value_range
        if np.isfinite(lo) and np.isfinite(hi):
            t = (value - lo) / (hi - lo)
        else:
            t = 0.5 + 0.5 * np.tanh(value)
        t = min(max(float(t), 0.0), 1.0)  # plain floats: NumPy's clip costs ~15 µs a node
        return QColor.fromRgbF(
            low.redF() + t * (high.redF() - low.redF()),
            low.greenF() + t * (high.greenF() - low.greenF()),
            low.blueF() + t * (high.blueF() - low.blueF()))

    def _show_selection(self) -> None:
        sel = self.document.selection
        outline = _colours().outline
        for key, node in self.nodes.items():
            chosen = key == sel
            node.setPen(QPen(outline, 4.0 if chosen else 1.4))
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
        """The palette's positive and negative colours (negative dashed in the colour-blind
        palette); wider when selected. Flat caps: antialiased round caps cost several times
        more to paint."""
        width += 3 if selected else 0
        style = (positive, width, selected)
        if style == edge.style:
            return
        edge.style = style
        pen = _PENS.get(style)
        if pen is None:
            colours = _colours()
            color = colours.positive if positive else colours.negative
            if selected:
                color = color.lighter(150) if appearance().is_dark() else color.darker(170)
            pen = _PENS[style] = QPen(color, width)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            if not positive and colours.dashed_negative:
                pen.setDashPattern([4.0, 1.5])
        edge.setPen(pen)

    # --------------------------------------------------------------- tooltips
    def tooltip_for(self, key: tuple) -> str:
        """The hover text of a node or edge, named in words and symbols: s, a, delta, or
        weight, gradient, last change."""
        doc = self.document
        net, trace, r = doc.network, doc.shown_trace, self._trace_row()
        names = appearance().notation(len(net.layers))
        data = doc.project.data
        if key[0] == "input":
            lines = [names.input_words(key[1], data.inputs[key[1]] if data is not None else None)]
            if trace is not None:
                lines.append(f"x = {fmt(float(_row_of(trace.input, r)[key[1]]))}")
            return "\n".join(lines)
        if key[0] == "node":
            _, li, j = key
            lines = [f"{names.node_words(li, j)} ({net.layers[li].activation})",
                     f"{names.bias(li, j)} (bias) = {fmt(float(net.layers[li].biases[j]))}"]
            lt = trace.layers[li] if trace is not None else None
            for what in ("s", "a", "delta"):
                arr = _row_of(getattr(lt, what), r) if lt is not None else None
                symbol = names.symbol(what, li, j).plain()
                lines.append(f"{symbol} = {fmt(float(arr[j])) if arr is not None else '–'}")
            return "\n".join(lines)
        _, li, j, i = key
        column = data.inputs[i] if data is not None and li == 0 else None
        lines = [f"{names.weight_words(li, j, i, column)}",
                 f"{names.weight(li, j, i)} = {fmt(float(net.layers[li].weights[j, i]))}"]
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
        """Show the whole network, and keep it in view as the window changes (View > Fit to Window)."""
        self._auto_fit = True
        if self._gaps_differ(1.0):
            self.rebuild()
        else:
            self._fit()

    def _fit(self) -> None:
        """Scale the whole scene into the view (at most MAX_SCALE), centred."""
        self._auto_fit = True
        # marks and labels too, and the room the nodes' texts take once a step fills them in
        rect = self.scene().itemsBoundingRect().united(self._texts_room).adjusted(-12, -8, 12, 8)
        self.scene().setSceneRect(rect)
        view = self.viewport().rect()
        scale = min((view.width() - 4) / rect.width(), (view.height() - 4) / rect.height(), MAX_SCALE)
        self.resetTransform()
        self.scale(scale, scale)
        self.centerOn(rect.center())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._auto_fit:
            if self._gaps_differ(0.08 * self._column_gap):
                self.rebuild()  # a different shape of view: the columns spread or close up
            else:
                self._fit()

    def render_image(self, scale: float = 2.0) -> QImage:
        """The whole scene as an image (for File > Export canvas PNG)."""
        rect = self.scene().sceneRect()
        image = QImage(int(rect.width() * scale), int(rect.height() * scale),
                       QImage.Format.Format_ARGB32)
        image.fill(_colours().background)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.scene().render(painter, QRectF(image.rect()), rect)
        painter.end()
        return image

