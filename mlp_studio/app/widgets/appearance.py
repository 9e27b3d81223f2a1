"""How the app looks: the user's preferences (stored in QSettings), the colours they give,
and presenter mode; every panel reads them here and redraws on ``changed``.

``appearance()`` is the running app's one instance (the main window and every panel share
it; tests get a fresh one per test through ``reset_appearance``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from functools import lru_cache

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QTableView, QWidget

from mlp_studio.core.notation import NOTATIONS, REFERENCE, Notation, number_text

SETTINGS_NAME = "mlp-studio"  # the settings file the shell's ``identity.settings`` opens too
PALETTES = {"default": "Default (blue / red)", "colour_blind": "Colour-blind safe (blue / orange, dashed)"}
THEMES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}
FONT_SCALES = (0.85, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0)
PRESENTER_SCALE = 1.6  # fonts in presenter mode, on top of the chosen scale
TICK_PX = 12  # plots' tick and axis-label text, before scaling
PALE = 0.55  # how far a surface's colours move towards the middle of the scale


def settings() -> QSettings:
    """The app's settings (in the default format, so tests can redirect them)."""
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, SETTINGS_NAME)


@dataclass(frozen=True)
class Preferences:
    """What the user chose in Edit > Preferences."""

    font_scale: float = 1.0
    palette: str = "default"
    theme: str = "system"
    decimals: int = 4
    notation: str = REFERENCE

    def checked(self) -> "Preferences":
        """The same, with every value inside its range (a hand-edited settings file)."""
        return Preferences(
            font_scale=min(max(float(self.font_scale), 0.5), 3.0),
            palette=self.palette if self.palette in PALETTES else "default",
            theme=self.theme if self.theme in THEMES else "system",
            decimals=min(max(int(self.decimals), 1), 8),
            notation=self.notation if self.notation in NOTATIONS else REFERENCE)


@dataclass(frozen=True)
class Colours:
    """The colours a view draws with (one shared instance per palette, theme and contrast:
    copy a colour before changing it). ``positive`` and ``negative`` also draw the two ends of
    the colour scales (low: ``positive``) and the first two curves of a plot; ``surface_mid``
    is the middle of a scale drawn behind points; ``row_fill`` marks the data row in use;
    ``warning``, ``error`` and ``good`` colour notes and answers."""

    positive: QColor
    negative: QColor
    background: QColor
    text: QColor
    muted: QColor
    outline: QColor
    node_low: QColor
    node_high: QColor
    input_fill: QColor
    label_fill: QColor
    change: QColor
    surface_mid: QColor
    row_fill: QColor
    warning: QColor
    error: QColor
    good: QColor
    dashed_negative: bool


@lru_cache(maxsize=16)  # views ask on every redraw; making the QColors took ~14 µs a call
def _colours(palette: str, dark: bool, high_contrast: bool) -> Colours:
    blind = palette == "colour_blind"
    if dark:
        positive = QColor("#56b4e9" if blind else "#5aa9e6")
        negative = QColor("#e69f00" if blind else "#ff7a59")
        base = dict(background=QColor("#1e1f22"), text=QColor("#f2f2f2"),
                    muted=QColor("#f2f2f2" if high_contrast else "#c8c8c8"),
                    outline=QColor("#d0d0d0"), node_low=QColor("#2b2d31"), node_high=QColor("#c77d10"),
                    input_fill=QColor("#33414f"), label_fill=QColor(30, 31, 34, 225),
                    change=QColor("#f5d90a"), surface_mid=QColor("#3a3b40"), row_fill=QColor("#5a4712"),
                    warning=QColor("#f0a04b"), error=QColor("#ff7b7b"), good=QColor("#7bd88f"))
    else:
        positive = QColor("#0072b2" if blind else "#1f6fb4")
        negative = QColor("#d55e00" if blind else "#d6401a")
        base = dict(background=QColor("#ffffff"), text=QColor("#111111"),
                    muted=QColor("#111111" if high_contrast else "#3d3d3d"),
                    outline=QColor("#2a2a2a"), node_low=QColor("#ffffff"), node_high=QColor("#f2a541"),
                    input_fill=QColor("#e8eef5"), label_fill=QColor(255, 255, 255, 225),
                    change=QColor("#9b30d9"), surface_mid=QColor("#f4f4f4"), row_fill=QColor("#fff2cc"),
                    warning=QColor("#9a4b00"), error=QColor("#b00020"), good=QColor("#1b7f3a"))
    return Colours(positive=positive, negative=negative, dashed_negative=blind, **base)


