"""The math panel: the shown sub-step's formulas with the trace's numbers filled in.

The formulas come from ``mlp_studio.io.formula_text`` (HTML style); this panel
only lays them out (equals signs aligned in a table), adds headings, the loss
before and after, and the output against the target in the data's own units
(``dataset.target_scaler.inverse``). It reads the document's one trace, so its
numbers are the canvas's and the inspector's. Symbols, decimals and text size follow
the appearance (notation, decimals, font scale, presenter mode); when every sub-step
is shown, the panel scrolls to the last one (the update), not the top.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterable, Iterator

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtWidgets import QTextBrowser, QWidget

from mlp_studio.app.widgets.appearance import appearance
from mlp_studio.app.widgets.refresh import Refresher
from mlp_studio.core.dataset import Dataset
from mlp_studio.core.trace import PHASE_UPDATE, StepTrace, phases_for
from mlp_studio.io.formula_text import loss_formulas, phase_formulas

#: longest list of entries per sub-step before "… (n more)"
MAX_ENTRIES = 60
#: HTML laid out at a time (a millisecond or two each)
CHUNK_CHARS = 1500
#: layout time per event-loop turn after the first (chunks are appended until it is used up)
CHUNK_BUDGET_S = 0.006
_INDENT = "&nbsp;&nbsp;&nbsp;&nbsp;= "

STYLE = """
body {{ font-size: {body}px; }}
h2 {{ font-size: {h2}px; margin: 6px 0 2px 0; }}
h3 {{ font-size: {h3}px; margin: 12px 0 2px 0; color: {accent}; }}
h4 {{ font-size: {body}px; margin: 8px 0 0 0; color: {muted}; }}
table.eq {{ margin: 2px 0 8px 12px; }}
td.lhs {{ text-align: right; padding-right: 4px; white-space: nowrap; }}
table.num td, table.num th {{ padding: 2px 5px; white-space: nowrap; }}
table.num th {{ background: {header}; }}
td.n {{ text-align: right; font-family: monospace; }}
.muted {{ color: {muted}; }}
.warn {{ color: {warn}; }}
"""


def style_sheet() -> str:
    """The panel's style sheet at the appearance's font scale and colours."""
    look = appearance()
    dark = look.is_dark()
    muted = look.colours().muted.name()
    return STYLE.format(body=look.px(15), h2=look.px(18), h3=look.px(16), muted=muted,
                        accent="#8cc4ff" if dark else "#1f4e79", header="#33414f" if dark else "#e8eef5",
                        warn="#ff8a80" if dark else "#a33")


def phase_anchor(index: int) -> str:
    return f"phase{index}"


def aligned(block: str) -> str:
    """One formula_text HTML block as a table whose equals signs line up."""
    rows = []
    for line in block.split("<br>"):
        if line.startswith(_INDENT):
            lhs, rhs = "", line[len(_INDENT):]
        elif " = " in line:
            lhs, rhs = line.split(" = ", 1)
        else:
            return f"<p>{block}</p>"
        rows.append(f'<tr><td class="lhs">{lhs}</td><td>=</td><td>{rhs}</td></tr>')
    return '<table class="eq" cellspacing="0" cellpadding="1">' + "".join(rows) + "</table>"


def _num(v: float) -> str:
    return f"{v:.4f}".replace("-", "\u2212")


def _units(v: float) -> str:
    return f"{v:.6g}".replace("-", "\u2212")


def _phase_parts(trace: StepTrace, index: int) -> list[str]:
    """A sub-step's heading and formula blocks (HTML pieces, in order)."""
    phases = phases_for(len(trace.layers))
    phase = phases[index]
    look = appearance()
    names = look.notation(len(trace.layers))
    entries = phase_formulas(trace, phase, style="html", max_entries=MAX_ENTRIES,
                             digits=look.prefs.decimals, notation=look.prefs.notation)
    parts = [f'<a name="{phase_anchor(index)}"></a><h3>{index + 1}. {html.escape(names.phase_title(phase.kind, phase.layer))}</h3>']
    if phase.kind == PHASE_UPDATE and len(entries) == sum(
            lt.weights_before.size + lt.biases_before.size for lt in trace.layers):
        # One heading per layer: the entries come layer by layer.
        start = 0
        for i, lt in enumerate(trace.layers):
            count = lt.weights_before.size + lt.biases_before.size
            name = names.layer_name(i)
            name = name[0].upper() + name[1:]
            parts.append(f"<h4>{name} (η = {_num(trace.learning_rate)}"
                         + (f", momentum μ = {_num(trace.momentum)}" if trace.momentum else "") + ")</h4>")
            parts += [aligned(e) for e in entries[start:start + count]]
            start += count
    else:
        parts += [aligned(e) for e in entries]
    return parts


