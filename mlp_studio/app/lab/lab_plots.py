"""The gradient-descent lab's plot pieces: its colours (from the app's appearance), a
plot widget styled like the app's others, the note a divergent run puts on a plot, and
the plot of f per iteration."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from mlp_studio.app.widgets.appearance import appearance, style_plot
from mlp_studio.app.widgets.plot_range import value_range

PATH_COLOR = QColor(214, 39, 40)
PATH_SYMBOLS_UP_TO = 200  # points drawn with a symbol; a longer path is a plain line
LOG_RATIO = 100.0  # positive values spanning more than this ratio are plotted on a log axis
NOTE_OFFSET = 6  # pixels from the plot's top-left corner to its note
WHOLE_TICKS_UP_TO = 10  # iterations shown with a tick at each whole number
OFF_CHART_STRIP = 0.1  # the strip for values off the chart, as a share of the value range


@dataclass(frozen=True)
class LabColours:
    """What the lab draws with, for the light or the dark look."""

    background: QColor
    text: QColor
    muted: QColor
    curve: QColor
    tangent: QColor
    error: QColor
    good: QColor
    contour: QColor
    bands: tuple[tuple[int, int, int], ...]


def lab_colours() -> LabColours:
    colours = appearance().colours()
    dark = appearance().is_dark()
    return LabColours(
        background=colours.background, text=colours.text, muted=colours.muted,
        curve=QColor("#7fb2ff" if dark else "#1f50a0"),
        tangent=QColor("#ffa640" if dark else "#e07000"),
        error=QColor("#ff7b7b" if dark else "#b00020"),
        good=QColor("#7bd88f" if dark else "#1b5e20"),
        contour=QColor(235, 235, 235, 80) if dark else QColor(30, 30, 30, 120),
        bands=((28, 52, 92), (58, 104, 128), (120, 132, 118)) if dark
        else ((58, 96, 156), (150, 196, 214), (246, 240, 222)),
    )


def set_up_plot(plot: pg.PlotWidget, left: str, bottom: str) -> None:
    """Axis titles, a faint grid, the app's background, axis colours and fonts, and plain
    numbers on the axes (no "(x1e+27)" scale factors)."""
    plot.setLabel("left", left)
    plot.setLabel("bottom", bottom)
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.setMenuEnabled(False)
    for name in ("left", "bottom"):
        plot.getAxis(name).enableAutoSIPrefix(False)
    style_plot(plot)


def lab_plot(left: str, bottom: str) -> pg.PlotWidget:
    plot = pg.PlotWidget()
    set_up_plot(plot, left, bottom)
    return plot


class PlotNote(pg.TextItem):
    """A line of text pinned to the top-left corner of a plot's view, whatever its range."""

    def __init__(self, plot: pg.PlotWidget) -> None:
        super().__init__("", anchor=(0, 0))
        self.setParentItem(plot.getPlotItem().getViewBox())  # view pixels, not data coordinates
        self.setPos(NOTE_OFFSET, NOTE_OFFSET)
        self.setZValue(100)
        self.hide()

    def say(self, text: str) -> None:
        """Show ``text`` in the error colour on the plot's background (hide when empty)."""
        colours = lab_colours()
        self.setVisible(bool(text))
        self.setFont(appearance().font(13, bold=True))
        self.setColor(colours.error)
        fill = QColor(colours.background)
        fill.setAlpha(220)
        self.fill = pg.mkBrush(fill)
        self.setText(text)


class IterationPlot(pg.PlotWidget):
    """f per iteration. Values of a divergent run past the part worth plotting are marked
    by triangles in a strip along the edge they left through, so the axes keep a readable
    range; the title says where the run diverged."""

    def __init__(self) -> None:
        super().__init__()
        set_up_plot(self, "f", "iteration")
        self.curve = self.plot(symbolSize=6)
        self.off_chart = self.plot(pen=None, symbolSize=10)
        self.getPlotItem().disableAutoRange()
        self._note = ""
        self.restyle()
        appearance().changed.connect(self.restyle)

    def restyle(self) -> None:
        """Colours, title and its size from the appearance."""
        look, colours = appearance(), lab_colours()
        item = self.getPlotItem()
        title = self._note or "f per iteration"  # short: a long title widens the plot past its widget
        colour = colours.error if self._note else colours.text
        item.setTitle(title, color=colour.name(), size=f"{look.px(13)}px", bold=bool(self._note))
        item.layout.setRowFixedHeight(0, look.px(13) * 2)
        self.curve.setPen(pg.mkPen(PATH_COLOR, width=2))
        self.curve.setSymbolBrush(PATH_COLOR)
        self.curve.setSymbolPen(None)
        self.off_chart.setSymbolBrush(PATH_COLOR)
        self.off_chart.setSymbolPen(pg.mkPen(colours.text, width=1))

    def show_values(self, fs: np.ndarray, keep: int, note: str = "") -> None:
        """Plot ``fs`` (one per iteration), the axes fitted to the first ``keep`` of them;
        ``note`` (where the run diverged) replaces the title."""
        shown = fs[:keep]
        finite = shown[np.isfinite(shown)]
        log = finite.size > 1 and finite.min() > 0 and finite.max() > LOG_RATIO * finite.min()
        self.setLogMode(y=bool(log))
        values = np.log10(finite) if log else finite
        lo, hi = value_range(None, float(values.min()), float(values.max()), nonnegative=False) \
            if values.size else (-1.0, 1.0)
        with np.errstate(all="ignore"):
            rest = np.log10(fs[keep:]) if log else fs[keep:]
        below = rest < lo
        above = ~(rest <= hi) & ~below  # past the top, infinite, or not a number
        strip = OFF_CHART_STRIP * (hi - lo)
        marks = np.where(above, hi + strip / 2, np.where(below, lo - strip / 2, rest))
        item = self.getPlotItem()
        item.setXRange(0, max(len(fs) - 1, 1), padding=0.07)
        if len(fs) <= WHOLE_TICKS_UP_TO:  # iterations are whole numbers: no tick at 0.5
            item.getAxis("bottom").setTickSpacing(1.0, 1.0)
        else:
            item.getAxis("bottom").setTickSpacing()
        item.setYRange(lo - strip * below.any(), hi + strip * above.any(), padding=0)
        self.curve.setData(np.arange(keep), shown, symbol="o" if keep <= PATH_SYMBOLS_UP_TO else None)
        self.off_chart.setData(np.arange(keep, len(fs)), 10.0 ** marks if log else marks,
                               symbol=["t1" if a else "t" if b else "o" for a, b in zip(above, below)])
        if note != self._note:
            self._note = note
            self.restyle()