def _dark_palette() -> QPalette:
    p = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#2b2d31"), (QPalette.ColorRole.WindowText, "#eeeeee"),
                         (QPalette.ColorRole.Base, "#1e1f22"), (QPalette.ColorRole.AlternateBase, "#2b2d31"),
                         (QPalette.ColorRole.Text, "#eeeeee"), (QPalette.ColorRole.Button, "#35373c"),
                         (QPalette.ColorRole.ButtonText, "#eeeeee"), (QPalette.ColorRole.Highlight, "#3d7fd9"),
                         (QPalette.ColorRole.HighlightedText, "#ffffff"), (QPalette.ColorRole.ToolTipBase, "#35373c"),
                         (QPalette.ColorRole.ToolTipText, "#eeeeee"), (QPalette.ColorRole.PlaceholderText, "#999999")):
        p.setColor(role, QColor(colour))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#808080"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#808080"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#808080"))
    return p


class Appearance(QObject):
    """The preferences in force, presenter mode, and what follows from them."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._presenter = False
        self._system_palette: QPalette | None = None  # the system's, while a theme replaces it
        self.prefs = self._load()
        self._apply_palette()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._on_system_scheme)

    # ------------------------------------------------------------- storage
    @staticmethod
    def _load() -> Preferences:
        store = settings()
        defaults = Preferences()
        values = {}
        for f in fields(Preferences):
            value = store.value(f"preferences/{f.name}", getattr(defaults, f.name))
            try:
                values[f.name] = type(getattr(defaults, f.name))(value)
            except (TypeError, ValueError):
                values[f.name] = getattr(defaults, f.name)
        return Preferences(**values).checked()

    def set_preferences(self, prefs: Preferences) -> None:
        """Use and store ``prefs``; every view redraws."""
        prefs = prefs.checked()
        store = settings()
        for name, value in asdict(prefs).items():
            store.setValue(f"preferences/{name}", value)
        if prefs != self.prefs:
            self.prefs = prefs
            self._apply_palette()
            self.changed.emit()

    def update(self, **changes) -> None:
        self.set_preferences(replace(self.prefs, **changes))

    # ------------------------------------------------------------ presenter
    @property
    def presenter(self) -> bool:
        return self._presenter

    def set_presenter(self, on: bool) -> None:
        if on != self._presenter:
            self._presenter = on
            self.changed.emit()

    # ------------------------------------------------------------- derived
    @property
    def font_scale(self) -> float:
        return self.prefs.font_scale * (PRESENTER_SCALE if self._presenter else 1.0)

    def px(self, size: float) -> int:
        """A font size in pixels, scaled by the preference (and presenter mode)."""
        return max(6, round(size * self.font_scale))

    def font(self, size: float, bold: bool = False) -> QFont:
        font = QFont()
        font.setPixelSize(self.px(size))
        font.setBold(bold)
        return font

    def is_dark(self) -> bool:
        if self.prefs.theme != "system":
            return self.prefs.theme == "dark"
        app = QGuiApplication.instance()
        if app is None:
            return False
        return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128

    def colours(self) -> Colours:
        return _colours(self.prefs.palette, self.is_dark(), self._presenter)

    def notation(self, n_layers: int) -> Notation:
        return Notation(self.prefs.notation, n_layers)

    def number(self, value: float, decimals: int | None = None) -> str:
        """``value`` with the chosen number of decimals (never "−0.0000")."""
        return number_text(value, self.prefs.decimals if decimals is None else decimals)

    def _apply_palette(self) -> None:
        """An explicit light or dark theme sets the application's palette; "system" restores it."""
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        if self.prefs.theme == "system":
            self.restore_system_palette()
            return
        if self._system_palette is None:
            self._system_palette = QPalette(app.palette())
        app.setPalette(_dark_palette() if self.prefs.theme == "dark" else app.style().standardPalette())

    def restore_system_palette(self) -> None:
        """Give the application back the palette it had before a theme replaced it."""
        if self._system_palette is not None:
            QApplication.setPalette(self._system_palette)
            self._system_palette = None

    def _on_system_scheme(self) -> None:
        """The system switched between light and dark: views following it redraw."""
        if self.prefs.theme == "system":
            self.changed.emit()


_current: Appearance | None = None