def _header(trace: StepTrace, data: Dataset | None) -> str:
    rows = trace.rows
    if trace.is_batch:
        how = "mean" if trace.reduction == "mean" else "sum"
        title = f"Step on a batch of {len(rows)} rows ({how} of the gradients)"
    else:
        title = f"Step on data row {rows[0]}"
    lines = [f"<h2>{title}</h2>"]
    if not trace.is_batch:
        x = np.atleast_1d(trace.input)
        scaled = ", ".join(_num(v) for v in x)
        text = f"input <i>x</i> = ({scaled})"
        if data is not None:
            raw = ", ".join(f"{html.escape(c)} {_units(v)}" for c, v in zip(
                data.inputs, data.input_scaler.inverse(x[None, :])[0]))
            text += f' <span class="muted">scaled from {raw}</span>'
        lines.append(text + "<br>")
    lines.append(f'<span class="muted">learning rate η = {_num(trace.learning_rate)}, '
                 f"loss {html.escape(trace.loss_name.replace('_', ' '))}</span>")
    return "".join(lines)


def _loss_html(trace: StepTrace) -> str:
    if trace.loss_before is None:
        return ""
    parts = ["<h3>Loss</h3>"]
    look = appearance()
    parts += [aligned(e) for e in loss_formulas(trace, style="html", digits=look.prefs.decimals,
                                                notation=look.prefs.notation)]
    rows = [("before the update", trace.loss_before)]
    if trace.loss_after is not None:
        rows.append(("after the update", trace.loss_after))
        rows.append(("change", trace.loss_after - trace.loss_before))
    where = "the batch" if trace.is_batch else "this row"
    parts.append(f'<table class="num" cellspacing="0"><tr><th>loss on {where}</th><th>value</th></tr>'
                 + "".join(f'<tr><td>{k}</td><td class="n">{_units(v)}</td></tr>' for k, v in rows)
                 + "</table>")
    return "".join(parts)


def output_table(trace: StepTrace, data: Dataset | None) -> str:
    """Output against target, scaled and in the data's own units (one line per row and output)."""
    if trace.output is None:
        return ""
    y = np.atleast_2d(trace.output)
    z = np.atleast_2d(trace.target)
    names = data.targets if data is not None else [f"z[{k}]" for k in range(y.shape[1])]
    head = ("<h3>Output against target</h3>"
            '<table class="num" cellspacing="0"><tr><th>row</th><th>column</th>'
            "<th>y</th><th>z</th>")
    if data is not None:
        y_units, z_units = data.target_scaler.inverse(y), data.target_scaler.inverse(z)
        head += "<th>y, units</th><th>target</th><th>error</th>"
    body = []
    for r, row in enumerate(trace.rows[: len(y)]):
        for k, name in enumerate(names):
            cells = [str(row), html.escape(name), _num(y[r, k]), _num(z[r, k])]
            if data is not None:
                cells += [_units(y_units[r, k]), _units(z_units[r, k]),
                          _units(y_units[r, k] - z_units[r, k])]
            body.append("<tr>" + "".join(
                f'<td class="n">{c}</td>' if i != 1 else f"<td>{c}</td>" for i, c in enumerate(cells))
                + "</tr>")
    note = ('<p class="muted">y and z are scaled; "y, units", the target and the error '
            "(y − target) are in the data's own units.</p>" if data is not None else "")
    return head + "".join(body) + "</table>" + note


