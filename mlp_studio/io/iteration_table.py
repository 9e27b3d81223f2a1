"""The lab's iteration table, laid out like the reference document's:
per variable the old value, the gradient component and the new value, then f
at the new point. Row 0 is the start point (only the new values and f)."""

from __future__ import annotations

import csv
import io
import math
from typing import Sequence

from mlp_studio.core.minimize import Iteration

Cell = float | None
COMPACT_FROM = 1e6  # magnitudes from here on are shown in exponent form in a narrow column


def table_columns(variables: Sequence[str]) -> list[str]:
    cols = ["k"]
    for v in variables:
        cols += [f"{v}_old", f"df/d{v}", f"{v}_new"]
    return cols + ["f"]


def table_row(iterations: Sequence[Iteration], k: int) -> list[Cell]:
    """Row ``k``: the step from iteration k-1 to iteration k."""
    new = iterations[k]
    prev = iterations[k - 1] if k else None
    row: list[Cell] = [float(k)]
    for i in range(new.x.size):
        row += [
            None if prev is None else float(prev.x[i]),
            None if prev is None else float(prev.grad[i]),
            float(new.x[i]),
        ]
    return row + [float(new.f)]


def table_rows(iterations: Sequence[Iteration]) -> list[list[Cell]]:
    return [table_row(iterations, k) for k in range(len(iterations))]


def format_cell(value: Cell, decimals: int | None = 4) -> str:
    """Blank for None; ``decimals`` places (exponent form from 1e9 on), or with
    ``decimals=None`` the shortest text that reads back as the same float."""
    if value is None:
        return ""
    if not math.isfinite(value):
        return str(value)
    if decimals is None:
        return repr(value)
    if abs(value) >= 1e9:
        return f"{value:.{decimals}e}"
    text = f"{value:.{decimals}f}"
    return "0." + "0" * decimals if text == "-0." + "0" * decimals else text


def compact_cell(value: Cell) -> str:
    """For a narrow column on screen, at most nine characters: 4 decimals below 1000, fewer
    above (seven digits in all), from ``COMPACT_FROM`` on three digits and a bare exponent
    ("-1.05e12")."""
    if value is None or not math.isfinite(value) or abs(value) < 1000:
        return format_cell(value, 4)
    if abs(value) >= COMPACT_FROM:
        mantissa, exponent = f"{value:.2e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    return format_cell(value, 7 - len(str(int(abs(value)))))


def _text_rows(iterations: Sequence[Iteration], decimals: int | None) -> list[list[str]]:
    rows = []
    for row in table_rows(iterations):
        rows.append([str(int(row[0]))] + [format_cell(c, decimals) for c in row[1:]])
    return rows


def iterations_csv(variables: Sequence[str], iterations: Sequence[Iteration], decimals: int | None = None) -> str:
    """CSV with a header line; full precision unless ``decimals`` is given."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table_columns(variables))
    writer.writerows(_text_rows(iterations, decimals))
    return out.getvalue()


def iterations_markdown(variables: Sequence[str], iterations: Sequence[Iteration], decimals: int = 4) -> str:
    """A Markdown table with ``decimals`` places, numbers right-aligned."""
    header = table_columns(variables)
    rows = _text_rows(iterations, decimals)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = [
        "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |",
        "|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|",
    ]
    lines += ["| " + " | ".join(c.rjust(w) for c, w in zip(r, widths)) + " |" for r in rows]
    return "\n".join(lines) + "\n"
