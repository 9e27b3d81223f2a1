"""Draw the MLP Studio icon (a small 2-3-1 network).

Writes resources/mlp-studio.png and .svg (bundled, used by the desktop entry and the
window) and the installers' icons packaging/windows/mlp-studio.ico and
packaging/macos/mlp-studio.icns.

Run from the repository root: ``QT_QPA_PLATFORM=offscreen python packaging/make_icon.py``.
The outputs are committed; rerun only when the drawing changes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter, QPen, QRadialGradient
from PySide6.QtSvg import QSvgGenerator

SIZE = 256
LAYERS = [[96.0, 160.0], [64.0, 128.0, 192.0], [128.0]]  # node y positions per layer
LAYER_X = [56.0, 128.0, 200.0]
RADIUS = 19.0
NODE_COLOURS = ["#4f9de0", "#f0a33a", "#5cc27a"]  # inputs, hidden, output


def draw(painter: QPainter) -> None:
    """Paint the icon on a SIZE x SIZE surface."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#1f2a3a"))
    painter.drawRoundedRect(QRectF(8, 8, SIZE - 16, SIZE - 16), 44, 44)

    for layer in range(len(LAYERS) - 1):
        for i, y0 in enumerate(LAYERS[layer]):
            for j, y1 in enumerate(LAYERS[layer + 1]):
                colour = QColor("#9fc6ff" if (i + j) % 2 == 0 else "#ffb27a")
                colour.setAlpha(210)
                painter.setPen(QPen(colour, 5.0 if (i + j) % 3 == 0 else 3.0,
                                    Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
                painter.drawLine(QPointF(LAYER_X[layer], y0), QPointF(LAYER_X[layer + 1], y1))

    for layer, ys in enumerate(LAYERS):
        base = QColor(NODE_COLOURS[layer])
        for y in ys:
            centre = QPointF(LAYER_X[layer], y)
            gradient = QRadialGradient(centre - QPointF(6, 6), RADIUS * 1.4)
            gradient.setColorAt(0.0, base.lighter(150))
            gradient.setColorAt(1.0, base.darker(115))
            painter.setPen(QPen(QColor("#f4f7fb"), 3.0))
            painter.setBrush(QBrush(gradient))
            painter.drawEllipse(centre, RADIUS, RADIUS)


def main(root: Path) -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # fonts, paint engines
    image = QImage(SIZE, SIZE, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    draw(painter)
    painter.end()
    out_dir = root / "resources"
    outputs = [out_dir / "mlp-studio.png", root / "packaging" / "windows" / "mlp-studio.ico",
               root / "packaging" / "macos" / "mlp-studio.icns"]
    for path in outputs:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(path)):
            print(f"could not write {path}", file=sys.stderr)
            return 1

    svg = QSvgGenerator()
    svg.setFileName(str(out_dir / "mlp-studio.svg"))
    svg.setSize(QSize(SIZE, SIZE))
    svg.setViewBox(QRectF(0, 0, SIZE, SIZE))
    svg.setTitle("MLP Studio")
    painter = QPainter(svg)
    draw(painter)
    painter.end()
    print("wrote", ", ".join(str(p) for p in [*outputs, out_dir / "mlp-studio.svg"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(__file__).resolve().parent.parent))