def appearance() -> Appearance:
    """The running app's appearance (made on first use)."""
    global _current
    if _current is None:
        _current = Appearance(QApplication.instance())
    return _current


def reset_appearance() -> None:
    """Forget the instance (the next ``appearance()`` reads the settings again); for tests."""
    global _current
    if _current is not None:
        _current.restore_system_palette()
        _current.deleteLater()
    _current = None


def colour_scale(colours: Colours, pale: bool = False):
    """A pyqtgraph colour map from ``positive`` (low) through ``surface_mid`` to ``negative``
    (high); ``pale``: each end moved ``PALE`` of the way to the middle (a surface drawn
    behind points filled with the full colours)."""
    import pyqtgraph as pg

    mid = colours.surface_mid

    def end(colour: QColor) -> tuple[int, int, int]:
        share = PALE if pale else 0.0
        return tuple(round(a + (b - a) * share) for a, b in
                     zip(colour.getRgb()[:3], mid.getRgb()[:3]))
    return pg.ColorMap(pos=[0.0, 0.5, 1.0], color=[end(colours.positive), mid.getRgb()[:3],
                                                   end(colours.negative)])


def line_width(width: float) -> float:
    """A plot line's width, scaled with the text (thicker in presenter mode)."""
    return width * max(1.0, appearance().font_scale)


class _PlotStyler(QObject):
    """Restyles one plot widget on every appearance change (a child of the widget, so the
    connection ends with it): its background, every axis (colour bars' too) and every title
    or label in its scene."""

    def __init__(self, plot_widget) -> None:
        super().__init__(plot_widget)
        self.plot_widget = plot_widget
        appearance().changed.connect(self.apply)
        self.apply()

    def apply(self) -> None:
        import pyqtgraph as pg

        look = appearance()
        colours = look.colours()
        widget = self.plot_widget
        widget.setBackground(colours.background)
        font = look.font(TICK_PX)
        for item in widget.scene().items():
            if isinstance(item, pg.AxisItem):
                item.setPen(pg.mkPen(colours.muted, width=line_width(1.0)))
                item.setTextPen(colours.text)
                item.setTickFont(font)
                item.label.setFont(font)
                item.showLabel(item.label.isVisible())  # the axis makes room for the label's new size
            elif isinstance(item, pg.LabelItem):
                item.opts["color"] = colours.text  # titles set later take it too
                if item.text:
                    item.setText(item.text)


def style_plot(plot_widget) -> _PlotStyler:
    """Background, axis colours and tick fonts of a pyqtgraph PlotWidget (or
    GraphicsLayoutWidget) from the appearance, now and after every change; a layout that
    adds plots later calls the returned styler's ``apply``."""
    return _PlotStyler(plot_widget)


class _FontFollower(QObject):
    """Sets one widget's font (its children inherit it) to the application's, scaled like the
    text; a table's rows grow with it."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.widget = widget
        appearance().changed.connect(self.apply)
        self.apply()

    def apply(self) -> None:
        font = QFont(QApplication.font())
        scale = appearance().font_scale
        if font.pixelSize() > 0:
            font.setPixelSize(max(6, round(font.pixelSize() * scale)))
        else:
            font.setPointSizeF(font.pointSizeF() * scale)
        self.widget.setFont(font)
        rows = QFontMetrics(font).height() + 6
        for table in [self.widget, *self.widget.findChildren(QTableView)]:
            if isinstance(table, QTableView):
                table.verticalHeader().setDefaultSectionSize(rows)


class _TextColour(QObject):
    """Keeps one label's text in a colour of the appearance (``warning``, ``error``, ``good``),
    or in the palette's for ``None``."""

    def __init__(self, label: QLabel) -> None:
        super().__init__(label)
        self.label, self.role = label, None
        appearance().changed.connect(self.apply)

    def apply(self) -> None:
        colour = getattr(appearance().colours(), self.role).name() if self.role else None
        self.label.setStyleSheet(f"color: {colour};" if colour else "")


def colour_text(label: QLabel, role: str | None) -> None:
    """Draw ``label``'s text in the appearance's ``role`` colour (``None``: the palette's),
    now and after every change."""
    follower = label.findChild(_TextColour) or _TextColour(label)
    follower.role = role
    follower.apply()


def follow_font(widget: QWidget) -> None:
    """Scale ``widget``'s text (tables, lists, labels) with the text-size preference and
    presenter mode, now and after every change."""
    _FontFollower(widget)