def math_parts(trace: StepTrace | None, revealed: int, data: Dataset | None) -> Iterator[str]:
    """The panel's HTML for ``trace`` with ``revealed`` sub-steps shown, as pieces in
    order (each sub-step's formulas are made when its pieces are reached)."""
    if data is None:
        yield "<p>Load data (File ▸ Open CSV) to step through training.</p>"
        return
    if trace is None or revealed == 0:
        yield ("<h2>No step shown</h2><p>Press <b>F10</b> for a forward pass, <b>F8</b> for one "
               "sub-step at a time, or <b>F11</b> for a whole backpropagation update.</p>")
        return
    n = len(phases_for(len(trace.layers)))
    yield _header(trace, data)
    if revealed >= n:
        for i in range(n):
            yield from _phase_parts(trace, i)
    else:
        names = appearance().notation(len(trace.layers))
        done = ", ".join(names.phase_title(p.kind, p.layer)
                         for p in phases_for(len(trace.layers))[: revealed - 1])
        if done:
            yield f'<p class="muted">Done: {html.escape(done)}</p>'
        yield from _phase_parts(trace, revealed - 1)
    yield _loss_html(trace)
    yield output_table(trace, data)


def chunks(parts: Iterable[str], size: int) -> Iterator[str]:
    """``parts`` joined into consecutive chunks of about ``size`` characters (whole parts)."""
    chunk = ""
    for part in parts:
        if chunk and len(chunk) + len(part) > size:
            yield chunk
            chunk = ""
        chunk += part
    if chunk:
        yield chunk


class MathPanel(QTextBrowser):
    """Shows the document's trace as formulas with numbers; redraws from its signals.

    Laying out rich text with many small tables is slow (tens of ms for a whole
    step), so a redraw lays out the first chunk of about CHUNK_CHARS of HTML (the top:
    the header and the first formula) and appends the rest in the next event-loop
    turns, CHUNK_BUDGET_S of layout each (a whole step of the 2-8-1 example, 31 chunks,
    takes about six turns, so its update formulas show within a few frames); redraws
    are coalesced and skipped while the panel is hidden (``mlp_studio.app.widgets.refresh``)."""

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.setObjectName("math_panel")
        self.setOpenLinks(False)
        self._pending: Iterator[str] = iter(())  # HTML chunks still to append
        self._anchor = ""  # the sub-step to scroll to once its chunk is in
        self._more = QTimer(self)
        self._more.setSingleShot(True)
        self._more.setInterval(0)
        self._more.timeout.connect(self._append_chunk)
        self.refresher = Refresher(self, self._redraw)
        for signal in (document.trace_changed, document.data_changed):
            signal.connect(self._on_changed)
        appearance().changed.connect(self._on_appearance)
        self._on_appearance()

    def _on_appearance(self) -> None:
        font = QFont(self.font())
        font.setPixelSize(appearance().px(15))
        self.setFont(font)
        self.document().setDefaultStyleSheet(style_sheet())
        self.refresh()

    def flush(self) -> None:
        """Bring the panel wholly up to date now."""
        self.refresher.flush()
        self._more.stop()
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        for chunk in self._pending:
            cursor.insertHtml(chunk)
            self._scroll_if_there(chunk)

    def refresh(self) -> None:
        """Redraw now, wholly, from the document's trace."""
        self._redraw()
        self.flush()

    def _redraw(self) -> None:
        """Lay out the first chunk now (the top of the panel); the rest a chunk per turn."""
        trace, revealed = self.doc.trace, self.doc.revealed
        # every sub-step shown (an update): follow the last one, the update's formulas
        whole = trace is not None and revealed >= len(phases_for(len(trace.layers))) > 1
        self._anchor = phase_anchor(revealed - 1) if whole else ""
        self._pending = chunks(math_parts(trace, revealed, self.doc.project.data), CHUNK_CHARS)
        first = next(self._pending)
        self.setHtml(first)
        self._scroll_if_there(first)
        self._more.start()

    def _scroll_if_there(self, chunk: str) -> None:
        if self._anchor and f'name="{self._anchor}"' in chunk:
            self.scrollToAnchor(self._anchor)

    def _on_changed(self) -> None:
        """The trace or data changed: drop the chunks still to come; redraw (coalesced)."""
        self._more.stop()
        self._pending = iter(())
        self.refresher.request()

    def _append_chunk(self) -> bool:
        """Append chunks for CHUNK_BUDGET_S (at least one) and schedule the rest; False when
        there was none."""
        deadline = time.perf_counter() + CHUNK_BUDGET_S
        cursor = None
        for chunk in self._pending:
            if cursor is None:
                cursor = self.textCursor()
                cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertHtml(chunk)
            self._scroll_if_there(chunk)
            if time.perf_counter() >= deadline:
                self._more.start()
                break
        return cursor is not None
